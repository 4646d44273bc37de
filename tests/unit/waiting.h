/*
 * Waiting in tests without guessing how long things take.
 *
 * The unit runner shrinks time (scale 0.05), so a logical second is 50 ms
 * of real time, and a loaded machine can stall a thread for longer than
 * that. A test therefore never asserts that something happened within a
 * short time. It waits for what must happen, with UNIT_PATIENCE_MS as a
 * bound that only a broken test reaches, and it sees that a thread is
 * blocked by looking at the runtime's thread table (the one the watchdog
 * prints) instead of sleeping and hoping the thread got there.
 */
#ifndef WAITING_H
#define WAITING_H

#include <stdbool.h>
#include <stddef.h>

#include "rt/rt.h"

/* 20 s of real time, in logical ms at the current time scale. */
#define UNIT_PATIENCE_MS ((int64_t)(20000 / rt_time_scale()))

/*
 * Does the live thread called name show a wait in the thread table? kind
 * is the table's word for it ("queue", "rpc", "sleep", "mutex",
 * "condition") and what the text after "for", e.g. "apply queue full";
 * NULL matches any.
 */
bool thread_shows_wait(const char *name, const char *kind, const char *what);

/*
 * Wait until thread_shows_wait(name, kind, what), for at most
 * UNIT_PATIENCE_MS; stop early, with false, once *gave_up(arg) is true
 * (the thread finished without blocking, say). gave_up may be NULL.
 */
bool wait_until_thread_waits(const char *name, const char *kind, const char *what,
			     bool (*gave_up)(void *arg), void *arg);

/*
 * Wait, for at most UNIT_PATIENCE_MS, until the thread table shows a
 * wait-for cycle, and the same cycle on a second look: the table is read
 * without locks, so one look can be torn (a thread seen waiting for a lock
 * it has just taken makes a cycle of itself). The watchdog asks the same.
 * Writes the cycle into cycle[len].
 */
bool wait_until_deadlock(char *cycle, size_t len);

#endif
