/*
 * A simulated network with the behaviour of 6.5840's labrpc.
 *
 * Servers are numbered 0..N-1 and offer named methods ("Raft.RequestVote").
 * A peer calls a server through an endpoint. The harness decides which
 * server each endpoint reaches and whether it is enabled, can make the
 * network drop and delay messages, and can delete a server (a crash), after
 * which calls into it fail and replies from it are dropped.
 *
 * Arguments and replies are bytes (see codec.h): the network copies them,
 * so caller and handler never share memory. Each request runs its handler
 * on a thread of its own.
 *
 * The network's bookkeeping uses relaxed atomics, never a lock shared by
 * all callers, so that it adds no happens-before edge between two peers'
 * threads that could hide a data race from the detectors.
 */
#ifndef NET_H
#define NET_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "rt/rt.h"

typedef struct net_network net_network;
typedef struct net_endpoint net_endpoint;
typedef struct net_server net_server;

/* A method handler: decode args, do the work, encode the reply. ctx is the
 * pointer given to net_server_add_method. */
typedef void (*net_handler)(void *ctx, const codec_buf *args, codec_buf *reply);

/* ---- The network (used by the harness) ----------------------------------- */

net_network *net_make(int max_servers);
/* Make every pending and future call fail promptly: delays end early and
 * calls return false. Used at the end of a test, before waiting for
 * threads to finish. */
void net_close(net_network *net);
/* Free everything; only once no thread uses the network any more. */
void net_free(net_network *net);

/* Unreliable: requests and replies are dropped with probability 0.1 each,
 * and requests are delayed up to 27 ms. */
void net_set_reliable(net_network *net, bool reliable);
/* Replies are sometimes held back for 200..2200 ms, so they arrive late and
 * out of order. */
void net_set_long_reordering(net_network *net, bool on);
/* Calls over a disabled endpoint or to a missing server fail after up to
 * 7000 ms instead of up to 100 ms. */
void net_set_long_delays(net_network *net, bool on);

/* A new endpoint, not connected to any server and disabled. */
net_endpoint *net_make_end(net_network *net);
void net_connect(net_network *net, net_endpoint *end, int server);
void net_enable(net_network *net, net_endpoint *end, bool enabled);

/* Install srv as server number `server`, replacing any previous one. */
void net_add_server(net_network *net, int server, net_server *srv);
/* Remove server `server`: calls into it fail and replies from handlers
 * already running in it are dropped. */
void net_delete_server(net_network *net, int server);

/* RPCs that reached server `server` (counted when a handler is started).
 * As in labrpc the count belongs to the server installed in that slot: a
 * replacement starts from 0, and an empty slot reads 0. */
int64_t net_get_count(net_network *net, int server);
/* Every call made before net_close, delivered or not. */
int64_t net_get_total_count(net_network *net);
/* Bytes of request arguments of those calls. */
int64_t net_get_total_bytes(net_network *net);

/* ---- Servers ------------------------------------------------------------- */

/* Servers are owned by the network once added; a server that was never
 * added is freed with net_server_free. */
net_server *net_make_server(void);
void net_server_free(net_server *srv);
/* Add every method before net_add_server: callers read the method table
 * without a lock. An unknown method in a call is a bug and aborts. */
void net_server_add_method(net_server *srv, const char *method, net_handler fn, void *ctx);

/* ---- Watching the traffic (used by the harness's protocol oracles) ------- */

/*
 * One call as a tap sees it. The owners are what the harness gave
 * net_end_set_owner and net_server_set_owner (NULL when it gave nothing):
 * they say which instance of which server sent the request and which one
 * answered it, as the harness set the network up, not as a peer says.
 */
typedef struct net_tap_call {
	void *from;            /* owner of the calling endpoint */
	int to;                /* the server number called */
	void *to_owner;        /* owner of the server that ran the handler, or NULL */
	const char *method;
	const codec_buf *args;
} net_tap_call;

/*
 * A tap is told about every call, on the threads that make it happen:
 *   sent      the call entered the network (caller's thread);
 *   replied   the handler returned this reply (handler's thread), before
 *             the caller can see it; the network may still lose it;
 *   returned  the call ends on the caller's thread: reply is what the
 *             caller receives, or NULL when nothing arrives.
 * And the network asks (caller's thread, optional):
 *   caller_moved_on  has the caller moved on since it made the call, to
 *             where an old reply would mislead it most? A reply the
 *             schedule noise holds back is handed over then, or after a
 *             seeded time at most.
 * The functions must not block or take a lock a peer's thread might take:
 * they run inside peers' calls and must not order peers' threads.
 */
typedef struct net_tap {
	void *ctx;
	void (*sent)(void *ctx, const net_tap_call *call);
	void (*replied)(void *ctx, const net_tap_call *call, const codec_buf *reply);
	void (*returned)(void *ctx, const net_tap_call *call, const codec_buf *reply);
	bool (*caller_moved_on)(void *ctx, const net_tap_call *call);
} net_tap;

/* Set once, before any endpoint is used. */
void net_set_tap(net_network *net, const net_tap *tap);
/* Before the endpoint or server is used (the endpoint connected and
 * enabled, the server added). */
void net_end_set_owner(net_endpoint *end, void *owner);
void net_server_set_owner(net_server *srv, void *owner);

/* ---- Calls (used by peers) ----------------------------------------------- */

/*
 * Send a request and wait for the reply. Returns true and fills *reply when
 * a reply arrived; false when the request or reply was lost, the endpoint
 * is disabled, or the server is missing or was deleted. A false return can
 * take a long time, as in labrpc. Blocking: call without holding a lock.
 */
#define net_call(end, method, args, reply) net_call_at((end), (method), (args), (reply), RT_HERE)
bool net_call_at(net_endpoint *end, const char *method, const codec_buf *args,
		 codec_buf *reply, rt_site site);

#endif
