/*
 * Lesson 10, repaired, as raft/applier.c does it: copy what is to be
 * delivered under the lock, release it, put on the queue, take the lock
 * again. The service's snapshot gets the lock while the applier waits for
 * room in the queue, and everything is delivered.
 *
 * expect: clean
 */
#include <stdio.h>
#include <stdlib.h>

#include "apply_queue.h"
#include "rt/rt.h"
#include "watchdog.h"

#define ENTRIES 3

static struct peer {
	apply_queue *applyq;   /* set before the threads start */
	rt_mutex mu;
	/* mu guards these: */
	long commit_index;
	long last_applied;
	long snapshot_index;
} peer;

static apply_msg entry_msg(long index)
{
	apply_msg m = {.command_valid = true, .command_index = index};
	m.command = malloc(1);
	m.command_len = 1;
	return m;
}

static void applier(void *unused)
{
	rt_mutex_lock(&peer.mu);
	while (peer.last_applied < peer.commit_index) {
		long index = peer.last_applied + 1;
		apply_msg m = entry_msg(index);

		rt_mutex_unlock(&peer.mu);
		apply_queue_put(peer.applyq, &m);
		rt_mutex_lock(&peer.mu);

		/* Only this thread moves last_applied: it is still index - 1. */
		peer.last_applied = index;
	}
	rt_mutex_unlock(&peer.mu);
}

static void snapshot(long index) EXCLUDES(peer.mu)
{
	rt_mutex_lock(&peer.mu);
	peer.snapshot_index = index;
	rt_mutex_unlock(&peer.mu);
}

static void service(void *unused)
{
	apply_msg m;
	for (long taken = 0; taken < ENTRIES && apply_queue_get(peer.applyq, &m); taken++) {
		printf("service: applied entry %lld\n", (long long)m.command_index);
		snapshot(m.command_index);
		apply_msg_free(&m);
	}
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 0.25});
	peer.applyq = apply_queue_make(0, 1);
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	peer.commit_index = ENTRIES;
	watchdog_start("lessons/code/queue_released.c", 60000);

	rt_thread_spawn("applier", 0, applier, NULL);
	rt_thread_spawn("service", 0, service, NULL);
	rt_threads_wait_quiet(60000);

	watchdog_stop();
	rt_mutex_lock(&peer.mu);
	printf("all entries applied, snapshot at %ld\n", peer.snapshot_index);
	rt_mutex_unlock(&peer.mu);
	apply_queue_free(peer.applyq);
	return 0;
}
