/*
 * Tests of the detection matrix (checker/matrix.c): reports built with
 * jansson in memory, in rrl-check's JSON shape, are turned into the
 * Markdown of docs/matrix.md, and the text is searched for what each case
 * must produce.
 */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "checker_tests.h"
#include "matrix.h"

/* One detector's results as the JSON has them. median < 0: null. */
static json_t *det(const char *verdict, int runs, int detected, int at_bug, double median)
{
	return json_pack("{s:s, s:i, s:i, s:i, s:[], s:o}", "verdict", verdict, "runs", runs,
			 "detected", detected, "detected_at_bug", at_bug, "findings",
			 "median_detect_s", median >= 0 ? json_real(median) : json_null());
}

/* A clean detector with n runs. */
static json_t *clean(int n)
{
	return det("clean", n, 0, 0, -1);
}

/* A tree of exercise id (rule, expected detectors) with the six given
 * detector results, in the order static .. watchdog. */
static json_t *tree(const char *id, const char *variant, int rule, json_t *expected, json_t *d[6])
{
	char *target = ck_strdup_printf("build/exercises/%s/%s", id, variant);
	json_t *t =
	    json_pack("{s:s, s:s, s:{s:s, s:s, s:i, s:i, s:s, s:[s], s:o}, s:{s:o, s:o, "
		      "s:o, s:o, s:o, s:o}}",
		      "target", target, "variant", variant, "exercise", "id", id, "title", "t",
		      "rule", rule, "grade", 2, "bug_class", "c", "bug_lines", "raft/raft.c:94",
		      "expected", expected, "detectors", "static", d[0], "tsan", d[1], "helgrind",
		      d[2], "lockdep", d[3], "invariants", d[4], "watchdog", d[5]);
	free(target);
	return t;
}

static json_t *report(json_t *results)
{
	return json_pack("{s:{s:s, s:s}, s:{s:s, s:f, s:i, s:i, s:i, s:s}, s:i, s:o}", "tool",
			 "name", "rrl-check", "version", "0.1.0", "check", "started",
			 "2025-12-02T17:05:09", "seconds", 3720.0, "seed_first", 1, "seed_last", 20,
			 "helgrind_seeds", 5, "command",
			 "build/checker/rrl-check -s 20 --helgrind-seeds 5 build/exercises/x/buggy",
			 "exit_status", 1, "results", results);
}

/* The catalog of the tests:
 *   race-one (rule 1)  tsan 20/20 at the bug, helgrind 3 of 5 at the bug
 *                      (expected: both); fixed: tsan found something on 2
 *                      seeds, one error
 *   split (rule 2)     invariants 20/20 at the bug (expected), tsan named
 *                      the bug line once (the design says it cannot)
 *   other (rule 0)     tsan 20/20 at the bug; no design row */
static json_t *catalog(void)
{
	json_t *results = json_array();
	json_t *b1[6] = {det("clean", 1, 0, 0, -1),	    det("caught", 20, 20, 20, 0.42),
			 det("missed", 5, 4, 3, 31.0),	    clean(20),
			 det("unexpected", 20, 15, 0, 3.5), clean(20)};
	json_array_append_new(
	    results, tree("race-one", "buggy", 1, json_pack("[s,s]", "tsan", "helgrind"), b1));
	json_t *f1[6] = {clean(1),  det("unexpected", 20, 2, 0, 3.0),
			 clean(5),  det("error", 0, 0, 0, -1),
			 clean(20), det("skipped", 0, 0, 0, -1)};
	json_array_append_new(
	    results, tree("race-one", "fixed", 1, json_pack("[s,s]", "tsan", "helgrind"), f1));
	json_t *b2[6] = {clean(1),  det("unexpected", 20, 1, 1, 7.5), clean(5),
			 clean(20), det("caught", 20, 20, 20, 12.0),  clean(20)};
	json_array_append_new(results,
			      tree("split", "buggy", 2, json_pack("[s]", "invariants"), b2));
	json_t *f2[6] = {clean(1), clean(20), clean(5), clean(20), clean(20), clean(20)};
	json_array_append_new(results,
			      tree("split", "fixed", 2, json_pack("[s]", "invariants"), f2));
	json_t *b0[6] = {clean(1), det("caught", 20, 20, 20, 1.0), clean(5), clean(20), clean(20),
			 clean(20)};
	json_array_append_new(results, tree("other", "buggy", 0, json_pack("[s]", "tsan"), b0));
	return report(results);
}

