/*
 * The simulated network: calls are delivered with copied bytes on a thread
 * of their own, fail when they should (disabled endpoint, missing or
 * deleted server, unreliable network, closed network), and are counted.
 *
 * The unit runner shrinks time (time scale 0.05), so the network's logical
 * delays are short in real time. Waits for what must happen are bounded by
 * UNIT_PATIENCE_MS, which only a broken test reaches (see waiting.h).
 */
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "rt/rt_internal.h"
#include "rt/finding.h"
#include "unit/unit.h"
#include "unit/waiting.h"

/*
 * What the handlers record, for the test to check. mu guards every field
 * below it.
 */
typedef struct fixture {
	net_network *net;
	rt_mutex mu;
	rt_cond changed;
	int calls;	       /* handler runs started */
	int handler_slot;      /* the last handler's thread slot */
	int handler_peer;      /* the last handler's rt_thread_peer() */
	const void *args_seen; /* the last handler's args->data */
	bool gate_open;	       /* Gate.Wait handlers return once this is set */
	int gate_left;	       /* Gate.Wait handlers that have returned */
} fixture;

/* Record the calling handler thread; returns the new number of calls. */
static int record_call(fixture *f, const codec_buf *args)
{
	rt_mutex_lock(&f->mu);
	int calls = ++f->calls;

	f->handler_slot = rt_thread_slot();
	f->handler_peer = rt_thread_peer();
	f->args_seen = args->data;
	rt_cond_broadcast(&f->changed);
	rt_mutex_unlock(&f->mu);
	return calls;
}

/* "Echo.Add": replies with the argument plus one, then the argument's bytes. */
static void echo_add(void *ctx, const codec_buf *args, codec_buf *reply)
{
	record_call(ctx, args);
	codec_reader r;
	codec_reader_init(&r, args->data, args->len);
	int64_t v = 0;
	void *bytes = NULL;
	size_t n = 0;
	codec_get_int(&r, &v);
	codec_get_bytes(&r, &bytes, &n);
	codec_put_int(reply, v + 1);
	codec_put_bytes(reply, bytes, n);
	free(bytes);
}

/*
 * "Gate.Wait": holds the handler until the test opens the gate. While
 * gate_left is 0 no such handler has returned, so a call to it that ended
 * was ended by the network, not by its handler.
 */
static void gate_wait(void *ctx, const codec_buf *args, codec_buf *reply)
{
	fixture *f = ctx;
	record_call(f, args);
	rt_mutex_lock(&f->mu);
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	while (!f->gate_open && rt_now_ms() < deadline)
		rt_cond_wait_ms(&f->changed, &f->mu, 100);
	f->gate_left++;
	rt_mutex_unlock(&f->mu);
	codec_put_bool(reply, true);
}

/* How many Gate.Wait handlers have returned. */
static int gate_left(fixture *f)
{
	rt_mutex_lock(&f->mu);
	int n = f->gate_left;
	rt_mutex_unlock(&f->mu);
	return n;
}

/* "Net.DeleteSelf": deletes server 0 (its own) and then replies. */
static void delete_self(void *ctx, const codec_buf *args, codec_buf *reply)
{
	fixture *f = ctx;
	record_call(f, args);
	net_delete_server(f->net, 0);
	codec_put_bool(reply, true);
}

/* "Meet.Two": returns only once two handlers run at the same time. */
static void meet_two(void *ctx, const codec_buf *args, codec_buf *reply)
{
	fixture *f = ctx;
	record_call(f, args);
	rt_mutex_lock(&f->mu);
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	while (f->calls < 2 && rt_now_ms() < deadline)
		rt_cond_wait_ms(&f->changed, &f->mu, 100);
	bool met = f->calls >= 2;
	rt_mutex_unlock(&f->mu);
	codec_put_bool(reply, met);
}

/* A server offering every test method, with f as context. */
static net_server *make_test_server(fixture *f)
{
	net_server *srv = net_make_server();
	net_server_add_method(srv, "Echo.Add", echo_add, f);
	net_server_add_method(srv, "Gate.Wait", gate_wait, f);
	net_server_add_method(srv, "Net.DeleteSelf", delete_self, f);
	net_server_add_method(srv, "Meet.Two", meet_two, f);
	return srv;
}

