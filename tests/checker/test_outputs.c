/*
 * Tests for the checker's outputs (checker/report_json.c, report_junit.c,
 * report_table.c): a report built in memory, with messages full of
 * quotes, newlines, markup characters, non-ASCII and broken bytes, is
 * written out and read back with jansson and libxml2.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "files.h"
#include "report_builder.h"

/* A message that needs every kind of escaping. */
static const char nasty[] = "read of \"rf->votes\" <without> rf->mu & co\n"
			    "second line\ttab — naïve ü 投票";
static const char target_name[] = "buggy/r1 <vote> & \"count\"";

/* One report exercises every branch of the outputs: caught,
 * missed, unexpected, error, skipped, build error, no metadata. */
static void build_report(ck_report *r)
{
	*r = (ck_report){0};
	r->ntargets = 3;
	r->targets = ck_calloc(3, sizeof *r->targets);
	bool expected[CK_NDETECTORS] = {[CK_TSAN] = true, [CK_HELGRIND] = true};

	ck_target_result *b = &r->targets[0];
	rb_target(b, target_name, CK_BUGGY,
		  rb_exercise("r1-vote-count-unlocked", "raft/election.c", 88, expected));
	ck_finding race =
	    rb_finding(CK_TSAN, "data-race", 1, "/tmp/b/raft/election.c", 88, "count_vote", nasty);
	race.variable = ck_strdup("rf->votes");
	race.occurrences = 3;
	race.found_in = CK_FOUND_IN(CK_RUN_TSAN);
	ck_frame frames[] = {{"count_vote", "/tmp/b/raft/election.c", 88},
			     {"rt_thread_main", "/tmp/b/platform/rt/thread.c", 40}};
	rb_add_stack(&race, "Write of size 4 by thread T3", 2, frames);
	rb_add_stack(&race, NULL, 0, NULL);
	rb_add_finding(b, race, 0.5);
	b->det[CK_TSAN].runs = 3;
	rb_add_finding(b,
		       rb_finding(CK_TSAN, "data-race", 1, "/tmp/b/raft/election.c", 88,
				  "count_vote", "second run"),
		       1.5);
	rb_add_finding(b,
		       rb_finding(CK_HELGRIND, "race", 1, "/tmp/b/raft/role.c", 12, "become_leader",
				  "bad bytes \x01\x1b[31m \xff\xfe end"),
		       2);
	b->det[CK_LOCKDEP].error = ck_strdup("runner crashed: <signal 11> & \"core\"");
	b->det[CK_WATCHDOG].enabled = false;

	ck_target_result *ref = &r->targets[1];
	rb_target(ref, "raft", CK_REFERENCE, NULL);
	rb_add_finding(ref,
		       rb_finding(CK_STATIC, "requires-lock", 1, "raft/log.c", 7, NULL,
				  "'x' requires holding mutex 'rf->mu'"),
		       0);
	rb_add_finding(ref,
		       rb_finding(CK_STATIC, "requires-lock", 1, "raft/log.c", 7, NULL,
				  "'x' requires holding mutex 'rf->mu'"),
		       0);
	ref->det[CK_STATIC].findings.items[1].where.function = ck_strdup("log_x");
	ref->det[CK_STATIC].findings.items[1].seconds = -1;
	ck_finding hang = rb_finding(CK_WATCHDOG, "hang", 4, NULL, 0, NULL,
				     "thread \"apply\" waited 2.0 s for raft.mu");
	hang.details = ck_strdup("T1 \"apply\" waits for raft.mu (peer 0)\n"
				 "T2 \"ticker\" holds raft.mu, taken at raft/role.c:40\n");
	hang.found_in = CK_FOUND_IN(CK_RUN_PLAIN) | CK_FOUND_IN(CK_RUN_HELGRIND);
	rb_add_finding(ref, hang, 3);

	ck_target_result *sub = &r->targets[2];
	rb_target(sub, "submissions/alice", CK_SUBMISSION, NULL);
	sub->build_error = ck_strdup("raft/election.c:3:1: error: expected ';' before '}'");

	for (size_t i = 0; i < r->ntargets; i++)
		ck_grade(&r->targets[i]);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *write_and_load_json(const ck_report *r)
{
	char *path = rb_temp_path(".json");
	CU_ASSERT_EQUAL(ck_write_json(r, path), 0);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (root == NULL)
		fprintf(stderr, "\n  %s: %s (line %d)\n", path, err.text, err.line);
	unlink(path);
	free(path);
	return root;
}

static json_t *detector(json_t *result, const char *name)
{
	return json_object_get(json_object_get(result, "detectors"), name);
}

static void test_json_top_level(void)
{
	ck_report r;
	build_report(&r);
	json_t *root = write_and_load_json(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(json_object_get(root, "tool"), "name")), "rrl-check");
	CU_ASSERT_TRUE(json_is_string(json_object_get(json_object_get(root, "tool"), "version")));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(root, "exit_status")), 2);
	json_t *results = json_object_get(root, "results");
	CU_ASSERT_TRUE(json_is_array(results));
	CU_ASSERT_EQUAL(json_array_size(results), 3);
	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *res = json_array_get(results, i);
		CU_ASSERT_EQUAL(json_object_size(json_object_get(res, "detectors")), CK_NDETECTORS);
	}
	json_decref(root);
	rb_report_free(&r);
}

