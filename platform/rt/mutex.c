/*
 * Mutexes and condition variables: pthreads plus lock tracking and noise.
 *
 * Unlike the rest of platform/rt, this file is built with TSan instrumentation,
 * so TSan's stacks for lock operations show who called rt_mutex_lock. It
 * therefore never writes the thread table itself: the helpers it calls in
 * the uninstrumented files do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/helgrind.h>

#include "rt_internal.h"

static void check(int err, const char *what)
{
	if (err != 0) {
		fprintf(stderr, "rt: %s failed: %s\n", what, strerror(err));
		abort();
	}
}

void rt_mutex_init_at(rt_mutex *mu, const char *class_name, int instance, rt_site site)
{
	check(pthread_mutex_init(&mu->m, NULL), "pthread_mutex_init");
	mu->class_name = class_name;
	mu->instance = instance;
	/* The watchdog's table reads the names from its own thread, without
	 * the lock, as it ends a stuck test. They are written once, here,
	 * before anyone can hold the mutex: Helgrind need not watch them. */
	VALGRIND_HG_DISABLE_CHECKING(&mu->class_name, sizeof mu->class_name);
	VALGRIND_HG_DISABLE_CHECKING(&mu->instance, sizeof mu->instance);
	mu->class_id = rt_lock_class_id(class_name);
	mu->history = rt_history_site_kept(site);
	rt_preempt_init(mu);
}

void rt_mutex_destroy(rt_mutex *mu)
{
	check(pthread_mutex_destroy(&mu->m), "pthread_mutex_destroy");
	/* The memory may hold a student's data next: Helgrind watches it
	 * again. */
	VALGRIND_HG_ENABLE_CHECKING(&mu->class_name, sizeof mu->class_name);
	VALGRIND_HG_ENABLE_CHECKING(&mu->instance, sizeof mu->instance);
	VALGRIND_HG_ENABLE_CHECKING(&mu->waiters, sizeof mu->waiters);
}

void rt_mutex_lock_at(rt_mutex *mu, rt_site site) NO_THREAD_SAFETY_ANALYSIS
{
	rt_lockdep_before_acquire(mu, site);
	rt_noise();
	rt_real_sleep_ns(rt_preempt_reacquire(mu));
	rt_wait_begin_lock(mu, site);
	rt_preempt_waiting(mu, +1);
	check(pthread_mutex_lock(&mu->m), "pthread_mutex_lock");
	rt_preempt_waiting(mu, -1);
	rt_wait_end();
	rt_lockdep_acquired(mu, site);
}

/* mu may be freed as soon as it is released: the preemption point decides
 * before. */
void rt_mutex_unlock_at(rt_mutex *mu, rt_site site) NO_THREAD_SAFETY_ANALYSIS
{
	rt_lockdep_released(mu, site);
	int64_t step_aside_ns = rt_preempt_release(mu);
	check(pthread_mutex_unlock(&mu->m), "pthread_mutex_unlock");
	rt_noise();
	rt_real_sleep_ns(step_aside_ns);
}

void rt_cond_init(rt_cond *cv)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	check(pthread_cond_init(&cv->c, &attr), "pthread_cond_init");
	pthread_condattr_destroy(&attr);
}

void rt_cond_destroy(rt_cond *cv)
{
	check(pthread_cond_destroy(&cv->c), "pthread_cond_destroy");
}

/* Bookkeeping around a wait: mu is released while the thread sleeps. */
static void wait_prologue(rt_mutex *mu, rt_site site)
{
	rt_assert_held_at(mu, site);
	rt_lockdep_released(mu, site);
	rt_might_block_at("condition wait", site);
	rt_wait_begin(RT_WAIT_COND, mu->class_name, -1, site);
}

static void wait_epilogue(rt_mutex *mu, rt_site site)
{
	rt_wait_end();
	rt_lockdep_acquired(mu, site);
}

void rt_cond_wait_at(rt_cond *cv, rt_mutex *mu, rt_site site)
{
	wait_prologue(mu, site);
	check(pthread_cond_wait(&cv->c, &mu->m), "pthread_cond_wait");
	wait_epilogue(mu, site);
}

bool rt_cond_wait_ms_at(rt_cond *cv, rt_mutex *mu, int64_t ms, rt_site site)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t ns = ts.tv_nsec + (int64_t)((double)ms * 1e6 * rt_global_scale);
	ts.tv_sec += ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;

	wait_prologue(mu, site);
	int err = pthread_cond_timedwait(&cv->c, &mu->m, &ts);
	if (err != ETIMEDOUT)
		check(err, "pthread_cond_timedwait");
	wait_epilogue(mu, site);
	return err != ETIMEDOUT;
}

void rt_cond_signal(rt_cond *cv)
{
	check(pthread_cond_signal(&cv->c), "pthread_cond_signal");
}

void rt_cond_broadcast(rt_cond *cv)
{
	check(pthread_cond_broadcast(&cv->c), "pthread_cond_broadcast");
}
