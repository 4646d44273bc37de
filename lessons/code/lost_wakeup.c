/*
 * Lesson 09. A lost wake-up: the applier waits without checking for work.
 *
 * This is the apply loop the Go seed article shows: lock, wait, apply.
 * The wait is not inside a loop on a predicate, so the applier sleeps even
 * when committed entries are already waiting. A signal reaches only a
 * thread that is waiting at that moment; here the leader commits before
 * the applier has reached its wait (the schedule is forced: the applier
 * starts after the commit), the signal is lost, and the applier sleeps
 * forever. The watchdog ends the program and its table names the waiting
 * line, marked HANGS.
 *
 * expect: hang
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
		rt_cond_wait(&peer.apply_cond, &peer.mu); /* HANGS: waits without checking for work */
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
	rt_cond_signal(&peer.apply_cond);   /* nobody waits yet: lost */
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 0.25});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	rt_cond_init(&peer.apply_cond);
	rt_cond_init(&peer.applied);
	watchdog_start("lessons/code/lost_wakeup.c", 8000);

	rt_mutex_lock(&peer.mu);
	commit_locked(ENTRIES);
	rt_mutex_unlock(&peer.mu);
	rt_thread_spawn("applier", 0, applier, NULL);

	/* The service waits for the entries, correctly: in a loop. */
	rt_mutex_lock(&peer.mu);
	while (peer.last_applied < ENTRIES)
		rt_cond_wait(&peer.applied, &peer.mu); /* HANGS: the service waits for the applier */
	rt_mutex_unlock(&peer.mu);

	watchdog_stop();
	printf("all %d entries applied\n", ENTRIES);
	return 0;
}
