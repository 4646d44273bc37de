/*
 * How long do threads wait for mutexes? A preloaded library that measures
 * it, for lesson 05 ("what would finer locks buy here?").
 *
 *   make build/lessons/lock_wait.so
 *   LD_PRELOAD=$PWD/build/lessons/lock_wait.so build/plain/raft-tests -run 3B
 *
 * (Built with -D_GNU_SOURCE for RTLD_NEXT.) Every pthread_mutex_lock first tries the lock; only when it is taken does
 * the call wait, and that wait is timed. Each process prints one line on
 * stderr when it exits (each scenario runs in a process of its own). It
 * counts every mutex (the peers' raft.mu, but also the network's and the
 * harness's), so for raft.mu alone the figures are upper bounds.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int (*real_lock)(pthread_mutex_t *);
static atomic_llong acquisitions, contended, waited_ns;
static struct timespec started;

static long long ns_between(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
}

/* A forked child (one per scenario) starts counting afresh. */
static void restart(void)
{
	atomic_store(&acquisitions, 0);
	atomic_store(&contended, 0);
	atomic_store(&waited_ns, 0);
	clock_gettime(CLOCK_MONOTONIC, &started);
}

__attribute__((constructor)) static void start(void)
{
	real_lock = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_lock");
	restart();
	pthread_atfork(NULL, NULL, restart);
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	atomic_fetch_add_explicit(&acquisitions, 1, memory_order_relaxed);
	if (pthread_mutex_trylock(m) == 0)
		return 0;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int err = real_lock(m);
	clock_gettime(CLOCK_MONOTONIC, &b);
	atomic_fetch_add_explicit(&contended, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&waited_ns, ns_between(a, b), memory_order_relaxed);
	return err;
}

__attribute__((destructor)) static void report(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr,
		"lock-wait: pid %d: %lld locks, %lld had to wait, %.1f ms waited in all, "
		"over %.1f s\n",
		(int)getpid(), (long long)acquisitions, (long long)contended,
		(double)waited_ns / 1e6, (double)ns_between(started, now) / 1e9);
}
