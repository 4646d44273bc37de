/*
 * make check-all's plumbing (checker/check-all.sh) and make matrix's:
 * which trees, seeds and options reach rrl-check and rrl-matrix. Their
 * dry runs print the commands; a real check-all of the catalog is what
 * make matrix measures (docs/matrix.md), far too long for a test.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "driver_tests.h"
#include "files.h"

#define OUTPUT "build/checker/check-all.log"

static char *output;

static int run(char *const argv[])
{
	int status = run_command(argv, OUTPUT);
	free(output);
	output = ck_read_file(OUTPUT);
	if (output == NULL)
		output = ck_strdup("");
	return status;
}

static int free_output(void)
{
	free(output);
	output = NULL;
	return 0;
}

static void test_defaults_every_exercise_buggy_and_fixed(void)
{
	char *argv[] = {"checker/check-all.sh", "--dry-run", NULL};
	CU_ASSERT_EQUAL_FATAL(run(argv), 0);
	char *want = ck_strdup_printf("build/checker/rrl-check -s 20 --helgrind-seeds 5 -j %ld ",
				      sysconf(_SC_NPROCESSORS_ONLN));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, want));
	free(want);
	DIR *d = opendir("buggy");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	int exercises = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char *meta = ck_strdup_printf("buggy/%s/exercise.json", e->d_name);
		if (e->d_name[0] != '.' && access(meta, F_OK) == 0) {
			char *buggy = ck_strdup_printf(" build/exercises/%s/buggy", e->d_name);
			char *fixed = ck_strdup_printf(" build/exercises/%s/fixed", e->d_name);
			CU_ASSERT_PTR_NOT_NULL(strstr(output, buggy));
			CU_ASSERT_PTR_NOT_NULL(strstr(output, fixed));
			free(buggy);
			free(fixed);
			exercises++;
		}
		free(meta);
	}
	closedir(d);
	CU_ASSERT_TRUE(exercises > 0);
}

static void test_options_reach_the_checker(void)
{
	char *argv[] = {"checker/check-all.sh",
			"-n",
			"--seeds",
			"3",
			"--helgrind-seeds",
			"9",
			"-j",
			"5",
			"--json",
			"a.json",
			"--junit",
			"a.xml",
			"get-state",
			"--",
			"-d",
			"static",
			NULL};
	CU_ASSERT_EQUAL_FATAL(run(argv), 0);
	/* Helgrind's seeds are some of the seeds, never more. */
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "scripts/exercise.sh materialise get-state\n"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(output, "build/checker/rrl-check -s 3 --helgrind-seeds 3 -j 5 --json a.json "
			   "--junit a.xml -d static build/exercises/get-state/buggy "
			   "build/exercises/get-state/fixed\n"));
}

/* A tree of an exercise alone: a slice that re-checks only fixed rows. */
static void test_one_tree_of_an_exercise(void)
{
	char *argv[] = {"checker/check-all.sh", "-n", "get-state/fixed", "vote-call", NULL};
	CU_ASSERT_EQUAL_FATAL(run(argv), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "scripts/exercise.sh materialise get-state vote-call\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, " build/exercises/get-state/fixed "
					      "build/exercises/vote-call/buggy "
					      "build/exercises/vote-call/fixed\n"));
	CU_ASSERT_PTR_NULL(strstr(output, "get-state/buggy"));
	char *bad[] = {"checker/check-all.sh", "-n", "get-state/solution", NULL};
	CU_ASSERT_EQUAL(run(bad), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "id/buggy or id/fixed"));
}

static void test_unknown_option_refused(void)
{
	char *argv[] = {"checker/check-all.sh", "--seed", "3", NULL};
	CU_ASSERT_EQUAL(run(argv), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "unknown option '--seed'"));
}

/* The command make matrix ran is what the document says made it. */
static void test_matrix_states_its_command(void)
{
	char *argv[] = {"make",		 "-n",	    "--no-print-directory",
			"matrix",	 "SEEDS=4", "HELGRIND_SEEDS=2",
			"EXS=get-state", NULL};
	CU_ASSERT_EQUAL_FATAL(run(argv), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "checker/check-all.sh --seeds 4 --helgrind-seeds 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "--json build/check-all.json get-state"));
	CU_ASSERT_PTR_NOT_NULL(strstr(output,
				      "build/checker/rrl-matrix --command 'make matrix SEEDS=4 "
				      "HELGRIND_SEEDS=2 EXS=\"get-state\"' --catalog buggy -o "
				      "docs/matrix.md build/check-all.json"));
	/* Slices checked earlier, one report each. */
	char *from_json[] = {"make", "-n", "--no-print-directory", "matrix",
			     "MATRIX_JSON=one.json two.json", NULL};
	CU_ASSERT_EQUAL_FATAL(run(from_json), 0);
	CU_ASSERT_PTR_NULL(strstr(output, "check-all.sh"));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "rrl-matrix --command 'make matrix "
					      "MATRIX_JSON=\"one.json two.json\"' --catalog buggy "
					      "-o docs/matrix.md one.json two.json"));
}

void add_check_all_suite(void)
{
	CU_pSuite s =
	    CU_add_suite("make check-all and make matrix: the commands", NULL, free_output);
	CU_add_test(s, "defaults: 20 seeds, Helgrind 5, 1 run per CPU, every exercise",
		    test_defaults_every_exercise_buggy_and_fixed);
	CU_add_test(s, "ID/fixed or ID/buggy checks that tree only", test_one_tree_of_an_exercise);
	CU_add_test(s, "options reach rrl-check", test_options_reach_the_checker);
	CU_add_test(s, "an unknown option is refused", test_unknown_option_refused);
	CU_add_test(s, "make matrix states the command that made it",
		    test_matrix_states_its_command);
}
