/*
 * One RPC's journey through the simulated network, following labrpc:
 *
 *   1. an endpoint that is disabled or leads to no server: fail after a
 *      random delay, as a real timeout would;
 *   2. unreliable network: a short delay, then maybe lose the request;
 *   3. run the handler on a thread of its own, and wait for it, giving up
 *      if the server is deleted meanwhile;
 *   4. lose the reply if the server was deleted or, when unreliable, by
 *      chance; with long reordering, hold the reply back for a while;
 *      under schedule noise, maybe hold it until its caller has moved on
 *      (the only step labrpc does not have).
 *
 * A tap (net.h) watches each call go in, the handler's reply and the call
 * end. Steps 1, 2 and 4 run on the caller's thread. The only lock involved is
 * the call's own, shared by the caller and its handler thread and by
 * nobody else, so two different calls never synchronise with each other.
 */
#include <stdio.h>
#include <stdlib.h>

#include "net_private.h"
#include "xalloc.h"

/* Delays sleep in slices this long, so net_close cuts them short. */
#define NET_SLICE_MS 10
/* How often a waiting caller checks whether the server was deleted. */
#define NET_DEAD_CHECK_MS 100
/* Under schedule noise a reply may be held up to this long (logical ms):
 * long enough for its caller to lose an election and win the next. While
 * held, the tap is asked this often. */
#define NET_HELD_REPLY_MS 2000
#define NET_HOLD_POLL_MS 25

/* What the caller and the handler thread of one call share. */
typedef struct net_call_state {
	const net_method *method;
	codec_buf args;	 /* written before the handler starts; read-only after */
	codec_buf reply; /* the handler's until it sets done; the caller's after */
	const net_tap *tap;    /* the network's tap; read-only */
	net_tap_call tap_call; /* the call as the tap sees it; read-only */

	rt_mutex mu;
	rt_cond finished; /* signalled, under mu, when done becomes true */
	/* mu must be held when using these. */
	bool done;
	int handler_slot; /* the handler thread's rt slot, -1 until it starts */
	int refs;	  /* caller and handler: the last one out frees */
} net_call_state;

/* The network's knobs, read once per call as labrpc does. */
typedef struct net_knobs {
	bool reliable;
	bool long_reordering;
	bool long_delays;
} net_knobs;

/* True once net_close was called. */
static bool net_closed(const net_network *net)
{
	return atomic_load_explicit(&net->closed, memory_order_relaxed);
}

/* Sleep for ms, in slices; false if the network closed meanwhile. The
 * sleep is charged to the caller's site, so a delay that happens while the
 * caller holds a lock is reported where the caller made the call. */
static bool net_delay(const net_network *net, int64_t ms, rt_site site)
{
	int64_t end = rt_now_ms() + ms;
	for (int64_t now = rt_now_ms(); now < end && !net_closed(net); now = rt_now_ms())
		rt_sleep_ms_at(end - now < NET_SLICE_MS ? end - now : NET_SLICE_MS, site);
	return !net_closed(net);
}

/* True with probability per_mille / 1000. */
static bool net_chance(int64_t per_mille)
{
	return rt_rand_range(0, 1000) < per_mille;
}

/* labrpc's isServerDead: the endpoint was cut or the server is gone or replaced. */
static bool net_server_dead(const net_endpoint *end, int server, const net_server *srv)
{
	const net_network *net = end->net;
	return !atomic_load_explicit(&end->enabled, memory_order_relaxed) ||
	       atomic_load_explicit(&net->servers[server], memory_order_relaxed) != srv;
}

/* The server end leads to, setting *server to its number; NULL when the
 * endpoint is disabled or not connected, or the slot is empty. */
static net_server *net_reachable_server(const net_endpoint *end, int *server)
{
	*server = atomic_load_explicit(&end->server, memory_order_relaxed);
	if (!atomic_load_explicit(&end->enabled, memory_order_relaxed) || *server < 0)
		return NULL;
	/* Acquire: pairs with net_add_server's release (see net_private.h). */
	net_server *srv = atomic_load_explicit(&end->net->servers[*server], memory_order_acquire);
	if (srv != NULL)
		NET_FOUND(srv);
	return srv;
}

