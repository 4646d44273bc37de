/*
 * Protocol tests, the leader's side of replication: advancing the commit
 * index (commit.c), learning from AppendEntries replies and backing off
 * after a rejection (replication.c). Each test sets up what the leader
 * knows of its followers and delivers replies by hand to a peer built by
 * the fixture (test_protocol_fixture.h).
 */
#include "test_protocol_fixture.h"
#include "unit.h"

/* The leader learns that peer stores its log up to index, and counts. */
static void follower_stores(raft *rf, int peer, int64_t index)
{
	rt_mutex_lock(&rf->mu);
	rf->match_index[peer] = index;
	advance_commit_index_locked(rf);
	rt_mutex_unlock(&rf->mu);
}

/* The leader appends a command of its term, as the service asks it to. */
static int64_t leader_appends(raft *rf)
{
	int64_t index = -1, term = -1;
	CU_ASSERT_TRUE(raft_start(rf, "cmd", 3, &index, &term));
	return index;
}

/* Deliver to leader rf the reply peer gave to sent, and free sent. */
static void receive_append_reply(raft *rf, int peer, append_entries_args sent,
				 append_entries_reply reply)
{
	rt_mutex_lock(&rf->mu);
	handle_append_reply_locked(rf, peer, &sent, &reply);
	rt_mutex_unlock(&rf->mu);
	append_entries_args_free(&sent);
}

static bool back_off(raft *rf, int peer, append_entries_reply reply)
{
	rt_mutex_lock(&rf->mu);
	bool moved = back_off_locked(rf, peer, &reply);
	rt_mutex_unlock(&rf->mu);
	return moved;
}

/* A rejection: the follower's log is too short (conflict_term -1) or holds
 * conflict_term at prev_log_index, from conflict_index on. */
static append_entries_reply rejected(int64_t term, int64_t conflict_term, int64_t conflict_index)
{
	return (append_entries_reply){.term = term, .success = false,
				      .conflict_term = conflict_term,
				      .conflict_index = conflict_index};
}

static append_entries_reply accepted(int64_t term)
{
	return (append_entries_reply){.term = term, .success = true, .conflict_term = -1,
				      .conflict_index = -1};
}

/* ---- Advancing the commit index ------------------------------------------ */

static void test_an_entry_on_a_majority_is_committed_with_all_before_it(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(2, 2, 2));
	follower_stores(rf, 1, 3);
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	peer_free(rf);
}

/* The leader and one follower are two of five. */
static void test_an_entry_on_a_minority_is_not_committed(void)
{
	raft *rf = peer_make(5, 2, RAFT_LEADER, LOG(2, 2));
	follower_stores(rf, 1, 2);
	CU_ASSERT_EQUAL(rf->commit_index, 0);
	follower_stores(rf, 3, 2);
	CU_ASSERT_EQUAL(rf->commit_index, 2);
	peer_free(rf);
}

/* Two of four is half, not a majority. */
static void test_an_even_cluster_needs_more_than_half(void)
{
	raft *rf = peer_make(4, 2, RAFT_LEADER, LOG(2));
	follower_stores(rf, 1, 1);
	CU_ASSERT_EQUAL(rf->commit_index, 0);
	follower_stores(rf, 2, 1);
	CU_ASSERT_EQUAL(rf->commit_index, 1);
	peer_free(rf);
}

/* Leader 5, followers 4, 2, 1, 0: index 2 is on three of five, index 4 on
 * two only. */
static void test_commit_takes_the_highest_index_on_a_majority(void)
{
	raft *rf = peer_make(5, 3, RAFT_LEADER, LOG(3, 3, 3, 3, 3));
	follower_stores(rf, 1, 4);
	follower_stores(rf, 2, 2);
	follower_stores(rf, 3, 1);
	CU_ASSERT_EQUAL(rf->commit_index, 2);
	peer_free(rf);
}

/* Figure 8: an entry of term 2 is on a majority, but a leader elected
 * later without it could still overwrite it. Counting replicas commits
 * only entries of the leader's own term. */
static void test_an_old_term_entry_on_a_majority_is_not_committed_by_counting(void)
{
	raft *rf = peer_make(3, 4, RAFT_LEADER, LOG(1, 2));
	follower_stores(rf, 1, 2);
	follower_stores(rf, 2, 2);
	CU_ASSERT_EQUAL(rf->commit_index, 0);
	peer_free(rf);
}

/* ... until an entry of the leader's term above it commits: Log Matching
 * then commits everything before it too. */
static void test_an_old_entry_commits_with_a_current_term_entry_above_it(void)
{
	raft *rf = peer_make(3, 4, RAFT_LEADER, LOG(1, 2));
	follower_stores(rf, 1, 2);
	CU_ASSERT_EQUAL(rf->commit_index, 0);
	CU_ASSERT_EQUAL(leader_appends(rf), 3);
	CU_ASSERT_EQUAL(rf->commit_index, 0);   /* on the leader only */
	follower_stores(rf, 1, 3);
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	peer_free(rf);
}

