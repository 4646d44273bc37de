/*
 * Lesson 14 (rule 4). Two peers send each other an RPC while holding their
 * own lock.
 *
 * Each peer's heartbeat takes its lock and calls AppendEntries on the
 * other, over the project's simulated network. Each handler needs the lock
 * of the peer it runs on, which that peer's heartbeat holds while it waits
 * for its own call. Neither call can finish. lockdep reports each call at
 * the line marked LOCKDEP as it is made; the watchdog finds the cycle of
 * waits (two RPCs, two mutexes) and names the waiting lines (HANGS).
 *
 * expect: hang
 * expect: lockdep blocking-with-lock
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "net.h"
#include "rt/rt.h"
#include "watchdog.h"

#define APPEND_ENTRIES "Raft.AppendEntries"

struct peer {
	int me;
	net_endpoint *to_other;   /* set before the threads start */
	rt_mutex mu;
	long current_term;        /* mu guards current_term */
};

static struct peer peers[2];
static atomic_int holding;   /* heartbeats holding their lock: forces the overlap */

static void serve_append_entries(void *ctx, const codec_buf *args, codec_buf *reply)
{
	struct peer *p = ctx;
	rt_mutex_lock(&p->mu); /* HANGS: the handler waits for the peer's lock */
	codec_put_int(reply, p->current_term);
	rt_mutex_unlock(&p->mu);
}

static void heartbeat(void *arg)
{
	struct peer *p = arg;
	codec_buf args, reply;
	codec_buf_init(&args);
	codec_buf_init(&reply);

	rt_mutex_lock(&p->mu);
	codec_put_int(&args, p->current_term);
	atomic_fetch_add(&holding, 1);   /* both hold their lock before either calls */
	while (atomic_load(&holding) < 2)
		sched_yield();
	net_call(p->to_other, APPEND_ENTRIES, &args, &reply); /* LOCKDEP HANGS: an RPC with p->mu held */
	rt_mutex_unlock(&p->mu);

	codec_buf_free(&args);
	codec_buf_free(&reply);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 0.25});
	net_network *net = net_make(2);
	for (int i = 0; i < 2; i++) {
		peers[i].me = i;
		peers[i].current_term = 1;
		rt_mutex_init(&peers[i].mu, "peer.mu", i);
		net_server *srv = net_make_server();
		net_server_add_method(srv, APPEND_ENTRIES, serve_append_entries, &peers[i]);
		net_add_server(net, i, srv);
	}
	for (int i = 0; i < 2; i++) {
		peers[i].to_other = net_make_end(net);
		net_connect(net, peers[i].to_other, 1 - i);
		net_enable(net, peers[i].to_other, true);
	}
	watchdog_start("lessons/code/rpc_under_lock.c", 8000);

	rt_thread_spawn("heartbeat", 0, heartbeat, &peers[0]);
	rt_thread_spawn("heartbeat", 1, heartbeat, &peers[1]);
	rt_threads_wait_quiet(10000);

	watchdog_stop();
	printf("both heartbeats finished\n");
	return 0;
}