/* A reliable network with test servers 0 and 1. */
static void fixture_setup(fixture *f)
{
	memset(f, 0, sizeof *f);
	rt_mutex_init(&f->mu, "test.fixture.mu", -1);
	rt_cond_init(&f->changed);
	f->handler_slot = -1;
	f->net = net_make(3);
	net_add_server(f->net, 0, make_test_server(f));
	net_add_server(f->net, 1, make_test_server(f));
}

/* An enabled endpoint to server. */
static net_endpoint *connected_end(fixture *f, int server)
{
	net_endpoint *end = net_make_end(f->net);
	net_connect(f->net, end, server);
	net_enable(f->net, end, true);
	return end;
}

/*
 * Open the gate, wait for every handler thread to end, free everything.
 * Callers on background threads must have been joined already. Waiting
 * for the threads also orders everything they did before the frees.
 */
static void fixture_teardown(fixture *f)
{
	net_close(f->net);
	rt_mutex_lock(&f->mu);
	f->gate_open = true;
	rt_cond_broadcast(&f->changed);
	rt_mutex_unlock(&f->mu);
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(UNIT_PATIENCE_MS));
	net_free(f->net);
	rt_cond_destroy(&f->changed);
	rt_mutex_destroy(&f->mu);
}

/* Wait until `calls` handlers have started. */
static bool wait_for_calls(fixture *f, int calls)
{
	rt_mutex_lock(&f->mu);
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	while (f->calls < calls && rt_now_ms() < deadline)
		rt_cond_wait_ms(&f->changed, &f->mu, 100);
	bool ok = f->calls >= calls;
	rt_mutex_unlock(&f->mu);
	return ok;
}

/* Call "Echo.Add" with v and a small byte string; true if the reply is right. */
static bool echo(net_endpoint *end, int64_t v)
{
	codec_buf args, reply;
	codec_buf_init(&args);
	codec_buf_init(&reply);
	codec_put_int(&args, v);
	codec_put_bytes(&args, "xyz", 3);
	bool ok = net_call(end, "Echo.Add", &args, &reply);
	if (ok) {
		codec_reader r;
		codec_reader_init(&r, reply.data, reply.len);
		int64_t got = 0;
		void *bytes = NULL;
		size_t n = 0;
		ok = codec_get_int(&r, &got) && codec_get_bytes(&r, &bytes, &n);
		CU_ASSERT_TRUE(ok);
		CU_ASSERT_EQUAL(got, v + 1);
		CU_ASSERT_EQUAL(n, 3);
		CU_ASSERT_TRUE(bytes && memcmp(bytes, "xyz", 3) == 0);
		free(bytes);
	}
	codec_buf_free(&args);
	codec_buf_free(&reply);
	return ok;
}

/*
 * A call made on a background thread, so the test can act while it waits.
 * mu guards finished, ok and returned_ms.
 */
typedef struct bg_call {
	net_endpoint *end;
	const char *method;
	rt_mutex mu;
	rt_cond changed;
	bool finished;
	bool ok;
	int64_t returned_ms; /* rt_now_ms() when net_call returned */
} bg_call;

/* The background thread: one net_call, then report. */
static void bg_call_run(void *arg)
{
	bg_call *c = arg;
	codec_buf args, reply;
	codec_buf_init(&args);
	codec_buf_init(&reply);
	bool ok = net_call(c->end, c->method, &args, &reply);
	int64_t returned = rt_now_ms();
	codec_buf_free(&args);
	codec_buf_free(&reply);

	rt_mutex_lock(&c->mu);
	c->ok = ok;
	c->returned_ms = returned;
	c->finished = true;
	rt_cond_broadcast(&c->changed);
	rt_mutex_unlock(&c->mu);
}

/* Start a call of method over end on a thread called name. */
static void bg_call_start_named(bg_call *c, net_endpoint *end, const char *method,
				const char *name)
{
	memset(c, 0, sizeof *c);
	c->end = end;
	c->method = method;
	rt_mutex_init(&c->mu, "test.bg_call.mu", -1);
	rt_cond_init(&c->changed);
	rt_thread_spawn(name, -1, bg_call_run, c);
}

/* Start a call of method over end on its own thread. */
static void bg_call_start(bg_call *c, net_endpoint *end, const char *method)
{
	bg_call_start_named(c, end, method, "test caller");
}

