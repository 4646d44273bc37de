/*
 * Protocol tests for snapshots (3D): the follower receiving InstallSnapshot
 * (install_snapshot.c), the service handing the peer a snapshot and the
 * leader sending one and learning from the reply (snapshot.c),
 * AppendEntries meeting a log that starts at a base (append_entries.c),
 * and what a running peer does with a snapshot (applier.c, raft_make).
 * Each test drives a peer built by the fixture (test_protocol_fixture.h);
 * a peer made with a snapshot holds "snap<base>" and has committed and
 * applied up to its base.
 */
#include <string.h>

#include "test_protocol_fixture.h"
#include "unit.h"
#include "waiting.h"

/* Deliver args to rf, under rf->mu as serve_install_snapshot does, and
 * free them. */
static install_snapshot_reply receive_install_snapshot(raft *rf, install_snapshot_args args)
{
	install_snapshot_reply reply = {.term = -1};
	rt_mutex_lock(&rf->mu);
	handle_install_snapshot_locked(rf, &args, &reply);
	rt_mutex_unlock(&rf->mu);
	install_snapshot_args_free(&args);
	return reply;
}

static append_entries_reply receive_append_entries(raft *rf, append_entries_args args)
{
	append_entries_reply reply = {.term = -1};
	rt_mutex_lock(&rf->mu);
	handle_append_entries_locked(rf, &args, &reply);
	rt_mutex_unlock(&rf->mu);
	append_entries_args_free(&args);
	return reply;
}

/* Deliver to leader rf the reply peer gave to sent, and free sent. */
static void receive_snapshot_reply(raft *rf, int peer, install_snapshot_args sent,
				   int64_t reply_term)
{
	install_snapshot_reply reply = {.term = reply_term};
	rt_mutex_lock(&rf->mu);
	handle_snapshot_reply_locked(rf, peer, &sent, &reply);
	rt_mutex_unlock(&rf->mu);
	install_snapshot_args_free(&sent);
}

/* ---- Receiving InstallSnapshot: whom to follow ---------------------------- */

/* The sender is a deposed leader: it learns the newer term from the reply,
 * and nothing here changes, the timer included. */
static void test_an_install_snapshot_from_an_older_term_is_refused_and_changes_nothing(void)
{
	raft *rf = peer_make(3, 3, RAFT_FOLLOWER, LOG(1, 3));
	install_snapshot_reply reply = receive_install_snapshot(rf, snapshot_args(2, 5, 2));
	CU_ASSERT_EQUAL(reply.term, 3);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 3)));
	CU_ASSERT_EQUAL(rf->commit_index, 0);
	CU_ASSERT_TRUE(snapshot_is(rf, NULL));
	CU_ASSERT_EQUAL(rf->election_deadline_ms, STALE_DEADLINE_MS);
	peer_free(rf);
}

static void test_an_install_snapshot_from_a_newer_term_makes_a_leader_follow(void)
{
	raft *rf = peer_make(3, 2, RAFT_LEADER, LOG(1, 2));
	int64_t before = rt_now_ms();
	install_snapshot_reply reply = receive_install_snapshot(rf, snapshot_args(3, 4, 3));
	CU_ASSERT_EQUAL(reply.term, 3);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 3);
	CU_ASSERT_EQUAL(rf->voted_for, NO_VOTE);
	CU_ASSERT_TRUE(timer_was_reset(rf, before));
	peer_free(rf);
}

/* Same term: the candidate lost, and follows, keeping its vote. */
static void test_a_candidate_follows_an_install_snapshot_of_its_term(void)
{
	raft *rf = peer_make(3, 2, RAFT_CANDIDATE, LOG(1));
	receive_install_snapshot(rf, snapshot_args(2, 3, 2));
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 2);
	CU_ASSERT_EQUAL(rf->voted_for, 0);
	peer_free(rf);
}

/* ---- Receiving InstallSnapshot: what it replaces ------------------------- */

/* Everything the snapshot covers is committed here already: the entries
 * may be on their way to the service, so the log must not lose them. The
 * sender is the current leader all the same. */
