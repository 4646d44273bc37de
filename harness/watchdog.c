/*
 * The watchdog thread. See watchdog.h.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <valgrind/helgrind.h>

#include "rt/finding.h"
#include "rt/rt.h"
#include "watchdog.h"

#define TICK_MS 250
/* No mutex in correct code is held anywhere near this long, and no call
 * into the peer lasts it. */
#define MUTEX_STALL_MS 5000
/* ... and a loaded machine can keep a lock holder off the CPU for a second
 * or more of real time, whatever the time scale: a stall must also be this
 * long in real time before it counts, or a fast run would report a hang
 * that is only the machine being busy. */
#define MUTEX_STALL_REAL_MS 5000

static const char *test_name;
static int64_t deadline_ms;
static atomic_bool running;

/* The tester's calls into the peer now under way, one slot each. A slot
 * is claimed through taken, then since_ms is set, then function: the
 * watchdog reads a call only once its function is there, and an end
 * clears function before it frees the slot. */
#define MAX_CALLS 64
static struct peer_call {
	atomic_bool taken;
	atomic_llong since_ms;
	atomic_int thread; /* the caller's slot in the runtime's thread table */
	_Atomic(const char *) function;
	int callers_locks; /* the caller's own: what rt_callers_locks_end restores */
} calls[MAX_CALLS];

/* Print the thread table, report the finding and end the process. site
 * is the line that is stuck, if one is. */
static void fail(const char *kind, const char *why, const rt_site *site)
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
	if (site != NULL)
		info.site = *site;
	rt_finding_details(&info, table, "%s: %s", test_name, why);
	fflush(stdout);
	watchdog_end_process();
}

void watchdog_end_process(void)
{
	VALGRIND_PRINTF("%s\n", WATCHDOG_ENDED_MARK);
	_exit(WATCHDOG_EXIT_CODE);
}

int watchdog_call_begin(const char *function)
{
	for (int k = 0; k < MAX_CALLS; k++) {
		bool free_slot = false;
		if (!atomic_compare_exchange_strong(&calls[k].taken, &free_slot, true))
			continue;
		atomic_store(&calls[k].since_ms, rt_now_ms());
		atomic_store(&calls[k].thread, rt_thread_slot());
		atomic_store(&calls[k].function, function);
		/* The tester's locks held across the call are not the peer's. */
		calls[k].callers_locks = rt_callers_locks_begin();
		return k;
	}
	return -1; /* more calls at once than slots: this one goes unwatched */
}

void watchdog_call_end(int token)
{
	if (token < 0)
		return;
	rt_callers_locks_end(calls[token].callers_locks);
	atomic_store(&calls[token].function, NULL);
	atomic_store(&calls[token].taken, false);
}

/* The call under way the longest: its slot, or -1 if there is none. */
static int longest_call(int64_t *since_ms)
{
	int longest = -1;
	for (int k = 0; k < MAX_CALLS; k++) {
		if (atomic_load(&calls[k].function) == NULL)
			continue;
		int64_t since = atomic_load(&calls[k].since_ms);
		if (longest < 0 || since < *since_ms) {
			longest = k;
			*since_ms = since;
		}
	}
	return longest;
}

/* A wait of ms logical milliseconds is long enough to be a hang: past the
 * stall limit, in logical and in real time alike. */
static bool stalled(int64_t ms)
{
	return ms > MUTEX_STALL_MS && (double)ms * rt_time_scale() > MUTEX_STALL_REAL_MS;
}

static void watch(void *unused)
{
	char cycle[512], why[768];
	uint64_t cycle_before = 0;
	rt_mutex_stall stall_before = {.slot = -1};
	int call_before = -1;
	int64_t call_since_before = 0;
	while (atomic_load_explicit(&running, memory_order_relaxed)) {
		rt_sleep_ms(TICK_MS);
		if (!atomic_load_explicit(&running, memory_order_relaxed))
			break;
		/* The same cycle, every thread in the same wait, must be seen on
		 * two ticks: the thread table is read without locks, so one look
		 * can be torn, and on a loaded machine a thread woken from a wait
		 * can stay off the CPU, still showing it, for a tick or more. */
		uint64_t cycle_now = rt_dump_threads_signed(NULL, cycle, sizeof cycle);
		rt_site site = {0};
		if (cycle_now != 0 && cycle_now == cycle_before) {
			snprintf(why, sizeof why, "deadlock: %s", cycle);
			fail("deadlock", why, rt_stuck_site(&site) ? &site : NULL);
		}
		cycle_before = cycle_now;

		/* So must a stall: the same wait, seen on two ticks. */
		rt_mutex_stall stall = rt_longest_mutex_wait();
		bool same_wait = stall.slot >= 0 && stall.slot == stall_before.slot &&
				 stall.since_ms == stall_before.since_ms;
		if (same_wait && stalled(stall.ms)) {
			snprintf(why, sizeof why, "a thread has waited %lld ms for a mutex",
				 (long long)stall.ms);
			fail("hang", why, rt_stuck_site(&site) ? &site : NULL);
		}
		stall_before = stall;

		/* And a call into the peer: the same call, seen on two ticks. */
		int64_t since = 0;
		int call = longest_call(&since);
		const char *function = call >= 0 ? atomic_load(&calls[call].function) : NULL;
		if (function != NULL && call == call_before && since == call_since_before &&
		    stalled(rt_now_ms() - since)) {
			snprintf(why, sizeof why,
				 "%s() has not returned %lld ms after the tester called it (the "
				 "peer's functions must return at once and leave long work to "
				 "threads of their own)",
				 function, (long long)(rt_now_ms() - since));
			/* The line the caller waits at, if it waits: a peer that
			 * spins has none. */
			bool waits = rt_wait_site_of(atomic_load(&calls[call].thread), &site);
			fail("hang", why, waits ? &site : NULL);
		}
		call_before = call;
		call_since_before = since;
		if (rt_now_ms() > deadline_ms) {
			snprintf(why, sizeof why, "still running after its budget of %.1f s",
				 (double)(deadline_ms) / 1000);
			fail("timeout", why, NULL); /* a test over its budget has no one line */
		}
	}
}

void watchdog_start(const char *name, int64_t budget_ms)
{
	test_name = name;
	deadline_ms = rt_now_ms() + budget_ms;
	/* Atomics, which Helgrind would take for races. */
	VALGRIND_HG_DISABLE_CHECKING(calls, sizeof calls);
	atomic_store(&running, true);
	rt_thread_spawn_daemon("watchdog", watch, NULL);
}

void watchdog_stop(void)
{
	atomic_store(&running, false);
}
