/*
 * The driver's test runner (make check-programs): CUnit's basic
 * interface; exit status 0 only if every test passed. An argument runs
 * only the suite of that name (test-driver "make check-all and make
 * matrix: the commands").
 */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "driver_tests.h"

int main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "test-driver: cannot initialise CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	add_cli_suite();
	add_check_all_suite();
	add_trees_suite();
	add_share_suite();
	add_programs_suite();
	add_student_suite();
	add_sandboxed_suite();
	add_hostile_suite();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		CU_pSuite only = CU_get_suite(argv[1]);
		if (only == NULL) {
			fprintf(stderr, "test-driver: no suite named '%s'\n", argv[1]);
			CU_cleanup_registry();
			return 2;
		}
		CU_basic_run_suite(only);
	} else {
		CU_basic_run_tests();
	}
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