/* Has the call returned? */
static bool bg_call_finished(void *arg)
{
	bg_call *c = arg;
	rt_mutex_lock(&c->mu);
	bool finished = c->finished;
	rt_mutex_unlock(&c->mu);
	return finished;
}

/* When a finished call returned, in logical ms. */
static int64_t bg_call_returned_ms(bg_call *c)
{
	rt_mutex_lock(&c->mu);
	int64_t ms = c->returned_ms;
	rt_mutex_unlock(&c->mu);
	return ms;
}

/* Wait for the call to return; sets *ok; false if it has not returned. */
static bool bg_call_join(bg_call *c, bool *ok)
{
	rt_mutex_lock(&c->mu);
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	while (!c->finished && rt_now_ms() < deadline)
		rt_cond_wait_ms(&c->changed, &c->mu, 20);
	bool finished = c->finished;
	*ok = c->ok;
	rt_mutex_unlock(&c->mu);
	return finished;
}

/* Free a joined call's lock. */
static void bg_call_destroy(bg_call *c)
{
	rt_cond_destroy(&c->changed);
	rt_mutex_destroy(&c->mu);
}

/* A call reaches the handler and the reply comes back; args arrive as a copy. */
static void test_call_delivers_reply(void)
{
	fixture f;
	fixture_setup(&f);
	int findings = rt_findings_count();
	net_endpoint *end = connected_end(&f, 1);
	for (int64_t v = -2; v <= 2; v++)
		CU_ASSERT_TRUE(echo(end, v));

	codec_buf args, reply;
	codec_buf_init(&args);
	codec_buf_init(&reply);
	codec_put_int(&args, 41);
	codec_put_bytes(&args, "", 0);
	codec_put_int(&reply, 999); /* a reply buffer's old contents are replaced */
	CU_ASSERT_TRUE(net_call(end, "Echo.Add", &args, &reply));
	codec_reader r;
	codec_reader_init(&r, reply.data, reply.len);
	int64_t got = 0;
	CU_ASSERT_TRUE(codec_get_int(&r, &got));
	CU_ASSERT_EQUAL(got, 42);
	rt_mutex_lock(&f.mu);
	CU_ASSERT_PTR_NOT_EQUAL(f.args_seen, args.data);
	rt_mutex_unlock(&f.mu);
	codec_buf_free(&args);
	codec_buf_free(&reply);

	CU_ASSERT_EQUAL(rt_findings_count(), findings);
	fixture_teardown(&f);
}

/* The handler runs on a thread of its own, which works for the called server. */
static void test_handler_runs_on_own_thread(void)
{
	fixture f;
	fixture_setup(&f);
	net_endpoint *end = connected_end(&f, 1);
	CU_ASSERT_TRUE(echo(end, 0));
	rt_mutex_lock(&f.mu);
	CU_ASSERT_NOT_EQUAL(f.handler_slot, -1);
	CU_ASSERT_NOT_EQUAL(f.handler_slot, rt_thread_slot());
	CU_ASSERT_EQUAL(f.handler_peer, 1);
	rt_mutex_unlock(&f.mu);
	fixture_teardown(&f);
}

/* Two requests run at the same time: the second does not wait for the first. */
static void test_requests_run_concurrently(void)
{
	fixture f;
	fixture_setup(&f);
	bg_call a, b;
	bg_call_start(&a, connected_end(&f, 0), "Meet.Two");
	bg_call_start(&b, connected_end(&f, 0), "Meet.Two");
	bool ok_a = false, ok_b = false;
	CU_ASSERT_TRUE(bg_call_join(&a, &ok_a));
	CU_ASSERT_TRUE(bg_call_join(&b, &ok_b));
	CU_ASSERT_TRUE(ok_a && ok_b);
	rt_mutex_lock(&f.mu);
	CU_ASSERT_EQUAL(f.calls, 2);
	rt_mutex_unlock(&f.mu);
	fixture_teardown(&f);
	bg_call_destroy(&a);
	bg_call_destroy(&b);
}

