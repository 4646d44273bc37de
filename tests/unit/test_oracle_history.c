/*
 * The history behind an oracle's finding: the runtime's record of a peer's
 * critical sections and the harness's notes, in one order, and the finding
 * line that carries them.
 */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "apply_queue.h"
#include "capture.h"
#include "oracle.h"
#include "persister.h"
#include "rt/finding.h"
#include "rt/history.h"
#include "unit.h"

/* A peer number no other test's locks use. */
#define PEER 9

static rt_history *collect(int peer)
{
	rt_history *h = malloc(sizeof *h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	rt_history_collect(h, (int[]){peer}, 1, 8);
	return h;
}

static void test_sections_and_notes_in_one_order_with_their_lines(void)
{
	rt_history_reset();
	rt_mutex mu;
	rt_mutex_init(&mu, "test.history_mu", PEER);
	int lock_line = __LINE__ + 1;
	rt_mutex_lock(&mu);
	rt_history_note(PEER, "between");
	int unlock_line = __LINE__ + 1;
	rt_mutex_unlock(&mu);
	rt_history_note(PEER, "after");

	rt_history *h = collect(PEER);
	CU_ASSERT_EQUAL_FATAL(h->n, 3);
	const rt_history_entry *cs = &h->entries[0];
	CU_ASSERT_TRUE(cs->is_cs);
	CU_ASSERT_STRING_EQUAL(cs->lock, "test.history_mu");
	CU_ASSERT_EQUAL(cs->acquire.line, lock_line);
	CU_ASSERT_EQUAL(cs->release.line, unlock_line);
	CU_ASSERT_PTR_NOT_NULL(strstr(cs->acquire.file, "test_oracle_history.c"));
	/* The note made while the lock was held comes after the acquire and
	 * before the release. */
	CU_ASSERT_STRING_EQUAL(h->entries[1].text, "between");
	CU_ASSERT_TRUE(h->entries[1].seq > cs->seq && h->entries[1].seq < cs->release_seq);
	CU_ASSERT_STRING_EQUAL(h->entries[2].text, "after");
	free(h);
	rt_mutex_destroy(&mu);
}

/* The newest part of the story: a section a thread is still in. */
static void test_section_still_held_shows_as_not_released(void)
{
	rt_history_reset();
	rt_mutex mu;
	rt_mutex_init(&mu, "test.history_mu", PEER);
	int lock_line = __LINE__ + 1;
	rt_mutex_lock(&mu);
	rt_history *h = collect(PEER);
	CU_ASSERT_EQUAL_FATAL(h->n, 1);
	CU_ASSERT_TRUE(h->entries[0].is_cs);
	CU_ASSERT_EQUAL(h->entries[0].release_seq, 0);
	CU_ASSERT_EQUAL(h->entries[0].acquire.line, lock_line);
	char text[512];
	rt_history_format(h, text, sizeof text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "not released yet"));
	rt_mutex_unlock(&mu);
	free(h);
	rt_mutex_destroy(&mu);
}

static void lock_twice_here(rt_mutex *mu)
{
	for (int i = 0; i < 2; i++) {
		rt_mutex_lock(mu);
		rt_mutex_unlock(mu);
	}
}

static void lock_once(void *arg)
{
	rt_mutex *mu = arg;
	rt_mutex_lock(mu);
	rt_mutex_unlock(mu);
}

/* A thread's repeated sections at the same lines show once, with a count;
 * two threads of the same name at the same lines stay two. */
static void test_repeats_fold_but_threads_stay_apart(void)
{
	rt_history_reset();
	rt_mutex mu;
	rt_mutex_init(&mu, "test.history_mu", PEER);
	lock_twice_here(&mu);
	rt_thread_spawn("history twin", PEER, lock_once, &mu);
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(10000));
	rt_thread_spawn("history twin", PEER, lock_once, &mu);
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(10000));

	rt_history *h = collect(PEER);
	CU_ASSERT_EQUAL_FATAL(h->n, 3);
	CU_ASSERT_EQUAL(h->entries[0].repeats, 1);
	CU_ASSERT_STRING_EQUAL(h->entries[1].thread, "history twin");
	CU_ASSERT_STRING_EQUAL(h->entries[2].thread, "history twin");
	CU_ASSERT_NOT_EQUAL(h->entries[1].thread_id, h->entries[2].thread_id);
	CU_ASSERT_EQUAL(h->entries[1].repeats, 0);
	free(h);
	rt_mutex_destroy(&mu);
}

/* A _locked helper, as the peer writes them: it asserts the lock first. */
static int helper_line;
static void step_locked(rt_mutex *mu)
{
	helper_line = __LINE__ + 1;
	rt_assert_held(mu);
}

static void section(rt_mutex *mu, bool take_step)
{
	rt_mutex_lock(mu);
	if (take_step) {
		step_locked(mu);
		step_locked(mu); /* the same function twice shows once */
	}
	rt_mutex_unlock(mu);
}

