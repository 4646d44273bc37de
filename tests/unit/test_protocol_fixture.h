/*
 * A peer built by hand for the protocol tests (test_protocol_*.c): a
 * struct raft with a chosen term, role and log, n peers, an in-memory
 * persister, mu initialised, no observer, no network and no threads.
 * The tests call the protocol's decisions (raft_internal.h) on it directly,
 * taking rf->mu around each call as the real handlers do, and read the
 * result, the way etcd's raft tests drive its state machine.
 *
 * The peer is always peer 0 of n. Its election deadline starts at
 * STALE_DEADLINE_MS, long past, so a test can tell whether a step reset the
 * timer.
 *
 * A decision that sends (a new leader's heartbeats, a retry after a
 * rejection) starts a thread per message, as in a running peer. Its
 * endpoints lead nowhere: every call is counted, then fails. So a test can
 * count what a step sent, and nothing comes back.
 *
 * peer_boot is the exception: a peer made by raft_make, threads and all,
 * for what only a running peer does (restoring at start, the applier).
 */
#ifndef TEST_PROTOCOL_FIXTURE_H
#define TEST_PROTOCOL_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "raft_internal.h"

/* A log written as the term of each entry, index 1 first:
 * peer_make(3, 2, RAFT_FOLLOWER, LOG(1, 1, 2)). EMPTY_LOG has no entries. */
#define LOG(...) (const int64_t[]){__VA_ARGS__}, \
	(int)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
#define EMPTY_LOG NULL, 0

#define STALE_DEADLINE_MS 1

/*
 * A peer in term, in role, holding a log of the given terms, already saved
 * in its persister. A follower has not voted; a candidate has voted for
 * itself; a leader has just been elected: next_index is its last index + 1
 * and only its own entries are known to match. commit_index and
 * last_applied are 0.
 */
raft *peer_make(int n, int64_t term, enum raft_role role, const int64_t *terms, int count);
/* The same, but the log starts at (base_index, base_term) and the entries
 * follow it: a snapshot "snap<base_index>" covers everything up to the
 * base, and commit_index and last_applied are base_index, as after a
 * restart. */
raft *peer_make_with_snapshot(int n, int64_t term, enum raft_role role, int64_t base_index,
			      int64_t base_term, const int64_t *terms, int count);
/* Free a peer made by peer_make, peer_make_with_snapshot or peer_restart,
 * once the messages it sent are done. Asserts that nothing it did raised a
 * finding (a _locked call without mu would). */
void peer_free(raft *rf);
/* What a restart of rf would see: a new follower restored from a copy of
 * rf's persister, as the harness restarts a crashed peer. */
raft *peer_restart(raft *rf);
/* What raft_make makes of rf's saved state: a peer restarted from a copy
 * of rf's persister and running, its election timer, heartbeats and
 * applier included. The applier puts on a queue of its own, rf->applyq.
 * Its endpoints lead nowhere too. Stop and free it with peer_halt. */
raft *peer_boot(raft *rf);
void peer_halt(raft *booted);

/* Does rf's log hold exactly these terms? Prints both logs when not. */
bool log_is(raft *rf, const int64_t *terms, int count);
/* Does rf's log start at (base_index, base_term), with entries of exactly
 * these terms after it? */
bool log_is_from(raft *rf, int64_t base_index, int64_t base_term, const int64_t *terms,
		 int count);
/* Does rf's log hold an entry at index (past the base) with this command?
 * The fixture's entries have the command "i<index>t<term>". */
bool command_is(raft *rf, int64_t index, const char *command);
/* Does rf keep the snapshot data (a string), and has it saved the same
 * one? NULL: it has no snapshot, kept or saved. */
bool snapshot_is(raft *rf, const char *data);

/* AppendEntries args carrying entries of the given terms after
 * (prev_log_index, prev_log_term), from peer 1. Free with
 * append_entries_args_free. */
append_entries_args append_args(int64_t term, int64_t prev_log_index, int64_t prev_log_term,
				 int64_t leader_commit, const int64_t *terms, int count);

/* InstallSnapshot args carrying the snapshot "snap<last_included_index>",
 * from peer 1. Free with install_snapshot_args_free. */
install_snapshot_args snapshot_args(int64_t term, int64_t last_included_index,
				    int64_t last_included_term);

/* How many RPCs every peer has sent so far, counted once each sending
 * thread has finished. A test compares two counts. */
int64_t messages_sent(void);
/* The same for InstallSnapshot alone. *last, unless NULL, gets a copy of
 * the last one's args (zeroes if none was sent); free it with
 * install_snapshot_args_free. */
int64_t snapshots_sent(install_snapshot_args *last);

/* Suite setup and cleanup for every protocol suite: the network the
 * peers' endpoints belong to. */
int protocol_fixture_init(void);
int protocol_fixture_cleanup(void);

/* Was rf's election timer reset (to a fresh random timeout) at some moment
 * between since_ms and now? */
bool timer_was_reset(raft *rf, int64_t since_ms);

#endif
