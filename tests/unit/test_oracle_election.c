/*
 * The election oracles: one vote per term, leaders are elected, one leader
 * per term. Each violating script must raise exactly its finding; the
 * legitimate tricky ones (lost replies, crashed instances, later terms)
 * must raise none.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "test_oracle_script.h"
#include "unit.h"

/* The heartbeat a leader of term sends to one follower. */
static script_append heartbeat(int64_t term)
{
	return (script_append){.term = term};
}

static void test_two_grants_in_one_term_is_vote_twice(void)
{
	script s;
	script_start(&s, 5);
	script_grant_vote(&s, 2, 0, 3, true);
	script_grant_vote(&s, 2, 4, 3, true);
	const script_finding *f = script_expect_one(&s, "vote-twice");
	CU_ASSERT_EQUAL(f->term, 3);
	CU_ASSERT_EQUAL(f->peers[0], 2);
	CU_ASSERT_TRUE(script_names_peer(f, 0) && script_names_peer(f, 4));
	script_end(&s);
}

static void test_votes_in_different_terms_or_repeated_are_fine(void)
{
	script s;
	script_start(&s, 3);
	script_grant_vote(&s, 1, 0, 2, true);
	script_grant_vote(&s, 1, 0, 2, true); /* the candidate asked again */
	script_grant_vote(&s, 1, 2, 3, true);
	script_refuse_vote(&s, 1, 0, 3, 3);
	script_expect_none(&s);
	script_end(&s);
}

static void test_grant_whose_reply_was_lost_still_binds(void)
{
	script s;
	script_start(&s, 3);
	script_grant_vote(&s, 1, 0, 4, false);
	script_grant_vote(&s, 1, 2, 4, true);
	script_expect_one(&s, "vote-twice");
	script_end(&s);
}

static void test_vote_binds_the_restarted_instance(void)
{
	script s;
	script_start(&s, 3);
	script_grant_vote(&s, 1, 0, 5, true);
	script_crash(&s, 1);
	script_restart(&s, 1);
	script_grant_vote(&s, 1, 2, 5, true);
	const script_finding *f = script_expect_one(&s, "vote-twice");
	CU_ASSERT_EQUAL(f->term, 5);
	script_end(&s);
}

/* A crashed instance's threads may still run its handler; what it does
 * after the crash is lost with it, so its grant does not bind. */
static void test_grant_by_crashed_instance_does_not_bind(void)
{
	script s;
	script_start(&s, 3);
	uint32_t old = s.gen[1];
	script_crash(&s, 1);
	request_vote_args a = {.term = 6, .candidate_id = 0};
	request_vote_reply r = {.term = 6, .vote_granted = true};
	oracle_request_vote_replied(s.o, 1, old, 0, &a, &r);
	script_restart(&s, 1);
	script_grant_vote(&s, 1, 2, 6, true);
	script_expect_none(&s);
	script_end(&s);
}

static void test_candidate_granting_another_in_its_term_is_vote_twice(void)
{
	script s;
	script_start(&s, 3);
	script_ask_vote(&s, 0, 1, 7);
	script_grant_vote(&s, 0, 2, 7, true);
	const script_finding *f = script_expect_one(&s, "vote-twice");
	CU_ASSERT_EQUAL(f->peers[0], 0);
	script_end(&s);
}

/* RequestVote args built after the server had voted for someone else in
 * that term (args built late, rule 5). */
static void test_asking_for_votes_after_voting_for_another_is_vote_twice(void)
{
	script s;
	script_start(&s, 3);
	script_grant_vote(&s, 0, 2, 8, true);
	script_ask_vote(&s, 0, 1, 8);
	script_expect_one(&s, "vote-twice");
	script_end(&s);
}

static void test_leader_with_majority_of_delivered_votes_is_elected(void)
{
	script s;
	script_start(&s, 5);
	script_win_election(&s, 3, 2, (int[]){0, 4, -1});
	script_send(&s, 3, 1, heartbeat(2));
	script_send(&s, 3, 1, heartbeat(2));
	script_expect_none(&s);
	script_end(&s);
}

