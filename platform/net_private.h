/*
 * The network's insides, shared by net.c (setting the network up) and
 * net_call.c (one call's journey through it). Nothing outside those two
 * files includes this header.
 *
 * How the network avoids synchronising callers: everything a call reads
 * from the network is an atomic. Flags, endpoint settings and counters use
 * relaxed order, which orders nothing. A server slot is published with a
 * release store by the harness and read with an acquire load by callers, so
 * a caller sees the server's method table fully built; many acquire loads
 * of one store order the loaders after the harness only, never after each
 * other. Servers and endpoints live until net_free, so a caller may keep
 * using a server it loaded even after the harness deleted it.
 */
#ifndef NET_PRIVATE_H
#define NET_PRIVATE_H

#include <stdatomic.h>
#include <valgrind/helgrind.h>

#include "net.h"

/*
 * Helgrind does not understand C11 atomics: it would report every atomic
 * field here as a race, and it cannot see the release/acquire pairing of
 * the server slots. So the atomic fields are hidden from its checking (an
 * atomic access cannot race), and publishing a server is announced to it
 * as a happens-before edge from the harness to the caller that finds it.
 * Outside Valgrind these are a few no-op instructions.
 */
#define NET_HIDE_ATOMIC(field) VALGRIND_HG_DISABLE_CHECKING(&(field), sizeof(field))
#define NET_PUBLISHED(srv) ANNOTATE_HAPPENS_BEFORE(srv)
#define NET_FOUND(srv) ANNOTATE_HAPPENS_AFTER(srv)

/* One method a server offers. */
typedef struct net_method {
	struct net_method *next;
	char *name;	   /* "Raft.RequestVote" */
	char *thread_name; /* "rpc Raft.RequestVote": the name of its handler threads */
	net_handler fn;
	void *ctx;
} net_method;

struct net_server {
	/* Built before net_add_server publishes the server; read-only after. */
	net_method *methods;
	void *owner;           /* for the tap */

	atomic_int_fast64_t count; /* requests dispatched to this server */

	/* The network's admin_mu must be held when using these. */
	bool owned; /* on the network's list, freed by net_free */
	net_server *next_owned;
};

struct net_endpoint {
	net_network *net;
	void *owner;           /* for the tap; set before the endpoint is used */
	atomic_bool enabled;
	atomic_int server; /* server number, or -1 when not connected */

	/* The network's admin_mu must be held when using this. */
	net_endpoint *next;
};

struct net_network {
	int max_servers;
	_Atomic(net_server *) *servers; /* max_servers slots; NULL = no server */

	atomic_bool reliable;
	atomic_bool long_reordering;
	atomic_bool long_delays;
	atomic_bool closed;
	net_tap tap;     /* set before any call; read-only after */

	atomic_int_fast64_t total_count; /* every call that entered the network */
	atomic_int_fast64_t total_bytes; /* their argument bytes */

	/* Taken only by the harness's set-up calls, never by net_call. */
	rt_mutex admin_mu;
	/* admin_mu must be held when using these: everything net_free frees. */
	net_endpoint *ends;
	net_server *owned_servers;
};

/* The handler for `method`, or NULL. */
const net_method *net_server_find_method(const net_server *srv, const char *method);

#endif
