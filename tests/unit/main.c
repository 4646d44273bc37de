/*
 * The unit-test runner: every suite, one process, CUnit's basic interface.
 * Exit status 0 only if every test passed. With --watchdog-child NAME it
 * runs one of the watchdog tests' children instead (see test_watchdog.c).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "rt/rt.h"
#include "unit.h"

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], WATCHDOG_CHILD_FLAG) == 0)
		return watchdog_child_main(argv[2]);
	/* A small time scale keeps the network's delays short. */
	rt_init(&(rt_options){.seed = 1, .noise = 0, .time_scale = 0.05});
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit: cannot initialise CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	add_codec_suite();
	add_net_suite();
	add_persister_suite();
	add_applied_suite();
	add_apply_queue_suite();
	add_log_suite();
	add_lockdep_suite();
	add_watchdog_suite();
	add_protocol_election_suite();
	add_protocol_append_suite();
	add_protocol_leader_suite();
	add_protocol_snapshot_suite();
	add_oracle_election_suite();
	add_oracle_log_suite();
	add_oracle_commit_suite();
	add_oracle_terms_suite();
	add_oracle_history_suite();
	add_preempt_suite();

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
