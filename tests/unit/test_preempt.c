/*
 * The preemption points (platform/rt/preempt.c): when a thread steps aside.
 * The decisions are tested, not their effect on the OS scheduler.
 */
#include <CUnit/CUnit.h>

#include "rt/rt_internal.h"
#include "unit.h"

/* Run with every coin landing heads, then restore the run's noise. */
static double saved_noise;

static void noise_always(void)
{
	saved_noise = rt_global_noise;
	rt_global_noise = 1.0;
}

static void noise_restore(void)
{
	rt_global_noise = saved_noise;
}

static void test_contended_release_steps_aside(void)
{
	rt_mutex mu;
	rt_mutex_init(&mu, "test.preempt_mu", 0);
	noise_always();
	rt_mutex_lock(&mu);
	CU_ASSERT_EQUAL(rt_preempt_release(&mu), 0); /* nobody waits */
	rt_preempt_waiting(&mu, +1);		     /* as a thread blocked in lock */
	CU_ASSERT_TRUE(rt_preempt_release(&mu) > 0);
	rt_preempt_waiting(&mu, -1);
	rt_mutex_unlock(&mu);
	noise_restore();
	rt_mutex_destroy(&mu);
}

static void test_quick_reacquire_steps_aside(void)
{
	rt_mutex mu, other;
	rt_mutex_init(&mu, "test.preempt_mu", 0);
	rt_mutex_init(&other, "test.preempt_other", 0);
	noise_always();
	rt_mutex_lock(&mu);
	rt_mutex_unlock(&mu);
	/* The window is 2 logical ms, 0.1 ms of real time at the unit tests'
	 * scale: a loaded machine can keep this thread off the CPU longer than
	 * that before the next line. A release stamped in the future stands
	 * for "just now", however long the wait. */
	rt_self()->last_release_us = INT64_MAX / 2;
	rt_self()->split_pause_end_us = INT64_MIN / 2;
	CU_ASSERT_TRUE(rt_preempt_reacquire(&mu) > 0);
	/* A thread that just paused does not pause again for a while, or a
	 * tight lock loop would crawl. */
	CU_ASSERT_EQUAL(rt_preempt_reacquire(&mu), 0);
	rt_self()->split_pause_end_us = INT64_MIN / 2;
	CU_ASSERT_EQUAL(rt_preempt_reacquire(&other), 0); /* not the lock just released */
	rt_self()->last_release_us = rt_now_us() - 1000000;  /* released a logical second ago */
	CU_ASSERT_EQUAL(rt_preempt_reacquire(&mu), 0);
	noise_restore();
	rt_mutex_destroy(&mu);
	rt_mutex_destroy(&other);
}

/* Letting go of a lock to wait for something (a sleep, an RPC, a
 * condition) and taking it again is the right pattern, not a split. */
static void test_reacquire_after_a_wait_is_not_a_split(void)
{
	rt_mutex mu;
	rt_mutex_init(&mu, "test.preempt_mu", 0);
	noise_always();
	rt_mutex_lock(&mu);
	rt_mutex_unlock(&mu);
	rt_wait_begin(RT_WAIT_RPC, "rpc", -1, RT_HERE);
	rt_wait_end();
	rt_self()->last_release_us = INT64_MAX / 2; /* "just now", as above */
	rt_self()->split_pause_end_us = INT64_MIN / 2;
	CU_ASSERT_EQUAL(rt_preempt_reacquire(&mu), 0);
	noise_restore();
	rt_mutex_destroy(&mu);
}

/* The longest pause a split point drew in n tries, in real ns. */
static int64_t longest_split_pause(rt_mutex *mu, int peer, bool called_blocking, int n)
{
	rt_thread_rec *self = rt_self();
	int saved_peer = self->peer;
	self->peer = peer;
	int64_t longest = 0;
	for (int i = 0; i < n; i++) {
		rt_mutex_lock(mu);
		rt_mutex_unlock(mu);
		if (called_blocking)
			rt_might_block("a queue put that found room");
		self->last_release_us = INT64_MAX / 2; /* "just now", as above */
		self->split_pause_end_us = INT64_MIN / 2;
		int64_t pause = rt_preempt_reacquire(mu);
		if (pause > longest)
			longest = pause;
	}
	self->peer = saved_peer;
	return longest;
}

/* A peer's thread that let go of the lock for nothing may pause up to a
 * second; the harness's threads, and a thread that let go to call
 * something that may wait, a heartbeat interval at most. */