static void test_a_snapshot_no_further_than_the_commit_index_changes_nothing(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1, 1, 1));
	rf->commit_index = 3;
	int64_t before = rt_now_ms();
	install_snapshot_reply reply = receive_install_snapshot(rf, snapshot_args(1, 3, 1));
	CU_ASSERT_EQUAL(reply.term, 1);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 1, 1, 1)));
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	CU_ASSERT_TRUE(snapshot_is(rf, NULL));
	CU_ASSERT_TRUE(timer_was_reset(rf, before));
	peer_free(rf);
}

/* Index 3 has term 2 here too, so entries 4 and 5 are the leader's
 * (Log Matching) and stay: they may be committed. */
static void test_a_snapshot_of_a_prefix_of_the_log_keeps_the_entries_after_it(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 1, 2, 2, 2));
	receive_install_snapshot(rf, snapshot_args(2, 3, 2));
	CU_ASSERT_TRUE(log_is_from(rf, 3, 2, LOG(2, 2)));
	CU_ASSERT_TRUE(command_is(rf, 5, "i5t2"));
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	CU_ASSERT_TRUE(snapshot_is(rf, "snap3"));
	peer_free(rf);
}

/* Index 3 has term 2 here, term 3 in the snapshot: nothing from there on
 * is the leader's, so the whole log goes. */
static void test_a_snapshot_that_conflicts_with_the_log_replaces_all_of_it(void)
{
	raft *rf = peer_make(3, 3, RAFT_FOLLOWER, LOG(1, 1, 2, 2));
	receive_install_snapshot(rf, snapshot_args(3, 3, 3));
	CU_ASSERT_TRUE(log_is_from(rf, 3, 3, EMPTY_LOG));
	CU_ASSERT_EQUAL(rf->commit_index, 3);
	CU_ASSERT_TRUE(snapshot_is(rf, "snap3"));
	peer_free(rf);
}

static void test_a_snapshot_past_the_end_of_the_log_replaces_all_of_it(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 1));
	receive_install_snapshot(rf, snapshot_args(2, 5, 2));
	CU_ASSERT_TRUE(log_is_from(rf, 5, 2, EMPTY_LOG));
	CU_ASSERT_EQUAL(rf->commit_index, 5);
	CU_ASSERT_TRUE(snapshot_is(rf, "snap5"));
	peer_free(rf);
}

/* The log and the snapshot are saved together, or a restart would find a
 * log starting at a base no snapshot stands for. */
static void test_an_installed_snapshot_is_saved_with_the_log(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1, 2, 2));
	receive_install_snapshot(rf, snapshot_args(2, 3, 2));
	raft *again = peer_restart(rf);
	CU_ASSERT_TRUE(log_is_from(again, 3, 2, LOG(2)));
	CU_ASSERT_EQUAL(again->current_term, 2);
	CU_ASSERT_TRUE(snapshot_is(again, "snap3"));
	peer_free(again);
	peer_free(rf);
}

/* As for the other RPCs: no reply and no change, beside a live control. */
static void test_a_killed_peer_answers_no_install_snapshot(void)
{
	raft *killed_peer = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	raft *live_peer = peer_make(3, 1, RAFT_FOLLOWER, LOG(1));
	install_snapshot_args args = snapshot_args(2, 4, 2);
	codec_buf args_buf, killed_reply, live_reply;
	codec_buf_init(&args_buf);
	codec_buf_init(&killed_reply);
	codec_buf_init(&live_reply);
	install_snapshot_args_encode(&args, &args_buf);
	install_snapshot_args_free(&args);

	raft_kill(killed_peer);
	serve_install_snapshot(killed_peer, &args_buf, &killed_reply);
	serve_install_snapshot(live_peer, &args_buf, &live_reply);

	CU_ASSERT_EQUAL(killed_reply.len, 0);
	CU_ASSERT_TRUE(log_is(killed_peer, LOG(1)));
	CU_ASSERT_EQUAL(killed_peer->current_term, 1);
	CU_ASSERT_TRUE(snapshot_is(killed_peer, NULL));
	install_snapshot_reply reply;
	CU_ASSERT_TRUE(install_snapshot_reply_decode(&reply, &live_reply));
	CU_ASSERT_EQUAL(reply.term, 2);
	CU_ASSERT_TRUE(log_is_from(live_peer, 4, 2, EMPTY_LOG));
	codec_buf_free(&args_buf);
	codec_buf_free(&killed_reply);
	codec_buf_free(&live_reply);
	peer_free(live_peer);
	peer_free(killed_peer);
}

