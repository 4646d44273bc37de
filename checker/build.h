/*
 * Building what the detectors run: the trusted harness once, then each
 * target's raft/ linked against it (or each small program linked with the
 * runtime), with the top-level Makefile.
 */
#ifndef CK_BUILD_H
#define CK_BUILD_H

#include <stddef.h>

#include "options.h"
#include "progress.h"
#include "target.h"

/* Build every target, in parallel. A target that does not compile gets
 * the compiler's message in its build_error and is not run. Returns 0,
 * or -1 if the trusted parts themselves do not build (the message is
 * printed) or the checker was interrupted. */
int ck_build_targets(ck_target *targets, size_t n, const ck_options *o, ck_progress *progress);

#endif
