/*
 * The detectors' runs on one target: planning them (which commands, with
 * which seeds, options and output files) and reading what each reported
 * when it ends.
 *
 *   static      clang -Wthread-safety on the peer's sources, once
 *   tsan        the TSan build, once per seed; reports in tsan.seedS.<pid>
 *   helgrind    the plain build under Valgrind, once per seed, time
 *               stretched; XML in hg.seedS.<pid>.xml
 *   lockdep,    the plain build, once per seed, shared by the three: the
 *   invariants, RRL-FINDING lines on stderr are routed by their detector
 *   watchdog    field
 *
 * Every file is in <target's build dir>/logs/, emptied first.
 */
#ifndef CK_DETECT_H
#define CK_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "run.h"
#include "target.h"
#include "tools.h"

typedef enum ck_run_kind {
	CK_RUN_STATIC,
	CK_RUN_TSAN,
	CK_RUN_HELGRIND,
	CK_RUN_NATIVE, /* the plain build: lockdep, invariants, watchdog */
} ck_run_kind;

/* What one job is for; the job's ctx. */
typedef struct ck_run {
	ck_target *target;
	ck_run_kind kind;
	uint64_t seed;
	char *logs; /* the target's log directory */
	const ck_options *options;
} ck_run;

/* Append the target's runs to *jobs (growing it; *njobs counts). A
 * detector that cannot run here (its tool is missing) gets an error in
 * the report instead of runs. */
void ck_plan_target(ck_target *t, const ck_options *o, const ck_tools *tools, ck_job ***jobs,
		    size_t *njobs);

/* ck_run_jobs' done() callback: parse a finished run's output into the
 * target's findings. */
void ck_collect_run(ck_job *job, void *arg);

/* The job's ck_run, freed. */
void ck_run_free(ck_job *job);

#endif