static void test_json_buggy_target(void)
{
	ck_report r;
	build_report(&r);
	json_t *root = write_and_load_json(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_t *b = json_array_get(json_object_get(root, "results"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "target")), target_name);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "variant")), "buggy");
	CU_ASSERT_PTR_NULL(json_object_get(b, "build_error"));

	json_t *ex = json_object_get(b, "exercise");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ex, "id")),
			       "r1-vote-count-unlocked");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(ex, "rule")), 1);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(ex, "grade")), 2);
	json_t *expected = json_object_get(ex, "expected");
	CU_ASSERT_EQUAL_FATAL(json_array_size(expected), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(expected, 0)), "tsan");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(expected, 1)), "helgrind");
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_array_get(json_object_get(ex, "bug_lines"), 0)),
	    "raft/election.c:88");

	json_t *tsan = detector(b, "tsan");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tsan, "verdict")), "caught");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(tsan, "runs")), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(tsan, "detected")), 2);
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(tsan, "median_detect_s")), 1.0,
			       1e-9);
	CU_ASSERT_PTR_NULL(json_object_get(tsan, "error"));
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(detector(b, "helgrind"), "verdict")), "missed");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(detector(b, "static"), "verdict")),
			       "clean");
	CU_ASSERT_TRUE(json_is_null(json_object_get(detector(b, "static"), "median_detect_s")));
	json_t *lockdep = detector(b, "lockdep");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(lockdep, "verdict")), "error");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(lockdep, "error")),
			       "runner crashed: <signal 11> & \"core\"");
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(detector(b, "watchdog"), "verdict")), "skipped");
	json_decref(root);
	rb_report_free(&r);
}

static void test_json_finding_fields(void)
{
	ck_report r;
	build_report(&r);
	json_t *root = write_and_load_json(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_t *b = json_array_get(json_object_get(root, "results"), 0);
	json_t *f = json_array_get(json_object_get(detector(b, "tsan"), "findings"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f, "kind")), "data-race");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(f, "rule")), 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f, "file")), "raft/election.c");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(f, "line")), 88);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f, "function")), "count_vote");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f, "message")), nasty);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(f, "seed")), 17);
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(f, "seconds")), 1.5, 1e-9);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f, "variable")), "rf->votes");
	CU_ASSERT_TRUE(json_is_true(json_object_get(f, "points_at_bug")));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(f, "occurrences")), 3);
	CU_ASSERT_TRUE(json_is_null(json_object_get(f, "details")));
	json_t *found_in = json_object_get(f, "found_in");
	CU_ASSERT_EQUAL(json_array_size(found_in), 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(found_in, 0)), "tsan");

	json_t *stacks = json_object_get(f, "stacks");
	CU_ASSERT_EQUAL_FATAL(json_array_size(stacks), 2);
	json_t *s0 = json_array_get(stacks, 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s0, "title")),
			       "Write of size 4 by thread T3");
	json_t *frames = json_object_get(s0, "frames");
	CU_ASSERT_EQUAL_FATAL(json_array_size(frames), 2);
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(json_array_get(frames, 0), "file")),
	    "raft/election.c");
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(json_array_get(frames, 1), "file")),
	    "/tmp/b/platform/rt/thread.c"); /* not peer code: kept as printed */
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_array_get(stacks, 1), "title")));

	/* Bytes that are not UTF-8 are replaced, the rest is kept. */
	json_t *h = json_array_get(json_object_get(detector(b, "helgrind"), "findings"), 0);
	const char *msg = json_string_value(json_object_get(h, "message"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "bad bytes \x01\x1b[31m \xEF\xBF\xBD\xEF\xBF\xBD end"));
	CU_ASSERT_FALSE(json_is_true(json_object_get(h, "points_at_bug")));
	json_decref(root);
	rb_report_free(&r);
}

