/*
 * Runs that are the same run. Two targets whose peers have the same
 * source files, byte for byte, build the same program; a run of it with
 * the same kind, seed, scenarios (or hunt lane) is the same experiment,
 * whichever tree it was planned for. Most of the catalog's fixed trees
 * are the reference itself (the fix is the bug's reversal), so a check of
 * the whole catalog would otherwise run one program hundreds of times.
 *
 * Such a run is made once, for the first target that planned it; what it
 * reports is collected for every target it stands for (ck_collect_run),
 * and each of those targets' reports says how many of its runs it shared
 * and with whom. Grading is unaffected: findings name peer files by their
 * raft/<file> suffix (grade.c), which is the same in both trees.
 */
#ifndef CK_SHARE_H
#define CK_SHARE_H

#include <stddef.h>

#include "run.h"

/* Remove from jobs[0..*n) every job that is the same run as an earlier
 * one, handing its ck_run to that earlier run (ck_run.sharers) and
 * counting it in its target's report. Programs (--program) never share:
 * their sources are the project's own and their names differ anyway. */
void ck_share_same_runs(ck_job **jobs, size_t *n);

#endif