/* A section shows the _locked functions it ran; the one that ran a step
 * does not fold into its idle neighbours at the same lines. */
static void test_sections_show_the_functions_they_ran(void)
{
	rt_history_reset();
	rt_mutex mu;
	rt_mutex_init(&mu, "test.history_mu", PEER);
	section(&mu, false);
	section(&mu, true);
	section(&mu, false);

	rt_history *h = collect(PEER);
	CU_ASSERT_EQUAL_FATAL(h->n, 2);
	const rt_history_entry *stepped = &h->entries[0], *idle = &h->entries[1];
	CU_ASSERT_EQUAL_FATAL(stepped->nthrough, 1);
	CU_ASSERT_EQUAL(stepped->through[0].line, helper_line);
	CU_ASSERT_STRING_EQUAL(stepped->through[0].func, "step_locked");
	CU_ASSERT_EQUAL(stepped->repeats, 0);
	CU_ASSERT_EQUAL(idle->nthrough, 0);
	CU_ASSERT_EQUAL(idle->repeats, 1);
	char text[2048];
	rt_history_format(h, text, sizeof text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, ", through step_locked() "));
	free(h);
	rt_mutex_destroy(&mu);
}

/* The apply queue's lock is made in platform/: the peer's history is about
 * the peer's own locks. */
static void test_locks_of_trusted_code_keep_no_history(void)
{
	rt_history_reset();
	apply_queue *q = apply_queue_make(PEER, 1);
	apply_msg m = {
	    .command_valid = true, .command = calloc(1, 8), .command_len = 8, .command_index = 1};
	CU_ASSERT_TRUE(apply_queue_put(q, &m));
	CU_ASSERT_TRUE(apply_queue_get(q, &m));
	apply_msg_free(&m);
	apply_queue_free(q);
	rt_history *h = collect(PEER);
	CU_ASSERT_EQUAL(h->n, 0);
	free(h);
}

/* Whether h shows a section taken at line. */
static bool shows_section_at(const rt_history *h, int line)
{
	for (int i = 0; i < h->n; i++)
		if (h->entries[i].is_cs && h->entries[i].acquire.line == line)
			return true;
	return false;
}

/* A section of the peer's, then (if crash) its crash, then a restarted
 * instance busy enough to push that section out of its lock's ring. */
static rt_history *section_then_busy_restart(bool crash, int *section_line)
{
	rt_history_reset();
	rt_mutex before;
	rt_mutex_init(&before, "test.history_mu", PEER);
	*section_line = __LINE__ + 1;
	rt_mutex_lock(&before);
	rt_mutex_unlock(&before);
	rt_mutex_destroy(&before);
	if (crash)
		rt_history_crashed(PEER);
	rt_mutex after;
	rt_mutex_init(&after, "test.history_mu", PEER);
	for (int i = 0; i < 2 * RT_HISTORY_CS; i++) {
		rt_mutex_lock(&after);
		rt_mutex_unlock(&after);
	}
	rt_mutex_destroy(&after);
	return collect(PEER);
}

/* What a peer saved before it crashed is what its next instance starts
 * from: the sections it ran last stay in its history, however much the
 * next instance runs. */
static void test_sections_before_a_crash_outlast_the_restart(void)
{
	int line;
	rt_history *h = section_then_busy_restart(false, &line);
	CU_ASSERT_FALSE(shows_section_at(h, line)); /* the ring alone forgets it */
	free(h);

	h = section_then_busy_restart(true, &line);
	CU_ASSERT_TRUE(shows_section_at(h, line));
	CU_ASSERT_TRUE(h->n > 0 && h->entries[0].acquire.line == line); /* the oldest */
	free(h);
}

/* A section of the peer's, on a thread of its own, that saves its state
 * (or not); then ten threads' sections, more than a crash keeps of the
 * newest; then a crash. */
struct saving_section {
	rt_mutex mu;
	persister *ps;
	bool save;
};
static int saving_line;

static void saving_section(void *arg)
{
	struct saving_section *s = arg;
	saving_line = __LINE__ + 1;
	rt_mutex_lock(&s->mu);
	if (s->save)
		persister_save(s->ps, "term 3", 6, NULL, 0);
	rt_mutex_unlock(&s->mu);
}

static rt_history *saving_section_then_crash(bool save)
{
	rt_history_reset();
	struct saving_section s = {.ps = persister_make(), .save = save};
	rt_mutex_init(&s.mu, "test.history_mu", PEER);
	rt_thread_spawn("history saver", PEER, saving_section, &s);
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(10000));
	for (int i = 0; i < 10; i++) {
		rt_thread_spawn("history sender", PEER, lock_once, &s.mu);
		CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(10000));
	}
	rt_history_crashed(PEER);
	rt_mutex_destroy(&s.mu);
	persister_free(s.ps);
	return collect(PEER);
}

/* What a crashed peer saved last is what its next instance starts from:
 * the section that saved it stays in the history, marked, however many
 * sections came between it and the crash. */