/* The Markdown for the n reports in r (consumed), with the options o
 * (NULL: a command and no catalog). */
static char *matrix_of_all(json_t **r, size_t n, const ck_matrix_options *o, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char err[256] = "";
	static const char *const sources[] = {"build/check-all.json", "build/slice-2.json"};
	ck_matrix_input in[2];
	for (size_t i = 0; i < n; i++)
		in[i] = (ck_matrix_input){r[i], sources[i]};
	ck_matrix_options plain = {.command = "make matrix SEEDS=20"};
	*rc = ck_matrix_write(in, n, o ? o : &plain, m, err, sizeof err);
	fclose(m);
	for (size_t i = 0; i < n; i++)
		json_decref(r[i]);
	return text;
}

static char *matrix_of(json_t *r, int *rc)
{
	return matrix_of_all(&r, 1, NULL, rc);
}

/* The line of text that starts with prefix, or "" (malloc'd). */
static char *line_starting(const char *text, const char *prefix)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return ck_strndup(p, strcspn(p, "\n"));
	return ck_strdup("");
}

/* The section of text from heading to the next "## ". */
static char *section(const char *text, const char *heading)
{
	const char *start = strstr(text, heading);
	if (start == NULL)
		return ck_strdup("");
	const char *end = strstr(start + strlen(heading), "\n## ");
	return end ? ck_strndup(start, (size_t)(end - start)) : ck_strdup(start);
}

#define HAS(text, needle)                                                                          \
	do {                                                                                       \
		bool found_ = strstr(text, needle) != NULL;                                        \
		if (!found_)                                                                       \
			fprintf(stderr, "\n  missing: %s\n  in: %s\n", needle, text);              \
		CU_ASSERT_TRUE(found_);                                                            \
	} while (0)

static void test_states_command_date_and_seeds(void)
{
	int rc;
	char *md = matrix_of(catalog(), &rc);
	CU_ASSERT_EQUAL(rc, 0);
	HAS(md, "# The detection matrix");
	HAS(md, "- Made by: `make matrix SEEDS=20`");
	HAS(md, "- From: `build/check-all.json`");
	HAS(md, "- The check: `build/checker/rrl-check -s 20 --helgrind-seeds 5");
	HAS(md, "- Date: 2025-12-02 17:05:09 UTC; the check took 62 min");
	HAS(md, "- Seeds: 1–20 for tsan");
	HAS(md, "helgrind on the first 5");
	free(md);
}

static void test_buggy_cells_rate_bug_line_and_time(void)
{
	int rc;
	char *md = matrix_of(catalog(), &rc);
	char *row = line_starting(md, "| race-one | 1 | 2 |");
	/* static ran once, clean; tsan expected, 20/20 at the bug; helgrind
	 * expected, found on 4 seeds, 3 of them at the bug; the invariants,
	 * not expected (not bold), found something elsewhere. */
	CU_ASSERT_STRING_EQUAL(row,
			       "| race-one | 1 | 2 | 0/1 | **20/20** ◀ 0.4 s | **4/5** ◀ 3 31 s "
			       "| 0/20 | 15/20 3.5 s | 0/20 |");
	free(row);
	/* Rows go by rule: rule 0 first. */
	CU_ASSERT_TRUE(strstr(md, "| other | 0 |") < strstr(md, "| race-one | 1 |"));
	CU_ASSERT_TRUE(strstr(md, "| race-one | 1 |") < strstr(md, "| split | 2 |"));
	row = line_starting(md, "| split | 2 |");
	CU_ASSERT_STRING_EQUAL(row, "| split | 2 | 2 | 0/1 | 1/20 ◀ 7.5 s | 0/5 | 0/20 | **20/20** "
				    "◀ 12 s | 0/20 |");
	free(row);
	free(md);
}