/* A call state with a copy of args, owned by the caller and the handler. */
static net_call_state *net_call_make(const net_method *method, const net_tap *tap,
				     const net_tap_call *call, int server)
{
	net_call_state *c = xcalloc(1, sizeof *c);
	c->method = method;
	codec_buf_init(&c->args);
	codec_buf_init(&c->reply);
	codec_buf_copy(&c->args, call->args);
	c->tap = tap;
	c->tap_call = *call;
	c->tap_call.args = &c->args;
	rt_mutex_init(&c->mu, "net.call.mu", server);
	rt_cond_init(&c->finished);
	c->handler_slot = -1;
	c->refs = 2;
	return c;
}

/* Drop one owner's reference; the second one frees the state. */
static void net_call_release(net_call_state *c)
{
	rt_mutex_lock(&c->mu);
	bool last = --c->refs == 0;
	rt_mutex_unlock(&c->mu);
	if (!last)
		return;
	rt_cond_destroy(&c->finished);
	rt_mutex_destroy(&c->mu);
	codec_buf_free(&c->args);
	codec_buf_free(&c->reply);
	free(c);
}

/* The handler thread: run the method, then tell the caller. */
static void net_handler_thread(void *arg)
{
	net_call_state *c = arg;
	rt_mutex_lock(&c->mu);
	c->handler_slot = rt_thread_slot(); /* so the watchdog sees whom the caller waits for */
	rt_mutex_unlock(&c->mu);

	c->method->fn(c->method->ctx, &c->args, &c->reply);
	if (c->tap->replied != NULL)
		c->tap->replied(c->tap->ctx, &c->tap_call, &c->reply);

	rt_mutex_lock(&c->mu);
	c->done = true;
	rt_cond_signal(&c->finished);
	rt_mutex_unlock(&c->mu);
	net_call_release(c);
}

/*
 * Wait until the handler is done; give up early when the server is deleted
 * (checked every NET_DEAD_CHECK_MS) or the network closes. Returns whether
 * the handler finished.
 */
static bool net_wait_for_handler(net_call_state *c, const net_endpoint *end, int server,
				 const net_server *srv, rt_site site)
{
	char what[96];
	snprintf(what, sizeof what, "rpc %s to server %d", c->method->name, server);
	bool waiting = false; /* a wait is shown in the thread table */
	int shown_slot = -1;
	int64_t next_check = rt_now_ms() + NET_DEAD_CHECK_MS;

	rt_mutex_lock(&c->mu);
	while (!c->done) {
		/* The handler's slot is known only once it runs. Waits nest, so
		 * showing the new slot means ending the wait that showed the
		 * old one: every rt_wait_begin has exactly one rt_wait_end. */
		if (!waiting || c->handler_slot != shown_slot) {
			if (waiting)
				rt_wait_end();
			shown_slot = c->handler_slot;
			rt_wait_begin(RT_WAIT_RPC, what, shown_slot, site);
			waiting = true;
		}
		rt_cond_wait_ms_at(&c->finished, &c->mu, NET_SLICE_MS, site);
		if (c->done || net_closed(end->net))
			break;
		if (rt_now_ms() >= next_check) {
			if (net_server_dead(end, server, srv))
				break;
			next_check += NET_DEAD_CHECK_MS;
		}
	}
	bool done = c->done;
	rt_mutex_unlock(&c->mu);
	if (waiting)
		rt_wait_end();
	return done;
}

/*
 * Any network may hold a reply back while the caller's world moves on (a
 * new term, a new leader, a longer log): a caller must check its state
 * again before it trusts a reply. Schedule noise holds some replies, each
 * until the tap says the caller has moved on to where an old reply would
 * mislead it most, or for at most ms. False if the network closed.
 */
