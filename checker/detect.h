/*
 * The detectors' runs on one target: planning them (which commands, with
 * which seeds, options and output files) and reading what each reported
 * when it ends.
 *
 *   run       once per  build                    feeds its own detector with
 *   static    target    (clang -Wthread-safety)  clang's warnings (static.txt)
 *   tsan      seed      TSan                     TSan's reports (tsan.seedS.<pid>)
 *   helgrind  seed      plain, under Valgrind    Helgrind's XML (hg.seedS.<pid>.xml)
 *   plain     seed      plain                    -
 *
 * Every run but the static one also feeds lockdep, the invariants and the
 * watchdog, which live in every build: the RRL-FINDING lines on its stderr,
 * routed by their detector field; the runner's FAIL lines on its stdout (a
 * crash, a hang); being stopped by the checker. So a bug that shows only
 * under a sanitizer's slower schedule is not lost. The plain run gives the
 * three the schedule of a build without a sanitizer.
 *
 * Every file is in <target's build dir>/logs/ (<kind>.seedS.out and .err
 * for each run's own output), emptied first.
 */
#ifndef CK_DETECT_H
#define CK_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "hunt.h"
#include "options.h"
#include "run.h"
#include "target.h"
#include "tools.h"

/* What one job is for; the job's ctx. */
typedef struct ck_run {
	ck_target *target;
	ck_run_kind kind;
	uint64_t seed;
	const ck_hunt_lane *lane; /* a hunt run's lane, else NULL */
	const char *scenarios;	  /* the runner's -run, or NULL (static, a program) */
	char *logs; /* the target's log directory: where the run's files are */
	const ck_options *options;
	/* The same run planned for other targets (share.h): collected for
	 * each of them too. Their logs are this run's. */
	struct ck_run **sharers;
	size_t nsharers;
} ck_run;

/* Append the target's runs to *jobs (growing it; *njobs counts). A
 * detector that cannot run here (its tool is missing) gets an error in
 * the report instead of runs. */
void ck_plan_target(ck_target *t, const ck_options *o, const ck_tools *tools, ck_job ***jobs,
		    size_t *njobs);

/* Every job of a check; ck_collect_run's arg. */
typedef struct ck_job_list {
	ck_job **jobs;
	size_t n;
} ck_job_list;

/* ck_run_jobs' done() callback: parse a finished run's output into the
 * findings of every detector it feeds, each marked with the run's kind.
 * A hunt run that found something ends its seed's hunt: the other lanes
 * of that target and seed are cancelled (arg, a ck_job_list, or NULL). */
void ck_collect_run(ck_job *job, void *arg);

/* The job's ck_run and its sharers, freed. */
void ck_run_free(ck_job *job);

#endif
