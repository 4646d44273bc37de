/*
 * Protocol tests, elections: how a peer decides on a vote (request_vote.c),
 * how a candidate counts the replies (election.c), and when the election
 * timer restarts. Each test is a script of messages delivered by hand to a
 * peer built by the fixture (test_protocol_fixture.h).
 */
#include "test_protocol_fixture.h"
#include "unit.h"

/* Deliver a RequestVote to rf, under rf->mu as serve_request_vote does. */
static request_vote_reply receive_request_vote(raft *rf, request_vote_args args)
{
	request_vote_reply reply = {.term = -1};
	rt_mutex_lock(&rf->mu);
	handle_request_vote_locked(rf, &args, &reply);
	rt_mutex_unlock(&rf->mu);
	return reply;
}

/* Deliver to candidate rf the reply to the RequestVote it sent as asked. */
static void receive_vote_reply(raft *rf, request_vote_args asked, request_vote_reply reply)
{
	rt_mutex_lock(&rf->mu);
	handle_vote_reply_locked(rf, &asked, &reply);
	rt_mutex_unlock(&rf->mu);
}

static request_vote_reply vote_reply(int64_t term, bool granted)
{
	return (request_vote_reply){.term = term, .vote_granted = granted};
}

/* What candidate rf asks for in its current term. */
static request_vote_args asked_by(raft *rf)
{
	return (request_vote_args){.term = rf->current_term, .candidate_id = rf->me,
				   .last_log_index = log_last_index(&rf->log),
				   .last_log_term = log_last_term(&rf->log)};
}

/* ---- The vote decision ---------------------------------------------------- */

static void test_an_up_to_date_candidate_in_a_newer_term_gets_the_vote(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1));
	request_vote_reply reply = receive_request_vote(
		rf, (request_vote_args){.term = 2, .candidate_id = 1, .last_log_index = 2,
					.last_log_term = 1});
	CU_ASSERT_TRUE(reply.vote_granted);
	CU_ASSERT_EQUAL(reply.term, 2);
	CU_ASSERT_EQUAL(rf->current_term, 2);
	CU_ASSERT_EQUAL(rf->voted_for, 1);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	peer_free(rf);
}

static void test_a_request_from_an_older_term_is_refused_with_the_current_term(void)
{
	raft *rf = peer_make(3, 3, RAFT_FOLLOWER, LOG(1));
	request_vote_reply reply = receive_request_vote(
		rf, (request_vote_args){.term = 2, .candidate_id = 1, .last_log_index = 5,
					.last_log_term = 2});
	CU_ASSERT_FALSE(reply.vote_granted);
	CU_ASSERT_EQUAL(reply.term, 3);   /* so the candidate steps down */
	CU_ASSERT_EQUAL(rf->current_term, 3);
	CU_ASSERT_EQUAL(rf->voted_for, NO_VOTE);
	peer_free(rf);
}

static void test_a_vote_in_the_same_term_for_another_candidate_is_refused(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	request_vote_args from_1 = {.term = 2, .candidate_id = 1, .last_log_index = 1,
				    .last_log_term = 1};
	request_vote_args from_2 = from_1;
	from_2.candidate_id = 2;
	CU_ASSERT_TRUE(receive_request_vote(rf, from_1).vote_granted);
	CU_ASSERT_FALSE(receive_request_vote(rf, from_2).vote_granted);
	CU_ASSERT_EQUAL(rf->voted_for, 1);
	peer_free(rf);
}

/* Its first reply may have been lost: answering again is no second vote. */
static void test_the_same_candidate_asking_again_gets_the_vote_again(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	request_vote_args from_1 = {.term = 2, .candidate_id = 1, .last_log_index = 1,
				    .last_log_term = 1};
	CU_ASSERT_TRUE(receive_request_vote(rf, from_1).vote_granted);
	CU_ASSERT_TRUE(receive_request_vote(rf, from_1).vote_granted);
	CU_ASSERT_EQUAL(rf->voted_for, 1);
	peer_free(rf);
}

static void test_a_candidate_refuses_others_in_its_own_term(void)
{
	raft *rf = peer_make(3, 2, RAFT_CANDIDATE, LOG(1));
	request_vote_reply reply = receive_request_vote(
		rf, (request_vote_args){.term = 2, .candidate_id = 1, .last_log_index = 3,
					.last_log_term = 2});
	CU_ASSERT_FALSE(reply.vote_granted);
	CU_ASSERT_EQUAL(rf->voted_for, 0);
	CU_ASSERT_EQUAL(rf->role, RAFT_CANDIDATE);
	peer_free(rf);
}