/* match_index may lag behind a commit index the leader already reached. */
static void test_the_leaders_commit_index_never_moves_back(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(2, 2, 2));
	follower_stores(rf, 1, 3);
	follower_stores(rf, 1, 1);
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	peer_free(rf);
}

static void test_a_one_peer_cluster_commits_alone(void)
{
	raft *rf = peer_make(1, 1, RAFT_LEADER, EMPTY_LOG);
	CU_ASSERT_EQUAL(leader_appends(rf), 1);
	CU_ASSERT_EQUAL(rf->commit_index, 1);
	peer_free(rf);
}

/* ---- Learning from AppendEntries replies --------------------------------- */

/* The log grew while the request was out; the follower stores only what
 * the request carried. */
static void test_a_success_sets_match_index_from_the_request_not_the_log(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(2, 2));
	append_entries_args sent = append_args(2, 1, 2, 0, LOG(2));
	leader_appends(rf);
	leader_appends(rf);
	receive_append_reply(rf, 1, sent, accepted(2));
	CU_ASSERT_EQUAL(rf->match_index[1], 2);
	CU_ASSERT_EQUAL(rf->next_index[1], 3);
	CU_ASSERT_EQUAL(rf->commit_index, 2);
	peer_free(rf);
}

/* Replies arrive out of order: the older, shorter success comes last. */
static void test_a_delayed_success_does_not_move_match_index_back(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(2, 2, 2));
	append_entries_args older = append_args(2, 0, 0, 0, LOG(2));
	append_entries_args newer = append_args(2, 0, 0, 0, LOG(2, 2, 2));
	receive_append_reply(rf, 1, newer, accepted(2));
	receive_append_reply(rf, 1, older, accepted(2));
	CU_ASSERT_EQUAL(rf->match_index[1], 3);
	CU_ASSERT_EQUAL(rf->next_index[1], 4);
	peer_free(rf);
}

/* The request was sent when this peer led term 2; it leads term 3 now,
 * and the follower's answer is about a log that may have changed since. */
static void test_a_reply_to_a_request_from_an_earlier_term_is_ignored(void)
{
	raft *rf = peer_make(3, 3, RAFT_LEADER, LOG(1, 3));
	receive_append_reply(rf, 1, append_args(2, 0, 0, 0, LOG(1)), accepted(3));
	CU_ASSERT_EQUAL(rf->match_index[1], 0);
	CU_ASSERT_EQUAL(rf->next_index[1], 3);
	peer_free(rf);
}

static void test_a_reply_with_a_newer_term_deposes_the_leader(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(2));
	receive_append_reply(rf, 1, append_args(2, 1, 2, 0, EMPTY_LOG), rejected(5, -1, 1));
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 5);
	raft *again = peer_restart(rf);
	CU_ASSERT_EQUAL(again->current_term, 5);
	peer_free(again);
	peer_free(rf);
}

/* Waiting for the next heartbeat would cost a heartbeat interval per
 * conflicting term. */
static void test_a_rejection_backs_off_and_retries_at_once(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(1, 1, 2));
	int64_t sent = messages_sent();
	receive_append_reply(rf, 1, append_args(2, 3, 2, 0, EMPTY_LOG), rejected(2, -1, 2));
	CU_ASSERT_EQUAL(rf->next_index[1], 2);
	CU_ASSERT_EQUAL(messages_sent(), sent + 1);
	peer_free(rf);
}

/* next_index has already moved below this probe: its rejection is old
 * news, and acting on it again would only resend. */
static void test_a_rejection_of_an_older_probe_is_ignored(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(1, 1, 2));
	rf->next_index[1] = 2;
	int64_t sent = messages_sent();
	receive_append_reply(rf, 1, append_args(2, 3, 2, 0, EMPTY_LOG), rejected(2, 1, 1));
	CU_ASSERT_EQUAL(rf->next_index[1], 2);
	CU_ASSERT_EQUAL(messages_sent(), sent);
	peer_free(rf);
}

/* ---- Backing off ------------------------------------------------------------- */

static void test_a_follower_too_short_makes_the_leader_continue_from_its_end(void)
{
	raft *rf = peer_make(3, 3, RAFT_LEADER, LOG(1, 1, 2, 3, 3));
	CU_ASSERT_TRUE(back_off(rf, 1, rejected(3, -1, 3)));
	CU_ASSERT_EQUAL(rf->next_index[1], 3);
	peer_free(rf);
}

/* Follower [1 2 2 2 2], leader [1 3 3 3 3]: the leader has no term 2, so
 * every term-2 entry conflicts; one step skips them all. */
static void test_back_off_skips_a_whole_conflicting_term(void)
{
	raft *rf = peer_make(3, 3, RAFT_LEADER, LOG(1, 3, 3, 3, 3));
	CU_ASSERT_TRUE(back_off(rf, 1, rejected(3, 2, 2)));
	CU_ASSERT_EQUAL(rf->next_index[1], 2);
	peer_free(rf);
}

/* Follower [1 2 2 2 2], leader [1 2 2 4 4]: the leader holds term 2 up to
 * index 3, so those entries may match; try right after them rather than
 * from the follower's first term-2 entry. */
