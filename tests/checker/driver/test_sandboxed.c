/*
 * rrl-check --sandbox: a submission's build and runs go through
 * rrl-sandbox, after the submission policy has read its objects.
 *
 * Copies of raft/ under /tmp (which the sandbox replaces with its own, so
 * the tree must be let in), checked as submissions, one plain run of
 * TestInitialElection3A each:
 *   the reference as it is     clean, the scenario passed, and the run
 *                              really ran sandboxed
 *   raft_start calling exit(0) refused before it ran, the line named
 *   raft_make printing a fake finding and a fake FAIL line
 *                              clean: what it prints is not read
 *   a candidate that keeps its term
 *                              the scenario failed, the invariants say why
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "driver_tests.h"
#include "files.h"

#define OUTPUT "build/checker/sandboxed.log"
#define JSON "build/checker/sandboxed.json"

static json_t *check(char *tree)
{
	char *argv[] = {RRL_CHECK, "--sandbox", "--variant", "submission", "-d",
			"static,lockdep,invariants,watchdog", "-s", "1", "-r",
			"^TestInitialElection3A$", "--no-hunt", "--json", JSON, tree, NULL};
	run_command(argv, OUTPUT);
	return load_json(JSON);
}

static const char *verdict(json_t *report, const char *detector)
{
	json_t *r = json_array_get(json_object_get(report, "results"), 0);
	return json_string_value(json_object_get(
	    json_object_get(json_object_get(r, "detectors"), detector), "verdict"));
}

/* The one scenario's count of runs or passes. */
static json_int_t scenario_count(json_t *report, const char *what)
{
	json_t *r = json_array_get(json_object_get(report, "results"), 0);
	json_t *s = json_array_get(json_object_get(r, "scenarios"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s, "name")),
			       "TestInitialElection3A");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(s, "runs")), 1);
	return json_integer_value(json_object_get(s, what));
}

/* Put text at the start of the body of function fn in the tree's file. */
static void insert_at_start_of(const char *tree, const char *file, const char *fn,
			       const char *text)
{
	char *path = ck_strdup_printf("%s/raft/%s", tree, file);
	char *src = ck_read_file(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	char *body = strstr(src, fn);
	body = body ? strchr(body, '{') : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	FILE *f = fopen(path, "w");
	fprintf(f, "%.*s{%s%s", (int)(body - src), src, text, body + 1);
	fclose(f);
	free(src);
	free(path);
}

/* The sandbox's status of the target's plain run, or NULL. */
static json_t *run_status(const char *tree)
{
	const char *base = strrchr(tree, '/');
	char *pattern = ck_strdup_printf("build/check/%s*/sandbox/plain.seed1.out.json", base + 1);
	char **found = ck_glob(pattern);
	free(pattern);
	json_t *s = found[0] ? load_json(found[0]) : NULL;
	ck_free_strv(found);
	return s;
}

/* A copy the sandbox's user may read, as the grader makes them. */
static char *readable_copy(void)
{
	char *tree = copy_of_raft();
	if (tree != NULL) {
		char *chmod[] = {"chmod", "-R", "a+rX", tree, NULL};
		run_command(chmod, "/dev/null");
	}
	return tree;
}

static void test_reference_runs_sandboxed_and_clean(void)
{
	char *tree = readable_copy();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	json_t *report = check(tree);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(report, "exit_status")), 0);
	const char *detectors[] = {"static", "lockdep", "invariants", "watchdog"};
	for (size_t i = 0; i < 4; i++)
		CU_ASSERT_STRING_EQUAL(verdict(report, detectors[i]), "clean");
	CU_ASSERT_EQUAL(scenario_count(report, "passed"), 1);
	json_t *status = run_status(tree);
	CU_ASSERT_PTR_NOT_NULL(status);
	if (status != NULL) {
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(status, "mode")), "bwrap");
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(status, "exit_code")), 0);
		CU_ASSERT_TRUE(json_is_true(json_object_get(status, "memory_capped")));
	}
	json_decref(status);
	json_decref(report);
	remove_copy(tree);
}