/* Disabled, unconnected and serverless endpoints fail without running a handler. */
static void test_unreachable_server_fails(void)
{
	fixture f;
	fixture_setup(&f);
	net_endpoint *disabled = net_make_end(f.net);
	net_connect(f.net, disabled, 0);
	net_endpoint *unconnected = net_make_end(f.net);
	net_enable(f.net, unconnected, true);
	net_endpoint *to_empty_slot = connected_end(&f, 2);

	CU_ASSERT_FALSE(echo(disabled, 1));
	CU_ASSERT_FALSE(echo(unconnected, 1));
	CU_ASSERT_FALSE(echo(to_empty_slot, 1));
	net_enable(f.net, disabled, true);
	CU_ASSERT_TRUE(echo(disabled, 1)); /* re-enabled, it works */
	net_enable(f.net, disabled, false);
	CU_ASSERT_FALSE(echo(disabled, 1));

	rt_mutex_lock(&f.mu);
	CU_ASSERT_EQUAL(f.calls, 1);
	rt_mutex_unlock(&f.mu);
	CU_ASSERT_EQUAL(net_get_count(f.net, 0), 1);
	CU_ASSERT_EQUAL(net_get_count(f.net, 2), 0);
	fixture_teardown(&f);
}

/* Deleting a server fails a call waiting on it; later calls fail at once. */
static void test_deleted_server_fails_call(void)
{
	fixture f;
	fixture_setup(&f);
	net_endpoint *end = connected_end(&f, 0);
	bg_call c;
	bg_call_start(&c, end, "Gate.Wait");
	CU_ASSERT_TRUE_FATAL(wait_for_calls(&f, 1));

	net_delete_server(f.net, 0);
	bool ok = true;
	/* The caller checks every 100 ms; the handler itself stays blocked. */
	CU_ASSERT_TRUE(bg_call_join(&c, &ok));
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_EQUAL(gate_left(&f), 0);
	CU_ASSERT_FALSE(echo(end, 1));
	CU_ASSERT_EQUAL(net_get_count(f.net, 0), 0); /* no server, no count */

	/* Replacing the deleted server brings the endpoint back. */
	net_add_server(f.net, 0, make_test_server(&f));
	CU_ASSERT_TRUE(echo(end, 1));
	CU_ASSERT_EQUAL(net_get_count(f.net, 0), 1);
	fixture_teardown(&f);
	bg_call_destroy(&c);
}

/* Replacing a server (a restart) fails calls into the old one. */
static void test_replaced_server_fails_call(void)
{
	fixture f;
	fixture_setup(&f);
	bg_call c;
	bg_call_start(&c, connected_end(&f, 1), "Gate.Wait");
	CU_ASSERT_TRUE_FATAL(wait_for_calls(&f, 1));
	net_add_server(f.net, 1, make_test_server(&f));
	bool ok = true;
	CU_ASSERT_TRUE(bg_call_join(&c, &ok));
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_EQUAL(gate_left(&f), 0); /* ended by the restart, not by the handler */
	fixture_teardown(&f);
	bg_call_destroy(&c);
}

/* A reply from a server deleted while its handler ran is dropped. */
static void test_reply_from_deleted_server_is_dropped(void)
{
	fixture f;
	fixture_setup(&f);
	net_endpoint *end = connected_end(&f, 0);
	codec_buf args, reply;
	codec_buf_init(&args);
	codec_buf_init(&reply);
	CU_ASSERT_FALSE(net_call(end, "Net.DeleteSelf", &args, &reply));
	CU_ASSERT_EQUAL(reply.len, 0);
	rt_mutex_lock(&f.mu);
	CU_ASSERT_EQUAL(f.calls, 1); /* the handler did run */
	rt_mutex_unlock(&f.mu);
	codec_buf_free(&args);
	codec_buf_free(&reply);
	fixture_teardown(&f);
}

/* Per-server counts (dispatched requests), the total and the argument bytes. */
static void test_counts_and_bytes(void)
{
	fixture f;
	fixture_setup(&f);
	net_endpoint *to0 = connected_end(&f, 0);
	net_endpoint *to1 = connected_end(&f, 1);
	net_endpoint *cut = net_make_end(f.net);
	net_connect(f.net, cut, 1);

	int64_t bytes = 0;
	for (int i = 0; i < 3; i++)
		CU_ASSERT_TRUE(echo(to0, i));
	for (int i = 0; i < 5; i++)
		CU_ASSERT_TRUE(echo(to1, i));
	CU_ASSERT_FALSE(echo(cut, 0));
	/* echo() sends an int below 128 (1 byte) and 3 bytes of bin (2 + 3). */
	bytes = 9 * (1 + 2 + 3);

	CU_ASSERT_EQUAL(net_get_count(f.net, 0), 3);
	CU_ASSERT_EQUAL(net_get_count(f.net, 1), 5);
	CU_ASSERT_EQUAL(net_get_count(f.net, 2), 0);
	CU_ASSERT_EQUAL(net_get_total_count(f.net), 9); /* the failed call counts too */
	CU_ASSERT_EQUAL(net_get_total_bytes(f.net), bytes);
	fixture_teardown(&f);
}

