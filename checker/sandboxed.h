/*
 * rrl-check's side of the sandbox: with --sandbox, every build and run of
 * a submission goes through build/checker/rrl-sandbox (sandbox.h), and
 * what the sandbox says about a run (a limit it hit) becomes part of the
 * run's result.
 */
#ifndef CK_SANDBOXED_H
#define CK_SANDBOXED_H

#include <stdbool.h>

#include "options.h"
#include "run.h"
#include "target.h"

#define CK_SANDBOX "build/checker/rrl-sandbox"
/* The caps of one sandboxed build or run: a Helgrind run of the 3C
 * scenarios peaks near 1 GB, a TSan run's shadow memory is mapped but
 * mostly untouched; the peer starts a thread per RPC in flight. */
#define CK_SANDBOX_MEMORY_MB 4096
#define CK_SANDBOX_PROCS 4096
#define CK_SANDBOX_FILE_MB 256

/* Is t's work sandboxed in this check? (--sandbox, and t a submission.) */
bool ck_sandboxed(const ck_options *o, const ck_target *t);

/* Can the sandbox's unprivileged user read the tree at path (its raft/
 * files and the directories down to them)? */
bool ck_sandbox_can_read(const char *path);

/* Make j run under rrl-sandbox: it may read t's tree, write write_dir
 * only; the
 * sandbox's status goes to status_path (outside write_dir). The job's
 * own time limit becomes the sandbox's, and the pool's a backstop. */
void ck_sandbox_wrap(ck_job *j, const ck_options *o, const ck_target *t, const char *write_dir,
		     const char *status_path);

/* After j ended: read its sandbox status, if it had one. A run stopped
 * at the time limit is marked timed out, as if the pool had stopped it;
 * for any other limit the return is one sentence for the report ("it
 * used more than 4096 MB of memory; the sandbox stopped it"), malloc'd;
 * else NULL. A status that is missing or unreadable is said so too. */
char *ck_sandbox_outcome(ck_job *j);
/* How j was sandboxed: "bwrap", or "fallback (why)"; malloc'd, NULL if it
 * was not. */
char *ck_sandbox_mode(const ck_job *j);

#endif
