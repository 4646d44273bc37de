/*
 * Lesson 06. A heartbeat ticker that sleeps with the lock held.
 *
 * The ticker takes the peer's lock, sends its heartbeats, and sleeps until
 * the next round before unlocking. Every RPC handler that arrives during
 * the sleep waits for the whole interval. The runtime's lockdep reports the
 * sleep at the line marked LOCKDEP: every blocking call in the runtime
 * checks that the calling thread holds no lock.
 *
 * expect: lockdep blocking-with-lock
 */
#include <stdio.h>

#include "rt/rt.h"

#define HEARTBEAT_INTERVAL_MS 100
#define ROUNDS 3

static struct peer {
	rt_mutex mu;
	long heartbeats_sent;   /* mu guards heartbeats_sent */
} peer;

static void send_heartbeats_locked(struct peer *p) REQUIRES(p->mu)
{
	rt_assert_held(&p->mu);
	p->heartbeats_sent++;   /* the real one starts a thread per follower */
}

static void heartbeat_ticker(void *unused)
{
	for (int round = 0; round < ROUNDS; round++) {
		rt_mutex_lock(&peer.mu);
		send_heartbeats_locked(&peer);
		rt_sleep_ms(HEARTBEAT_INTERVAL_MS); /* LOCKDEP: sleeps holding peer.mu */
		rt_mutex_unlock(&peer.mu);
	}
}

/* An RPC handler: it only needs the lock for a moment. */
static void append_entries_handler(void *unused)
{
	int64_t asked = rt_now_ms();
	rt_mutex_lock(&peer.mu);
	int64_t waited = rt_now_ms() - asked;
	rt_mutex_unlock(&peer.mu);
	printf("the handler waited %lld ms for the lock\n", (long long)waited);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 0.1});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	rt_thread_spawn("heartbeat", 0, heartbeat_ticker, NULL);
	rt_sleep_ms(HEARTBEAT_INTERVAL_MS / 2);   /* a request arrives mid-interval */
	rt_thread_spawn("rpc AppendEntries", 0, append_entries_handler, NULL);
	rt_threads_wait_quiet(600000);   /* a minute: only a hang takes that long */
	return 0;
}