static void test_fixed_cells_clean_or_flagged(void)
{
	int rc;
	char *md = matrix_of(catalog(), &rc);
	char *fixed = section(md, "## Fixed variants");
	char *row = line_starting(fixed, "| race-one |");
	CU_ASSERT_STRING_EQUAL(row,
			       "| race-one | clean | **2/20 ✗** | clean | error | clean | – |");
	free(row);
	row = line_starting(fixed, "| split |");
	CU_ASSERT_STRING_EQUAL(row, "| split | clean | clean | clean | clean | clean | clean |");
	free(row);
	free(fixed);
	free(md);
}

static void test_acceptance_lists_every_failure(void)
{
	int rc;
	char *md = matrix_of(catalog(), &rc);
	char *acc = section(md, "## Acceptance");
	HAS(acc, "- `race-one` buggy: helgrind is expected but named a bug line on 3 of 5 seeds "
		 "(needs 5).");
	HAS(acc, "- `race-one` fixed: tsan reported something on 2 of 20 seeds; it must be clean.");
	HAS(acc, "- `race-one` fixed: lockdep could not run.");
	/* tsan on race-one and invariants on split are fine. */
	CU_ASSERT_PTR_NULL(strstr(acc, "buggy: tsan"));
	CU_ASSERT_PTR_NULL(strstr(acc, "`split`"));
	CU_ASSERT_PTR_NULL(strstr(acc, "Every expected detector"));
	free(acc);
	free(md);
}

static void test_design_contradictions_named(void)
{
	int rc;
	char *md = matrix_of(catalog(), &rc);
	char *design = section(md, "## The design's table");
	HAS(design, "- Rule 1, helgrind: the design says it sees every such bug; on `race-one` it "
		    "named a bug line on 3 of 5 seeds.");
	HAS(design, "- Rule 2, tsan: the design says it cannot see such a bug; on `split` it named "
		    "a bug line on 1 of 20 seeds.");
	/* The table: the prediction, then the measurement, ⚠ where they
	 * disagree; rules without an exercise are not measured. */
	char *rule1 = line_starting(design, "| 1 | data race |");
	HAS(rule1, "| ✓ → 1/1 | ✓ → ⚠ 0/1 |");
	/* Found on 15 seeds, never at a bug line: no contradiction, but said. */
	HAS(rule1, "| sometimes → 0/1 (elsewhere: 1) |");
	free(rule1);
	char *rule2 = line_starting(design, "| 2 |");
	HAS(rule2, "| – → ⚠ 1/1 |");
	HAS(rule2, "| ✓ → 1/1 |");
	free(rule2);
	char *rule5 = line_starting(design, "| 5 |");
	HAS(rule5, "(no exercise yet) | – | – | – | – | ✓ | – |");
	free(rule5);
	/* Rule 0 has no prediction, so tsan catching `other` is no news. */
	CU_ASSERT_PTR_NULL(strstr(design, "`other`"));
	free(design);
	free(md);
}

static void test_all_good_says_so(void)
{
	json_t *results = json_array();
	json_t *b[6] = {clean(1),
			det("caught", 20, 20, 20, 0.5),
			det("caught", 5, 5, 5, 30),
			clean(20),
			clean(20),
			clean(20)};
	json_array_append_new(results,
			      tree("good", "buggy", 1, json_pack("[s,s]", "tsan", "helgrind"), b));
	json_t *f[6] = {clean(1), clean(20), clean(5), clean(20), clean(20), clean(20)};
	json_array_append_new(results,
			      tree("good", "fixed", 1, json_pack("[s,s]", "tsan", "helgrind"), f));
	int rc;
	char *md = matrix_of(report(results), &rc);
	CU_ASSERT_EQUAL(rc, 0);
	HAS(md, "Every expected detector named a bug line on at least 19 of 20 seeds");
	HAS(md, "Nowhere: every measured exercise behaves as the design's table predicts.");
	free(md);
}

