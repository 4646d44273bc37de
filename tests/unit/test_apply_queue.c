/*
 * Apply queue: messages come out in order, a put into a full queue waits
 * for a get, and close releases every waiter.
 */
#include <stdlib.h>
#include <string.h>

#include "apply_queue.h"
#include "unit/unit.h"
#include "unit/waiting.h"

/* A command message carrying index, both as its index and as its payload bytes. */
static apply_msg make_msg(int64_t index)
{
	apply_msg m;
	memset(&m, 0, sizeof m);
	m.command_valid = true;
	m.command_index = index;
	m.command = malloc(sizeof index);
	memcpy(m.command, &index, sizeof index);
	m.command_len = sizeof index;
	return m;
}

/* The payload make_msg stored. */
static int64_t msg_payload(const apply_msg *m)
{
	int64_t v;
	memcpy(&v, m->command, sizeof v);
	return v;
}

/*
 * One put or get on a background thread, so the test thread can watch it
 * block. mu guards started, finished and ok.
 */
typedef struct bg_op {
	apply_queue *q;
	bool is_put;
	apply_msg msg;
	rt_mutex mu;
	rt_cond changed;
	bool started;
	bool finished;
	bool ok;
} bg_op;

/* The background thread: announce the start, do the operation, report. */
static void bg_run(void *arg)
{
	bg_op *op = arg;
	rt_mutex_lock(&op->mu);
	op->started = true;
	rt_cond_broadcast(&op->changed);
	rt_mutex_unlock(&op->mu);

	bool ok = op->is_put ? apply_queue_put(op->q, &op->msg) : apply_queue_get(op->q, &op->msg);

	rt_mutex_lock(&op->mu);
	op->ok = ok;
	op->finished = true;
	rt_cond_broadcast(&op->changed);
	rt_mutex_unlock(&op->mu);
}

/* Start op on its own thread and return once it has begun. */
static void bg_start(bg_op *op, apply_queue *q, bool is_put, apply_msg msg)
{
	memset(op, 0, sizeof *op);
	op->q = q;
	op->is_put = is_put;
	op->msg = msg;
	rt_mutex_init(&op->mu, "test.bg.mu", -1);
	rt_cond_init(&op->changed);
	rt_thread_spawn(is_put ? "test put" : "test get", -1, bg_run, op);
	rt_mutex_lock(&op->mu);
	while (!op->started)
		rt_cond_wait(&op->changed, &op->mu);
	rt_mutex_unlock(&op->mu);
}

/* Has op finished yet? */
static bool bg_finished(void *arg)
{
	bg_op *op = arg;
	rt_mutex_lock(&op->mu);
	bool f = op->finished;
	rt_mutex_unlock(&op->mu);
	return f;
}

/*
 * Is op blocked in the queue? Waits until its thread shows the queue's
 * wait in the thread table (false if the operation finished instead), then
 * gives a wait that would end by itself 100 ms to do so. Neither step can
 * fail a correct queue on a slow machine: its wait never ends by itself.
 */
static bool bg_blocks(bg_op *op)
{
	const char *thread = op->is_put ? "test put" : "test get";
	const char *what = op->is_put ? "apply queue full" : "apply queue empty";
	if (!wait_until_thread_waits(thread, "queue", what, bg_finished, op))
		return false;
	rt_sleep_ms(100);
	return !bg_finished(op) && thread_shows_wait(thread, "queue", what);
}

/* Wait for op to finish; returns its result. */
static bool bg_join(bg_op *op)
{
	rt_mutex_lock(&op->mu);
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	while (!op->finished && rt_now_ms() < deadline)
		rt_cond_wait_ms(&op->changed, &op->mu, 100);
	bool finished = op->finished;
	bool ok = op->ok;
	rt_mutex_unlock(&op->mu);
	CU_ASSERT_TRUE_FATAL(finished);
	/* The thread may still be inside its last unlock of op->mu: wait for
	 * it to end (which also orders its work before ours) before destroying. */
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(UNIT_PATIENCE_MS));
	rt_cond_destroy(&op->changed);
	rt_mutex_destroy(&op->mu);
	return ok;
}

/* Messages come out in the order they went in, with their payloads. */
static void test_fifo_order(void)
{
	apply_queue *q = apply_queue_make(0, 4);
	for (int round = 0; round < 3; round++) { /* wraps around the ring */
		for (int64_t i = 1; i <= 3; i++) {
			apply_msg m = make_msg(round * 10 + i);
			CU_ASSERT_TRUE(apply_queue_put(q, &m));
			CU_ASSERT_PTR_NULL(m.command); /* ownership moved */
		}
		for (int64_t i = 1; i <= 3; i++) {
			apply_msg m;
			CU_ASSERT_TRUE(apply_queue_get(q, &m));
			CU_ASSERT_EQUAL(m.command_index, round * 10 + i);
			CU_ASSERT_EQUAL(msg_payload(&m), round * 10 + i);
			apply_msg_free(&m);
		}
	}
	apply_queue_free(q);
}

