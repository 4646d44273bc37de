/*
 * Unit tests for the runtime's lock tracking: each rule reports a finding
 * when broken and stays quiet when kept.
 */
#include <CUnit/CUnit.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "apply_queue.h"
#include "capture.h"
#include "rt/rt.h"
#include "unit.h"
#include "waiting.h"

/* A miniature peer with the project's conventions: one lock, functions
 * that need it end in _locked. */
struct counter {
	rt_mutex mu;
	/* mu guards: */
	int value;
};

static void counter_bump_locked(struct counter *c) REQUIRES(c->mu)
{
	rt_assert_held(&c->mu);
	c->value++;
}

/* Calls a _locked function without the lock. Clang's analysis would reject
 * this; the runtime must catch it in a running program too. */
static void counter_bump_unlocked_on_purpose(struct counter *c) NO_THREAD_SAFETY_ANALYSIS
{
	counter_bump_locked(c);
}

static void test_locked_function_with_lock_is_quiet(void)
{
	struct counter c = {.value = 0};
	rt_mutex_init(&c.mu, "test.counter", -1);
	capture_begin();
	rt_mutex_lock(&c.mu);
	counter_bump_locked(&c);
	rt_mutex_unlock(&c.mu);
	char *out = capture_end();
	CU_ASSERT_EQUAL(count_findings(out, "missing-lock"), 0);
	CU_ASSERT_EQUAL(c.value, 1);
	free(out);
	rt_mutex_destroy(&c.mu);
}

static void test_locked_function_without_lock_is_reported(void)
{
	struct counter c = {.value = 0};
	rt_mutex_init(&c.mu, "test.counter", -1);
	capture_begin();
	counter_bump_unlocked_on_purpose(&c);
	char *out = capture_end();
	CU_ASSERT_EQUAL(count_findings(out, "missing-lock"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "counter_bump_locked"));
	free(out);
	rt_mutex_destroy(&c.mu);
}

static void test_sleep_holding_lock_is_reported(void)
{
	rt_mutex mu;
	rt_mutex_init(&mu, "test.sleepy", -1);
	capture_begin();
	rt_mutex_lock(&mu);
	rt_sleep_ms(1);
	rt_mutex_unlock(&mu);
	char *out = capture_end();
	CU_ASSERT_EQUAL(count_findings(out, "blocking-with-lock"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "test.sleepy"));
	free(out);
	rt_mutex_destroy(&mu);
}

/* The tester holds a lock of its own across a call into the peer: a wait
 * inside the call is not charged to it, a wait under a lock the call takes
 * is, and once the call is over the tester's lock counts again. */
static void test_wait_under_the_callers_lock(void)
{
	rt_mutex tester, peer;
	rt_mutex_init(&tester, "test.caller", -1);
	rt_mutex_init(&peer, "test.callee", -1);
	capture_begin();
	rt_mutex_lock(&tester);
	int saved = rt_callers_locks_begin();
	rt_sleep_ms(1); /* only the caller's lock: quiet */
	rt_mutex_lock(&peer);
	rt_sleep_ms(1); /* the call's own lock: reported */
	rt_mutex_unlock(&peer);
	rt_callers_locks_end(saved);
	rt_sleep_ms(1); /* the tester's own wait: reported */
	rt_mutex_unlock(&tester);
	char *out = capture_end();
	CU_ASSERT_EQUAL(count_findings(out, "blocking-with-lock"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "while holding test.callee"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "while holding test.caller"));
	free(out);
	rt_mutex_destroy(&peer);
	rt_mutex_destroy(&tester);
}

static void test_sleep_without_lock_is_quiet(void)
{
	capture_begin();
	rt_sleep_ms(1);
	char *out = capture_end();
	CU_ASSERT_EQUAL(count_findings(out, "blocking-with-lock"), 0);
	free(out);
}

static void test_cond_wait_holding_second_lock_is_reported(void)
{
	rt_mutex outer, inner;
	rt_cond cv;
	rt_mutex_init(&outer, "test.outer", -1);
	rt_mutex_init(&inner, "test.inner", -1);
	rt_cond_init(&cv);
	capture_begin();
	rt_mutex_lock(&outer);
	rt_mutex_lock(&inner);
	rt_cond_wait_ms(&cv, &inner, 1);
	rt_mutex_unlock(&inner);
	rt_mutex_unlock(&outer);
	char *out = capture_end();
	CU_ASSERT_EQUAL(count_findings(out, "blocking-with-lock"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "test.outer"));
	free(out);
	rt_cond_destroy(&cv);
	rt_mutex_destroy(&outer);
	rt_mutex_destroy(&inner);
}

static void test_lock_order_inversion_is_reported(void)
{
	rt_mutex a, b;
	rt_mutex_init(&a, "test.order_a", -1);
	rt_mutex_init(&b, "test.order_b", -1);
	capture_begin();
	rt_mutex_lock(&a);
	rt_mutex_lock(&b);
	rt_mutex_unlock(&b);
	rt_mutex_unlock(&a);
	char *consistent = capture_end();
	capture_begin();
	rt_mutex_lock(&b);
	rt_mutex_lock(&a);
	rt_mutex_unlock(&a);
	rt_mutex_unlock(&b);
	char *inverted = capture_end();
	CU_ASSERT_EQUAL(count_findings(consistent, "lock-order"), 0);
	CU_ASSERT_EQUAL(count_findings(inverted, "lock-order"), 1);
	free(consistent);
	free(inverted);
	rt_mutex_destroy(&a);
	rt_mutex_destroy(&b);
}

