/*
 * A grade from a check: the score policy (how many points each detector's
 * clean verdict and each scenario are worth) applied to one target's
 * result in rrl-check's JSON report. The policy file's format is in
 * docs/grading.md; checker/score-policy.json is the default.
 */
#ifndef CK_SCORE_H
#define CK_SCORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

typedef struct ck_scenario_points {
	char *name;
	double points;
} ck_scenario_points;

typedef struct ck_score_policy {
	double detector[CK_NDETECTORS]; /* for a clean verdict */
	double scenario_default;	/* for a scenario that passed every run */
	ck_scenario_points *scenario;	/* named scenarios worth another amount */
	size_t nscenario;
	/* Scenario points only for a check that every scored detector passed
	 * (the default): a test that passed beside a race or a hang the
	 * detectors found passed by the luck of its schedule, and would not
	 * pass every time the same submission is graded. */
	bool scenarios_only_when_clean;
} ck_score_policy;

/* Read a policy; -1 with a message in err when the file is missing, is
 * not JSON, names an unknown detector or gives a negative amount. */
int ck_score_policy_load(const char *path, ck_score_policy *p, char *err, size_t errlen);
void ck_score_policy_free(ck_score_policy *p);

/* One line of a grade: a detector or a scenario. */
typedef struct ck_score_item {
	char *name;   /* "tsan: no data race", "scenario TestBackup3B" */
	double score, max;
	bool passed;
	char *output; /* Markdown: why, with what the student can act on */
} ck_score_item;

typedef struct ck_score {
	ck_score_item *items;
	size_t n;
	double score, max;
	char *problem; /* the build failed or the submission was refused: why */
} ck_score;

/* Score one target of an rrl-check JSON report (an element of its
 * "results") against the scenarios it was to run (expected, n of them:
 * the grader lists them from the trusted runner). A build error or a
 * refusal scores 0 of the same maximum. */
void ck_score_result(const ck_score_policy *p, const json_t *result, char *const *expected,
		     size_t n, ck_score *out);
void ck_score_free(ck_score *s);

/* Is every finding of a detector's result (an element of "detectors") a
 * too-slow one? Such an invariants verdict keeps its points. */
bool ck_only_too_slow(const json_t *detector_result);

#endif