/* A put into a full queue waits until a get makes room. */
static void test_put_blocks_while_full(void)
{
	apply_queue *q = apply_queue_make(1, 2);
	apply_msg m1 = make_msg(1), m2 = make_msg(2);
	CU_ASSERT_TRUE(apply_queue_put(q, &m1));
	CU_ASSERT_TRUE(apply_queue_put(q, &m2));

	bg_op put;
	bg_start(&put, q, true, make_msg(3));
	CU_ASSERT_TRUE(bg_blocks(&put));

	apply_msg got;
	CU_ASSERT_TRUE(apply_queue_get(q, &got));
	CU_ASSERT_EQUAL(got.command_index, 1);
	apply_msg_free(&got);
	CU_ASSERT_TRUE(bg_join(&put));

	for (int64_t want = 2; want <= 3; want++) {
		CU_ASSERT_TRUE(apply_queue_get(q, &got));
		CU_ASSERT_EQUAL(got.command_index, want);
		apply_msg_free(&got);
	}
	apply_queue_free(q);
}

/* A get from an empty queue waits for a put. */
static void test_get_blocks_while_empty(void)
{
	apply_queue *q = apply_queue_make(2, 2);
	apply_msg none;
	memset(&none, 0, sizeof none);
	bg_op get;
	bg_start(&get, q, false, none);
	CU_ASSERT_TRUE(bg_blocks(&get));

	apply_msg m = make_msg(7);
	CU_ASSERT_TRUE(apply_queue_put(q, &m));
	CU_ASSERT_TRUE(bg_join(&get));
	CU_ASSERT_EQUAL(get.msg.command_index, 7);
	apply_msg_free(&get.msg);
	apply_queue_free(q);
}

/* After close, gets drain what is left and then fail; puts fail at once. */
static void test_close_drains_then_fails(void)
{
	apply_queue *q = apply_queue_make(3, 4);
	apply_msg m1 = make_msg(1), m2 = make_msg(2);
	CU_ASSERT_TRUE(apply_queue_put(q, &m1));
	CU_ASSERT_TRUE(apply_queue_put(q, &m2));
	apply_queue_close(q);

	apply_msg late = make_msg(3);
	CU_ASSERT_FALSE(apply_queue_put(q, &late));
	CU_ASSERT_PTR_NULL(late.command); /* freed by the queue */

	apply_msg got;
	CU_ASSERT_TRUE(apply_queue_get(q, &got));
	CU_ASSERT_EQUAL(got.command_index, 1);
	apply_msg_free(&got);
	CU_ASSERT_TRUE(apply_queue_get(q, &got));
	CU_ASSERT_EQUAL(got.command_index, 2);
	apply_msg_free(&got);
	CU_ASSERT_FALSE(apply_queue_get(q, &got));
	apply_queue_free(q);
}

/* Close wakes a get blocked on an empty queue and a put blocked on a full one. */
static void test_close_releases_waiters(void)
{
	apply_queue *empty = apply_queue_make(4, 1);
	apply_queue *full = apply_queue_make(5, 1);
	apply_msg m = make_msg(1);
	CU_ASSERT_TRUE(apply_queue_put(full, &m));

	apply_msg none;
	memset(&none, 0, sizeof none);
	bg_op get, put;
	bg_start(&get, empty, false, none);
	bg_start(&put, full, true, make_msg(2));
	/* Both must be waiting before the close, or this tests nothing. */
	CU_ASSERT_TRUE(bg_blocks(&get));
	CU_ASSERT_TRUE(bg_blocks(&put));
	apply_queue_close(empty);
	apply_queue_close(full);
	CU_ASSERT_FALSE(bg_join(&get));
	CU_ASSERT_FALSE(bg_join(&put));
	CU_ASSERT_PTR_NULL(put.msg.command);

	apply_msg got; /* the message put before close is still there */
	CU_ASSERT_TRUE(apply_queue_get(full, &got));
	CU_ASSERT_EQUAL(got.command_index, 1);
	apply_msg_free(&got);
	apply_queue_free(empty);
	apply_queue_free(full);
}

/* Freeing a queue frees the messages nobody took: `make asan` runs this with
 * LeakSanitizer, which fails the run if any of them leaks. */
static void test_free_with_messages_left(void)
{
	apply_queue *q = apply_queue_make(6, 3);
	for (int64_t i = 0; i < 3; i++) {
		apply_msg m = make_msg(i);
		m.snapshot = malloc(16);
		m.snapshot_len = 16;
		CU_ASSERT_TRUE(apply_queue_put(q, &m));
		CU_ASSERT_PTR_NULL(m.snapshot);
	}
	apply_queue_free(q);
}

/* Registers the apply queue tests. */
void add_apply_queue_suite(void)
{
	CU_pSuite s = CU_add_suite("apply_queue", NULL, NULL);
	CU_add_test(s, "messages come out in order", test_fifo_order);
	CU_add_test(s, "put waits while full until a get", test_put_blocks_while_full);
	CU_add_test(s, "get waits while empty until a put", test_get_blocks_while_empty);
	CU_add_test(s, "after close, gets drain then fail and puts fail",
		    test_close_drains_then_fails);
	CU_add_test(s, "close releases blocked puts and gets", test_close_releases_waiters);
	CU_add_test(s, "free releases messages nobody took", test_free_with_messages_left);
}
