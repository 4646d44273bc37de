/*
 * Lesson 06, repaired. The ticker holds the lock only while it decides and
 * sends, and sleeps without it, as raft/replication.c's heartbeat_ticker
 * does. A handler that arrives mid-interval gets the lock at once.
 *
 * expect: clean
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
	p->heartbeats_sent++;
}

static void heartbeat_ticker(void *unused)
{
	for (int round = 0; round < ROUNDS; round++) {
		rt_mutex_lock(&peer.mu);
		send_heartbeats_locked(&peer);
		rt_mutex_unlock(&peer.mu);
		rt_sleep_ms(HEARTBEAT_INTERVAL_MS);
	}
}

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
	rt_sleep_ms(HEARTBEAT_INTERVAL_MS / 2);
	rt_thread_spawn("rpc AppendEntries", 0, append_entries_handler, NULL);
	rt_threads_wait_quiet(600000);   /* a minute: only a hang takes that long */
	return 0;
}