/* ---- The service's snapshot ------------------------------------------------ */

/* The peer keeps a copy: the service may reuse its buffer at once. */
static void test_the_services_snapshot_compacts_the_log_through_its_index_and_is_saved(void)
{
	raft *rf = peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 1, 2, 2));
	rf->commit_index = 3;
	char data[] = "snap2";
	raft_snapshot(rf, 2, data, strlen(data));
	memcpy(data, "XXXXX", 5);
	CU_ASSERT_TRUE(log_is_from(rf, 2, 1, LOG(2, 2)));
	CU_ASSERT_TRUE(snapshot_is(rf, "snap2"));
	raft *again = peer_restart(rf);
	CU_ASSERT_TRUE(log_is_from(again, 2, 1, LOG(2, 2)));
	CU_ASSERT_TRUE(snapshot_is(again, "snap2"));
	peer_free(again);
	peer_free(rf);
}

/* The base moves from 5 to 7, not from 0: indexes stay Raft indexes. */
static void test_a_later_snapshot_moves_the_base_further(void)
{
	raft *rf = peer_make_with_snapshot(3, 3, RAFT_FOLLOWER, 5, 2, LOG(2, 2, 3));
	rf->commit_index = 8;
	raft_snapshot(rf, 7, "snap7", 5);
	CU_ASSERT_TRUE(log_is_from(rf, 7, 2, LOG(3)));
	CU_ASSERT_TRUE(command_is(rf, 8, "i8t3"));
	CU_ASSERT_TRUE(snapshot_is(rf, "snap7"));
	peer_free(rf);
}

/* An entry not known to be committed may still be replaced: the service
 * cannot have applied it. */
static void test_a_snapshot_past_the_commit_index_is_ignored(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, LOG(1, 1, 1));
	rf->commit_index = 2;
	raft_snapshot(rf, 3, "snap3", 5);
	CU_ASSERT_TRUE(log_is(rf, LOG(1, 1, 1)));
	CU_ASSERT_TRUE(snapshot_is(rf, NULL));
	peer_free(rf);
}

/* A snapshot the peer already has, or an older one: it must not replace
 * the newer one it keeps. */
static void test_a_snapshot_no_newer_than_the_base_is_ignored(void)
{
	raft *rf = peer_make_with_snapshot(3, 2, RAFT_FOLLOWER, 5, 2, LOG(2, 2));
	rf->commit_index = 7;
	raft_snapshot(rf, 5, "other", 5);
	raft_snapshot(rf, 4, "older", 5);
	CU_ASSERT_TRUE(log_is_from(rf, 5, 2, LOG(2, 2)));
	CU_ASSERT_TRUE(snapshot_is(rf, "snap5"));
	peer_free(rf);
}

/* ---- The leader's side ------------------------------------------------------ */

/* Entries up to 5 are gone into the snapshot. Peer 1 needs entry 5, the
 * base: it gets the snapshot. Peer 2 needs entry 6, right after the base:
 * the log still holds everything an AppendEntries needs, the term of the
 * entry before it included. */
static void test_a_follower_that_needs_compacted_entries_is_sent_the_snapshot(void)
{
	raft *rf = peer_make_with_snapshot(3, 3, RAFT_LEADER, 5, 2, LOG(2, 3));
	rf->next_index[1] = 5;
	rf->next_index[2] = 6;
	int64_t messages = messages_sent();
	int64_t snapshots = snapshots_sent(NULL);
	rt_mutex_lock(&rf->mu);
	broadcast_append_entries_locked(rf);
	rt_mutex_unlock(&rf->mu);
	install_snapshot_args sent;
	CU_ASSERT_EQUAL(snapshots_sent(&sent), snapshots + 1);
	CU_ASSERT_EQUAL(messages_sent(), messages + 2);
	CU_ASSERT_EQUAL(sent.term, 3);
	CU_ASSERT_EQUAL(sent.leader_id, 0);
	CU_ASSERT_EQUAL(sent.last_included_index, 5);
	CU_ASSERT_EQUAL(sent.last_included_term, 2);
	CU_ASSERT_EQUAL(sent.data_len, 5);
	CU_ASSERT_NSTRING_EQUAL(sent.data, "snap5", 5);
	install_snapshot_args_free(&sent);
	peer_free(rf);
}

