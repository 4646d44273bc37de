/*
 * Preemption points: the two moments where who runs next decides whether
 * a split critical section is seen.
 *
 *   - A thread releases a lock another thread is waiting for. On a busy
 *     machine the waiter may well run first; on an idle one the releasing
 *     thread nearly always goes on, and takes the lock again before the
 *     waiter has woken up.
 *   - A thread takes again a lock it released moments ago: a write
 *     sequence, or a check and its act, split across two critical
 *     sections. Another thread getting in between is the whole bug.
 *
 * At each point, with the run's noise probability, the thread steps aside
 * for a short while (a seeded coin from its own random stream, so the
 * decision is repeated with the seed; the OS scheduler adds its own). Only
 * the peers' locks take part (rt_mutex.history): the platform's own locks
 * are not where peers' bugs are.
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

static bool coin(void)
{
	double p = (double)(rt_rand() >> 11) / (double)(1ULL << 53);
	return p < rt_global_noise;
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
}

int64_t rt_preempt_reacquire(rt_mutex *mu)
{
	if (rt_global_noise <= 0 || !mu->history)
		return 0;
	rt_thread_rec *self = rt_self();
	if (self->last_released != mu || rt_now_us() - self->last_release_us > QUICK_REACQUIRE_US ||
	    !coin())
		return 0;
	return scaled_ns(rt_rand_range(200, 5000));
}

int64_t rt_preempt_release(rt_mutex *mu)
{
	if (rt_global_noise <= 0 || !mu->history ||
	    atomic_load_explicit(&mu->waiters, memory_order_relaxed) == 0 || !coin())
		return 0;
	return scaled_ns(rt_rand_range(100, 2000));
}