/* An unreliable network loses some of 200 calls, but not most of them. */
static void test_unreliable_drops_some(void)
{
	fixture f;
	fixture_setup(&f);
	net_set_reliable(f.net, false);
	net_endpoint *end = connected_end(&f, 0);
	int delivered = 0;
	for (int i = 0; i < 200; i++)
		delivered += echo(end, i);
	/* Each call survives two 10% drops: about 162 of 200 arrive. */
	CU_ASSERT(delivered > 120);
	CU_ASSERT(delivered < 195);
	/* Lost requests never reach the handler; lost replies do. */
	CU_ASSERT(net_get_count(f.net, 0) > delivered);
	CU_ASSERT(net_get_count(f.net, 0) < 200);
	fixture_teardown(&f);
}

/* With long reordering, some replies are held back at least 200 ms. */
static void test_long_reordering_delays_replies(void)
{
	fixture f;
	fixture_setup(&f);
	net_set_long_reordering(f.net, true);
	net_endpoint *end = connected_end(&f, 0);
	int64_t longest = 0;
	for (int i = 0; i < 12; i++) {
		int64_t start = rt_now_ms();
		CU_ASSERT_TRUE(echo(end, i)); /* late, but delivered */
		int64_t took = rt_now_ms() - start;
		if (took > longest)
			longest = took;
	}
	CU_ASSERT(longest >= 200);
	fixture_teardown(&f);
}

/* A tap that says the caller has moved on at the third time it is asked
 * about a call; asks counts them (for the current call). */
static atomic_int asks;

static bool moved_on_at_third_ask(void *ctx, const net_tap_call *call)
{
	(void)ctx;
	(void)call;
	return atomic_fetch_add(&asks, 1) + 1 >= 3;
}

/* Schedule noise holds a reply until the tap says its caller moved on,
 * asking again while it waits (or for a seeded time at most: a hold
 * shorter than the two 10 ms waits for the third ask has odds of about 1%,
 * so one call in ten seeing three asks is all but certain). Without noise
 * the tap is never asked. */
static void test_noise_holds_replies_until_the_caller_moved_on(void)
{
	fixture f;
	fixture_setup(&f);
	net_set_tap(f.net, &(net_tap){.caller_moved_on = moved_on_at_third_ask});
	net_endpoint *end = connected_end(&f, 0);
	double saved = rt_global_noise;

	rt_global_noise = 0;
	atomic_store(&asks, 0);
	CU_ASSERT_TRUE(echo(end, 1));
	CU_ASSERT_EQUAL(atomic_load(&asks), 0);

	rt_global_noise = 1;
	int held_to_third = 0;
	for (int i = 0; i < 10; i++) {
		atomic_store(&asks, 0);
		CU_ASSERT_TRUE(echo(end, i)); /* held, then delivered */
		CU_ASSERT(atomic_load(&asks) >= 1);
		held_to_third += atomic_load(&asks) == 3;
	}
	rt_global_noise = saved;
	CU_ASSERT(held_to_third >= 1);
	fixture_teardown(&f);
}

/*
 * net_close ends a wait for a stuck handler, and cuts the network's delays
 * short.
 *
 * The stuck handler never returns by itself, so its call ending at all
 * shows the first. For the second, N calls sleep in the delay a disabled
 * endpoint gets, random in [0, 7000) ms with long delays on. If close left
 * those delays alone, all N calls returning within CUT_BOUND_MS of the
 * close would have odds below (CUT_BOUND_MS / 7000)^N, about 1e-8. The
 * bound is 200 ms of real time at the unit runner's scale, generous for a
 * loaded machine; the delays themselves are sliced 10 ms thin.
 */