static void test_a_snapshot_reply_moves_the_follower_up_to_the_snapshot(void)
{
	raft *rf = peer_make_with_snapshot(3, 3, RAFT_LEADER, 5, 2, LOG(3));
	rf->next_index[1] = 3;
	receive_snapshot_reply(rf, 1, snapshot_args(3, 5, 2), 3);
	CU_ASSERT_EQUAL(rf->match_index[1], 5);
	CU_ASSERT_EQUAL(rf->next_index[1], 6);
	peer_free(rf);
}

/* Replies arrive out of order: the follower has since stored more. */
static void test_a_delayed_snapshot_reply_does_not_move_the_follower_back(void)
{
	raft *rf = peer_make_with_snapshot(3, 3, RAFT_LEADER, 5, 2, LOG(3, 3));
	rf->match_index[1] = 7;
	rf->next_index[1] = 8;
	receive_snapshot_reply(rf, 1, snapshot_args(3, 5, 2), 3);
	CU_ASSERT_EQUAL(rf->match_index[1], 7);
	CU_ASSERT_EQUAL(rf->next_index[1], 8);
	peer_free(rf);
}

static void test_a_snapshot_reply_with_a_newer_term_deposes_the_leader(void)
{
	raft *rf = peer_make_with_snapshot(3, 3, RAFT_LEADER, 5, 2, LOG(3));
	receive_snapshot_reply(rf, 1, snapshot_args(3, 5, 2), 4);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->current_term, 4);
	CU_ASSERT_EQUAL(rf->match_index[1], 0);
	raft *again = peer_restart(rf);
	CU_ASSERT_EQUAL(again->current_term, 4);
	peer_free(again);
	peer_free(rf);
}

/* Sent when this peer led term 2; it leads term 3 now. */
static void test_a_snapshot_reply_to_an_earlier_term_is_ignored(void)
{
	raft *rf = peer_make_with_snapshot(3, 3, RAFT_LEADER, 5, 2, LOG(3));
	receive_snapshot_reply(rf, 1, snapshot_args(2, 5, 2), 3);
	CU_ASSERT_EQUAL(rf->match_index[1], 0);
	CU_ASSERT_EQUAL(rf->next_index[1], 7);
	peer_free(rf);
}

/* A follower keeps no match_index worth updating. */
static void test_a_snapshot_reply_to_a_peer_that_no_longer_leads_is_ignored(void)
{
	raft *rf = peer_make_with_snapshot(3, 3, RAFT_FOLLOWER, 5, 2, LOG(3));
	receive_snapshot_reply(rf, 1, snapshot_args(3, 5, 2), 3);
	CU_ASSERT_EQUAL(rf->role, RAFT_FOLLOWER);
	CU_ASSERT_EQUAL(rf->match_index[1], 0);
	CU_ASSERT_EQUAL(rf->next_index[1], 7);
	peer_free(rf);
}

/* ---- AppendEntries after a snapshot -------------------------------------- */

/* The entries up to the base are committed, so the leader holds the same
 * ones: a request starting before the base matches there, and only its
 * entries past the base are looked at. */
static void test_an_append_entries_from_before_the_base_adds_the_entries_past_it(void)
{
	raft *rf = peer_make_with_snapshot(3, 2, RAFT_FOLLOWER, 5, 2, LOG(2));
	append_entries_reply reply =
		receive_append_entries(rf, append_args(2, 3, 1, 7, LOG(2, 2, 2, 2)));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE(log_is_from(rf, 5, 2, LOG(2, 2)));
	CU_ASSERT_TRUE(command_is(rf, 7, "i7t2"));
	CU_ASSERT_EQUAL(rf->commit_index, 7);
	peer_free(rf);
}

/* A delayed request whose entries are all inside the snapshot: it
 * succeeds, and neither the log nor the commit index moves back. */
