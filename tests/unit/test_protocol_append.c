/*
 * Protocol tests, the follower's side of replication (append_entries.c):
 * whom it follows, when it refuses and what it tells the leader then, how
 * it merges the leader's entries into its log, and how far it commits.
 * Each test delivers AppendEntries by hand to a peer built by the fixture
 * (test_protocol_fixture.h).
 */
#include "test_protocol_fixture.h"
#include "unit.h"

/* Deliver args to rf, under rf->mu as serve_append_entries does, and free
 * them. */
static append_entries_reply receive_append_entries(raft *rf, append_entries_args args)
{
	append_entries_reply reply = {.term = -1};
	rt_mutex_lock(&rf->mu);
	handle_append_entries_locked(rf, &args, &reply);
	rt_mutex_unlock(&rf->mu);
	append_entries_args_free(&args);
	return reply;
}

/* ---- Whom to follow ------------------------------------------------------- */

/* The sender is a deposed leader: it learns the newer term from the reply,
 * and nothing here changes, the timer included. */
static void test_a_request_from_an_older_term_is_refused_and_changes_nothing(void)
{
	raft *rf = peer_make(3, 3, RAFT_FOLLOWER, LOG(1, 3));
	append_entries_reply reply =
		receive_append_entries(rf, append_args(2, 1, 1, 2, LOG(2)));
	CU_ASSERT_FALSE(reply.success);
	CU_ASSERT_EQUAL(reply.term, 3);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 3)));
	CU_ASSERT_EQUAL(rf->commit_index, 0);
	CU_ASSERT_EQUAL(rf->election_deadline_ms, STALE_DEADLINE_MS);
	peer_free(rf);
}

static void test_a_heartbeat_from_a_newer_term_makes_a_leader_follow(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(1, 2));
	int64_t before = rt_now_ms();
	append_entries_reply reply =
		receive_append_entries(rf, append_args(3, 2, 2, 0, EMPTY_LOG));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_EQUAL(reply.term, 3);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 3);
	CU_ASSERT_EQUAL(rf->voted_for, NO_VOTE);
	CU_ASSERT_TRUE(timer_was_reset(rf, before));
	peer_free(rf);
}

/* Same term: the candidate lost, and follows. Its vote for itself stays,
 * or it could vote for someone else in this term. */
static void test_a_candidate_follows_the_leader_of_its_term_and_keeps_its_vote(void)
{
	raft *rf = peer_make(3, 2, RAFT_CANDIDATE, LOG(1));
	append_entries_reply reply =
		receive_append_entries(rf, append_args(2, 1, 1, 0, EMPTY_LOG));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 2);
	CU_ASSERT_EQUAL(rf->voted_for, 0);
	peer_free(rf);
}

/* A leader of the current term is the current leader even when the logs
 * do not match yet: a refusal still restarts the timer. */
static void test_a_refusal_from_the_current_leader_still_resets_the_timer(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1));
	int64_t before = rt_now_ms();
	append_entries_reply reply = receive_append_entries(rf, append_args(2, 4, 2, 0, LOG(2)));
	CU_ASSERT_FALSE(reply.success);
	CU_ASSERT_TRUE(timer_was_reset(rf, before));
	peer_free(rf);
}

/* ---- Refusing, and what the leader learns ------------------------------- */

static void test_a_follower_too_short_reports_where_its_log_ends(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 1));
	append_entries_reply reply = receive_append_entries(rf, append_args(2, 5, 2, 0, LOG(2)));
	CU_ASSERT_FALSE(reply.success);
	CU_ASSERT_EQUAL(reply.conflict_term, -1);
	CU_ASSERT_EQUAL(reply.conflict_index, 3);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 1)));
	peer_free(rf);
}

/* The follower's entry at prev_log_index has term 2, and its term-2 run
 * starts at index 2: the leader can skip the whole run in one step. */
static void test_a_conflict_reports_the_first_index_of_the_conflicting_term(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 2, 2, 2));
	append_entries_reply reply = receive_append_entries(rf, append_args(4, 4, 3, 0, LOG(4)));
	CU_ASSERT_FALSE(reply.success);
	CU_ASSERT_EQUAL(reply.conflict_term, 2);
	CU_ASSERT_EQUAL(reply.conflict_index, 2);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 2, 2, 2)));   /* nothing deleted on a refusal */
	peer_free(rf);
}

