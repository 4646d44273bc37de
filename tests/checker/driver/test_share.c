/*
 * Two trees with the same peer sources build the same program, so a run
 * planned for both is made once and counts for both (checker/share.h):
 *
 *   same        the copy checked second makes no run of its own, yet its
 *               detectors count the seed and the finding, as the first's
 *               do; its report names the tree it shared with
 *   different   a tree with other sources shares nothing
 *   --no-share  every tree runs its own runs
 *
 * One seed of one short scenario, with TSan and the invariants, no hunt.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "driver_tests.h"

#define OUTPUT "build/checker/share.log"

static json_t *detector(json_t *result, const char *name)
{
	return json_object_get(json_object_get(result, "detectors"), name);
}

static json_int_t integer(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The bug in both copies: the invariants see it on the seed. */
static void assert_caught_on_the_seed(json_t *result)
{
	json_t *invariants = detector(result, "invariants");
	CU_ASSERT_EQUAL(integer(invariants, "runs"), 1);
	CU_ASSERT_EQUAL(integer(invariants, "detected"), 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(invariants, "verdict")),
			       "unexpected");
	CU_ASSERT_EQUAL(integer(detector(result, "tsan"), "runs"), 1);
}

/* Runs rrl-check on the trees; returns its report, or NULL. */
static json_t *check(const char *json, bool share, char *first, char *second, char *third)
{
	char *argv[16] = {RRL_CHECK, "-q", "-d", "tsan,invariants", "-s", "1",
			  "-r", "^TestInitialElection3A$", "--no-hunt", "--json", (char *)json};
	int n = 11;
	if (!share)
		argv[n++] = "--no-share";
	argv[n++] = first;
	argv[n++] = second;
	if (third != NULL)
		argv[n++] = third;
	argv[n] = NULL;
	CU_ASSERT_EQUAL(run_command(argv, OUTPUT), 1);
	return load_json(json);
}

static void test_the_same_sources_share_their_runs(void)
{
	char *same1 = copy_of_raft(), *same2 = copy_of_raft(), *other = copy_of_raft();
	CU_ASSERT_FATAL(same1 != NULL && same2 != NULL && other != NULL);
	CU_ASSERT_TRUE_FATAL(keep_the_candidates_term(same1));
	CU_ASSERT_TRUE_FATAL(keep_the_candidates_term(same2));
	char *json = ck_strdup_printf("%s/report.json", same1);

	json_t *report = check(json, true, same1, same2, other);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	json_t *first = result_for(report, same1), *second = result_for(report, same2);
	CU_ASSERT_FATAL(first != NULL && second != NULL);
	/* Targets are planned in the order given: the first runs. */
	CU_ASSERT_PTR_NULL(json_object_get(first, "shared_runs"));
	CU_ASSERT_EQUAL(integer(second, "shared_runs"), 2); /* its TSan and plain runs */
	json_t *with = json_object_get(second, "shared_with");
	CU_ASSERT_EQUAL(json_array_size(with), 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(with, 0)), same1);
	assert_caught_on_the_seed(first);
	assert_caught_on_the_seed(second);
	/* The reference's copy is another program: its own runs, clean. */
	json_t *mine = result_for(report, other);
	CU_ASSERT_PTR_NULL(json_object_get(mine, "shared_runs"));
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(detector(mine, "invariants"), "verdict")), "clean");
	json_decref(report);

	report = check(json, false, same1, same2, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	second = result_for(report, same2);
	CU_ASSERT_PTR_NULL(json_object_get(second, "shared_runs"));
	assert_caught_on_the_seed(second);
	json_decref(report);

	free(json);
	remove_copy(same1);
	remove_copy(same2);
	remove_copy(other);
}

void add_share_suite(void)
{
	CU_pSuite s = CU_add_suite("rrl-check: the same run for trees with the same sources", NULL,
				   NULL);
	CU_add_test(s, "the same sources share their runs; other sources and --no-share do not",
		    test_the_same_sources_share_their_runs);
}