static void test_close_ends_pending_calls(void)
{
	enum { N = 32, CUT_BOUND_MS = 4000 };
	fixture f;
	fixture_setup(&f);
	net_set_long_delays(f.net, true);
	bg_call stuck;
	bg_call_start(&stuck, connected_end(&f, 1), "Gate.Wait");
	CU_ASSERT_TRUE_FATAL(wait_for_calls(&f, 1));

	bg_call cut[N];
	char names[N][24];
	for (int i = 0; i < N; i++) {
		net_endpoint *end = net_make_end(f.net); /* disabled */
		net_connect(f.net, end, 0);
		snprintf(names[i], sizeof names[i], "cut caller %d", i);
		bg_call_start_named(&cut[i], end, "Echo.Add", names[i]);
	}
	/* Every call is in its delay (or, with a short one, already over),
	 * so none can dodge the delay by starting after the close. */
	for (int i = 0; i < N; i++)
		CU_ASSERT_TRUE(wait_until_thread_waits(names[i], "sleep", NULL, bg_call_finished,
						       &cut[i]) ||
			       bg_call_finished(&cut[i]));

	int64_t closed_at = rt_now_ms();
	net_close(f.net);
	bool ok = true;
	CU_ASSERT_TRUE(bg_call_join(&stuck, &ok));
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_EQUAL(gate_left(&f), 0); /* ended by the close, not by its handler */
	int64_t last_return = closed_at;
	for (int i = 0; i < N; i++) {
		CU_ASSERT_TRUE(bg_call_join(&cut[i], &ok));
		CU_ASSERT_FALSE(ok);
		if (bg_call_returned_ms(&cut[i]) > last_return)
			last_return = bg_call_returned_ms(&cut[i]);
	}
	CU_ASSERT(last_return - closed_at < CUT_BOUND_MS);

	/* A call after close fails without reaching the handler. */
	CU_ASSERT_FALSE(echo(connected_end(&f, 0), 1));
	CU_ASSERT_EQUAL(net_get_count(f.net, 0), 0);

	fixture_teardown(&f);
	for (int i = 0; i < N; i++)
		bg_call_destroy(&cut[i]);
	bg_call_destroy(&stuck);
}

/* An RPC's wait shows in the caller's row of the thread table while the
 * call lasts, and is gone once it returns, however the handler's start
 * and the caller's wait interleave. The watchdog reads this table to find
 * deadlocks, so a stale wait there could make one up. */
static void test_finished_call_leaves_no_wait(void)
{
	fixture f;
	fixture_setup(&f);
	net_endpoint *end = connected_end(&f, 1);
	for (int64_t v = 0; v < 50; v++) {
		CU_ASSERT_TRUE(echo(end, v));
		CU_ASSERT_FALSE(thread_shows_wait("main", NULL, NULL));
	}

	bg_call c;
	bg_call_start(&c, connected_end(&f, 0), "Gate.Wait");
	CU_ASSERT_TRUE(wait_until_thread_waits("test caller", "rpc", "rpc Gate.Wait to server 0",
					       bg_call_finished, &c));
	fixture_teardown(&f); /* opens the gate */
	bg_call_destroy(&c);
}

/* Registers the network tests. */
void add_net_suite(void)
{
	CU_pSuite s = CU_add_suite("net", NULL, NULL);
	CU_add_test(s, "a call is delivered and its reply copied back", test_call_delivers_reply);
	CU_add_test(s, "the handler runs on its own thread, for the server",
		    test_handler_runs_on_own_thread);
	CU_add_test(s, "two requests run at the same time", test_requests_run_concurrently);
	CU_add_test(s, "disabled, unconnected or serverless endpoints fail",
		    test_unreachable_server_fails);
	CU_add_test(s, "deleting a server fails the call waiting on it",
		    test_deleted_server_fails_call);
	CU_add_test(s, "replacing a server fails calls into the old one",
		    test_replaced_server_fails_call);
	CU_add_test(s, "a reply from a deleted server is dropped",
		    test_reply_from_deleted_server_is_dropped);
	CU_add_test(s, "calls and argument bytes are counted", test_counts_and_bytes);
	CU_add_test(s, "an unreliable network loses some calls, not most",
		    test_unreliable_drops_some);
	CU_add_test(s, "long reordering holds replies back", test_long_reordering_delays_replies);
	CU_add_test(s, "noise holds a reply until the tap says the caller moved on",
		    test_noise_holds_replies_until_the_caller_moved_on);
	CU_add_test(s, "net_close ends pending calls promptly", test_close_ends_pending_calls);
	CU_add_test(s, "a finished call leaves no wait in the thread table",
		    test_finished_call_leaves_no_wait);
}