static void test_exit_is_refused_before_it_runs(void)
{
	char *tree = readable_copy();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	/* exit(0) at the top of raft_start's body: every test would pass. */
	insert_at_start_of(tree, "raft.c", "raft_start(", " if (len > 0) exit(0);");
	json_t *report = check(tree);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(report, "exit_status")), 2);
	json_t *r = json_array_get(json_object_get(report, "results"), 0);
	const char *why = json_string_value(json_object_get(r, "build_error"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "refused before it ran"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "raft/raft.c calls exit()"));
	/* Nothing of it ran. */
	CU_ASSERT_PTR_NULL(run_status(tree));
	json_decref(report);
	remove_copy(tree);
}

static void test_what_it_prints_is_not_read(void)
{
	char *tree = readable_copy();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	insert_at_start_of(tree, "raft.c", "raft_make(",
			   " fprintf(stderr, \"RRL-FINDING {\\\"detector\\\":\\\"invariants\\\",\"\n"
			   "   \"\\\"kind\\\":\\\"two-leaders\\\",\\\"rule\\\":0,\"\n"
			   "   \"\\\"message\\\":\\\"planted\\\"}\\n\");\n"
			   " printf(\"--- FAIL: TestInitialElection3A (0.1s) (seed 1)\\n\"\n"
			   "   \"    a check failed (exit status 1)\\n\");\n");
	json_t *report = check(tree);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	CU_ASSERT_STRING_EQUAL(verdict(report, "invariants"), "clean");
	CU_ASSERT_EQUAL(scenario_count(report, "passed"), 1);
	/* The planted lines are there, in the output nobody reads. */
	char *err = NULL;
	const char *base = strrchr(tree, '/') + 1;
	char *pattern = ck_strdup_printf("build/check/%s*/logs/plain.seed1.err", base);
	char **found = ck_glob(pattern);
	if (found[0] != NULL)
		err = ck_read_file(found[0]);
	CU_ASSERT_PTR_NOT_NULL(err ? strstr(err, "planted") : NULL);
	free(err);
	ck_free_strv(found);
	free(pattern);
	json_decref(report);
	remove_copy(tree);
}

static void test_a_failure_is_counted(void)
{
	char *tree = readable_copy();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	CU_ASSERT_TRUE_FATAL(keep_the_candidates_term(tree));
	json_t *report = check(tree);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	CU_ASSERT_EQUAL(scenario_count(report, "passed"), 0);
	CU_ASSERT_STRING_EQUAL(verdict(report, "invariants"), "unexpected");
	json_decref(report);
	remove_copy(tree);
}

/* A tree the sandbox's user cannot read is refused up front, with the
 * command that fixes it, not as a baffling build failure. */
static void test_unreadable_tree_is_said_so(void)
{
	char *tree = copy_of_raft(); /* mkdtemp: 0700 */
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	char *argv[] = {RRL_CHECK, "--sandbox", "--variant", "submission", tree, NULL};
	CU_ASSERT_EQUAL(run_command(argv, OUTPUT), 2);
	char *out = ck_read_file(OUTPUT);
	CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "chmod -R a+rX") : NULL);
	free(out);
	remove_copy(tree);
}

void add_sandboxed_suite(void)
{
	CU_pSuite s = CU_add_suite("rrl-check --sandbox", NULL, NULL);
	if (geteuid() != 0)
		return; /* the sandbox's caps need root (make test-sandbox says so) */
	CU_add_test(s, "the reference runs sandboxed, and clean",
		    test_reference_runs_sandboxed_and_clean);
	CU_add_test(s, "exit() is refused before anything runs", test_exit_is_refused_before_it_runs);
	CU_add_test(s, "what it prints is not read", test_what_it_prints_is_not_read);
	CU_add_test(s, "a failed scenario is counted, and said why", test_a_failure_is_counted);
	CU_add_test(s, "a tree the sandbox cannot read", test_unreadable_tree_is_said_so);
}