static void test_a_newer_term_frees_the_vote(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	request_vote_args term_2_from_1 = {.term = 2, .candidate_id = 1, .last_log_index = 1,
					   .last_log_term = 1};
	request_vote_args term_3_from_2 = {.term = 3, .candidate_id = 2, .last_log_index = 1,
					   .last_log_term = 1};
	CU_ASSERT_TRUE(receive_request_vote(rf, term_2_from_1).vote_granted);
	CU_ASSERT_TRUE(receive_request_vote(rf, term_3_from_2).vote_granted);
	CU_ASSERT_EQUAL(rf->current_term, 3);
	CU_ASSERT_EQUAL(rf->voted_for, 2);
	peer_free(rf);
}

/* §5.4.1: the last term decides first, and length only between equal
 * last terms. */
static void test_an_older_last_term_is_refused_even_with_a_longer_log(void)
{
	raft *rf = peer_make(3, 3, RAFT_FOLLOWER, LOG(1, 3));
	request_vote_reply reply = receive_request_vote(
		rf, (request_vote_args){.term = 4, .candidate_id = 1, .last_log_index = 5,
					.last_log_term = 2});
	CU_ASSERT_FALSE(reply.vote_granted);
	CU_ASSERT_EQUAL(rf->voted_for, NO_VOTE);
	peer_free(rf);
}

static void test_a_newer_last_term_wins_over_a_longer_log(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1, 1, 1));
	request_vote_reply reply = receive_request_vote(
		rf, (request_vote_args){.term = 3, .candidate_id = 1, .last_log_index = 2,
					.last_log_term = 2});
	CU_ASSERT_TRUE(reply.vote_granted);
	peer_free(rf);
}

static void test_with_equal_last_terms_a_shorter_log_is_refused_an_equal_one_is_not(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 2, 2));
	request_vote_args shorter = {.term = 3, .candidate_id = 1, .last_log_index = 2,
				     .last_log_term = 2};
	request_vote_args as_long = {.term = 3, .candidate_id = 2, .last_log_index = 3,
				     .last_log_term = 2};
	CU_ASSERT_FALSE(receive_request_vote(rf, shorter).vote_granted);
	CU_ASSERT_TRUE(receive_request_vote(rf, as_long).vote_granted);
	CU_ASSERT_EQUAL(rf->voted_for, 2);
	peer_free(rf);
}

/* Refused for its log, the candidate still brings news of a newer term:
 * the leader steps down, and the new term is saved without a vote. */
static void test_a_leader_that_refuses_a_newer_term_still_steps_down(void)
{
	raft *rf = peer_make(3, 3, RAFT_LEADER, LOG(1, 3));
	request_vote_reply reply = receive_request_vote(
		rf, (request_vote_args){.term = 4, .candidate_id = 1, .last_log_index = 1,
					.last_log_term = 1});
	CU_ASSERT_FALSE(reply.vote_granted);
	CU_ASSERT_EQUAL(reply.term, 4);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 4);
	CU_ASSERT_EQUAL(rf->voted_for, NO_VOTE);
	raft *again = peer_restart(rf);
	CU_ASSERT_EQUAL(again->current_term, 4);
	CU_ASSERT_EQUAL(again->voted_for, NO_VOTE);
	peer_free(again);
	peer_free(rf);
}

/* A restarted peer must remember its vote, or it could vote twice in one
 * term: the vote is saved before the reply can leave. */
static void test_a_granted_vote_is_saved_before_the_reply(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	request_vote_args from_1 = {.term = 2, .candidate_id = 1, .last_log_index = 1,
				    .last_log_term = 1};
	CU_ASSERT_TRUE(receive_request_vote(rf, from_1).vote_granted);

	raft *again = peer_restart(rf);
	CU_ASSERT_EQUAL(again->current_term, 2);
	CU_ASSERT_EQUAL(again->voted_for, 1);
	request_vote_args from_2 = from_1;
	from_2.candidate_id = 2;
	CU_ASSERT_FALSE(receive_request_vote(again, from_2).vote_granted);
	peer_free(again);
	peer_free(rf);
}

/* Figure 2 and the Students' Guide: the timer restarts when a vote is
 * granted, not when one is refused, not even for a newer term. */
static void test_granting_a_vote_resets_the_election_timer_refusing_does_not(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1));
	int64_t before = rt_now_ms();
	request_vote_args stale = {.term = 2, .candidate_id = 1, .last_log_index = 1,
				   .last_log_term = 1};
	CU_ASSERT_FALSE(receive_request_vote(rf, stale).vote_granted);
	CU_ASSERT_EQUAL(rf->election_deadline_ms, STALE_DEADLINE_MS);

	request_vote_args up_to_date = {.term = 2, .candidate_id = 2, .last_log_index = 2,
					.last_log_term = 1};
	CU_ASSERT_TRUE(receive_request_vote(rf, up_to_date).vote_granted);
	CU_ASSERT_TRUE(timer_was_reset(rf, before));
	peer_free(rf);
}