/* ---- Merging the leader's entries ------------------------------------------ */

static void test_matching_entries_are_appended_and_saved(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	append_entries_reply reply =
		receive_append_entries(rf, append_args(2, 1, 1, 0, LOG(2, 2)));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 2, 2)));
	raft *again = peer_restart(rf);
	CU_ASSERT_TRUE(log_is(again, LOG(1, 2, 2)));
	CU_ASSERT_EQUAL(again->current_term, 2);
	peer_free(again);
	peer_free(rf);
}

/* Index 3 conflicts (term 2 here, 3 at the leader): it goes, and so does
 * index 4 after it, although the request does not reach that far. */
static void test_a_conflicting_entry_is_replaced_with_everything_after_it(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 1, 2, 2));
	append_entries_reply reply = receive_append_entries(rf, append_args(3, 2, 1, 0, LOG(3)));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 1, 3)));
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&rf->log, 3)->command, "i3t3", 4);
	raft *again = peer_restart(rf);
	CU_ASSERT_TRUE(log_is(again, LOG(1, 1, 3)));
	peer_free(again);
	peer_free(rf);
}

/* The leader sent [2] after index 1, then [2, 2, 2]; the first request
 * arrives last. Its entry matches, so it must not cut off the entries the
 * later request added, which the leader may already count as stored. */
static void test_a_stale_shorter_append_entries_does_not_truncate(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 2, 2, 2));
	append_entries_reply reply = receive_append_entries(rf, append_args(2, 1, 1, 0, LOG(2)));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 2, 2, 2)));
	peer_free(rf);
}

static void test_a_repeated_append_entries_changes_nothing(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1));
	CU_ASSERT_TRUE(receive_append_entries(rf, append_args(2, 1, 1, 0, LOG(2, 2))).success);
	CU_ASSERT_TRUE(receive_append_entries(rf, append_args(2, 1, 1, 0, LOG(2, 2))).success);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 2, 2)));
	peer_free(rf);
}

/* The first entries are already here; only the rest is new. */
static void test_entries_past_those_already_held_are_appended(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 2));
	CU_ASSERT_TRUE(receive_append_entries(rf, append_args(2, 1, 1, 0, LOG(2, 2, 2))).success);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 2, 2, 2)));
	peer_free(rf);
}

/* merge_entries_locked alone, as the handler calls it once prev matches:
 * a conflict in the middle of the request. */
static void test_merge_keeps_the_matching_prefix_and_replaces_from_the_conflict(void)
{
	raft *rf = peer_make(3, 3, RAFT_FOLLOWER, LOG(1, 1, 1, 1, 1));
	append_entries_args args = append_args(3, 1, 1, 0, LOG(1, 3, 3));
	rt_mutex_lock(&rf->mu);
	merge_entries_locked(rf, &args);
	rt_mutex_unlock(&rf->mu);
	append_entries_args_free(&args);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 1, 3, 3)));
	peer_free(rf);
}

/* ---- Committing ---------------------------------------------------------- */

/* Entries 4 and 5 came from an older leader; this request vouches for
 * index 3 only, so the follower commits no further, whatever the leader
 * has committed. */
static void test_commit_follows_the_leader_but_not_past_the_last_new_entry(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1, 1, 1, 1));
	CU_ASSERT_TRUE(receive_append_entries(rf, append_args(2, 2, 1, 5, LOG(1))).success);
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	peer_free(rf);
}

static void test_a_heartbeat_commits_up_to_its_prev_entry(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1, 1));
	CU_ASSERT_TRUE(receive_append_entries(rf, append_args(1, 2, 1, 3, EMPTY_LOG)).success);
	CU_ASSERT_EQUAL(rf->commit_index, 2);
	peer_free(rf);
}

/* A delayed request carries an older leader_commit. */
static void test_the_commit_index_never_moves_back(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1, 1));
	CU_ASSERT_TRUE(receive_append_entries(rf, append_args(1, 3, 1, 3, EMPTY_LOG)).success);
	CU_ASSERT_TRUE(receive_append_entries(rf, append_args(1, 1, 1, 1, LOG(1))).success);
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	peer_free(rf);
}

