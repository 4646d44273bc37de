/*
 * The public interface of a Raft peer, as the harness and the tests use it.
 * It mirrors 6.5840's Make, Kill, GetState, Start and Snapshot.
 */
#ifndef RAFT_H
#define RAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apply_queue.h"
#include "net.h"
#include "persister.h"

typedef struct raft raft;

enum raft_role { RAFT_FOLLOWER, RAFT_CANDIDATE, RAFT_LEADER };

/*
 * What a peer tells an observer each time its term, role, commit index or
 * last applied index changes. The harness uses it to check invariants while
 * the test runs. Called with the peer's lock held; the observer must not
 * block or call back into the peer.
 */
typedef struct raft_state_report {
	int me;
	int64_t term;
	enum raft_role role;
	int64_t commit_index;
	int64_t last_applied;
} raft_state_report;

typedef struct raft_observer {
	void (*state_changed)(void *ctx, const raft_state_report *report);
	void *ctx;
} raft_observer;

/*
 * Create a peer. peers[i] is the endpoint this peer uses to reach peer i
 * (peers[me] is unused); n is the number of peers. The peer restores what
 * ps holds, registers its RPC methods on srv ("Raft.RequestVote",
 * "Raft.AppendEntries", "Raft.InstallSnapshot"), starts its threads and returns at once. Committed
 * entries are put on applyq in index order. observer may be NULL.
 */
raft *raft_make(net_endpoint **peers, int n, int me, persister *ps,
		net_server *srv, apply_queue *applyq, const raft_observer *observer);

/*
 * Stop the peer: its threads exit soon after, and from then on it answers
 * no RPC and changes no state because of one. The memory stays valid until
 * raft_free, which the harness calls once every thread of the test has
 * finished.
 */
void raft_kill(raft *rf);
void raft_free(raft *rf);

/* The current term and whether this peer believes it is the leader. */
void raft_get_state(raft *rf, int64_t *term, bool *is_leader);

/*
 * Ask the peer to append a command to the log. Returns at once. If this
 * peer is not the leader it returns false; otherwise it returns true with
 * the index the command will have if it is ever committed and the current
 * term. The command bytes are copied.
 */
bool raft_start(raft *rf, const void *command, size_t len, int64_t *index, int64_t *term);

/*
 * Lab 3D. The service has saved its state up to and including index in
 * snapshot (len bytes, copied): the peer may discard its log through index
 * and keeps the snapshot with its persistent state. The service calls it
 * from the thread that takes messages off the apply queue, and waits for
 * it to return, as 6.5840's tester does: a peer that holds its lock while
 * it puts on the queue can never get that call through. Only the 3D tests
 * call it: a peer written for 3A-3C may define it to do nothing.
 */
void raft_snapshot(raft *rf, int64_t index, const void *snapshot, size_t len);

#endif