static void test_an_append_entries_inside_the_snapshot_changes_nothing(void)
{
	raft *rf = peer_make_with_snapshot(3, 2, RAFT_FOLLOWER, 5, 2, LOG(2));
	append_entries_reply reply =
		receive_append_entries(rf, append_args(2, 1, 1, 3, LOG(1, 2)));
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE(log_is_from(rf, 5, 2, LOG(2)));
	CU_ASSERT_EQUAL(rf->commit_index, 5);
	peer_free(rf);
}

/* ---- A running peer ---------------------------------------------------------- */

/* Wait until rf's applier has put everything up to index on its queue. */
static bool applied_through(raft *rf, int64_t index)
{
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	for (;;) {
		rt_mutex_lock(&rf->mu);
		bool done = rf->last_applied >= index;
		rt_mutex_unlock(&rf->mu);
		if (done)
			return true;
		if (rt_now_ms() > deadline)
			return false;
		rt_sleep_ms(1);
	}
}

/* The peer restarts, so the service has its snapshot from the persister:
 * nothing up to the base is committed or applied again. */
static void test_a_restarted_peer_starts_with_its_snapshot_committed_and_applied(void)
{
	raft *rf = peer_make_with_snapshot(3, 2, RAFT_FOLLOWER, 5, 2, LOG(2, 2));
	raft *booted = peer_boot(rf);
	rt_mutex_lock(&booted->mu);
	CU_ASSERT_EQUAL(log_base_index(&booted->log), 5);
	CU_ASSERT_EQUAL(log_base_term(&booted->log), 2);
	CU_ASSERT_EQUAL(booted->commit_index, 5);
	CU_ASSERT_EQUAL(booted->last_applied, 5);
	rt_mutex_unlock(&booted->mu);
	CU_ASSERT_TRUE(snapshot_is(booted, "snap5"));
	peer_halt(booted);
	peer_free(rf);
}

/* Every index reaches the service once: entries 1 and 2 as entries, 3 to 5
 * inside the snapshot that replaced them, 6 as an entry again. The peer's
 * election timer runs meanwhile, so each request takes the term the peer
 * has by then. */
static void test_the_applier_hands_over_a_snapshot_in_place_of_the_entries_it_replaced(void)
{
	raft *rf = peer_make(3, 1, RAFT_FOLLOWER, EMPTY_LOG);
	raft *booted = peer_boot(rf);

	rt_mutex_lock(&booted->mu);
	append_entries_args first = append_args(booted->current_term + 1, 0, 0, 2, LOG(1, 1));
	append_entries_reply reply;
	handle_append_entries_locked(booted, &first, &reply);
	rt_mutex_unlock(&booted->mu);
	append_entries_args_free(&first);
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE_FATAL(applied_through(booted, 2));

	rt_mutex_lock(&booted->mu);
	install_snapshot_args snapshot = snapshot_args(booted->current_term + 1, 5, 2);
	install_snapshot_reply snapshot_reply;
	handle_install_snapshot_locked(booted, &snapshot, &snapshot_reply);
	append_entries_args next = append_args(booted->current_term, 5, 2, 6, LOG(3));
	handle_append_entries_locked(booted, &next, &reply);
	rt_mutex_unlock(&booted->mu);
	install_snapshot_args_free(&snapshot);
	append_entries_args_free(&next);
	CU_ASSERT_TRUE(reply.success);
	CU_ASSERT_TRUE_FATAL(applied_through(booted, 6));

	const char *expected[] = {"i1t1", "i2t1", "snap5", "i6t3"};
	for (int i = 0; i < 4; i++) {
		apply_msg m;
		CU_ASSERT_TRUE_FATAL(apply_queue_get(booted->applyq, &m));
		bool is_snapshot = i == 2;
		CU_ASSERT_EQUAL(m.snapshot_valid, is_snapshot);
		CU_ASSERT_EQUAL(m.command_valid, !is_snapshot);
		if (is_snapshot) {
			CU_ASSERT_EQUAL(m.snapshot_index, 5);
			CU_ASSERT_EQUAL(m.snapshot_term, 2);
			CU_ASSERT_EQUAL(m.snapshot_len, 5);
			CU_ASSERT_NSTRING_EQUAL(m.snapshot, expected[i], 5);
		} else {
			CU_ASSERT_EQUAL(m.command_index, i < 2 ? i + 1 : 6);
			CU_ASSERT_NSTRING_EQUAL(m.command, expected[i], 4);
		}
		apply_msg_free(&m);
	}
	peer_halt(booted);
	peer_free(rf);
}

