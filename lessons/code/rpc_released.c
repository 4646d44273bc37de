/*
 * Lesson 14 (rule 4), repaired with the three-section RPC: build the
 * arguments under the lock, call without it, handle the reply under it.
 * The two heartbeats overlap exactly as in rpc_under_lock.c, and both
 * calls finish.
 *
 * expect: clean
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
static atomic_int built;   /* heartbeats that built their args: forces the overlap */

static void serve_append_entries(void *ctx, const codec_buf *args, codec_buf *reply)
{
	struct peer *p = ctx;
	rt_mutex_lock(&p->mu);
	codec_put_int(reply, p->current_term);
	rt_mutex_unlock(&p->mu);
}

static void heartbeat(void *arg)
{
	struct peer *p = arg;
	codec_buf args, reply;
	codec_buf_init(&args);
	codec_buf_init(&reply);

	rt_mutex_lock(&p->mu);                 /* 1: build the args */
	codec_put_int(&args, p->current_term);
	rt_mutex_unlock(&p->mu);

	atomic_fetch_add(&built, 1);           /* both call at the same time */
	while (atomic_load(&built) < 2)
		sched_yield();
	bool ok = net_call(p->to_other, APPEND_ENTRIES, &args, &reply);   /* 2: send */

	rt_mutex_lock(&p->mu);                 /* 3: handle the reply, re-checking */
	int64_t their_term;
	codec_reader r;
	codec_reader_init(&r, reply.data, reply.len);
	if (ok && codec_get_int(&r, &their_term) && their_term > p->current_term)
		p->current_term = their_term;
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
	watchdog_start("lessons/code/rpc_released.c", 60000);

	rt_thread_spawn("heartbeat", 0, heartbeat, &peers[0]);
	rt_thread_spawn("heartbeat", 1, heartbeat, &peers[1]);
	rt_threads_wait_quiet(60000);

	watchdog_stop();
	printf("both heartbeats finished\n");
	net_close(net);
	return 0;
}
