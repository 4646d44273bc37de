/*
 * Lesson 10. A bounded queue plus a held lock: the classic 3D deadlock.
 *
 * The applier holds the peer's lock while it puts committed entries on the
 * apply queue (the C form of Go's applyCh), which holds one message. The
 * service takes the first entry and then, like the 6.5840 tester in part
 * 3D, calls back into the peer (a snapshot), which needs the peer's lock.
 * The applier waits for the service to make room; the service waits for the
 * applier's lock. lockdep reports the put at the line marked LOCKDEP the
 * first time it happens; the watchdog ends the hang and its table names
 * both waits (marked HANGS).
 *
 * expect: hang
 * expect: lockdep blocking-with-lock
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
		peer.last_applied++;
		apply_msg m = entry_msg(peer.last_applied);
		apply_queue_put(peer.applyq, &m); /* LOCKDEP HANGS: waits for the service, holding peer.mu */
	}
	rt_mutex_unlock(&peer.mu);
}

/* What the tester calls every few entries in 3D. */
static void snapshot(long index) EXCLUDES(peer.mu)
{
	rt_mutex_lock(&peer.mu); /* HANGS: waits for the applier's lock */
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
	watchdog_start("lessons/code/queue_under_lock.c", 8000);

	rt_thread_spawn("applier", 0, applier, NULL);
	rt_thread_spawn("service", 0, service, NULL);
	rt_threads_wait_quiet(10000);

	watchdog_stop();
	printf("all entries applied\n");
	return 0;
}