void add_protocol_snapshot_suite(void)
{
	CU_pSuite s = CU_add_suite("protocol: snapshots", protocol_fixture_init,
				   protocol_fixture_cleanup);
	CU_add_test(s, "an InstallSnapshot from an older term is refused and changes nothing",
		    test_an_install_snapshot_from_an_older_term_is_refused_and_changes_nothing);
	CU_add_test(s, "an InstallSnapshot from a newer term makes a leader follow",
		    test_an_install_snapshot_from_a_newer_term_makes_a_leader_follow);
	CU_add_test(s, "a candidate follows an InstallSnapshot of its term",
		    test_a_candidate_follows_an_install_snapshot_of_its_term);
	CU_add_test(s, "a snapshot no further than the commit index changes nothing",
		    test_a_snapshot_no_further_than_the_commit_index_changes_nothing);
	CU_add_test(s, "a snapshot of a prefix of the log keeps the entries after it",
		    test_a_snapshot_of_a_prefix_of_the_log_keeps_the_entries_after_it);
	CU_add_test(s, "a snapshot that conflicts with the log replaces all of it",
		    test_a_snapshot_that_conflicts_with_the_log_replaces_all_of_it);
	CU_add_test(s, "a snapshot past the end of the log replaces all of it",
		    test_a_snapshot_past_the_end_of_the_log_replaces_all_of_it);
	CU_add_test(s, "an installed snapshot is saved with the log",
		    test_an_installed_snapshot_is_saved_with_the_log);
	CU_add_test(s, "a killed peer answers no InstallSnapshot",
		    test_a_killed_peer_answers_no_install_snapshot);
	CU_add_test(s, "the service's snapshot compacts the log through its index and is saved",
		    test_the_services_snapshot_compacts_the_log_through_its_index_and_is_saved);
	CU_add_test(s, "a later snapshot moves the base further",
		    test_a_later_snapshot_moves_the_base_further);
	CU_add_test(s, "a snapshot past the commit index is ignored",
		    test_a_snapshot_past_the_commit_index_is_ignored);
	CU_add_test(s, "a snapshot no newer than the base is ignored",
		    test_a_snapshot_no_newer_than_the_base_is_ignored);
	CU_add_test(s, "a follower that needs compacted entries is sent the snapshot",
		    test_a_follower_that_needs_compacted_entries_is_sent_the_snapshot);
	CU_add_test(s, "a snapshot reply moves the follower up to the snapshot",
		    test_a_snapshot_reply_moves_the_follower_up_to_the_snapshot);
	CU_add_test(s, "a delayed snapshot reply does not move the follower back",
		    test_a_delayed_snapshot_reply_does_not_move_the_follower_back);
	CU_add_test(s, "a snapshot reply with a newer term deposes the leader",
		    test_a_snapshot_reply_with_a_newer_term_deposes_the_leader);
	CU_add_test(s, "a snapshot reply to an earlier term is ignored",
		    test_a_snapshot_reply_to_an_earlier_term_is_ignored);
	CU_add_test(s, "a snapshot reply to a peer that no longer leads is ignored",
		    test_a_snapshot_reply_to_a_peer_that_no_longer_leads_is_ignored);
	CU_add_test(s, "an AppendEntries from before the base adds the entries past it",
		    test_an_append_entries_from_before_the_base_adds_the_entries_past_it);
	CU_add_test(s, "an AppendEntries inside the snapshot changes nothing",
		    test_an_append_entries_inside_the_snapshot_changes_nothing);
	CU_add_test(s, "a restarted peer starts with its snapshot committed and applied",
		    test_a_restarted_peer_starts_with_its_snapshot_committed_and_applied);
	CU_add_test(s, "the applier hands over a snapshot in place of the entries it replaced",
		    test_the_applier_hands_over_a_snapshot_in_place_of_the_entries_it_replaced);
}
