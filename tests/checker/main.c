/*
 * The checker's unit-test runner: every suite, one process, CUnit's basic
 * interface. Exit status 0 only if every test passed.
 *
 * Every suite of tests/checker is registered here (the parsers', grading,
 * outputs, ...): add a call below for a new one.
 */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "checker_tests.h"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "checker-tests: cannot initialise CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	add_finding_suite();
	add_parse_tsan_suite();
	add_parse_helgrind_suite();
	add_parse_clang_suite();
	add_parse_findings_suite();
	add_grade_suite();
	add_outputs_suite();
	add_collect_suite();
	add_matrix_suite();
	add_race_names_suite();
	add_run_suite();
	add_sarif_suite();
	add_policy_suite();
	add_grade_outputs_suite();
	add_student_report_suite();

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (failed > 0) {
		/* Again at the end, where a log cut to its tail still shows them. */
		printf("\nFailed:");
		CU_basic_show_failures(CU_get_failure_list());
		printf("\n");
	}
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