static void test_leader_without_majority_is_not_elected(void)
{
	script s;
	script_start(&s, 5);
	script_win_election(&s, 3, 2, (int[]){0, -1});
	script_send(&s, 3, 1, heartbeat(2));
	const script_finding *f = script_expect_one(&s, "leader-not-elected");
	CU_ASSERT_EQUAL(f->term, 2);
	CU_ASSERT_EQUAL(f->peers[0], 3);
	script_end(&s);
}

/* Votes granted but lost on the way elect no one. */
static void test_votes_not_delivered_do_not_elect(void)
{
	script s;
	script_start(&s, 3);
	script_ask_vote(&s, 0, 1, 2);
	script_grant_vote(&s, 1, 0, 2, false);
	script_send(&s, 0, 1, heartbeat(2));
	script_expect_one(&s, "leader-not-elected");
	script_end(&s);
}

/* A late vote from the previous election counted in this one (rule 5):
 * the finding says which older votes it had. */
static void test_votes_of_an_older_term_do_not_elect(void)
{
	script s;
	script_start(&s, 3);
	script_win_election(&s, 0, 4, (int[]){1, -1});
	script_ask_vote(&s, 0, 1, 5);
	script_send(&s, 0, 1, heartbeat(5));
	const script_finding *f = script_expect_one(&s, "leader-not-elected");
	CU_ASSERT_EQUAL(f->term, 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "term 4: 1"));
	script_end(&s);
}

static void test_two_servers_sending_append_entries_in_one_term(void)
{
	script s;
	script_start(&s, 3);
	/* Delivered votes only: the voters' side is not in this script. */
	request_vote_args a = {.term = 3};
	request_vote_reply r = {.term = 3, .vote_granted = true};
	oracle_request_vote_delivered(s.o, 0, 2, &a, &r);
	oracle_request_vote_delivered(s.o, 1, 2, &a, &r);
	script_send(&s, 0, 2, heartbeat(3));
	script_send(&s, 1, 2, heartbeat(3));
	const script_finding *f = script_expect_one(&s, "two-leaders");
	CU_ASSERT_EQUAL(f->term, 3);
	CU_ASSERT_TRUE(script_names_peer(f, 0) && script_names_peer(f, 1));
	script_end(&s);
}

static void test_leaders_of_different_terms_are_fine(void)
{
	script s;
	script_start(&s, 3);
	script_win_election(&s, 0, 1, (int[]){1, -1});
	script_send(&s, 0, 1, heartbeat(1));
	script_win_election(&s, 1, 2, (int[]){2, -1});
	script_send(&s, 1, 2, heartbeat(2));
	script_send(&s, 0, 2, heartbeat(1)); /* a stale leader is still a leader of 1 */
	script_expect_none(&s);
	script_end(&s);
}

/* leader's InstallSnapshot of term, through index 10, leaves for to. */
static void send_snapshot(script *s, int leader, int to, int64_t term)
{
	install_snapshot_args a = {.term = term, .leader_id = leader, .last_included_index = 10,
				   .last_included_term = term};
	oracle_install_snapshot_sent(s->o, leader, s->gen[leader], to, &a);
}

/* InstallSnapshot is a leader's message too: an elected leader may send
 * it, a server without a majority may not. */
static void test_install_snapshot_acts_as_leader(void)
{
	script s;
	script_start(&s, 3);
	script_win_election(&s, 0, 4, (int[]){1, -1});
	send_snapshot(&s, 0, 2, 4);
	script_expect_none(&s);
	script_end(&s);

	script_start(&s, 3);
	send_snapshot(&s, 2, 1, 5);
	const script_finding *f = script_expect_one(&s, "leader-not-elected");
	CU_ASSERT_EQUAL(f->term, 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "it sent InstallSnapshot"));
	script_end(&s);
}

