/*
 * The student's report (rrl-check --student, which make check EX=id uses):
 * what a student reads before solving must name the race in the code's
 * words and give nothing away: no rule number, no bug line, no
 * "expected"/"unexpected", no "points at the bug".
 *
 * Two checks, each run once for the suite:
 *   tests/programs/field_race.c      a race on acct->balance (3 seeds,
 *                                    Helgrind on the first only)
 *   the get-state exercise's buggy peer (raft/ + buggy/get-state/bug.patch,
 *   in a copy of its own), TSan, 1 seed:
 *                                    raft_get_state reads rf->role and
 *                                    rf->current_term without rf->mu
 */
#include <CUnit/CUnit.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "driver_tests.h"
#include "files.h"

#define PROGRAM_OUTPUT "build/checker/student-program.log"
#define PROGRAM_JSON "build/checker/student-program.json"
#define TREE_OUTPUT "build/checker/student-tree.log"
#define EXERCISE "get-state"
#define EXERCISE_PATCH "buggy/" EXERCISE "/bug.patch"

static char *program_output, *tree_output, *tree;
static json_t *program_report;
static int program_status = -1, tree_status = -1;

static int run_checks(void)
{
	char *program[] = {RRL_CHECK,
			   "--student",
			   "--no-color",
			   "-s",
			   "3",
			   "--helgrind-seeds",
			   "1",
			   "--timeout",
			   "120",
			   "--json",
			   PROGRAM_JSON,
			   "--program",
			   "tests/programs/field_race.c",
			   NULL};
	program_status = run_command(program, PROGRAM_OUTPUT);
	program_output = ck_read_file(PROGRAM_OUTPUT);
	program_report = load_json(PROGRAM_JSON);

	/* The exercise's buggy peer in a copy of our own, not in
	 * build/exercises/, which the catalog's tests rebuild meanwhile.
	 * Five seeds: TSan keeps a few recent accesses per word, and in one
	 * short run the racing write can be pushed out by the locked reads
	 * around it (seed 1 alone came out clean in 1 run of 5). */
	if (access(EXERCISE_PATCH, F_OK) == 0 && (tree = copy_of_raft()) != NULL) {
		/* patch -d enters the tree first: the patch's path must not be
		 * relative. */
		char *patch_file = realpath(EXERCISE_PATCH, NULL);
		char *patch[] = {"patch", "--batch", "--silent", "-p1", "-d",
				 tree,	  "-i",	     patch_file, NULL};
		if (run_command(patch, TREE_OUTPUT) == 0) {
			char *check[] = {RRL_CHECK,
					 "--student",
					 "--no-color",
					 "--variant",
					 "submission",
					 "-d",
					 "tsan",
					 "-s",
					 "5",
					 "-r",
					 "InitialElection3A",
					 tree,
					 NULL};
			tree_status = run_command(check, TREE_OUTPUT);
		}
		tree_output = ck_read_file(TREE_OUTPUT);
		free(patch_file);
	}
	return program_output != NULL && program_report != NULL ? 0 : 1;
}

static int free_checks(void)
{
	free(program_output);
	free(tree_output);
	remove_copy(tree);
	json_decref(program_report);
	return 0;
}

/* Case-insensitive: "Rule 1" and "rule 1" both give the answer away. */
static bool mentions(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; p && *p; p++)
		if (strncasecmp(p, word, n) == 0)
			return true;
	return false;
}

/* What a student may not see before solving, in any case. */
static void assert_gives_nothing_away(const char *text)
{
	static const char *const words[] = {"rule",   "unexpected", "expected", "caught",
					    "missed", "points at",  "bug"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		bool found = mentions(text, words[i]);
		if (found)
			fprintf(stderr, "\n  the student's report says \"%s\":\n%s\n", words[i],
				text);
		CU_ASSERT_FALSE(found);
	}
}

#define HAS(text, needle)                                                                          \
	do {                                                                                       \
		bool found_ = (text) != NULL && strstr(text, needle) != NULL;                      \
		if (!found_)                                                                       \
			fprintf(stderr, "\n  missing \"%s\" in:\n%s\n", needle,                    \
				(text) ? (text) : "(no output)");                                  \
		CU_ASSERT_TRUE(found_);                                                            \
	} while (0)

