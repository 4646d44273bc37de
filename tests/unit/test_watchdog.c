/*
 * Unit tests for the watchdog: a stuck test must end by itself, with a
 * finding that says why and a table of who holds what.
 *
 * Each case runs in a forked child, because the watchdog ends the process.
 */
#include <CUnit/CUnit.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "rt/rt.h"
#include "unit.h"
#include "watchdog.h"

/* Run body in a child with stderr captured; return its exit status (or -1
 * if it had to be killed) and its stderr in *err. */
static int run_child(void (*body)(void), char **err)
{
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(10000));
	capture_begin();
	pid_t pid = fork();
	if (pid == 0) {
		body();
		_exit(0);
	}
	int status = 0;
	bool exited = false;
	/* A real-time bound, so a broken watchdog fails this test instead of
	 * hanging it. */
	for (int i = 0; i < 1000 && !exited; i++) {
		exited = waitpid(pid, &status, WNOHANG) == pid;
		if (!exited)
			usleep(10000);
	}
	if (!exited) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	*err = capture_end();
	return exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Two threads taking two locks in opposite orders, each waiting for the
 * other: a real deadlock. */
static rt_mutex lock_a, lock_b;
static atomic_int holding;

static void take_a_then_b(void *unused)
{
	rt_mutex_lock(&lock_a);
	atomic_fetch_add(&holding, 1);
	while (atomic_load(&holding) < 2)
		;
	rt_mutex_lock(&lock_b);
}

static void take_b_then_a(void *unused)
{
	rt_mutex_lock(&lock_b);
	atomic_fetch_add(&holding, 1);
	while (atomic_load(&holding) < 2)
		;
	rt_mutex_lock(&lock_a);
}

static void deadlocking_test(void)
{
	rt_mutex_init(&lock_a, "test.deadlock_a", -1);
	rt_mutex_init(&lock_b, "test.deadlock_b", -1);
	watchdog_start("deadlocking test", 600000);
	rt_thread_spawn("takes a then b", 0, take_a_then_b, NULL);
	rt_thread_spawn("takes b then a", 1, take_b_then_a, NULL);
	rt_threads_wait_quiet(600000);
}

static void test_deadlock_is_reported_with_lock_table(void)
{
	char *err = NULL;
	int status = run_child(deadlocking_test, &err);
	CU_ASSERT_EQUAL(status, WATCHDOG_EXIT_CODE);
	CU_ASSERT_EQUAL(count_findings(err, "deadlock"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds test.deadlock_a"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds test.deadlock_b"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes a then b"));
	free(err);
}

static void sleepy_test(void)
{
	watchdog_start("sleepy test", 1000);
	rt_sleep_ms(600000);
}

static void test_budget_overrun_is_reported(void)
{
	char *err = NULL;
	int status = run_child(sleepy_test, &err);
	CU_ASSERT_EQUAL(status, WATCHDOG_EXIT_CODE);
	CU_ASSERT_EQUAL(count_findings(err, "timeout"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "waits (sleep)"));
	free(err);
}

static void quick_test(void)
{
	watchdog_start("quick test", 1000);
	rt_sleep_ms(10);
	watchdog_stop();
	rt_sleep_ms(2000);
}

static void test_stopped_watchdog_stays_quiet(void)
{
	char *err = NULL;
	int status = run_child(quick_test, &err);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_PTR_NULL(strstr(err, "RRL-FINDING"));
	free(err);
}

void add_watchdog_suite(void)
{
	CU_pSuite s = CU_add_suite("watchdog", NULL, NULL);
	CU_add_test(s, "deadlock is reported with the lock table",
		    test_deadlock_is_reported_with_lock_table);
	CU_add_test(s, "budget overrun is reported", test_budget_overrun_is_reported);
	CU_add_test(s, "stopped watchdog stays quiet", test_stopped_watchdog_stays_quiet);
}