/* A heartbeat from one server and a snapshot from another, in one term. */
static void test_heartbeat_and_snapshot_from_two_servers(void)
{
	script s;
	script_start(&s, 3);
	request_vote_args a = {.term = 6};
	request_vote_reply r = {.term = 6, .vote_granted = true};
	oracle_request_vote_delivered(s.o, 0, 2, &a, &r);
	oracle_request_vote_delivered(s.o, 1, 2, &a, &r);
	script_send(&s, 0, 2, heartbeat(6));
	send_snapshot(&s, 1, 2, 6);
	const script_finding *f = script_expect_one(&s, "two-leaders");
	CU_ASSERT_TRUE(script_names_peer(f, 0) && script_names_peer(f, 1));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "server 1 sent InstallSnapshot"));
	script_end(&s);
}

/* A restarted leader's snapshot may not carry a term older than one its
 * earlier instance sent; nor may a follower's answer go below the ask. */
static void test_install_snapshot_terms_never_go_back(void)
{
	script s;
	script_start(&s, 3);
	script_win_election(&s, 0, 3, (int[]){1, -1});
	script_win_election(&s, 0, 7, (int[]){1, -1});
	script_send(&s, 0, 1, heartbeat(7));
	script_crash(&s, 0);
	script_restart(&s, 0);
	send_snapshot(&s, 0, 1, 3);
	const script_finding *f = script_expect_one(&s, "term-went-back");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "InstallSnapshot"));
	script_end(&s);

	script_start(&s, 3);
	install_snapshot_args ask = {.term = 4, .leader_id = 0};
	install_snapshot_reply answer = {.term = 2};
	oracle_install_snapshot_replied(s.o, 1, s.gen[1], 0, &ask, &answer);
	script_expect_one(&s, "term-went-back");
	script_end(&s);
}

void add_oracle_election_suite(void)
{
	CU_pSuite s = CU_add_suite("oracle: elections", NULL, NULL);
	CU_add_test(s, "two grants in one term: vote-twice",
		    test_two_grants_in_one_term_is_vote_twice);
	CU_add_test(s, "votes in different terms, or repeated, are fine",
		    test_votes_in_different_terms_or_repeated_are_fine);
	CU_add_test(s, "a grant whose reply was lost still binds the voter",
		    test_grant_whose_reply_was_lost_still_binds);
	CU_add_test(s, "a vote binds the restarted instance",
		    test_vote_binds_the_restarted_instance);
	CU_add_test(s, "a grant by a crashed instance does not bind",
		    test_grant_by_crashed_instance_does_not_bind);
	CU_add_test(s, "a candidate granting another in its term: vote-twice",
		    test_candidate_granting_another_in_its_term_is_vote_twice);
	CU_add_test(s, "asking for votes after voting for another: vote-twice",
		    test_asking_for_votes_after_voting_for_another_is_vote_twice);
	CU_add_test(s, "a leader with a majority of delivered votes is elected",
		    test_leader_with_majority_of_delivered_votes_is_elected);
	CU_add_test(s, "a leader without a majority: leader-not-elected",
		    test_leader_without_majority_is_not_elected);
	CU_add_test(s, "votes not delivered elect no one", test_votes_not_delivered_do_not_elect);
	CU_add_test(s, "votes of an older term elect no one",
		    test_votes_of_an_older_term_do_not_elect);
	CU_add_test(s, "two servers sending AppendEntries in one term: two-leaders",
		    test_two_servers_sending_append_entries_in_one_term);
	CU_add_test(s, "leaders of different terms, stale ones included, are fine",
		    test_leaders_of_different_terms_are_fine);
	CU_add_test(s, "InstallSnapshot acts as leader: elected fine, else leader-not-elected",
		    test_install_snapshot_acts_as_leader);
	CU_add_test(s, "a heartbeat and a snapshot from two servers in one term: two-leaders",
		    test_heartbeat_and_snapshot_from_two_servers);
	CU_add_test(s, "InstallSnapshot's terms never go back", test_install_snapshot_terms_never_go_back);
}