static void test_the_section_that_saved_last_outlasts_a_crash(void)
{
	rt_history *h = saving_section_then_crash(false);
	CU_ASSERT_FALSE(shows_section_at(h, saving_line)); /* pushed out by the ten */
	free(h);

	h = saving_section_then_crash(true);
	CU_ASSERT_TRUE_FATAL(shows_section_at(h, saving_line));
	CU_ASSERT_TRUE(h->entries[0].acquire.line == saving_line && h->entries[0].saved);
	CU_ASSERT_FALSE(h->entries[h->n - 1].saved);
	char text[8192];
	rt_history_format(h, text, sizeof text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, ", saving the peer's state, unlocked at"));
	free(h);
}

static rt_history *collected_elsewhere;

static void collect_here(void *unused)
{
	(void)unused;
	collected_elsewhere = collect(PEER);
}

/* An oracle reports from the thread that did the deed: its own last
 * sections, which it keeps apart, stay in the history it collects, past
 * the newest of others. */
static void test_the_collecting_thread_keeps_its_own_sections(void)
{
	rt_history_reset();
	rt_mutex mu;
	rt_mutex_init(&mu, "test.history_mu", PEER);
	int line = __LINE__ + 1;
	rt_mutex_lock(&mu);
	rt_mutex_unlock(&mu);
	for (int i = 0; i < 12; i++) {
		rt_thread_spawn("history sender", PEER, lock_once, &mu);
		CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(10000));
	}
	rt_history *h = collect(PEER);
	CU_ASSERT_TRUE(shows_section_at(h, line));
	free(h);
	rt_thread_spawn("history reader", PEER, collect_here, NULL);
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(10000));
	CU_ASSERT_FALSE(shows_section_at(collected_elsewhere, line));
	free(collected_elsewhere);
	rt_mutex_destroy(&mu);
}

/* The finding line of a violation: peers, index and the history, with
 * each critical section's lines. */
static void test_finding_line_carries_peers_index_and_history(void)
{
	rt_history_reset();
	rt_mutex mu;
	rt_mutex_init(&mu, "test.history_mu", 1);
	int lock_line = __LINE__ + 1;
	rt_mutex_lock(&mu);
	rt_mutex_unlock(&mu);
	oracle *o = oracle_make(3, NULL, NULL);
	capture_begin();
	oracle_applied(o, 1, 1, 100); /* nobody committed index 1 */
	char *err = capture_end();
	CU_ASSERT_EQUAL(oracle_violations(o), 1);
	CU_ASSERT_EQUAL(count_findings(err, "commit-without-quorum"), 1);

	const char *line = strstr(err, RT_FINDING_PREFIX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	line += strlen(RT_FINDING_PREFIX);
	json_error_t error;
	json_t *f = json_loadb(line, strcspn(line, "\n"), 0, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f, "detector")), "invariants");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(f, "index")), 1);
	json_t *peers = json_object_get(f, "peers");
	CU_ASSERT_EQUAL(json_array_size(peers), 1);
	CU_ASSERT_EQUAL(json_integer_value(json_array_get(peers, 0)), 1);
	json_t *history = json_object_get(f, "history");
	CU_ASSERT_EQUAL_FATAL(json_array_size(history), 1);
	json_t *acquire = json_object_get(json_array_get(history, 0), "acquire");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(acquire, "line")), lock_line);
	CU_ASSERT_TRUE(json_is_array(json_object_get(json_array_get(history, 0), "through")));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(json_string_value(json_object_get(f, "details")), "test.history_mu held until"));
	json_decref(f);
	free(err);
	oracle_free(o);
	rt_mutex_destroy(&mu);
}

void add_oracle_history_suite(void)
{
	CU_pSuite s = CU_add_suite("oracle: the history behind a finding", NULL, NULL);
	CU_add_test(s, "critical sections and notes in one order, with their lines",
		    test_sections_and_notes_in_one_order_with_their_lines);
	CU_add_test(s, "a section still held shows as not released yet",
		    test_section_still_held_shows_as_not_released);
	CU_add_test(s, "repeats fold, but two threads of one name stay apart",
		    test_repeats_fold_but_threads_stay_apart);
	CU_add_test(s, "a section shows the _locked functions it ran",
		    test_sections_show_the_functions_they_ran);
	CU_add_test(s, "locks made by trusted code keep no history",
		    test_locks_of_trusted_code_keep_no_history);
	CU_add_test(s, "the sections before a crash outlast the restart",
		    test_sections_before_a_crash_outlast_the_restart);
	CU_add_test(s, "the section that saved last outlasts a crash",
		    test_the_section_that_saved_last_outlasts_a_crash);
	CU_add_test(s, "the collecting thread keeps its own older sections",
		    test_the_collecting_thread_keeps_its_own_sections);
	CU_add_test(s, "a finding line carries the peers, the index and the history",
		    test_finding_line_carries_peers_index_and_history);
}