static void test_json_targets_without_metadata(void)
{
	ck_report r;
	build_report(&r);
	json_t *root = write_and_load_json(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_t *ref = json_array_get(json_object_get(root, "results"), 1);
	CU_ASSERT_PTR_NULL(json_object_get(ref, "exercise"));
	CU_ASSERT_PTR_NULL(json_object_get(ref, "build_error"));
	json_t *st = detector(ref, "static");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(st, "verdict")), "unexpected");
	json_t *f = json_array_get(json_object_get(st, "findings"), 0);
	CU_ASSERT_TRUE(json_is_null(json_object_get(f, "function")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(f, "variable")));
	json_t *f1 = json_array_get(json_object_get(st, "findings"), 1);
	CU_ASSERT_TRUE(json_is_null(json_object_get(f1, "seconds")));

	json_t *hang = json_array_get(json_object_get(detector(ref, "watchdog"), "findings"), 0);
	CU_ASSERT_TRUE(json_is_null(json_object_get(hang, "file")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(hang, "line")));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(hang, "details")),
			       "T1 \"apply\" waits for raft.mu (peer 0)\n"
			       "T2 \"ticker\" holds raft.mu, taken at raft/role.c:40\n");
	/* Every run it came from, in a fixed order. */
	json_t *hang_runs = json_object_get(hang, "found_in");
	CU_ASSERT_EQUAL_FATAL(json_array_size(hang_runs), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(hang_runs, 0)), "plain");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(hang_runs, 1)), "helgrind");
	/* A finding that knows no run (one built by hand) has an empty list. */
	CU_ASSERT_EQUAL(json_array_size(json_object_get(f1, "found_in")), 0);

	json_t *sub = json_array_get(json_object_get(root, "results"), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(sub, "variant")), "submission");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(sub, "build_error")),
			       "raft/election.c:3:1: error: expected ';' before '}'");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(detector(sub, "tsan"), "verdict")),
			       "error");
	json_decref(root);
	rb_report_free(&r);
}

/* "-" writes to stdout: capture fd 1 in a file for the call. */
static void test_json_to_stdout(void)
{
	ck_report r;
	build_report(&r);
	char *path = rb_temp_path(".json");
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	int fd = open(path, O_WRONLY | O_TRUNC);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	int rc = ck_write_json(&r, "-");
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	CU_ASSERT_EQUAL(rc, 0);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	CU_ASSERT_PTR_NOT_NULL(root);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(root, "results")), 3);
	json_decref(root);
	unlink(path);
	free(path);
	rb_report_free(&r);
}

static void test_unwritable_path_is_an_error(void)
{
	ck_report r;
	build_report(&r);
	fprintf(stderr, "\n  (two error messages expected:)\n");
	CU_ASSERT_EQUAL(ck_write_json(&r, "/nonexistent/dir/out.json"), -1);
	CU_ASSERT_EQUAL(ck_write_junit(&r, "/nonexistent/dir/out.xml"), -1);
	rb_report_free(&r);
}

/* ---- JUnit -------------------------------------------------------------- */

static xmlDocPtr write_and_load_junit(const ck_report *r)
{
	char *path = rb_temp_path(".xml");
	CU_ASSERT_EQUAL(ck_write_junit(r, path), 0);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	unlink(path);
	free(path);
	return doc;
}

/* The number an XPath expression evaluates to in doc. */
static double xpath_number(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	double n = o != NULL ? xmlXPathCastToNumber(o) : -1;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

/* The string an XPath expression evaluates to in doc (malloc'd). */
static char *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	xmlChar *s = o != NULL ? xmlXPathCastToString(o) : NULL;
	char *copy = ck_strdup(s != NULL ? (const char *)s : "");
	xmlFree(s);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return copy;
}