/* A report written before detected_at_bug existed: counted from the
 * findings' seeds. */
static void test_at_bug_counted_from_findings(void)
{
	json_t *findings = json_pack("[{s:b, s:i, s:[i,i]}, {s:b, s:i, s:[i,i]}, {s:b, s:i}]",
				     "points_at_bug", 1, "seed", 1, "seeds", 1, 2, "points_at_bug",
				     1, "seed", 2, "seeds", 2, 3, "points_at_bug", 0, "seed", 4);
	json_t *tsan = json_pack("{s:s, s:i, s:i, s:o, s:f}", "verdict", "caught", "runs", 4,
				 "detected", 4, "findings", findings, "median_detect_s", 2.0);
	json_t *b[6] = {clean(1), tsan, clean(4), clean(4), clean(4), clean(4)};
	json_t *results = json_array();
	json_array_append_new(results, tree("old", "buggy", 1, json_pack("[s]", "tsan"), b));
	int rc;
	char *md = matrix_of(report(results), &rc);
	char *row = line_starting(md, "| old |");
	HAS(row, "| **4/4** ◀ 3 2.0 s |");
	free(row);
	free(md);
}

static void test_not_a_catalog_report(void)
{
	int rc;
	char *md = matrix_of(json_pack("{s:i}", "exit_status", 0), &rc);
	CU_ASSERT_EQUAL(rc, -1);
	free(md);
	json_t *results =
	    json_pack("[{s:s, s:s, s:{}}]", "target", ".", "variant", "reference", "detectors");
	md = matrix_of(report(results), &rc);
	CU_ASSERT_EQUAL(rc, -1);
	free(md);
}

/* A second check, of a slice: split measured again (its fixed tree
 * now dirty), and a new exercise whose fixed runs were shared. */
static json_t *second_slice(void)
{
	json_t *results = json_array();
	json_t *b[6] = {clean(1),  clean(20), clean(5),
			clean(20), det("caught", 20, 20, 20, 2.0), clean(20)};
	json_array_append_new(results,
			      tree("split", "buggy", 2, json_pack("[s]", "invariants"), b));
	json_t *f[6] = {clean(1), clean(20), clean(5), clean(20), det("unexpected", 20, 1, 0, 9),
			clean(20)};
	json_array_append_new(results,
			      tree("split", "fixed", 2, json_pack("[s]", "invariants"), f));
	json_t *nb[6] = {clean(1), det("caught", 20, 20, 20, 1.0), clean(5), clean(20),
			 clean(20), clean(20)};
	json_array_append_new(results, tree("new", "buggy", 1, json_pack("[s]", "tsan"), nb));
	json_t *nf[6] = {clean(1), clean(20), clean(5), clean(20), clean(20), clean(20)};
	json_t *fixed = tree("new", "fixed", 1, json_pack("[s]", "tsan"), nf);
	json_object_set_new(fixed, "shared_runs", json_integer(80));
	json_array_append_new(results, fixed);
	json_t *r = report(results);
	json_object_set_new(json_object_get(r, "check"), "started",
			    json_string("2025-12-03T09:00:00"));
	return r;
}

/* A check that measured a draft, or an exercise since taken out: its rows
 * are named, not tabled or judged. */
