/*
 * The simulated network, as the harness sees it: servers, endpoints, the
 * knobs that make it unreliable, and the counters. A call's own journey is
 * in net_call.c; how the two avoid a shared lock is in net_private.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_private.h"
#include "xalloc.h"

/* A malloc'd copy of the concatenation a + b. */
static char *net_concat(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = xcalloc(1, na + nb + 1);
	memcpy(s, a, na);
	memcpy(s + na, b, nb + 1);
	return s;
}

/* A server number out of range is a bug in the harness: say so and stop. */
static void net_check_server(const net_network *net, int server, const char *who)
{
	if (server < 0 || server >= net->max_servers) {
		fprintf(stderr, "%s: server %d out of range (the network has %d slots)\n", who,
			server, net->max_servers);
		abort();
	}
}

/* A network with room for servers 0..max_servers-1, reliable, no servers. */
net_network *net_make(int max_servers)
{
	net_network *net = xcalloc(1, sizeof *net);
	net->max_servers = max_servers;
	net->servers = xcalloc((size_t)(max_servers > 0 ? max_servers : 1), sizeof net->servers[0]);
	for (int i = 0; i < max_servers; i++) {
		atomic_init(&net->servers[i], NULL);
		NET_HIDE_ATOMIC(net->servers[i]);
	}
	atomic_init(&net->reliable, true);
	atomic_init(&net->long_reordering, false);
	atomic_init(&net->long_delays, false);
	atomic_init(&net->closed, false);
	atomic_init(&net->total_count, 0);
	atomic_init(&net->total_bytes, 0);
	NET_HIDE_ATOMIC(net->reliable);
	NET_HIDE_ATOMIC(net->long_reordering);
	NET_HIDE_ATOMIC(net->long_delays);
	NET_HIDE_ATOMIC(net->closed);
	NET_HIDE_ATOMIC(net->total_count);
	NET_HIDE_ATOMIC(net->total_bytes);
	rt_mutex_init(&net->admin_mu, "net.admin_mu", -1);
	return net;
}

/* Calls poll this flag while they wait, so they notice it within a slice. */
void net_close(net_network *net)
{
	atomic_store_explicit(&net->closed, true, memory_order_relaxed);
}

/* Frees every endpoint and every server ever added, deleted ones included. */
void net_free(net_network *net)
{
	if (net == NULL)
		return;
	rt_mutex_lock(&net->admin_mu);
	net_endpoint *end = net->ends;
	net_server *srv = net->owned_servers;
	net->ends = NULL;
	net->owned_servers = NULL;
	rt_mutex_unlock(&net->admin_mu);

	while (end != NULL) {
		net_endpoint *next = end->next;
		free(end);
		end = next;
	}
	while (srv != NULL) {
		net_server *next = srv->next_owned;
		net_server_free(srv);
		srv = next;
	}
	rt_mutex_destroy(&net->admin_mu);
	free(net->servers);
	free(net);
}

/* The knobs are read once at the start of each call, as labrpc does. */
void net_set_reliable(net_network *net, bool reliable)
{
	atomic_store_explicit(&net->reliable, reliable, memory_order_relaxed);
}

/* See net.h: late replies, 200..2200 ms. */
void net_set_long_reordering(net_network *net, bool on)
{
	atomic_store_explicit(&net->long_reordering, on, memory_order_relaxed);
}

/* See net.h: failures take up to 7000 ms. */
void net_set_long_delays(net_network *net, bool on)
{
	atomic_store_explicit(&net->long_delays, on, memory_order_relaxed);
}

/* The tap's functions are NULL until set. */
void net_set_tap(net_network *net, const net_tap *tap)
{
	net->tap = *tap;
}

/* Read by the tap on the calling thread; written before the peer starts. */
void net_end_set_owner(net_endpoint *end, void *owner)
{
	end->owner = owner;
}

/* Published with the server by net_add_server. */
void net_server_set_owner(net_server *srv, void *owner)
{
	srv->owner = owner;
}