static void test_split_pause_lengths(void)
{
	rt_mutex mu;
	rt_mutex_init(&mu, "test.preempt_mu", 0);
	noise_always();
	int64_t heartbeat_ns = (int64_t)(100000 * 1e3 * rt_global_scale);
	/* 200 draws from 0.2-1000 ms all under 100 ms: odds of 1 in 10^200. */
	CU_ASSERT_TRUE(longest_split_pause(&mu, 0, false, 200) > heartbeat_ns);
	CU_ASSERT_TRUE(longest_split_pause(&mu, 0, true, 200) <= heartbeat_ns);
	CU_ASSERT_TRUE(longest_split_pause(&mu, -1, false, 200) <= heartbeat_ns);
	noise_restore();
	rt_mutex_destroy(&mu);
}

static int hook_calls;
static int hook_instance;
static int64_t hook_pause_us;

static void record_split_pause(int lock_instance, int64_t pause_us)
{
	hook_calls++;
	hook_instance = lock_instance;
	hook_pause_us = pause_us;
}

/* The harness hears of the long pauses, where it may crash the peer
 * (harness/config_split_crash.c), and of no other. */
static void test_long_split_pauses_are_announced(void)
{
	rt_mutex mu;
	rt_mutex_init(&mu, "test.preempt_mu", 3);
	noise_always();
	rt_set_split_pause_hook(record_split_pause);
	hook_calls = 0;
	longest_split_pause(&mu, 0, true, 50);
	longest_split_pause(&mu, -1, false, 50);
	CU_ASSERT_EQUAL(hook_calls, 0);
	longest_split_pause(&mu, 0, false, 50);
	CU_ASSERT_TRUE(hook_calls >= 50);
	CU_ASSERT_EQUAL(hook_instance, 3);
	CU_ASSERT_TRUE(hook_pause_us >= 200 && hook_pause_us < 1000000);
	rt_set_split_pause_hook(NULL);
	hook_calls = 0;
	longest_split_pause(&mu, 0, false, 10);
	CU_ASSERT_EQUAL(hook_calls, 0);
	noise_restore();
	rt_mutex_destroy(&mu);
}

static void test_no_noise_no_preemption(void)
{
	rt_mutex mu;
	rt_mutex_init(&mu, "test.preempt_mu", 0);
	double noise = rt_global_noise;
	rt_global_noise = 0;
	rt_mutex_lock(&mu);
	rt_preempt_waiting(&mu, +1);
	CU_ASSERT_EQUAL(rt_preempt_release(&mu), 0);
	rt_preempt_waiting(&mu, -1);
	rt_mutex_unlock(&mu);
	CU_ASSERT_EQUAL(rt_preempt_reacquire(&mu), 0);
	rt_global_noise = noise;
	rt_mutex_destroy(&mu);
}

/* The platform's own locks are not where peers' bugs are. */
static void test_locks_of_trusted_code_are_not_preempted(void)
{
	rt_mutex mu;
	rt_mutex_init(&mu, "test.preempt_mu", 0);
	mu.history = false; /* as if made in platform/ */
	noise_always();
	rt_mutex_lock(&mu);
	rt_preempt_waiting(&mu, +1);
	CU_ASSERT_EQUAL(rt_preempt_release(&mu), 0);
	rt_preempt_waiting(&mu, -1);
	rt_mutex_unlock(&mu);
	CU_ASSERT_EQUAL(rt_preempt_reacquire(&mu), 0);
	noise_restore();
	rt_mutex_destroy(&mu);
}

void add_preempt_suite(void)
{
	CU_pSuite s = CU_add_suite("preemption points", NULL, NULL);
	CU_add_test(s, "a contended release of a peer's lock steps aside",
		    test_contended_release_steps_aside);
	CU_add_test(s, "a quick re-acquire of the lock just released steps aside",
		    test_quick_reacquire_steps_aside);
	CU_add_test(s, "a re-acquire after waiting for something is not a split",
		    test_reacquire_after_a_wait_is_not_a_split);
	CU_add_test(s, "a split pauses long only in a peer's thread that called nothing",
		    test_split_pause_lengths);
	CU_add_test(s, "long split pauses, and only they, are announced to the harness",
		    test_long_split_pauses_are_announced);
	CU_add_test(s, "without noise, no preemption", test_no_noise_no_preemption);
	CU_add_test(s, "locks made by trusted code are not preempted",
		    test_locks_of_trusted_code_are_not_preempted);
}