static void assert_xpath_string(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath_string(doc, expr);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void test_junit_structure_and_counts(void)
{
	ck_report r;
	build_report(&r);
	xmlDocPtr doc = write_and_load_junit(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL((const char *)xmlDocGetRootElement(doc)->name, "testsuites");
	CU_ASSERT_EQUAL(xpath_number(doc, "count(/testsuites/testsuite)"), 3);
	CU_ASSERT_EQUAL(xpath_number(doc, "count(//testcase)"), 3 * CK_NDETECTORS);
	/* buggy: helgrind missed; reference: static and watchdog unexpected */
	CU_ASSERT_EQUAL(xpath_number(doc, "count(//testcase/failure)"), 3);
	/* buggy: lockdep; submission: the five enabled detectors */
	CU_ASSERT_EQUAL(xpath_number(doc, "count(//testcase/error)"), 1 + CK_NDETECTORS);
	CU_ASSERT_EQUAL(xpath_number(doc, "count(//testcase/skipped)"), 1);
	CU_ASSERT_EQUAL(xpath_number(doc, "/testsuites/@tests"), 3 * CK_NDETECTORS);
	CU_ASSERT_EQUAL(xpath_number(doc, "/testsuites/@failures"), 3);
	CU_ASSERT_EQUAL(xpath_number(doc, "/testsuites/@errors"), 1 + CK_NDETECTORS);
	CU_ASSERT_EQUAL(xpath_number(doc, "/testsuites/@skipped"), 1);
	/* Each suite's counts match its own test cases. */
	for (int i = 1; i <= 3; i++) {
		char expr[128];
		snprintf(expr, sizeof expr, "/testsuites/testsuite[%d]/@tests", i);
		CU_ASSERT_EQUAL(xpath_number(doc, expr), CK_NDETECTORS);
		const char *kinds[] = {"failures", "failure", "errors",
				       "error",	   "skipped", "skipped"};
		for (int k = 0; k < 6; k += 2) {
			char a[128], b[128];
			snprintf(a, sizeof a, "/testsuites/testsuite[%d]/@%s", i, kinds[k]);
			snprintf(b, sizeof b, "count(/testsuites/testsuite[%d]/testcase/%s)", i,
				 kinds[k + 1]);
			CU_ASSERT_EQUAL(xpath_number(doc, a), xpath_number(doc, b));
		}
	}
	xmlFreeDoc(doc);
	rb_report_free(&r);
}

static void test_junit_names_and_text(void)
{
	ck_report r;
	build_report(&r);
	xmlDocPtr doc = write_and_load_junit(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	assert_xpath_string(doc, "/testsuites/testsuite[1]/@name", target_name);
	assert_xpath_string(doc, "/testsuites/testsuite[1]/testcase[2]/@classname", target_name);
	assert_xpath_string(doc, "/testsuites/testsuite[1]/testcase[2]/@name", "tsan");
	assert_xpath_string(doc, "/testsuites/testsuite[1]/testcase[3]/failure/@type", "missed");
	assert_xpath_string(doc, "/testsuites/testsuite[2]/testcase[1]/failure/@type",
			    "unexpected");
	assert_xpath_string(doc,
			    "/testsuites/testsuite[1]/properties/property[@name='exercise']"
			    "/@value",
			    "r1-vote-count-unlocked");
	/* Markup and quotes in the error text arrive intact. */
	assert_xpath_string(doc, "/testsuites/testsuite[1]/testcase[4]/error",
			    "runner crashed: <signal 11> & \"core\"");
	/* A control character became U+FFFD; the rest of the message is there. */
	char *failure = xpath_string(doc, "/testsuites/testsuite[1]/testcase[3]/failure");
	CU_ASSERT_PTR_NOT_NULL(strstr(failure, "bad bytes \xEF\xBF\xBD\xEF\xBF\xBD[31m"));
	CU_ASSERT_PTR_NOT_NULL(strstr(failure, "raft/role.c:12 become_leader"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(failure, "expected a report naming raft/election.c:88; helgrind reported:\n"));
	free(failure);
	char *hang = xpath_string(doc, "/testsuites/testsuite[2]/testcase[6]/failure");
	CU_ASSERT_PTR_NOT_NULL(strstr(hang, "watchdog hang rule 4 (no location) — thread \"apply\""
					    " waited 2.0 s for raft.mu (in the plain and helgrind"
					    " runs) (seed 17)\n"
					    "T1 \"apply\" waits for raft.mu (peer 0)\nT2"));
	free(hang);
	/* For GitLab: the summary is the failure text's first line, and a
	 * test case names the file of its first finding. */
	char *missed = xpath_string(doc, "/testsuites/testsuite[1]/testcase[3]/failure");
	char *message = xpath_string(doc, "/testsuites/testsuite[1]/testcase[3]/failure/@message");
	CU_ASSERT_TRUE(strncmp(missed, message, strlen(message)) == 0 &&
		       missed[strlen(message)] == '\n');
	free(missed);
	free(message);
	assert_xpath_string(doc, "/testsuites/testsuite[1]/testcase[3]/@file", "raft/role.c");
	assert_xpath_string(doc, "count(/testsuites/testsuite[1]/testcase[1]/@file)", "0");
	char *build = xpath_string(doc, "/testsuites/testsuite[3]/testcase[2]/error");
	CU_ASSERT_PTR_NOT_NULL(strstr(build, "expected ';' before '}'"));
	free(build);
	xmlFreeDoc(doc);
	rb_report_free(&r);
}

/* The UNEXPECTED failure's text carries the nasty message, on one line. */
static void test_junit_failure_text_round_trips(void)
{
	ck_report r;
	build_report(&r);
	/* Make the buggy target's tsan findings unexpected. */
	r.targets[0].exercise->expected[CK_TSAN] = false;
	xmlDocPtr doc = write_and_load_junit(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	char *text = xpath_string(doc, "/testsuites/testsuite[1]/testcase[2]/failure");
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
				      "tsan data-race rule 1 raft/election.c:88 count_vote — "
				      "read of \"rf->votes\" <without> rf->mu & co second "
				      "line tab — naïve ü 投票 (seed 17) [points at the bug]\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
				      "  Write of size 4 by thread T3\n"
				      "    #0 count_vote raft/election.c:88\n"
				      "    #1 rt_thread_main /tmp/b/platform/rt/thread.c:40\n"));
	free(text);
	xmlFreeDoc(doc);
	rb_report_free(&r);
}

/* ---- terminal table ------------------------------------------------------ */

/* The table as ck_print_table writes it to a file. */
static char *table_text(const ck_report *r, bool colour)
{
	return rb_printed(ck_print_table, r, colour);
}

/* How many times needle occurs in text. */
static int count_of(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_table_plain(void)
{
	ck_report r;
	build_report(&r);
	char *text = table_text(&r, false);
	CU_ASSERT_PTR_NULL(strchr(text, '\033'));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "invariants"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "✓ 2")); /* buggy: tsan caught, 2 findings */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "✗ 1")); /* helgrind missed with 1 finding */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "helgrind missed the bug"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "lockdep could not run"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "the build failed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "tsan data-race rule 1 raft/election.c:88 count_vote"
					    " — read of \"rf->votes\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "points at the bug"));
	/* The message's newline and tab became spaces: one line per finding. */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "rf->mu & co second line tab"));
	/* The two equal static findings of the reference... differ by function. */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "raft/log.c:7 — "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "raft/log.c:7 log_x — "));
	/* The watchdog's thread table follows its finding, indented. The
	 * finding names the runs that reported it; a TSan finding, which only
	 * the TSan run can make, does not. */
	CU_ASSERT_PTR_NULL(strstr(text, "(in the tsan run)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
				      "waited 2.0 s for raft.mu (in the plain and helgrind runs)\n"
				      "      T1 \"apply\" waits for raft.mu (peer 0)\n"
				      "      T2 \"ticker\" holds raft.mu"));
	free(text);
	rb_report_free(&r);
}

