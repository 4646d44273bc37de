/*
 * Unit tests for the watchdog: a stuck test must end by itself, with a
 * finding that says why and a table of who holds what.
 *
 * The watchdog ends its process, so each case runs in a child. The child
 * is a fresh copy of this program (`unit-tests --watchdog-child NAME`),
 * not a plain fork: the runner has just run threads of its own, and one
 * that has counted itself finished may not have exited yet. A fork then
 * copies a multi-threaded process, in which ThreadSanitizer refuses to
 * start threads and ends the child with its own exit status.
 */
#include <CUnit/CUnit.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "rt/finding.h"
#include "rt/rt.h"
#include "unit.h"
#include "watchdog.h"

/* A bound in real time for one child, so a broken watchdog fails its test
 * instead of hanging the run. Only a broken watchdog comes near it. */
#define CHILD_LIMIT_S 60

/* The stopped-watchdog case's budget, in logical ms. */
#define QUICK_BUDGET_MS 2000

/* How long the returning-calls case calls, in logical ms (at scale 1): past
 * the watchdog's limit for one call, which is 5 s logical and real. */
#define CALLS_FOR_MS 7000

/* ---- The children -------------------------------------------------------- */

/* Two threads taking two locks in opposite orders, each waiting for the
 * other: a real deadlock. */
static rt_mutex lock_a, lock_b;
static atomic_int holding;

static void take_a_then_b(void *unused)
{
	rt_mutex_lock(&lock_a);
	atomic_fetch_add(&holding, 1);
	while (atomic_load(&holding) < 2)
		sched_yield();
	rt_mutex_lock(&lock_b);
}

