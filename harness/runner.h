/*
 * The scenario tests and the runner that runs them, like `go test`.
 *
 * Each tests/test_<part>.c defines a table of tests, ended by an entry
 * whose name is NULL. The runner runs every test in a process of its own
 * and judges it by how that process ends (see runner.c).
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <stdint.h>

/* A test's default time limit, in logical ms: config.go's two minutes. */
#define TEST_DEFAULT_BUDGET_MS 120000

typedef struct test_case {
	const char *name;      /* as go test prints it: "TestInitialElection3A" */
	void (*run)(void);     /* passes by returning; fails by ending the process */
	int64_t budget_ms;     /* logical; 0 means TEST_DEFAULT_BUDGET_MS */
} test_case;

extern const test_case tests_3a[];
extern const test_case tests_3b[];
extern const test_case tests_3c[];
extern const test_case tests_3d[];

#endif