static void test_table_deduplicates_lines(void)
{
	ck_report r;
	build_report(&r);
	/* Make the reference's two static findings print the same line. */
	ck_finding *f = &r.targets[1].det[CK_STATIC].findings.items[1];
	free(f->where.function);
	f->where.function = NULL;
	char *text = table_text(&r, false);
	CU_ASSERT_EQUAL(count_of(text, "raft/log.c:7 — "), 1);
	free(text);
	rb_report_free(&r);
}

static void test_table_colour(void)
{
	ck_report r;
	build_report(&r);
	char *text = table_text(&r, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\033[32m✓ 2\033[0m"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\033[31m✗ 1\033[0m"));
	/* A message's own escape sequence is not passed to the terminal. */
	CU_ASSERT_PTR_NULL(strstr(text, "\033[31m "));
	free(text);
	rb_report_free(&r);
}

void add_outputs_suite(void)
{
	CU_pSuite s = CU_add_suite("checker outputs", NULL, NULL);
	CU_add_test(s, "JSON: tool, exit status, results", test_json_top_level);
	CU_add_test(s, "JSON: a buggy target with its exercise", test_json_buggy_target);
	CU_add_test(s, "JSON: every finding field, escaped", test_json_finding_fields);
	CU_add_test(s, "JSON: targets without metadata", test_json_targets_without_metadata);
	CU_add_test(s, "JSON: - is stdout", test_json_to_stdout);
	CU_add_test(s, "unwritable path is an error", test_unwritable_path_is_an_error);
	CU_add_test(s, "JUnit: well-formed, counts match", test_junit_structure_and_counts);
	CU_add_test(s, "JUnit: names and texts", test_junit_names_and_text);
	CU_add_test(s, "JUnit: failure text round-trips", test_junit_failure_text_round_trips);
	CU_add_test(s, "table: plain", test_table_plain);
	CU_add_test(s, "table: duplicate lines printed once", test_table_deduplicates_lines);
	CU_add_test(s, "table: colour", test_table_colour);
}
