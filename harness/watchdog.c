/*
 * The watchdog thread. See watchdog.h.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt/finding.h"
#include "rt/rt.h"
#include "watchdog.h"

#define TICK_MS 250
/* No mutex in correct code is held anywhere near this long. */
#define MUTEX_STALL_MS 5000
/* ... and a loaded machine can keep a lock holder off the CPU for a second
 * or more of real time, whatever the time scale: a stall must also be this
 * long in real time before it counts, or a fast run would report a hang
 * that is only the machine being busy. */
#define MUTEX_STALL_REAL_MS 5000

static const char *test_name;
static int64_t deadline_ms;
static atomic_bool running;

/* Print the thread table, report the finding and end the process. */
static void fail(const char *kind, const char *why)
{
	char *table = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&table, &len);
	if (mem) {
		rt_dump_threads(mem, NULL, 0);
		fclose(mem);
	}
	fprintf(stderr, "watchdog: %s: %s\nwatchdog: threads at %.2fs (seed %llu):\n%s", test_name,
		why, rt_now_s(), (unsigned long long)rt_seed(), table ? table : "");
	rt_finding_info info = {
		.detector = "watchdog", .kind = kind, .rule = RULE_LOCK_HELD_WHILE_WAITING,
		.peer = FINDING_NO_PEER, .term = FINDING_NO_TERM};
	/* A deadlock or a stalled mutex wait points at the line that is stuck;
	 * a test over its budget has no one such line. */
	if (strcmp(kind, "timeout") != 0)
		rt_stuck_site(&info.site);
	rt_finding_details(&info, table, "%s: %s", test_name, why);
	fflush(stdout);
	_exit(WATCHDOG_EXIT_CODE);
}

static void watch(void *unused)
{
	char cycle[512], why[768];
	uint64_t cycle_before = 0;
	rt_mutex_stall stall_before = {.slot = -1};
	while (atomic_load_explicit(&running, memory_order_relaxed)) {
		rt_sleep_ms(TICK_MS);
		if (!atomic_load_explicit(&running, memory_order_relaxed))
			break;
		/* The same cycle, every thread in the same wait, must be seen on
		 * two ticks: the thread table is read without locks, so one look
		 * can be torn, and on a loaded machine a thread woken from a wait
		 * can stay off the CPU, still showing it, for a tick or more. */
		uint64_t cycle_now = rt_dump_threads_signed(NULL, cycle, sizeof cycle);
		if (cycle_now != 0 && cycle_now == cycle_before) {
			snprintf(why, sizeof why, "deadlock: %s", cycle);
			fail("deadlock", why);
		}
		cycle_before = cycle_now;

		/* So must a stall: the same wait, seen on two ticks. */
		rt_mutex_stall stall = rt_longest_mutex_wait();
		bool same_wait = stall.slot >= 0 && stall.slot == stall_before.slot &&
				 stall.since_ms == stall_before.since_ms;
		if (same_wait && stall.ms > MUTEX_STALL_MS &&
		    (double)stall.ms * rt_time_scale() > MUTEX_STALL_REAL_MS) {
			snprintf(why, sizeof why, "a thread has waited %lld ms for a mutex",
				 (long long)stall.ms);
			fail("hang", why);
		}
		stall_before = stall;
		if (rt_now_ms() > deadline_ms) {
			snprintf(why, sizeof why, "still running after its budget of %.1f s",
				 (double)(deadline_ms) / 1000);
			fail("timeout", why);
		}
	}
}

void watchdog_start(const char *name, int64_t budget_ms)
{
	test_name = name;
	deadline_ms = rt_now_ms() + budget_ms;
	atomic_store(&running, true);
	rt_thread_spawn_daemon("watchdog", watch, NULL);
}

void watchdog_stop(void)
{
	atomic_store(&running, false);
}
