/*
 * Scoring a check. See score.h; the policy file is described in
 * docs/grading.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "score.h"

/* What a clean verdict of each detector means, for the student. */
static const char *const promise[CK_NDETECTORS] = {
    [CK_STATIC] = "the compiler's thread-safety analysis finds nothing",
    [CK_TSAN] = "ThreadSanitizer finds no data race",
    [CK_HELGRIND] = "Helgrind finds no race or lock misuse",
    [CK_LOCKDEP] = "every lock is held where the code says it is, and none across a wait",
    [CK_INVARIANTS] = "Raft's safety properties hold in every run",
    [CK_WATCHDOG] = "nothing hangs or deadlocks",
};

static int points_of(const json_t *v, const char *what, double *out, char *err, size_t errlen)
{
	if (!json_is_number(v) || json_number_value(v) < 0) {
		snprintf(err, errlen, "%s: want a number of points, 0 or more", what);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

int ck_score_policy_load(const char *path, ck_score_policy *p, char *err, size_t errlen)
{
	*p = (ck_score_policy){0};
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		return -1;
	}
	int rc = 0;
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(root, "detectors"), key, v)
	{
		int d = ck_detector_from_name(key);
		if (d < 0) {
			snprintf(err, errlen, "%s: no detector named '%s'", path, key);
			rc = -1;
			break;
		}
		if ((rc = points_of(v, key, &p->detector[d], err, errlen)) != 0)
			break;
	}
	json_t *scenarios = json_object_get(root, "scenarios");
	json_object_foreach(scenarios, key, v)
	{
		if (rc != 0)
			break;
		double points;
		if ((rc = points_of(v, key, &points, err, errlen)) != 0)
			break;
		if (strcmp(key, "default") == 0) {
			p->scenario_default = points;
			continue;
		}
		p->scenario = ck_realloc_array(p->scenario, p->nscenario + 1, sizeof *p->scenario);
		p->scenario[p->nscenario++] = (ck_scenario_points){ck_strdup(key), points};
	}
	json_t *only_when_clean = json_object_get(root, "scenarios_only_when_clean");
	p->scenarios_only_when_clean = only_when_clean == NULL || json_is_true(only_when_clean);
	if (rc == 0 && only_when_clean != NULL && !json_is_boolean(only_when_clean)) {
		snprintf(err, errlen, "%s: \"scenarios_only_when_clean\" is true or false", path);
		rc = -1;
	}
	if (rc == 0 && !json_is_object(json_object_get(root, "detectors")) &&
	    !json_is_object(scenarios)) {
		snprintf(err, errlen, "%s: no \"detectors\" and no \"scenarios\": nothing to score",
			 path);
		rc = -1;
	}
	json_decref(root);
	if (rc != 0)
		ck_score_policy_free(p);
	return rc;
}

void ck_score_policy_free(ck_score_policy *p)
{
	for (size_t i = 0; i < p->nscenario; i++)
		free(p->scenario[i].name);
	free(p->scenario);
	*p = (ck_score_policy){0};
}

static double scenario_points(const ck_score_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nscenario; i++)
		if (strcmp(p->scenario[i].name, name) == 0)
			return p->scenario[i].points;
	return p->scenario_default;
}

static void add_item(ck_score *s, char *name, double score, double max, char *output)
{
	s->items = ck_realloc_array(s->items, s->n + 1, sizeof *s->items);
	s->items[s->n++] = (ck_score_item){name, score, max, score >= max, output};
	s->score += score;
	s->max += max;
}

/* The findings of a detector, as Markdown a student can act on: where,
 * what, and which seeds show it. */
static char *findings_text(const json_t *det, const char *verdict)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const json_t *error = json_object_get(det, "error");
	if (json_is_string(error))
		fprintf(f, "It could not run: %s\n", json_string_value(error));
	const json_t *findings = json_object_get(det, "findings");
	size_t i;
	const json_t *x;
	json_array_foreach(findings, i, x)
	{
		if (i == 5) {
			fprintf(f, "- and %zu more (findings.sarif, report.html)\n",
				json_array_size(findings) - 5);
			break;
		}
		const char *file = json_string_value(json_object_get(x, "file"));
		json_int_t line = json_integer_value(json_object_get(x, "line"));
		fprintf(f, "- ");
		if (file != NULL)
			fprintf(f, "`%s:%lld` ", file, (long long)line);
		fprintf(f, "%s (seeds", json_string_value(json_object_get(x, "message")));
		size_t k;
		const json_t *seed;
		json_array_foreach(json_object_get(x, "seeds"), k, seed)
		    fprintf(f, " %lld", (long long)json_integer_value(seed));
		fprintf(f, ")\n");
	}
	/* len is only brought up to date by fflush or fclose. */
	if (ftell(f) == 0 && strcmp(verdict, "clean") != 0)
		fprintf(f, "Verdict: %s.\n", verdict);
	fclose(f);
	return text;
}

