/*
 * The watchdog: makes sure a test never hangs.
 *
 * A thread that wakes every 250 logical milliseconds and fails the test when
 *   - the test has run past its budget, or
 *   - a thread has waited for a mutex longer than the stall limit, or
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

/* Start watching the current test; budget_ms is in logical milliseconds. */
void watchdog_start(const char *test_name, int64_t budget_ms);
/* Stop watching (the test finished). */
void watchdog_stop(void);

#endif