static void test_back_off_continues_after_the_leaders_last_entry_of_that_term(void)
{
	raft *rf = peer_make(3, 4, RAFT_LEADER, LOG(1, 2, 2, 4, 4));
	CU_ASSERT_TRUE(back_off(rf, 1, rejected(4, 2, 2)));
	CU_ASSERT_EQUAL(rf->next_index[1], 4);
	peer_free(rf);
}

/* Entries up to match_index are known to be on the follower. */
static void test_back_off_never_goes_below_match_index(void)
{
	raft *rf = peer_make(3, 3, RAFT_LEADER, LOG(1, 1, 3, 3, 3));
	rf->match_index[1] = 3;
	CU_ASSERT_TRUE(back_off(rf, 1, rejected(3, -1, 1)));
	CU_ASSERT_EQUAL(rf->next_index[1], 4);
	peer_free(rf);
}

/* Whatever a reply says, a rejection at next_index - 1 means that entry
 * does not match: next_index moves below it, never up or nowhere. */
static void test_back_off_always_moves_back_at_least_one(void)
{
	raft *rf = peer_make(3, 5, RAFT_LEADER, LOG(1, 1, 1, 5, 5));
	rf->next_index[1] = 4;
	CU_ASSERT_TRUE(back_off(rf, 1, rejected(5, 5, 4)));   /* we hold term 5 at 4..5 */
	CU_ASSERT_EQUAL(rf->next_index[1], 3);
	CU_ASSERT_TRUE(back_off(rf, 1, rejected(5, -1, 9)));  /* "ends at 8" */
	CU_ASSERT_EQUAL(rf->next_index[1], 2);
	peer_free(rf);
}

/* Nowhere left to go: next_index is just above match_index. Saying so
 * keeps the leader from resending the same request at once, forever. */
static void test_back_off_reports_when_next_index_cannot_move(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(1, 1, 2, 2));
	rf->match_index[1] = 3;
	rf->next_index[1] = 4;
	CU_ASSERT_FALSE(back_off(rf, 1, rejected(2, 1, 1)));
	CU_ASSERT_EQUAL(rf->next_index[1], 4);
	peer_free(rf);
}

void add_protocol_leader_suite(void)
{
	CU_pSuite s = CU_add_suite("protocol: leader", protocol_fixture_init,
				   protocol_fixture_cleanup);
	CU_add_test(s, "an entry on a majority is committed with all before it",
		    test_an_entry_on_a_majority_is_committed_with_all_before_it);
	CU_add_test(s, "an entry on a minority is not committed",
		    test_an_entry_on_a_minority_is_not_committed);
	CU_add_test(s, "an even cluster needs more than half",
		    test_an_even_cluster_needs_more_than_half);
	CU_add_test(s, "commit takes the highest index on a majority",
		    test_commit_takes_the_highest_index_on_a_majority);
	CU_add_test(s, "an old-term entry on a majority is not committed by counting",
		    test_an_old_term_entry_on_a_majority_is_not_committed_by_counting);
	CU_add_test(s, "an old entry commits with a current-term entry above it",
		    test_an_old_entry_commits_with_a_current_term_entry_above_it);
	CU_add_test(s, "the leader's commit index never moves back",
		    test_the_leaders_commit_index_never_moves_back);
	CU_add_test(s, "a one-peer cluster commits alone", test_a_one_peer_cluster_commits_alone);
	CU_add_test(s, "a success sets match_index from the request, not the log",
		    test_a_success_sets_match_index_from_the_request_not_the_log);
	CU_add_test(s, "a delayed success does not move match_index back",
		    test_a_delayed_success_does_not_move_match_index_back);
	CU_add_test(s, "a reply to a request from an earlier term is ignored",
		    test_a_reply_to_a_request_from_an_earlier_term_is_ignored);
	CU_add_test(s, "a reply with a newer term deposes the leader",
		    test_a_reply_with_a_newer_term_deposes_the_leader);
	CU_add_test(s, "a rejection backs off and retries at once",
		    test_a_rejection_backs_off_and_retries_at_once);
	CU_add_test(s, "a rejection of an older probe is ignored",
		    test_a_rejection_of_an_older_probe_is_ignored);
	CU_add_test(s, "a follower too short makes the leader continue from its end",
		    test_a_follower_too_short_makes_the_leader_continue_from_its_end);
	CU_add_test(s, "back-off skips a whole conflicting term",
		    test_back_off_skips_a_whole_conflicting_term);
	CU_add_test(s, "back-off continues after the leader's last entry of that term",
		    test_back_off_continues_after_the_leaders_last_entry_of_that_term);
	CU_add_test(s, "back-off never goes below match_index",
		    test_back_off_never_goes_below_match_index);
	CU_add_test(s, "back-off always moves back at least one",
		    test_back_off_always_moves_back_at_least_one);
	CU_add_test(s, "back-off reports when next_index cannot move",
		    test_back_off_reports_when_next_index_cannot_move);
}
