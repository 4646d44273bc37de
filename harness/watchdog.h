/*
 * The watchdog: makes sure a test never hangs.
 *
 * A thread that wakes every 250 logical milliseconds and fails the test when
 *   - the test has run past its budget, or
 *   - a thread has waited for a mutex longer than the stall limit, or
 *   - a call from the tester into the peer has not returned within the
 *     same limit (raft_make, raft_start, raft_get_state, raft_kill and
 *     raft_snapshot must each return at once, whatever they start), or
 *   - threads wait for each other in a cycle (a deadlock, seen through
 *     mutexes, RPC calls and full apply queues), the same threads in the
 *     same waits on two ticks in a row.
 * It then prints which thread holds which lock and since when, and what
 * every thread is blocked on, reports a watchdog finding and ends the
 * process with WATCHDOG_EXIT_CODE.
 */
#ifndef WATCHDOG_H
#define WATCHDOG_H

#include <stdint.h>

#define WATCHDOG_EXIT_CODE 3

/* What the process tells Helgrind (a client message in its XML) just
 * before the watchdog ends it. Threads ended mid-critical-section then
 * "exit" holding locks, and Helgrind says so; the checker drops those
 * errors after the mark: they are the ending's, and the watchdog's own
 * finding is the one that names the hang. */
#define WATCHDOG_ENDED_MARK "RRL-ENDED the watchdog ended the process"

/* Start watching the current test; budget_ms is in logical milliseconds. */
void watchdog_start(const char *test_name, int64_t budget_ms);
/* Stop watching (the test finished). */
void watchdog_stop(void);

/* Around each call from the tester into the peer: begin returns a token
 * for end. A call still under way after the stall limit is a hang, found
 * in seconds where the test's budget would take minutes. The locks the
 * tester holds across the call are its own: lockdep charges no wait inside
 * the call to them (rt_callers_locks_begin). */
int watchdog_call_begin(const char *function);
void watchdog_call_end(int token);

/* End the process for a finding already reported: the mark for Helgrind,
 * then _exit(WATCHDOG_EXIT_CODE), with no atexit work that could block on
 * the threads that hang. */
_Noreturn void watchdog_end_process(void);

#endif
