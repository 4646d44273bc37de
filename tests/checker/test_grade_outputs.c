/*
 * Tests for rrl-grade's scoring and outputs (checker/score.c,
 * grade_outputs.c): the score policy file, a real sandboxed check of a
 * submission (fixtures/check_student_invariants.json: every detector
 * clean but the invariants, which saw one() miss its 2 s once; most tests
 * make that a failed check of safety instead), the
 * Gradescope results.json checked against its documented shape
 * (tests/checker/schemas/gradescope-results.json), and the class CSV
 * read back with libcsv.
 */
#include <CUnit/CUnit.h>
#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "files.h"
#include "grade_outputs.h"
#include "parser_fixtures.h"
#include "report_builder.h"
#include "score.h"

#define POLICY "checker/score-policy.json"

static char *const scenarios[] = {"TestInitialElection3A", "TestReElection3A",
				  "TestManyElections3A",   "TestBasicAgree3B",
				  "TestFailAgree3B",	   "TestConcurrentStarts3B",
				  "TestPersist13C"};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

static json_t *fixture_result(void)
{
	char *path = fixture_path("check_student_invariants.json");
	json_t *report = json_load_file(path, 0, NULL);
	free(path);
	json_t *r = json_incref(json_array_get(json_object_get(report, "results"), 0));
	json_decref(report);
	return r;
}

/* The same check, its invariants finding made a failed check of safety
 * (it was only too slow): a finding that costs the invariants' points. */
static json_t *fixture_result_failed(void)
{
	json_t *r = fixture_result();
	json_t *inv = json_object_get(json_object_get(r, "detectors"), "invariants");
	json_object_set_new(json_array_get(json_object_get(inv, "findings"), 0), "kind",
			    json_string("check-failed"));
	return r;
}

static char *policy_file(const char *text)
{
	char *path = rb_temp_path(".json");
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_policy_file(void)
{
	ck_score_policy p;
	char err[256];
	CU_ASSERT_EQUAL(ck_score_policy_load(POLICY, &p, err, sizeof err), 0);
	CU_ASSERT_EQUAL(p.detector[CK_TSAN], 20);
	CU_ASSERT_TRUE(p.scenarios_only_when_clean); /* the default, left out of the file */
	ck_score_policy_free(&p);
	const char *bad[] = {"{\"detectors\": {\"tsna\": 5}}", "{\"detectors\": {\"tsan\": -1}}",
			     "{\"scenarios\": {\"default\": \"two\"}}", "{}", "not json",
			     "{\"detectors\": {\"tsan\": 5}, \"scenarios_only_when_clean\": \"yes\"}"};
	const char *says[] = {"no detector named 'tsna'", "0 or more", "0 or more", "nothing to score",
			      "", "true or false"};
	for (size_t i = 0; i < 6; i++) {
		char *path = policy_file(bad[i]);
		CU_ASSERT_EQUAL(ck_score_policy_load(path, &p, err, sizeof err), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, says[i]));
		unlink(path);
		free(path);
	}
	CU_ASSERT_EQUAL(ck_score_policy_load("no/such/policy.json", &p, err, sizeof err), -1);
}

/* Score result (which this takes) under the policy file. */
static void score_with(const char *policy, json_t *r, ck_score *s)
{
	ck_score_policy p;
	char err[256];
	CU_ASSERT_EQUAL_FATAL(ck_score_policy_load(policy, &p, err, sizeof err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	ck_score_result(&p, r, scenarios, NSCENARIOS, s);
	json_decref(r);
	ck_score_policy_free(&p);
}

static void score_fixture(ck_score *s)
{
	score_with(POLICY, fixture_result_failed(), s);
}

/* The grade's line of the invariants. */
static const ck_score_item *invariants_item(const ck_score *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (strncmp(s->items[i].name, "invariants:", 11) == 0)
			return &s->items[i];
	return NULL;
}

static void test_score_of_a_check(void)
{
	ck_score s;
	score_fixture(&s);
	/* 75 for the six detectors, 2 for each of the seven scenarios. The
	 * invariants found a problem, so the scenarios, which all passed,
	 * are not counted. */
	CU_ASSERT_DOUBLE_EQUAL(s.max, 75 + 14, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s.score, 75 - 20, 1e-9);
	CU_ASSERT_EQUAL(s.n, 6 + NSCENARIOS);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.items[s.n - 1].output, "but not counted"));
	const ck_score_item *inv = invariants_item(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
	CU_ASSERT_FALSE(inv->passed);
	CU_ASSERT_PTR_NOT_NULL(strstr(inv->output, "`tests/test_3b.c:170`"));
	CU_ASSERT_PTR_NOT_NULL(strstr(inv->output, "(seeds 1)"));
	ck_score_free(&s);
}

/* The check as it was recorded: the invariants saw only a check that was
 * too slow (in a run other than the one that counts scenarios). No safety
 * property broke: full marks. */
static void test_only_too_slow_keeps_the_invariants_points(void)
{
	ck_score s;
	score_with(POLICY, fixture_result(), &s);
	CU_ASSERT_DOUBLE_EQUAL(s.score, 89, 1e-9);
	const ck_score_item *inv = invariants_item(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
	CU_ASSERT_TRUE(inv->passed);
	CU_ASSERT_PTR_NOT_NULL(strstr(inv->output, "Only too slow"));
	CU_ASSERT_PTR_NOT_NULL(strstr(inv->output, "`tests/test_3b.c:170`"));
	ck_score_free(&s);
}

/* An instructor may count every scenario that passed, whatever the
 * detectors found. */
static void test_scenarios_counted_beside_a_finding_when_asked(void)
{
	char *policy = policy_file("{\"detectors\": {\"static\": 5, \"tsan\": 20, \"helgrind\": "
				   "10, \"lockdep\": 10, \"invariants\": 20, \"watchdog\": 10}, "
				   "\"scenarios\": {\"default\": 2}, "
				   "\"scenarios_only_when_clean\": false}");
	ck_score s;
	score_with(policy, fixture_result_failed(), &s);
	CU_ASSERT_DOUBLE_EQUAL(s.score, 75 - 20 + 14, 1e-9);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.items[s.n - 1].output, "Passed in 1 of 1 runs.\n"));
	ck_score_free(&s);
	unlink(policy);
	free(policy);
}