/* raft.h: a killed peer answers no RPCs. A request can still reach its
 * handler (the harness kills a peer after deleting its server, but a
 * handler may have started before); it gets no reply, and the peer neither
 * votes nor adopts the term. The live peer beside it is the control. */
static void test_a_killed_peer_answers_no_request_vote(void)
{
	raft *killed_peer = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	raft *live_peer = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	request_vote_args args = {.term = 2, .candidate_id = 1, .last_log_index = 1,
				  .last_log_term = 1};
	codec_buf args_buf, killed_reply, live_reply;
	codec_buf_init(&args_buf);
	codec_buf_init(&killed_reply);
	codec_buf_init(&live_reply);
	request_vote_args_encode(&args, &args_buf);

	raft_kill(killed_peer);
	serve_request_vote(killed_peer, &args_buf, &killed_reply);
	serve_request_vote(live_peer, &args_buf, &live_reply);

	CU_ASSERT_EQUAL(killed_reply.len, 0);
	CU_ASSERT_EQUAL(killed_peer->current_term, 1);
	CU_ASSERT_EQUAL(killed_peer->voted_for, NO_VOTE);
	request_vote_reply reply;
	CU_ASSERT_TRUE(request_vote_reply_decode(&reply, &live_reply));
	CU_ASSERT_TRUE(reply.vote_granted);
	codec_buf_free(&args_buf);
	codec_buf_free(&killed_reply);
	codec_buf_free(&live_reply);
	peer_free(live_peer);
	peer_free(killed_peer);
}

/* ---- Counting the votes --------------------------------------------------- */

static void test_a_refused_vote_does_not_count(void)
{
	raft *rf = peer_make(5, 2, RAFT_CANDIDATE, LOG(1));
	receive_vote_reply(rf, asked_by(rf), vote_reply(2, false));
	CU_ASSERT_EQUAL(rf->votes, 1);
	CU_ASSERT_EQUAL(rf->role, RAFT_CANDIDATE);
	peer_free(rf);
}

/* Two of five is no majority: still a candidate, no heartbeat sent. */
static void test_a_vote_short_of_a_majority_keeps_the_peer_candidate(void)
{
	raft *rf = peer_make(5, 2, RAFT_CANDIDATE, LOG(1));
	int64_t sent = messages_sent();
	receive_vote_reply(rf, asked_by(rf), vote_reply(2, true));
	CU_ASSERT_EQUAL(rf->votes, 2);
	CU_ASSERT_EQUAL(rf->role, RAFT_CANDIDATE);
	CU_ASSERT_EQUAL(messages_sent(), sent);
	peer_free(rf);
}

/* Winning: the new leader knows nothing of the followers' logs yet, and
 * sends a heartbeat to each at once, before another peer times out. */
static void test_a_majority_makes_a_leader_that_sends_heartbeats_at_once(void)
{
	raft *rf = peer_make(3, 2, RAFT_CANDIDATE, LOG(1, 2));
	int64_t sent = messages_sent();
	receive_vote_reply(rf, asked_by(rf), vote_reply(2, true));
	CU_ASSERT_EQUAL(rf->role, RAFT_LEADER);
	CU_ASSERT_EQUAL(rf->next_index[1], 3);
	CU_ASSERT_EQUAL(rf->next_index[2], 3);
	CU_ASSERT_EQUAL(rf->match_index[1], 0);
	CU_ASSERT_EQUAL(rf->match_index[0], 2);
	CU_ASSERT_EQUAL(messages_sent(), sent + 2);
	peer_free(rf);
}

/* A reply that arrives after the candidate has moved on to a later
 * election answers an old question: it must not count in the new one. */
static void test_a_vote_granted_in_an_earlier_election_does_not_count(void)
{
	raft *rf = peer_make(5, 3, RAFT_CANDIDATE, LOG(1));
	request_vote_args earlier = asked_by(rf);
	earlier.term = 2;
	receive_vote_reply(rf, earlier, vote_reply(2, true));
	CU_ASSERT_EQUAL(rf->votes, 1);
	peer_free(rf);
}

/* The candidate heard from a leader of its term and became its follower;
 * a vote arriving now must not revive the election. */
static void test_a_vote_arriving_after_stepping_down_does_not_count(void)
{
	raft *rf = peer_make(3, 2, RAFT_CANDIDATE, LOG(1));
	request_vote_args asked = asked_by(rf);
	rt_mutex_lock(&rf->mu);
	become_follower_locked(rf, 2);
	rt_mutex_unlock(&rf->mu);
	receive_vote_reply(rf, asked, vote_reply(2, true));
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->votes, 1);
	peer_free(rf);
}