static void test_a_refused_request_commits_nothing(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1));
	CU_ASSERT_FALSE(receive_append_entries(rf, append_args(2, 2, 2, 2, EMPTY_LOG)).success);
	CU_ASSERT_EQUAL(rf->commit_index, 0);
	peer_free(rf);
}

/* ---- A killed peer ----------------------------------------------------------- */

/* As for RequestVote: no reply and no change, beside a live control. */
static void test_a_killed_peer_answers_no_append_entries(void)
{
	raft *killed_peer = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	raft *live_peer = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	append_entries_args args = append_args(2, 1, 1, 2, LOG(2));
	codec_buf args_buf, killed_reply, live_reply;
	codec_buf_init(&args_buf);
	codec_buf_init(&killed_reply);
	codec_buf_init(&live_reply);
	append_entries_args_encode(&args, &args_buf);
	append_entries_args_free(&args);

	raft_kill(killed_peer);
	serve_append_entries(killed_peer, &args_buf, &killed_reply);
	serve_append_entries(live_peer, &args_buf, &live_reply);

	CU_ASSERT_EQUAL(killed_reply.len, 0);
	CU_ASSERT_TRUE(log_is(killed_peer, LOG(1)));
	CU_ASSERT_EQUAL(killed_peer->current_term, 1);
	CU_ASSERT_EQUAL(killed_peer->commit_index, 0);
	append_entries_reply reply;
	CU_ASSERT_TRUE(append_entries_reply_decode(&reply, &live_reply));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE(log_is(live_peer, LOG(1, 2)));
	codec_buf_free(&args_buf);
	codec_buf_free(&killed_reply);
	codec_buf_free(&live_reply);
	peer_free(live_peer);
	peer_free(killed_peer);
}

void add_protocol_append_suite(void)
{
	CU_pSuite s = CU_add_suite("protocol: AppendEntries", protocol_fixture_init,
				   protocol_fixture_cleanup);
	CU_add_test(s, "a request from an older term is refused and changes nothing",
		    test_a_request_from_an_older_term_is_refused_and_changes_nothing);
	CU_add_test(s, "a heartbeat from a newer term makes a leader follow",
		    test_a_heartbeat_from_a_newer_term_makes_a_leader_follow);
	CU_add_test(s, "a candidate follows the leader of its term and keeps its vote",
		    test_a_candidate_follows_the_leader_of_its_term_and_keeps_its_vote);
	CU_add_test(s, "a refusal from the current leader still resets the timer",
		    test_a_refusal_from_the_current_leader_still_resets_the_timer);
	CU_add_test(s, "a follower too short reports where its log ends",
		    test_a_follower_too_short_reports_where_its_log_ends);
	CU_add_test(s, "a conflict reports the first index of the conflicting term",
		    test_a_conflict_reports_the_first_index_of_the_conflicting_term);
	CU_add_test(s, "matching entries are appended and saved",
		    test_matching_entries_are_appended_and_saved);
	CU_add_test(s, "a conflicting entry is replaced with everything after it",
		    test_a_conflicting_entry_is_replaced_with_everything_after_it);
	CU_add_test(s, "a stale shorter AppendEntries does not truncate",
		    test_a_stale_shorter_append_entries_does_not_truncate);
	CU_add_test(s, "a repeated AppendEntries changes nothing",
		    test_a_repeated_append_entries_changes_nothing);
	CU_add_test(s, "entries past those already held are appended",
		    test_entries_past_those_already_held_are_appended);
	CU_add_test(s, "merge keeps the matching prefix and replaces from the conflict",
		    test_merge_keeps_the_matching_prefix_and_replaces_from_the_conflict);
	CU_add_test(s, "commit follows the leader but not past the last new entry",
		    test_commit_follows_the_leader_but_not_past_the_last_new_entry);
	CU_add_test(s, "a heartbeat commits up to its prev entry",
		    test_a_heartbeat_commits_up_to_its_prev_entry);
	CU_add_test(s, "the commit index never moves back", test_the_commit_index_never_moves_back);
	CU_add_test(s, "a refused request commits nothing", test_a_refused_request_commits_nothing);
	CU_add_test(s, "a killed peer answers no AppendEntries",
		    test_a_killed_peer_answers_no_append_entries);
}