/* A submission that did not build (or was refused) scores 0 of the same
 * maximum: no scenario it never ran escapes the total. */
static void test_nothing_ran_scores_zero_of_the_same_max(void)
{
	ck_score_policy p;
	char err[256];
	CU_ASSERT_EQUAL_FATAL(ck_score_policy_load(POLICY, &p, err, sizeof err), 0);
	json_t *r = fixture_result();
	json_object_set_new(r, "build_error", json_string("refused before it ran: ..."));
	json_object_del(r, "scenarios");
	ck_score s;
	ck_score_result(&p, r, scenarios, NSCENARIOS, &s);
	CU_ASSERT_DOUBLE_EQUAL(s.score, 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s.max, 89, 1e-9);
	CU_ASSERT_PTR_NOT_NULL(s.problem);
	ck_score_free(&s);
	json_decref(r);
	ck_score_policy_free(&p);
}

typedef int (*grade_writer)(const ck_student_grade *g, const char *path);

/* The fixture's grade written by write, held to schema, and read back. */
static json_t *written(grade_writer write, const char *schema)
{
	ck_score s;
	score_fixture(&s);
	json_t *r = fixture_result_failed();
	ck_student_grade g = {.student = "carol", .score = &s, .result = r, .sandbox = "bwrap",
			      .seconds = 88, .fingerprint = "0123456789abcdef"};
	char *path = rb_temp_path(".json");
	json_t *doc = NULL;
	CU_ASSERT_EQUAL(write(&g, path), 0);
	CU_ASSERT_EQUAL(rb_validate(schema, path, false), 0);
	doc = json_load_file(path, 0, NULL);
	unlink(path);
	free(path);
	json_decref(r);
	ck_score_free(&s);
	return doc;
}

/* The sum of the tests' scores, and how many failed. */
static double test_scores(const json_t *doc, const char *failed_status, int *failed)
{
	double sum = 0;
	size_t i;
	const json_t *t;
	*failed = 0;
	json_array_foreach(json_object_get(doc, "tests"), i, t)
	{
		sum += json_number_value(json_object_get(t, "score"));
		*failed += strcmp(json_string_value(json_object_get(t, "status")), failed_status) == 0;
	}
	return sum;
}

static void test_gradescope_results(void)
{
	json_t *doc = written(ck_write_gradescope, "gradescope-results");
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	int failed;
	double sum = test_scores(doc, "failed", &failed);
	CU_ASSERT_DOUBLE_EQUAL(json_number_value(json_object_get(doc, "score")), sum, 1e-9);
	CU_ASSERT_EQUAL(failed, 1 + NSCENARIOS); /* the invariants, and the scenarios not counted */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "output_format")), "md");
	json_decref(doc);
	/* The schema is not a yes-man: a status it does not know fails. */
	char *path = rb_temp_path(".json");
	FILE *f = fopen(path, "w");
	fputs("{\"score\": 1, \"tests\": [{\"name\": \"x\", \"status\": \"ok\"}]}", f);
	fclose(f);
	CU_ASSERT_NOT_EQUAL(rb_validate("gradescope-results", path, true), 0);
	unlink(path);
	free(path);
}

