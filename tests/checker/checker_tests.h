/*
 * CUnit tests of the checker. Each tests/checker/test_<name>.c defines
 * one add_<name>_suite() that registers its suite; main.c calls them all.
 * Declare a new suite here and call it from main.c.
 */
#ifndef CHECKER_TESTS_H
#define CHECKER_TESTS_H

#include <CUnit/CUnit.h>

void add_grade_suite(void);
void add_outputs_suite(void);
void add_finding_suite(void);
void add_parse_tsan_suite(void);
void add_parse_helgrind_suite(void);
void add_parse_clang_suite(void);
void add_parse_findings_suite(void);
void add_collect_suite(void);
void add_matrix_suite(void);
void add_race_names_suite(void);
void add_run_suite(void);
void add_sarif_suite(void);
void add_policy_suite(void);
void add_grade_outputs_suite(void);
void add_student_report_suite(void);

#endif