static void test_exercises_out_of_the_catalog_are_left_out(void)
{
	static const char *const ids[] = {"race-one", "split"};
	ck_matrix_options o = {.command = "make matrix", .catalog = ids, .ncatalog = 2};
	json_t *r = catalog();
	int rc;
	char *md = matrix_of_all(&r, 1, &o, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	HAS(md, "- Measured: 2 of the catalog's 2 exercises, buggy and fixed\n"
		"- Left out, measured but not in the catalog: `other`\n");
	CU_ASSERT_PTR_NULL(strstr(md, "| other |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| race-one | 1 |"));
	free(md);
}

static void test_slices_make_one_matrix(void)
{
	json_t *r[2] = {catalog(), second_slice()};
	static const char *const ids[] = {"missing", "new", "other", "race-one", "split"};
	ck_matrix_options o = {.command = "make matrix", .catalog = ids, .ncatalog = 5};
	int rc;
	char *md = matrix_of_all(r, 2, &o, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	/* Each check is cited; other has no fixed tree, so it is not measured. */
	HAS(md, "- From 2 checks, oldest first, each over a slice of the catalog");
	HAS(md, "     - From: `build/slice-2.json`");
	HAS(md, "     - Date: 2025-12-03 09:00:00 UTC");
	HAS(md, "- Measured: 3 of the catalog's 5 exercises, buggy and fixed; not yet: `missing`, "
		"`other`");
	/* The later check's split replaces the first's. */
	char *row = line_starting(md, "| split | 2 |");
	HAS(row, "| **20/20** ◀ 2.0 s |");
	free(row);
	char *fixed = section(md, "## Fixed variants");
	row = line_starting(fixed, "| split |");
	CU_ASSERT_STRING_EQUAL(row, "| split | clean | clean | clean | clean | **1/20 ✗** | clean |");
	free(row);
	HAS(fixed, "Fixed variants with the same peer sources as another tree of their check: 1 ");
	free(fixed);
	free(md);
}

/* The later check counts whatever order the files are named in: the
second slice, given first, still replaces the first's split. */
static void test_the_later_check_counts_in_any_order(void)
{
	json_t *r[2] = {second_slice(), catalog()};
	static const char *const ids[] = {"missing", "new", "other", "race-one", "split"};
	ck_matrix_options o = {.command = "make matrix", .catalog = ids, .ncatalog = 5};
	int rc;
	char *md = matrix_of_all(r, 2, &o, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	char *row = line_starting(md, "| split | 2 |");
	HAS(row, "| **20/20** ◀ 2.0 s |");
	free(row);
	/* Listed oldest first. */
	char *first = strstr(md, "Date: 2025-12-02"), *second = strstr(md, "Date: 2025-12-03");
	CU_ASSERT_TRUE(first != NULL && second != NULL && first < second);
	free(md);
}

void add_matrix_suite(void)
{
	CU_pSuite s = CU_add_suite("the detection matrix", NULL, NULL);
	CU_add_test(s, "states the command, the date and the seeds",
		    test_states_command_date_and_seeds);
	CU_add_test(s, "buggy cells: rate, bug line, median time, bold when expected",
		    test_buggy_cells_rate_bug_line_and_time);
	CU_add_test(s, "fixed cells: clean, or flagged", test_fixed_cells_clean_or_flagged);
	CU_add_test(s, "acceptance lists every failure", test_acceptance_lists_every_failure);
	CU_add_test(s, "contradictions of the design's table are named",
		    test_design_contradictions_named);
	CU_add_test(s, "a catalog as it should be says so", test_all_good_says_so);
	CU_add_test(s, "seeds at the bug counted from the findings",
		    test_at_bug_counted_from_findings);
	CU_add_test(s, "a report with no exercise is refused", test_not_a_catalog_report);
	CU_add_test(s, "exercises not in the catalog are named and left out",
		    test_exercises_out_of_the_catalog_are_left_out);
	CU_add_test(s, "the later check counts, whatever order the reports are given in",
		    test_the_later_check_counts_in_any_order);
	CU_add_test(s, "slices of the catalog make one matrix, the later check counting",
		    test_slices_make_one_matrix);
}