/* Is every finding of the detector a too-slow one? A check that something
 * happened in time failed: the scenario it failed loses its points, but no
 * safety property broke, and that is all a clean invariants verdict
 * promises. (A machine busy with other work can make a correct peer miss
 * such a check; a rule-4 bug misses one on some schedules only.) */
bool ck_only_too_slow(const json_t *det)
{
	const json_t *findings = json_object_get(det, "findings");
	size_t i;
	const json_t *f;
	json_array_foreach(findings, i, f)
	{
		const char *kind = json_string_value(json_object_get(f, "kind"));
		if (kind == NULL || strcmp(kind, "too-slow") != 0)
			return false;
	}
	return json_array_size(findings) > 0;
}

/* What a scenario's line of the grade says. all: it passed in every run
 * of a submission that built; counted: its points count. */
static char *scenario_output(bool all, bool counted, int runs, int passed)
{
	if (all && counted)
		return ck_strdup_printf("Passed in %d of %d runs.\n", passed, runs);
	if (all)
		return ck_strdup_printf("Passed in %d of %d runs, but not counted: a detector above "
					"found a problem, and a test that passes beside it passes by "
					"the luck of its schedule.\n",
					passed, runs);
	if (runs == 0)
		return ck_strdup("It did not run.\n");
	return ck_strdup_printf("Passed in %d of %d runs; it must pass in every one.\n", passed,
				runs);
}

void ck_score_result(const ck_score_policy *p, const json_t *result, char *const *expected,
		     size_t n, ck_score *out)
{
	*out = (ck_score){0};
	const char *problem = json_string_value(json_object_get(result, "build_error"));
	if (problem != NULL)
		out->problem = ck_strdup(problem);
	const json_t *dets = json_object_get(result, "detectors");
	bool every_detector_clean = problem == NULL;
	for (int d = 0; d < CK_NDETECTORS; d++) {
		const json_t *det = json_object_get(dets, ck_detector_name((ck_detector)d));
		const char *verdict = json_string_value(json_object_get(det, "verdict"));
		if (p->detector[d] <= 0 || verdict == NULL || strcmp(verdict, "skipped") == 0)
			continue;
		bool clean = problem == NULL && strcmp(verdict, "clean") == 0;
		bool too_slow = problem == NULL && d == CK_INVARIANTS &&
				strcmp(verdict, "unexpected") == 0 && ck_only_too_slow(det);
		every_detector_clean &= clean || too_slow;
		char *output = problem != NULL ? ck_strdup("Nothing ran: see the build above.\n")
				: clean	       ? ck_strdup("")
					       : findings_text(det, verdict);
		if (too_slow) {
			char *more = ck_strdup_printf("%sOnly too slow: a scenario that failed this way "
						      "loses its own points, not these.\n",
						      output);
			free(output);
			output = more;
		}
		add_item(out, ck_strdup_printf("%s: %s", ck_detector_name((ck_detector)d), promise[d]),
			 clean || too_slow ? p->detector[d] : 0, p->detector[d], output);
	}
	const json_t *scenarios = json_object_get(result, "scenarios");
	for (size_t i = 0; i < n; i++) {
		double points = scenario_points(p, expected[i]);
		if (points <= 0)
			continue;
		int runs = 0, passed = 0;
		size_t k;
		const json_t *s;
		json_array_foreach(scenarios, k, s)
		{
			if (strcmp(json_string_value(json_object_get(s, "name")), expected[i]) == 0) {
				runs = (int)json_integer_value(json_object_get(s, "runs"));
				passed = (int)json_integer_value(json_object_get(s, "passed"));
			}
		}
		bool all = problem == NULL && runs > 0 && passed == runs;
		bool counted = every_detector_clean || !p->scenarios_only_when_clean;
		add_item(out, ck_strdup_printf("scenario %s", expected[i]),
			 all && counted ? points : 0, points,
			 scenario_output(all, counted, runs, passed));
	}
}

void ck_score_free(ck_score *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].name);
		free(s->items[i].output);
	}
	free(s->items);
	free(s->problem);
	*s = (ck_score){0};
}