/* A pretend RPC deadlock: the caller holds a lock and "waits for" a handler
 * thread that needs the same lock. The watchdog's table must show a cycle.
 * The caller's wait is a bounded poll, so the test ends by itself. */
struct rpc_cycle {
	rt_mutex mu;
	atomic_int handler_slot;
	atomic_bool handler_done;
};

static void fake_handler(void *p)
{
	struct rpc_cycle *s = p;
	atomic_store(&s->handler_slot, rt_thread_slot());
	rt_mutex_lock(&s->mu);
	rt_mutex_unlock(&s->mu);
	atomic_store(&s->handler_done, true);
}

static void test_rpc_wait_cycle_is_found(void)
{
	struct rpc_cycle s = {.handler_slot = -1, .handler_done = false};
	rt_mutex_init(&s.mu, "test.rpc_cycle", 0);
	rt_mutex_lock(&s.mu);
	rt_thread_spawn("fake handler", 1, fake_handler, &s);
	while (atomic_load(&s.handler_slot) < 0)
		;
	rt_wait_begin(RT_WAIT_RPC, "fake rpc", atomic_load(&s.handler_slot), RT_HERE);
	char cycle[512] = "";
	bool found = wait_until_deadlock(cycle, sizeof cycle);
	rt_wait_end();
	rt_mutex_unlock(&s.mu);
	CU_ASSERT_TRUE(found);
	CU_ASSERT_PTR_NOT_NULL(strstr(cycle, "fake handler"));
	CU_ASSERT_TRUE(rt_threads_wait_quiet(UNIT_PATIENCE_MS));
	CU_ASSERT_TRUE(atomic_load(&s.handler_done));
	rt_mutex_destroy(&s.mu);
}

/* The lab-3D deadlock in miniature: a thread that holds a lock puts on a
 * full queue, and the thread that takes from that queue waits for the
 * lock. The putter waits for the taker, the taker for the putter. */
struct queue_cycle {
	rt_mutex mu;
	apply_queue *q;
};

static void queue_taker(void *p)
{
	struct queue_cycle *s = p;
	apply_msg m;
	if (apply_queue_get(s->q, &m))
		apply_msg_free(&m);
	rt_mutex_lock(&s->mu);   /* as the service calling raft_snapshot */
	rt_mutex_unlock(&s->mu);
	while (apply_queue_get(s->q, &m))
		apply_msg_free(&m);
}

static void queue_putter(void *p)
{
	struct queue_cycle *s = p;
	rt_mutex_lock(&s->mu);
	for (int i = 0; i < 3; i++) {
		apply_msg m = {.command_valid = true, .command_index = i + 1};
		if (!apply_queue_put(s->q, &m))   /* the third waits for room */
			break;
	}
	rt_mutex_unlock(&s->mu);
}

static void test_queue_wait_cycle_is_found(void)
{
	struct queue_cycle s;
	rt_mutex_init(&s.mu, "test.queue_cycle", 0);
	s.q = apply_queue_make(0, 1);
	capture_begin();
	rt_thread_spawn("taker", 0, queue_taker, &s);
	rt_thread_spawn("putter", 0, queue_putter, &s);
	char cycle[512] = "";
	bool found = wait_until_deadlock(cycle, sizeof cycle);
	apply_queue_close(s.q);   /* the putter's wait fails: both can finish */
	CU_ASSERT_TRUE(rt_threads_wait_quiet(UNIT_PATIENCE_MS));
	char *out = capture_end();
	CU_ASSERT_TRUE(found);
	CU_ASSERT_PTR_NOT_NULL(strstr(cycle, "putter"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cycle, "taker"));
	CU_ASSERT_TRUE(count_findings(out, "blocking-with-lock") >= 1);
	free(out);
	apply_queue_free(s.q);
	rt_mutex_destroy(&s.mu);
}

void add_lockdep_suite(void)
{
	CU_pSuite s = CU_add_suite("lockdep", NULL, NULL);
	CU_add_test(s, "locked function with lock is quiet", test_locked_function_with_lock_is_quiet);
	CU_add_test(s, "locked function without lock is reported",
		    test_locked_function_without_lock_is_reported);
	CU_add_test(s, "sleep holding a lock is reported", test_sleep_holding_lock_is_reported);
	CU_add_test(s, "sleep without a lock is quiet", test_sleep_without_lock_is_quiet);
	CU_add_test(s, "a wait under the caller's lock", test_wait_under_the_callers_lock);
	CU_add_test(s, "condition wait holding a second lock is reported",
		    test_cond_wait_holding_second_lock_is_reported);
	CU_add_test(s, "lock-order inversion is reported", test_lock_order_inversion_is_reported);
	CU_add_test(s, "rpc wait cycle is found", test_rpc_wait_cycle_is_found);
	CU_add_test(s, "queue wait cycle is found", test_queue_wait_cycle_is_found);
}