static void take_b_then_a(void *unused)
{
	rt_mutex_lock(&lock_b);
	atomic_fetch_add(&holding, 1);
	while (atomic_load(&holding) < 2)
		sched_yield();
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

static void sleepy_test(void)
{
	watchdog_start("sleepy test", 1000);
	rt_sleep_ms(600000);
}

/* Stops the watchdog early, says how early, then outlives the budget by
 * eight of the watchdog's ticks. */
static void quick_test(void)
{
	int64_t start = rt_now_ms();
	watchdog_start("quick test", QUICK_BUDGET_MS);
	rt_sleep_ms(10);
	watchdog_stop();
	fprintf(stderr, "stopped after %lld ms\n", (long long)(rt_now_ms() - start));
	fflush(stderr);
	rt_sleep_ms(start + QUICK_BUDGET_MS + 2000 - rt_now_ms());
}

/* A lock of the tester's, held across its calls into the peer as
 * cfg_start1 holds config.membership: a wait inside a call is the peer's
 * doing, not a lock held while waiting. */
static rt_mutex tester_lock;

/* The tester's call into the peer that never returns: a raft_start that
 * sleeps. The test's budget is far away; the call's limit is not. */
static void stuck_call_test(void)
{
	rt_mutex_init(&tester_lock, "test.tester", -1);
	watchdog_start("stuck call test", 600000);
	rt_mutex_lock(&tester_lock);
	watchdog_call_begin("raft_start");
	rt_sleep_ms(600000);
}

/* Calls that each return in 100 ms, one after another for longer than the
 * call limit: no one of them is stuck. */
static void returning_calls_test(void)
{
	int64_t start = rt_now_ms();
	rt_mutex_init(&tester_lock, "test.tester", -1);
	watchdog_start("returning calls test", 600000);
	rt_mutex_lock(&tester_lock);
	while (rt_now_ms() - start < CALLS_FOR_MS) {
		int call = watchdog_call_begin("raft_get_state");
		rt_sleep_ms(100);
		watchdog_call_end(call);
	}
	rt_mutex_unlock(&tester_lock);
}

/*
 * The children by name. A deadlock is reported once the cycle has been
 * seen on two ticks, but a mutex wait past the stall limit (20 ticks) is
 * reported as a hang first: that child runs at a slower time scale, so
 * that a loaded machine cannot starve the watchdog across that gap.
 */
static const struct child {
	const char *name;
	void (*body)(void);
	double time_scale;
} children[] = {
	{"deadlock", deadlocking_test, 0.2},
	{"sleepy", sleepy_test, 0.05},
	{"quick", quick_test, 0.05},
	{"stuck call", stuck_call_test, 1},
	{"returning calls", returning_calls_test, 1},
};

int watchdog_child_main(const char *name)
{
	for (size_t i = 0; i < sizeof children / sizeof children[0]; i++) {
		if (strcmp(children[i].name, name) != 0)
			continue;
		rt_init(&(rt_options){.seed = 1, .noise = 0,
				      .time_scale = children[i].time_scale});
		children[i].body();
		return 0;
	}
	fprintf(stderr, "unit-tests: no watchdog child called \"%s\"\n", name);
	return 2;
}

/* ---- The tests ----------------------------------------------------------- */

static double real_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run child name in a fresh copy of this program, with stderr captured;
 * return its exit status (-1 if it was killed or crashed) and its stderr
 * in *err. */
static int run_child(const char *name, char **err)
{
	fflush(stdout);
	capture_begin();
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {"unit-tests", WATCHDOG_CHILD_FLAG, (char *)name, NULL};
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	int status = 0;
	bool exited = false;
	double limit = real_now_s() + CHILD_LIMIT_S;
	while (!exited && real_now_s() < limit) {
		exited = waitpid(pid, &status, WNOHANG) == pid;
		if (!exited)
			usleep(5000);
	}
	if (!exited) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	*err = capture_end();
	return exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_deadlock_is_reported_with_lock_table(void)
{
	char *err = NULL;
	int status = run_child("deadlock", &err);
	CU_ASSERT_EQUAL(status, WATCHDOG_EXIT_CODE);
	CU_ASSERT_EQUAL(count_findings(err, "deadlock"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds test.deadlock_a"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds test.deadlock_b"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes a then b"));
	free(err);
}

static void test_budget_overrun_is_reported(void)
{
	char *err = NULL;
	int status = run_child("sleepy", &err);
	CU_ASSERT_EQUAL(status, WATCHDOG_EXIT_CODE);
	CU_ASSERT_EQUAL(count_findings(err, "timeout"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "waits (sleep)"));
	free(err);
}

/*
 * A child that was descheduled for half the budget before it stopped the
 * watchdog proves nothing either way: the watchdog may rightly have fired.
 * Such a run is repeated. A run that stopped early must stay quiet.
 */
static void test_stopped_watchdog_stays_quiet(void)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		char *err = NULL;
		int status = run_child("quick", &err);
		long long stopped_after = -1;
		const char *line = strstr(err, "stopped after ");
		if (line)
			sscanf(line, "stopped after %lld ms", &stopped_after);
		bool stopped_early = line && stopped_after < QUICK_BUDGET_MS / 2;
		if (status == 0 || stopped_early) {
			CU_ASSERT_EQUAL(status, 0);
			CU_ASSERT_PTR_NULL(strstr(err, RT_FINDING_PREFIX));
			CU_ASSERT_PTR_NOT_NULL(line);
			free(err);
			return;
		}
		free(err);
	}
	CU_FAIL("in 5 runs the child never stopped its watchdog within half the budget");
}

static void test_stuck_call_is_a_hang(void)
{
	char *err = NULL;
	double start = real_now_s();
	int status = run_child("stuck call", &err);
	CU_ASSERT_EQUAL(status, WATCHDOG_EXIT_CODE);
	CU_ASSERT_EQUAL(count_findings(err, "hang"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "raft_start() has not returned"));
	/* The tester's lock held across the call is not the peer's. */
	CU_ASSERT_EQUAL(count_findings(err, "blocking-with-lock"), 0);
	/* The caller's sleep is the line that is stuck. */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"file\":\"tests/unit/test_watchdog.c\""));
	/* Long before the budget's 600 s. */
	CU_ASSERT_TRUE(real_now_s() - start < 30);
	free(err);
}

static void test_returning_calls_stay_quiet(void)
{
	char *err = NULL;
	int status = run_child("returning calls", &err);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_PTR_NULL(strstr(err, RT_FINDING_PREFIX));
	free(err);
}

void add_watchdog_suite(void)
{
	CU_pSuite s = CU_add_suite("watchdog", NULL, NULL);
	CU_add_test(s, "deadlock is reported with the lock table",
		    test_deadlock_is_reported_with_lock_table);
	CU_add_test(s, "budget overrun is reported", test_budget_overrun_is_reported);
	CU_add_test(s, "stopped watchdog stays quiet", test_stopped_watchdog_stays_quiet);
	CU_add_test(s, "a call into the peer that never returns is a hang",
		    test_stuck_call_is_a_hang);
	CU_add_test(s, "calls that return stay quiet", test_returning_calls_stay_quiet);
}