static void test_classroom_result(void)
{
	json_t *doc = written(ck_write_classroom, "classroom-result");
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	/* The reporter adds up the tests' scores: the policy's 55 of 89. */
	int failed;
	CU_ASSERT_DOUBLE_EQUAL(test_scores(doc, "fail", &failed), 55, 1e-9);
	CU_ASSERT_EQUAL(failed, 1 + NSCENARIOS);
	CU_ASSERT_DOUBLE_EQUAL(json_number_value(json_object_get(doc, "max_score")), 89, 1e-9);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "status")), "fail");
	json_decref(doc);
}

/* libcsv's parser hands back each field; keep the rows' fields. */
typedef struct table {
	char cells[8][16][64];
	int row, col;
} table;

static void on_field(void *data, size_t len, void *arg)
{
	table *t = arg;
	if (t->row < 8 && t->col < 16)
		snprintf(t->cells[t->row][t->col], 64, "%.*s", (int)len, (const char *)data);
	t->col++;
}

static void on_row(int c, void *arg)
{
	(void)c;
	table *t = arg;
	t->row++;
	t->col = 0;
}

/* The class's table as written and read back by libcsv: the row of a
 * check with the invariants' verdict made by make_result. */
static table *class_csv_row(json_t *(*make_result)(void), json_t **rows_out)
{
	ck_score s;
	score_with(POLICY, make_result(), &s);
	json_t *r = make_result();
	ck_student_grade g = {.student = "o'brien, \"pat\"", .score = &s, .result = r,
			      .sandbox = "fallback (bwrap cannot make its namespaces here)",
			      .seconds = 88, .fingerprint = "0123456789abcdef"};
	json_t *rows = json_array();
	json_array_append_new(rows, ck_grade_row(&g));
	char *csv_path = rb_temp_path(".csv"), *json_path = rb_temp_path(".json");
	CU_ASSERT_EQUAL_FATAL(ck_write_class_grades(rows, csv_path, json_path), 0);
	char *text = ck_read_file(csv_path);
	struct csv_parser p;
	csv_init(&p, CSV_STRICT);
	table *t = ck_calloc(1, sizeof *t);
	CU_ASSERT_EQUAL(csv_parse(&p, text, strlen(text), on_field, on_row, t), strlen(text));
	csv_fini(&p, on_field, on_row, t);
	csv_free(&p);
	json_t *back = json_load_file(json_path, 0, NULL);
	CU_ASSERT_TRUE(json_equal(back, rows));
	json_decref(back);
	free(text);
	unlink(csv_path);
	unlink(json_path);
	free(csv_path);
	free(json_path);
	json_decref(r);
	ck_score_free(&s);
	*rows_out = rows;
	return t;
}

static void test_class_csv_reads_back(void)
{
	json_t *rows;
	table *t = class_csv_row(fixture_result_failed, &rows);
	CU_ASSERT_EQUAL(t->row, 2);
	CU_ASSERT_STRING_EQUAL(t->cells[0][0], "student");
	CU_ASSERT_STRING_EQUAL(t->cells[1][0], "o'brien, \"pat\"");
	CU_ASSERT_STRING_EQUAL(t->cells[1][1], "ok");
	CU_ASSERT_STRING_EQUAL(t->cells[0][6], "invariants");
	CU_ASSERT_STRING_EQUAL(t->cells[1][6], "unexpected");
	CU_ASSERT_STRING_EQUAL(t->cells[1][10], "55");
	CU_ASSERT_STRING_EQUAL(t->cells[1][11], "89");
	free(t);
	json_decref(rows);
}

/* An invariants verdict that kept its points (only too slow) says so in
 * the table, not "unexpected" beside full marks. */
static void test_class_csv_says_too_slow(void)
{
	json_t *rows;
	table *t = class_csv_row(fixture_result, &rows);
	CU_ASSERT_STRING_EQUAL(t->cells[1][6], "too-slow");
	CU_ASSERT_STRING_EQUAL(t->cells[1][10], "89");
	free(t);
	json_decref(rows);
}

void add_grade_outputs_suite(void)
{
	CU_pSuite s = CU_add_suite("rrl-grade: scores and outputs", NULL, NULL);
	CU_add_test(s, "the score policy file", test_policy_file);
	CU_add_test(s, "a check's score", test_score_of_a_check);
	CU_add_test(s, "a check only too slow keeps the invariants' points",
		    test_only_too_slow_keeps_the_invariants_points);
	CU_add_test(s, "scenarios counted beside a finding when the policy asks",
		    test_scenarios_counted_beside_a_finding_when_asked);
	CU_add_test(s, "nothing ran: 0 of the same maximum",
		    test_nothing_ran_scores_zero_of_the_same_max);
	CU_add_test(s, "Gradescope's results.json", test_gradescope_results);
	CU_add_test(s, "GitHub Classroom's result", test_classroom_result);
	CU_add_test(s, "grades.csv reads back", test_class_csv_reads_back);
	CU_add_test(s, "grades.csv says too-slow where the invariants kept their points",
		    test_class_csv_says_too_slow);
}
