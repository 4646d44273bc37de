/*
 * Targets: what the command line asked to check, resolved into absolute
 * paths, a variant, exercise metadata, scenario choices and a directory
 * of its own under build/check/.
 */
#ifndef CK_TARGET_H
#define CK_TARGET_H

#include <stdint.h>

#include "options.h"
#include "report.h"

/* One seed in one detector's results. A seed's runs that feed the
 * detector (its plain, TSan and Helgrind runs) count as one, and the seed
 * detects if any of them found something (collect.c). */
typedef struct ck_seed_tally {
	uint64_t seed;
	long detect_index; /* its time in the detector's detect_s; -1: none yet */
} ck_seed_tally;

typedef struct ck_target {
	ck_target_result *result;	     /* the target's entry in the report */
	char *path;			     /* absolute: the tree, or the program's .c file */
	char *name;			     /* unique, safe in a file name */
	char *out;			     /* build/check/<name>, relative to the root */
	char *program;			     /* a program's name ("race"); NULL for a tree */
	const char *run;		     /* scenarios for the TSan and plain runs */
	const char *helgrind_run;	     /* scenarios under Helgrind */
	ck_seed_tally *seeds[CK_NDETECTORS]; /* the seeds each detector has seen */
	size_t nseeds[CK_NDETECTORS];
	/* Targets with the same peer sources have the same number (share.c);
	 * 0 until it is known. */
	int sources_class;
} ck_target;

/* Resolve every TARGET and --program into targets and report entries
 * (report->targets gets one per target, in the same order). Relative
 * paths are taken from the current directory; root is the project root.
 * A target that cannot be checked ends the process with status 2 and a
 * message saying what to do. */
ck_target *ck_targets_resolve(const ck_options *o, const char *root, ck_report *report,
			      size_t *ntargets);

/* The executable to run for flavour "tsan" or "plain" (relative to the
 * root): the tree's raft-tests, or the program. */
char *ck_target_binary(const ck_target *t, const char *flavour);

#endif
