/*
 * rrl-check's answers to mistakes: a tree that does not compile, a bad
 * option, a target that is not a tree. Each must end with status 2 and a
 * message that says what to do.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "driver_tests.h"
#include "files.h"

#define OUTPUT "build/checker/cli.log"

static char *output;

/* Each test looks at what the checker printed. */
static int run(char *const argv[])
{
	int status = run_command(argv, OUTPUT);
	free(output);
	output = ck_read_file(OUTPUT);
	if (output == NULL)
		output = ck_strdup("");
	return status;
}

static void test_unknown_detector(void)
{
	char *argv[] = {RRL_CHECK, "-d", "tsan,valgrind", ".", NULL};
	CU_ASSERT_EQUAL(run(argv), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "unknown detector 'valgrind'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "rrl-check -h"));
}

static void test_no_target(void)
{
	char *argv[] = {RRL_CHECK, "-s", "2", NULL};
	CU_ASSERT_EQUAL(run(argv), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "no target"));
}

static void test_missing_target(void)
{
	char *argv[] = {RRL_CHECK, "/nonexistent/tree", NULL};
	CU_ASSERT_EQUAL(run(argv), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "does not exist"));
}

static void test_raft_dir_given_for_its_parent(void)
{
	char *argv[] = {RRL_CHECK, "raft", NULL};
	CU_ASSERT_EQUAL(run(argv), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "give the directory that holds it"));
}

static void test_bad_seeds(void)
{
	char *argv[] = {RRL_CHECK, "-s", "9-3", ".", NULL};
	CU_ASSERT_EQUAL(run(argv), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "invalid seeds '9-3'"));
}

/* A report that could not be written used to be found out only at the
 * end, after every run, with its error lost among the findings. */
static void test_unwritable_report_refused_before_any_run(void)
{
	char *argv[] = {RRL_CHECK, "--json", "build/checker/no-such-dir/report.json", ".", NULL};
	time_t start = time(NULL);
	CU_ASSERT_EQUAL(run(argv), 2);
	/* Every detector on the reference would take minutes. */
	CU_ASSERT(time(NULL) - start < 10);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "--json"));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "make its directory first"));
}

/* A student's tree that does not compile is the commonest failure; the
 * checker must show the compiler's own message, not crash or hang. */
static void test_broken_tree_reports_the_compiler_message(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char file[128];
	snprintf(file, sizeof file, "%s/raft/log.c", dir);
	FILE *f = fopen(file, "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("int broken(void) { return 1 } /* BROKEN */\n", f);
	fclose(f);
	int broken_line[1];
	CU_ASSERT_EQUAL_FATAL(lines_containing(file, "/* BROKEN */", broken_line, 1), 1);

	char json[160];
	snprintf(json, sizeof json, "%s/report.json", dir);
	char *argv[] = {RRL_CHECK, "-q", "-d", "static,lockdep", "-s", "1", "--json",
			json,	   dir,	 NULL};
	CU_ASSERT_EQUAL(run(argv), 2);
	json_t *report = load_json(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	const char *err = json_string_value(
	    json_object_get(json_array_get(json_object_get(report, "results"), 0), "build_error"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	char where[64];
	snprintf(where, sizeof where, "raft/log.c:%d:", broken_line[0]);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, where));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "error:"));
	/* The compiler's words only, not make's. */
	CU_ASSERT_PTR_NULL(strstr(err, "make: ***"));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(report, "exit_status")), 2);
	json_decref(report);
	remove_copy(dir);
}

static int free_output(void)
{
	free(output);
	output = NULL;
	return 0;
}

void add_cli_suite(void)
{
	CU_pSuite s = CU_add_suite("rrl-check command line", NULL, free_output);
	CU_add_test(s, "an unknown detector is named, with a pointer to -h", test_unknown_detector);
	CU_add_test(s, "no target says what a target is", test_no_target);
	CU_add_test(s, "a missing target is reported", test_missing_target);
	CU_add_test(s, "raft/ itself is refused with the right path",
		    test_raft_dir_given_for_its_parent);
	CU_add_test(s, "a backwards seed range is refused", test_bad_seeds);
	CU_add_test(s, "a report that cannot be written is refused before any run",
		    test_unwritable_report_refused_before_any_run);
	CU_add_test(s, "a tree that does not compile: exit 2 and the compiler's message",
		    test_broken_tree_reports_the_compiler_message);
}
