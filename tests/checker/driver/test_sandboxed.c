/*
 * rrl-check --sandbox: a submission's build and runs go through
 * rrl-sandbox, after the submission policy has read its objects.
 *
 * Two copies of raft/ under /tmp (which the sandbox replaces with its own,
 * so the tree must be let in), checked as submissions, one plain run of
 * TestInitialElection3A each:
 *   the reference as it is     clean, and the run really ran sandboxed
 *   raft_start calling exit(0) refused before it ran, the line named
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
	char *file = ck_strdup_printf("%s/raft/raft.c", tree);
	char *text = ck_read_file(file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* exit(0) at the top of raft_start's body: every test would pass. */
	char *body = strstr(text, "raft_start(");
	body = body ? strchr(body, '{') : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	FILE *f = fopen(file, "w");
	fprintf(f, "%.*s{ if (len > 0) exit(0);%s", (int)(body - text), text, body + 1);
	fclose(f);
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
	free(text);
	free(file);
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
	CU_add_test(s, "a tree the sandbox cannot read", test_unreadable_tree_is_said_so);
}