static bool net_hold_reply(const net_network *net, const net_tap_call *call, int64_t ms,
			   rt_site site)
{
	int64_t deadline = rt_now_ms() + ms;
	for (;;) {
		if (net->tap.caller_moved_on != NULL &&
		    net->tap.caller_moved_on(net->tap.ctx, call))
			return true;
		int64_t left = deadline - rt_now_ms();
		if (left <= 0)
			return true;
		rt_sleep_ms_at(left < NET_HOLD_POLL_MS ? left : NET_HOLD_POLL_MS, site);
		if (net_closed(net))
			return false;
	}
}

/* Steps 3 and 4 for a request that reached srv; true if a reply arrives. */
static bool net_deliver(net_endpoint *end, int server, net_server *srv, net_knobs knobs,
			net_tap_call *call, codec_buf *reply, rt_site site)
{
	net_network *net = end->net;
	const net_method *m = net_server_find_method(srv, call->method);
	if (m == NULL) {
		fprintf(stderr,
			"net_call: server %d has no method \"%s\"; check the method "
			"name and that the server added it with net_server_add_method\n",
			server, call->method);
		abort();
	}
	call->to_owner = srv->owner;
	net_call_state *c = net_call_make(m, &net->tap, call, server);
	atomic_fetch_add_explicit(&srv->count, 1, memory_order_relaxed);
	rt_thread_spawn(m->thread_name, server, net_handler_thread, c);

	bool ok = net_wait_for_handler(c, end, server, srv, site);
	/* A reply from a deleted server must not count: its state may be stale. */
	ok = ok && !net_server_dead(end, server, srv) && !net_closed(net);
	if (ok && !knobs.reliable && net_chance(100))
		ok = false; /* reply lost */
	if (ok && knobs.long_reordering && rt_rand_range(0, 900) < 600)
		ok = net_delay(net, 200 + rt_rand_range(0, 1 + rt_rand_range(0, 2000)), site);
	int64_t hold_ms = rt_noise_hold_ms(NET_HELD_REPLY_MS);
	if (ok && hold_ms > 0)
		ok = net_hold_reply(net, call, hold_ms, site);
	if (ok)
		codec_buf_copy(reply,
			       &c->reply); /* read under no lock: done was seen under c->mu */
	net_call_release(c);
	return ok;
}

/* Steps 1 and 2, then net_deliver; true if a reply arrives. */
static bool net_transmit(net_endpoint *end, int server, net_server *srv, net_knobs knobs,
			 net_tap_call *call, codec_buf *reply, rt_site site)
{
	net_network *net = end->net;
	if (srv == NULL) {
		/* No reply will come: make the caller wait as for a timeout. */
		net_delay(net, rt_rand_range(0, knobs.long_delays ? 7000 : 100), site);
		return false;
	}
	if (!knobs.reliable) {
		if (!net_delay(net, rt_rand_range(0, 27), site) || net_chance(100))
			return false; /* request lost */
	}
	bool ok = net_deliver(end, server, srv, knobs, call, reply, site);
	rt_noise(); /* receive */
	return ok;
}

/* See net.h. The tap sees the call enter the network and end. */
bool net_call_at(net_endpoint *end, const char *method, const codec_buf *args, codec_buf *reply,
		 rt_site site)
{
	net_network *net = end->net;
	rt_might_block_at("rpc call", site);
	if (net_closed(net))
		return false;
	atomic_fetch_add_explicit(&net->total_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&net->total_bytes, (int_fast64_t)args->len, memory_order_relaxed);
	rt_noise(); /* send */

	net_knobs knobs = {
	    .reliable = atomic_load_explicit(&net->reliable, memory_order_relaxed),
	    .long_reordering = atomic_load_explicit(&net->long_reordering, memory_order_relaxed),
	    .long_delays = atomic_load_explicit(&net->long_delays, memory_order_relaxed),
	};
	int server;
	net_server *srv = net_reachable_server(end, &server);
	net_tap_call call = {.from = end->owner, .to = server, .method = method, .args = args};
	if (net->tap.sent != NULL)
		net->tap.sent(net->tap.ctx, &call);
	bool ok = net_transmit(end, server, srv, knobs, &call, reply, site);
	if (net->tap.returned != NULL)
		net->tap.returned(net->tap.ctx, &call, ok ? reply : NULL);
	return ok;
}