static void test_a_vote_reply_from_a_newer_term_makes_the_candidate_follow(void)
{
	raft *rf = peer_make(3, 2, RAFT_CANDIDATE, LOG(1));
	receive_vote_reply(rf, asked_by(rf), vote_reply(4, false));
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 4);
	CU_ASSERT_EQUAL(rf->voted_for, NO_VOTE);
	peer_free(rf);
}

/* ---- Stepping down and the election timer -------------------------------- */

/* The leader's deadline is the one it set as a candidate, long past. Kept,
 * the deposed leader would stand again at the next tick, with a higher
 * term that deposes the leader just elected (see become_follower_locked). */
static void test_a_deposed_leader_waits_a_full_election_timeout(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(1, 2));
	int64_t before = rt_now_ms();
	append_entries_args sent = append_args(2, 2, 2, 0, EMPTY_LOG);
	rt_mutex_lock(&rf->mu);
	handle_append_reply_locked(rf, 1, &sent, &(append_entries_reply){.term = 3});
	rt_mutex_unlock(&rf->mu);
	append_entries_args_free(&sent);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 3);
	CU_ASSERT_TRUE(timer_was_reset(rf, before));
	peer_free(rf);
}

/* A candidate's timer is running (it was set when the election started):
 * stepping down keeps it, as the Students' Guide asks. */
static void test_a_candidate_that_steps_down_keeps_its_timer(void)
{
	raft *rf = peer_make(3, 2, RAFT_CANDIDATE, LOG(1));
	rt_mutex_lock(&rf->mu);
	reset_election_timer_locked(rf);   /* as when its election started */
	int64_t deadline = rf->election_deadline_ms;
	rt_mutex_unlock(&rf->mu);
	receive_vote_reply(rf, asked_by(rf), vote_reply(3, false));
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->election_deadline_ms, deadline);
	peer_free(rf);
}

void add_protocol_election_suite(void)
{
	CU_pSuite s = CU_add_suite("protocol: elections", protocol_fixture_init,
				   protocol_fixture_cleanup);
	CU_add_test(s, "an up-to-date candidate in a newer term gets the vote",
		    test_an_up_to_date_candidate_in_a_newer_term_gets_the_vote);
	CU_add_test(s, "a request from an older term is refused with the current term",
		    test_a_request_from_an_older_term_is_refused_with_the_current_term);
	CU_add_test(s, "a vote in the same term for another candidate is refused",
		    test_a_vote_in_the_same_term_for_another_candidate_is_refused);
	CU_add_test(s, "the same candidate asking again gets the vote again",
		    test_the_same_candidate_asking_again_gets_the_vote_again);
	CU_add_test(s, "a candidate refuses others in its own term",
		    test_a_candidate_refuses_others_in_its_own_term);
	CU_add_test(s, "a newer term frees the vote", test_a_newer_term_frees_the_vote);
	CU_add_test(s, "an older last term is refused even with a longer log",
		    test_an_older_last_term_is_refused_even_with_a_longer_log);
	CU_add_test(s, "a newer last term wins over a longer log",
		    test_a_newer_last_term_wins_over_a_longer_log);
	CU_add_test(s, "with equal last terms a shorter log is refused, an equal one is not",
		    test_with_equal_last_terms_a_shorter_log_is_refused_an_equal_one_is_not);
	CU_add_test(s, "a leader that refuses a newer term still steps down",
		    test_a_leader_that_refuses_a_newer_term_still_steps_down);
	CU_add_test(s, "a granted vote is saved before the reply",
		    test_a_granted_vote_is_saved_before_the_reply);
	CU_add_test(s, "granting a vote resets the election timer, refusing does not",
		    test_granting_a_vote_resets_the_election_timer_refusing_does_not);
	CU_add_test(s, "a killed peer answers no RequestVote",
		    test_a_killed_peer_answers_no_request_vote);
	CU_add_test(s, "a refused vote does not count", test_a_refused_vote_does_not_count);
	CU_add_test(s, "a vote short of a majority keeps the peer candidate",
		    test_a_vote_short_of_a_majority_keeps_the_peer_candidate);
	CU_add_test(s, "a majority makes a leader that sends heartbeats at once",
		    test_a_majority_makes_a_leader_that_sends_heartbeats_at_once);
	CU_add_test(s, "a vote granted in an earlier election does not count",
		    test_a_vote_granted_in_an_earlier_election_does_not_count);
	CU_add_test(s, "a vote arriving after stepping down does not count",
		    test_a_vote_arriving_after_stepping_down_does_not_count);
	CU_add_test(s, "a vote reply from a newer term makes the candidate follow",
		    test_a_vote_reply_from_a_newer_term_makes_the_candidate_follow);
	CU_add_test(s, "a deposed leader waits a full election timeout",
		    test_a_deposed_leader_waits_a_full_election_timeout);
	CU_add_test(s, "a candidate that steps down keeps its timer",
		    test_a_candidate_that_steps_down_keeps_its_timer);
}