static void test_program_race_names_field_and_locks(void)
{
	HAS(program_output, "tsan        found 1 problem (in 3 of 3 runs)");
	HAS(program_output, "data race on acct->balance (guarded by acct->mu)");
	HAS(program_output, "holding acct->mu");
	HAS(program_output, "holding no lock");
	HAS(program_output, "static      clean");
	/* One race, one entry: it was seen on every seed, and the report says
	 * how to run one of them alone. Each side names its thread. */
	HAS(program_output, "seen in 3 of 3 seeds (1 2 3)");
	HAS(program_output, "seed 1 alone: build/checker/rrl-check -s 1-1 --student");
	HAS(program_output, "[auditor]");
	HAS(program_output, "[teller]");
	CU_ASSERT_PTR_NULL(strstr(program_output, "heap block"));
	CU_ASSERT_PTR_NULL(strstr(program_output, " M0"));
}

static void test_program_report_gives_nothing_away(void)
{
	assert_gives_nothing_away(program_output);
}

/* The JSON of a student's check has no rule and no grading either. */
static void test_program_json_gives_nothing_away(void)
{
	char *text = json_dumps(program_report, 0);
	CU_ASSERT_PTR_NULL(strstr(text, "\"rule\""));
	CU_ASSERT_PTR_NULL(strstr(text, "\"points_at_bug\""));
	CU_ASSERT_PTR_NULL(strstr(text, "\"exercise\""));
	CU_ASSERT_PTR_NULL(strstr(text, "\"bug_lines\""));
	free(text);
	/* It still names the field. */
	json_t *r = result_for(program_report, "field_race.c");
	json_t *tsan = json_object_get(json_object_get(r, "detectors"), "tsan");
	json_t *f = json_array_get(json_object_get(tsan, "findings"), 0);
	const char *var = json_string_value(json_object_get(f, "variable"));
	CU_ASSERT_STRING_EQUAL(var ? var : "(null)", "acct->balance");
}

/* Helgrind ran the first of the three seeds only. */
static void test_helgrind_seeds(void)
{
	json_t *dets = json_object_get(result_for(program_report, "field_race.c"), "detectors");
	CU_ASSERT_EQUAL(
	    json_integer_value(json_object_get(json_object_get(dets, "helgrind"), "runs")), 1);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(dets, "tsan"), "runs")),
			3);
	json_t *check = json_object_get(program_report, "check");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(check, "helgrind_seeds")), 1);
}

static void test_exercise_race_names_raft_fields(void)
{
	if (tree_output == NULL) {
		fprintf(stderr, "\n  (no buggy/" EXERCISE ": skipped)\n");
		return;
	}
	CU_ASSERT_EQUAL(tree_status, 1);
	HAS(tree_output, "tsan        found ");
	HAS(tree_output, "data race on rf->");
	HAS(tree_output, "(guarded by rf->mu)");
	HAS(tree_output, "raft_get_state");
	HAS(tree_output, "holding rf->mu");
	HAS(tree_output, "holding no lock");
	CU_ASSERT_PTR_NULL(strstr(tree_output, "heap block"));
	/* The copy's random name is no part of the report. */
	char *text = ck_strdup(tree_output);
	for (char *at; (at = strstr(text, tree)) != NULL;)
		memset(at, '.', strlen(tree));
	assert_gives_nothing_away(text);
	free(text);
}

void add_student_suite(void)
{
	CU_pSuite s = CU_add_suite("rrl-check --student", run_checks, free_checks);
	CU_add_test(s, "field_race.c: the race names acct->balance and the locks held",
		    test_program_race_names_field_and_locks);
	CU_add_test(s, "field_race.c: no rule, no bug line, no verdict words",
		    test_program_report_gives_nothing_away);
	CU_add_test(s, "field_race.c: the JSON has no rule or grading either",
		    test_program_json_gives_nothing_away);
	CU_add_test(s, "--helgrind-seeds 1: Helgrind runs one seed of three", test_helgrind_seeds);
	CU_add_test(s, "get-state's buggy peer: rf->... races, nothing given away",
		    test_exercise_race_names_raft_fields);
}