/* The network keeps the endpoint until net_free, so callers never see it freed. */
net_endpoint *net_make_end(net_network *net)
{
	net_endpoint *end = xcalloc(1, sizeof *end);
	end->net = net;
	atomic_init(&end->enabled, false);
	atomic_init(&end->server, -1);
	NET_HIDE_ATOMIC(end->enabled);
	NET_HIDE_ATOMIC(end->server);

	rt_mutex_lock(&net->admin_mu);
	end->next = net->ends;
	net->ends = end;
	rt_mutex_unlock(&net->admin_mu);
	return end;
}

/* Point end at a server number; whichever server holds that slot answers. */
void net_connect(net_network *net, net_endpoint *end, int server)
{
	net_check_server(net, server, "net_connect");
	atomic_store_explicit(&end->server, server, memory_order_relaxed);
}

/* A disabled endpoint stands for a cut cable: calls over it fail. */
void net_enable(net_network *net, net_endpoint *end, bool enabled)
{
	atomic_store_explicit(&end->enabled, enabled, memory_order_relaxed);
}

/* Remember srv for net_free, once, however often it is added. */
static void net_own_server(net_network *net, net_server *srv)
{
	rt_mutex_lock(&net->admin_mu);
	if (!srv->owned) {
		srv->owned = true;
		srv->next_owned = net->owned_servers;
		net->owned_servers = srv;
	}
	rt_mutex_unlock(&net->admin_mu);
}

/*
 * The release store pairs with the callers' acquire loads: a caller that
 * finds srv in the slot also sees the methods added before this call.
 * The replaced server stays owned, so its running handlers finish safely.
 */
void net_add_server(net_network *net, int server, net_server *srv)
{
	net_check_server(net, server, "net_add_server");
	net_own_server(net, srv);
	NET_PUBLISHED(srv);
	atomic_store_explicit(&net->servers[server], srv, memory_order_release);
}

/* Calls waiting on the deleted server notice at their next check. */
void net_delete_server(net_network *net, int server)
{
	net_check_server(net, server, "net_delete_server");
	atomic_store_explicit(&net->servers[server], NULL, memory_order_release);
}

/* Counted per server instance, as in labrpc: a replacement starts at 0. */
int64_t net_get_count(net_network *net, int server)
{
	net_check_server(net, server, "net_get_count");
	net_server *srv = atomic_load_explicit(&net->servers[server], memory_order_acquire);
	if (srv != NULL)
		NET_FOUND(srv);
	return srv ? atomic_load_explicit(&srv->count, memory_order_relaxed) : 0;
}

/* Every call made while the network was open, delivered or not. */
int64_t net_get_total_count(net_network *net)
{
	return atomic_load_explicit(&net->total_count, memory_order_relaxed);
}

/* Argument bytes of those calls. */
int64_t net_get_total_bytes(net_network *net)
{
	return atomic_load_explicit(&net->total_bytes, memory_order_relaxed);
}

/* An empty server; add methods, then hand it to net_add_server. */
net_server *net_make_server(void)
{
	net_server *srv = xcalloc(1, sizeof *srv);
	atomic_init(&srv->count, 0);
	NET_HIDE_ATOMIC(srv->count);
	return srv;
}

/* Frees the server and its method table. */
void net_server_free(net_server *srv)
{
	if (srv == NULL)
		return;
	net_method *m = srv->methods;
	while (m != NULL) {
		net_method *next = m->next;
		free(m->name);
		free(m->thread_name);
		free(m);
		m = next;
	}
	free(srv);
}

/* Must come before net_add_server: after that the table is read-only. */
void net_server_add_method(net_server *srv, const char *method, net_handler fn, void *ctx)
{
	net_method *m = xcalloc(1, sizeof *m);
	m->name = net_concat(method, "");
	m->thread_name = net_concat("rpc ", method);
	m->fn = fn;
	m->ctx = ctx;
	m->next = srv->methods;
	srv->methods = m;
}

/* A linear search: a server offers a handful of methods. */
const net_method *net_server_find_method(const net_server *srv, const char *method)
{
	for (const net_method *m = srv->methods; m != NULL; m = m->next)
		if (strcmp(m->name, method) == 0)
			return m;
	return NULL;
}
