/*
 * Preemption points: the two moments where who runs next decides whether
 * a split critical section is seen.
 *
 *   - A thread releases a lock another thread is waiting for. On a busy
 *     machine the waiter may well run first; on an idle one the releasing
 *     thread nearly always goes on, and takes the lock again before the
 *     waiter has woken up. With the run's noise probability it steps
 *     aside briefly.
 *   - A split point: a thread takes again the lock it released moments
 *     ago, and has waited for nothing since (no sleep, condition, RPC or
 *     queue). That is a write sequence, or a check and its act, split
 *     across two critical sections; another thread getting in between is
 *     the whole bug. Correct code almost never does it (it lets go of a
 *     lock to wait for something), so here the thread steps aside more
 *     often and for longer: up to a second (a heartbeat interval for the
 *     harness's threads, and after a call that may wait), with four
 *     times the noise probability. A thread that locks and unlocks in a
 *     tight loop would crawl, so it pauses at most once per half second.
 *
 * Each decision is a seeded coin from the thread's own random stream, so
 * it is repeated with the seed (the OS scheduler adds its own). Only the
 * peers' locks take part (rt_mutex.history): the platform's own locks are
 * not where peers' bugs are.
 *
 * A long split-point pause is also announced (rt_set_split_pause_hook),
 * so that the harness may crash the peer while the thread is away: a
 * crash is one more thing that can land between two critical sections,
 * and the one that shows a save made apart from the state it belongs with.
 *
 * These two functions are the only places that decide; a deterministic
 * scheduler can later own them. The bookkeeping (the waiter count, the
 * last release) is the runtime's own and, like the rest of this directory,
 * invisible to TSan and hidden from Helgrind.
 */
#include <valgrind/helgrind.h>

#include "rt_internal.h"

/* A re-acquire this soon after the release (logical) counts as quick. */
#define QUICK_REACQUIRE_US 2000
/* How long a thread may step aside at a split point (logical): up to
 * about two election timeouts, so that whole events can land between the
 * two critical sections, as they do when the OS deschedules a thread at
 * the wrong moment. A heartbeat interval lets in a vote request, an
 * AppendEntries or a Start; only a longer gap lets the peers that granted
 * a vote time out, stand in a newer term and reach the paused thread
 * with it, which is what a half-made candidate or a leader-to-be in the
 * gap must survive. */
#define SPLIT_PAUSE_MAX_US 1000000
/* Two kinds of split point pause up to a heartbeat interval only:
 *   - the harness's own threads (the tester, its Start threads): the
 *     tester measures the test's time limits on its own clock, and a
 *     second's pause there makes the test, not the peer, miss them (a
 *     split inside raft_start still gets its window);
 *   - a thread that let go of the lock to call something that may wait
 *     (a queue put that found room): it did what it should, and the OS
 *     may well preempt it during such a call, but for no longer than
 *     that call could take. */
#define SPLIT_PAUSE_SHORT_MAX_US 100000
/* How much likelier than other noise points a split point fires, and
 * how long after one pause the same thread may pause again. */
#define SPLIT_NOISE_FACTOR 4
#define SPLIT_PAUSE_GAP_US 500000

/* Set when a test's cluster is made and cleared when it is cleaned up;
 * atomic because the peers' threads read it. */
static _Atomic(rt_split_pause_hook) split_pause_hook;

void rt_set_split_pause_hook(rt_split_pause_hook hook)
{
	atomic_store_explicit(&split_pause_hook, hook, memory_order_release);
}

static bool coin(double p)
{
	return (double)(rt_rand() >> 11) / (double)(1ULL << 53) < p;
}

/* Real nanoseconds for logical microseconds. */
static int64_t scaled_ns(int64_t us)
{
	return (int64_t)((double)us * 1e3 * rt_global_scale);
}

void rt_preempt_init(rt_mutex *mu)
{
	atomic_init(&mu->waiters, 0);
	VALGRIND_HG_DISABLE_CHECKING(&mu->waiters, sizeof mu->waiters);
}

void rt_preempt_waiting(rt_mutex *mu, int delta)
{
	if (mu->history)
		atomic_fetch_add_explicit(&mu->waiters, delta, memory_order_relaxed);
}

void rt_preempt_released(rt_mutex *mu)
{
	rt_thread_rec *self = rt_self();
	self->last_released = mu;
	self->last_release_us = rt_now_us();
	self->waited_since_release = false;
	self->may_have_waited_since_release = false;
}

int64_t rt_preempt_reacquire(rt_mutex *mu)
{
	if (rt_global_noise <= 0 || !mu->history)
		return 0;
	rt_thread_rec *self = rt_self();
	int64_t now = rt_now_us();
	bool split = self->last_released == mu && !self->waited_since_release &&
		     now - self->last_release_us <= QUICK_REACQUIRE_US;
	if (!split || now - self->split_pause_end_us < SPLIT_PAUSE_GAP_US ||
	    !coin(rt_global_noise * SPLIT_NOISE_FACTOR))
		return 0;
	bool long_pause = self->peer >= 0 && !self->may_have_waited_since_release;
	int64_t pause_us = rt_rand_range(200, long_pause ? SPLIT_PAUSE_MAX_US
							 : SPLIT_PAUSE_SHORT_MAX_US);
	self->split_pause_end_us = now + pause_us;
	rt_split_pause_hook hook = atomic_load_explicit(&split_pause_hook, memory_order_acquire);
	if (long_pause && hook != NULL)
		hook(mu->instance, pause_us);
	return scaled_ns(pause_us);
}

int64_t rt_preempt_release(rt_mutex *mu)
{
	if (rt_global_noise <= 0 || !mu->history ||
	    atomic_load_explicit(&mu->waiters, memory_order_relaxed) == 0 ||
	    !coin(rt_global_noise))
		return 0;
	return scaled_ns(rt_rand_range(100, 2000));
}
