/*
 * The command line of rrl-check.
 */
#ifndef CK_OPTIONS_H
#define CK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finding.h"

/* Scenarios when neither -r nor the exercise names any: the 3A tests and
 * the short 3B/3C ones that start many threads at once (about 8 s per
 * seed natively). */
#define CK_DEFAULT_RUN "3A|BasicAgree3B|FailAgree3B|ConcurrentStarts3B|Persist13C"
/* Helgrind runs 50x slower and needs time stretched 8x: two short
 * scenarios (about 35 s per seed). */
#define CK_DEFAULT_HELGRIND_RUN "InitialElection3A|BasicAgree3B"

typedef struct ck_options {
	char **trees; /* TARGET directories, as given */
	size_t ntrees;
	char **programs; /* --program files, as given */
	size_t nprograms;
	bool detectors[CK_NDETECTORS];
	const char *run;	  /* -r, or NULL: the exercise's, else the default */
	const char *helgrind_run; /* --helgrind-run, or NULL */
	uint64_t seed_first, seed_last;
	int helgrind_seeds; /* Helgrind runs only the first this many seeds; 0: all */
	int jobs;
	int hunt_jobs; /* hunt runs at a time, among the jobs (they keep a CPU busy) */
	int helgrind_jobs; /* Helgrind runs at a time (they mostly sleep); 0: twice jobs */
	double timeout_s; /* per run; Helgrind runs get CK_HELGRIND_TIMEOUT_FACTOR x */
	double noise;	  /* schedule noise for the TSan and plain runs */
	double hunt_noise; /* the hunt's (hunt.h); 0: no hunt */
	bool share;	   /* make a run once for targets with the same sources (share.h) */
	const char *json_path;
	const char *junit_path;
	const char *sarif_path;
	const char *html_path;
	int variant; /* a ck_variant, or -1: decide per target */
	bool student; /* the student's report: nothing that gives the answer away */
	bool sandbox; /* a submission's builds and runs in rrl-sandbox (sandboxed.h) */
	char **sandbox_hide; /* directories a sandboxed job may not read */
	size_t nsandbox_hide;
	bool colour;
	bool quiet;
	bool verbose;
} ck_options;

#define CK_HELGRIND_TIMEOUT_FACTOR 4
/* Schedule noise for the TSan and plain runs (the runner's -noise): a
 * yield or short sleep at 5% of lock and RPC events widens race windows,
 * so the invariant checks see more interleavings. The reference is clean
 * with it (make check). */
#define CK_DEFAULT_NOISE 0.05
/* Real time = logical time x this, under Helgrind (scripts/helgrind.sh). */
#define CK_HELGRIND_SCALE 8

/* Parse the command line. Prints the usage and exits 0 for -h; prints
 * what is wrong and exits 2 for anything it cannot use. */
void ck_options_parse(int argc, char **argv, ck_options *o);

#endif
