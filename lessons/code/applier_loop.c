/*
 * Lesson 09, repaired. The applier waits in a loop on its predicate, as
 * raft/applier.c does: it sleeps only while there is nothing to apply, and
 * every state change it waits for happens, and is signalled, under the
 * same lock. The commit that comes first is no longer lost: the applier
 * finds commit_index ahead of last_applied and never waits.
 *
 * expect: clean
 */
#include <stdio.h>

#include "rt/rt.h"
#include "watchdog.h"

#define ENTRIES 3

static struct peer {
	rt_mutex mu;
	rt_cond apply_cond;   /* signalled when commit_index grows */
	rt_cond applied;      /* broadcast when last_applied grows */
	/* mu guards these: */
	long commit_index;
	long last_applied;
} peer;

static void applier(void *unused)
{
	rt_mutex_lock(&peer.mu);
	while (peer.last_applied < ENTRIES) {
		while (peer.last_applied >= peer.commit_index)
			rt_cond_wait(&peer.apply_cond, &peer.mu);
		while (peer.last_applied < peer.commit_index) {
			peer.last_applied++;
			printf("applied entry %ld\n", peer.last_applied);
		}
		rt_cond_broadcast(&peer.applied);
	}
	rt_mutex_unlock(&peer.mu);
}

static void commit_locked(long index) REQUIRES(peer.mu)
{
	rt_assert_held(&peer.mu);
	peer.commit_index = index;
	rt_cond_signal(&peer.apply_cond);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 0.25});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	rt_cond_init(&peer.apply_cond);
	rt_cond_init(&peer.applied);
	watchdog_start("lessons/code/applier_loop.c", 60000);

	rt_mutex_lock(&peer.mu);
	commit_locked(ENTRIES);
	rt_mutex_unlock(&peer.mu);
	rt_thread_spawn("applier", 0, applier, NULL);

	rt_mutex_lock(&peer.mu);
	while (peer.last_applied < ENTRIES)
		rt_cond_wait(&peer.applied, &peer.mu);
	rt_mutex_unlock(&peer.mu);

	watchdog_stop();
	rt_threads_wait_quiet(60000);
	printf("all %d entries applied\n", ENTRIES);
	return 0;
}
