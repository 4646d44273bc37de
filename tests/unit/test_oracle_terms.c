/*
 * The term oracle: a restarted server never sends a term older than one its
 * earlier instance sent, and a reply never carries a term older than its
 * request's.
 */
#include <CUnit/CUnit.h>

#include "config_internal.h"
#include "oracle_tap.h"
#include "rpc.h"
#include "test_oracle_script.h"
#include "unit.h"

static void test_restarted_server_sending_an_older_term(void)
{
	script s;
	script_start(&s, 3);
	script_ask_vote(&s, 1, 0, 6);
	script_crash(&s, 1);
	script_restart(&s, 1);
	script_ask_vote(&s, 1, 0, 4);
	const script_finding *f = script_expect_one(&s, "term-went-back");
	CU_ASSERT_EQUAL(f->term, 4);
	CU_ASSERT_EQUAL(f->peers[0], 1);
	script_end(&s);
}

static void test_restarted_server_going_on_from_its_term(void)
{
	script s;
	script_start(&s, 3);
	script_ask_vote(&s, 1, 0, 6);
	script_crash(&s, 1);
	script_restart(&s, 1);
	script_refuse_vote(&s, 1, 2, 5, 6); /* answers with its saved term */
	script_ask_vote(&s, 1, 0, 7);
	script_expect_none(&s);
	script_end(&s);
}

/* After the crash, the old instance's threads may still send and answer
 * with whatever term they hold; that is lost with the instance. */
static void test_crashed_instance_messages_do_not_count(void)
{
	script s;
	script_start(&s, 3);
	script_ask_vote(&s, 1, 0, 3);
	uint32_t old = s.gen[1];
	script_crash(&s, 1);
	request_vote_args a = {.term = 9, .candidate_id = 1};
	oracle_request_vote_sent(s.o, 1, old, 0, &a);
	script_restart(&s, 1);
	script_ask_vote(&s, 1, 0, 4);
	request_vote_reply garbage = {.term = 0, .vote_granted = false};
	request_vote_args b = {.term = 5, .candidate_id = 2};
	oracle_request_vote_replied(s.o, 1, old, 2, &b, &garbage);
	script_expect_none(&s);
	script_end(&s);
}

/* Within one instance, send order is not build order: an AppendEntries
 * built in term 5 may enter the network after a RequestVote of term 6. */
static void test_older_term_after_newer_within_one_instance_is_not_judged(void)
{
	script s;
	script_start(&s, 3);
	script_win_election(&s, 0, 5, (int[]){1, -1});
	script_ask_vote(&s, 0, 1, 6);
	script_send(&s, 0, 1, (script_append){.term = 5});
	script_expect_none(&s);
	script_end(&s);
}

static void test_reply_with_an_older_term_than_the_request(void)
{
	script s;
	script_start(&s, 3);
	script_refuse_vote(&s, 2, 0, 7, 6);
	const script_finding *f = script_expect_one(&s, "term-went-back");
	CU_ASSERT_EQUAL(f->term, 7);
	CU_ASSERT_EQUAL(f->peers[0], 2);
	script_end(&s);
}

static void test_append_entries_reply_with_an_older_term(void)
{
	script s;
	script_start(&s, 3);
	script_answer(&s, 1, 0, (script_append){.term = 4}, 3, false);
	script_expect_one(&s, "term-went-back");
	script_end(&s);
}

static void test_reply_with_a_newer_term_is_fine(void)
{
	script s;
	script_start(&s, 3);
	script_refuse_vote(&s, 2, 0, 3, 8);
	script_answer(&s, 1, 0, (script_append){.term = 4}, 9, false);
	script_expect_none(&s);
	script_end(&s);
}

/* An InstallSnapshot of term, from leader's live instance, as the network's
 * tap sees it enter the network; the call is written into *call. */
static void tap_install_snapshot(script *s, const net_tap *tap, cfg_instance *leader,
				 int64_t term, codec_buf *args, net_tap_call *call)
{
	install_snapshot_args a = {.term = term, .leader_id = leader->server};
	codec_buf_init(args);
	install_snapshot_args_encode(&a, args);
	leader->gen = s->gen[leader->server];
	*call = (net_tap_call){
	    .from = leader, .to = 1, .method = RPC_INSTALL_SNAPSHOT, .args = args};
	tap->sent(tap->ctx, call);
}

/* A held reply to a leader's InstallSnapshot is most dangerous once that
 * leader leads again in a later term (oracle_stale.c): the network hands
 * it over then, as it does AppendEntries replies. */
static void test_held_install_snapshot_reply_waits_for_a_later_term(void)
{
	script s;
	script_start(&s, 3);
	net_tap tap = oracle_net_tap(s.o);
	cfg_instance leader = {.server = 0};
	script_win_election(&s, 0, 3, (int[]){1, -1});
	codec_buf old_args, new_args;
	net_tap_call old_call, new_call;
	tap_install_snapshot(&s, &tap, &leader, 3, &old_args, &old_call);
	CU_ASSERT_FALSE(tap.caller_moved_on(tap.ctx, &old_call));

	script_win_election(&s, 0, 5, (int[]){2, -1});
	tap_install_snapshot(&s, &tap, &leader, 5, &new_args, &new_call);
	CU_ASSERT_TRUE(tap.caller_moved_on(tap.ctx, &old_call));
	CU_ASSERT_FALSE(tap.caller_moved_on(tap.ctx, &new_call));
	script_expect_none(&s);
	codec_buf_free(&old_args);
	codec_buf_free(&new_args);
	script_end(&s);
}

void add_oracle_terms_suite(void)
{
	CU_pSuite s = CU_add_suite("oracle: terms", NULL, NULL);
	CU_add_test(s, "a restarted server sending an older term: term-went-back",
		    test_restarted_server_sending_an_older_term);
	CU_add_test(s, "a restarted server going on from its saved term is fine",
		    test_restarted_server_going_on_from_its_term);
	CU_add_test(s, "a crashed instance's messages do not count",
		    test_crashed_instance_messages_do_not_count);
	CU_add_test(s, "an older term after a newer one within one instance is not judged",
		    test_older_term_after_newer_within_one_instance_is_not_judged);
	CU_add_test(s, "a RequestVote reply with an older term: term-went-back",
		    test_reply_with_an_older_term_than_the_request);
	CU_add_test(s, "an AppendEntries reply with an older term: term-went-back",
		    test_append_entries_reply_with_an_older_term);
	CU_add_test(s, "a reply with a newer term is fine", test_reply_with_a_newer_term_is_fine);
	CU_add_test(s, "a held InstallSnapshot reply waits for its leader's later term",
		    test_held_install_snapshot_reply_waits_for_a_later_term);
}
