/*
 * Inside a Raft peer: the peer's state, its locking protocol, and the
 * functions the files in raft/ share.
 *
 * The messages peers exchange (request_vote_args, append_entries_args,
 * their replies and log_entry) are declared in platform/rpc.h, and the API
 * the harness calls (raft_make, raft_start, ...) in platform/raft.h. Both
 * belong to the trusted side: read them, but a peer cannot change them.
 *
 * One lock, rf->mu, guards all mutable state of a peer. A function whose
 * name ends in _locked must be called with rf->mu held; it says so to
 * clang with REQUIRES(rf->mu) and checks it at run time with
 * rt_assert_held() as its first statement. A function that may block
 * (sends an RPC, puts on the apply queue, sleeps) must be called without
 * rf->mu and says so with EXCLUDES(rf->mu). Thread bodies take a void *
 * and cannot say so; they start without any lock.
 */
#ifndef RAFT_INTERNAL_H
#define RAFT_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "alloc.h"
#include "log.h"
#include "raft.h"
#include "rpc.h"
#include "rt/rt.h"

/* Durations in logical milliseconds (see rt.h: one time scale for all). */
#define HEARTBEAT_INTERVAL_MS 100   /* the tester allows tens of RPCs per second */
#define ELECTION_TIMEOUT_MIN_MS 300 /* several heartbeats may be lost before an election */
#define ELECTION_TIMEOUT_MAX_MS 600 /* a new leader well within the tester's 5 s */
#define ELECTION_TICK_MS 10         /* how often the ticker looks, and notices a kill */

#define NO_VOTE (-1)

struct raft {
	/*
	 * Set by raft_make and never changed afterwards: any thread may read
	 * these without the lock.
	 */
	net_endpoint **peers;   /* peers[i] reaches peer i; peers[me] unused */
	int n;                  /* number of peers */
	int me;                 /* this peer's index in peers */
	persister *persister;
	apply_queue *applyq;
	raft_observer observer; /* state_changed is NULL when nobody watches */

	/*
	 * Set once by raft_kill. Atomic because every thread reads it through
	 * killed() without holding mu. (It uses the default, sequentially
	 * consistent atomics rather than relaxed ones, which would do: Helgrind
	 * takes a relaxed store for a racy plain write.)
	 */
	atomic_bool dead;

	/*
	 * mu must be held when reading or writing any field below it.
	 * Hold it for a whole step (an RPC handler, a reply, a tick) and
	 * release it before anything that waits: net_call, apply_queue_put,
	 * rt_sleep_ms. After re-acquiring it, check current_term and role
	 * again: they may have changed while it was released.
	 *
	 * Lab 3D adds one more reason: the service takes messages off applyq
	 * on one thread and, on that same thread, calls raft_snapshot, which
	 * takes mu. A thread that holds mu while it waits for applyq to have
	 * room waits for the service, which waits for mu: neither moves.
	 */
	rt_mutex mu;
	rt_cond apply_cond;           /* waits with mu; signalled when
				       * commit_index grows or on kill */

	/* Persistent state: saved by persist_locked() whenever it changes,
	 * before the peer replies to or sends anything that depends on it. */
	int64_t current_term;
	int64_t voted_for;            /* candidate_id voted for in
				       * current_term, or NO_VOTE */
	raft_log log;                 /* its base is the snapshot's last entry */
	void *snapshot;               /* the service's state through the log's
				       * base (malloc'd, NULL before the first) */
	size_t snapshot_len;

	/* Volatile state. */
	enum raft_role role;
	int64_t commit_index;         /* highest index known to be committed */
	int64_t last_applied;         /* highest index put on applyq; below the
				       * log's base, the applier owes the
				       * service the snapshot */
	int64_t election_deadline_ms; /* start an election if no leader by then */
	int votes;                    /* candidate: votes won in current_term */
	raft_state_report reported;   /* what the observer was told last */

	/* Leader only: set up by become_leader_locked. */
	int64_t *next_index;          /* next entry to send to each peer */
	int64_t *match_index;         /* highest entry known to be on each peer */
};

/* raft.c. The public functions take rf->mu themselves, so calling one with
 * the lock held would deadlock; redeclared here with EXCLUDES so that clang
 * checks no code in raft/ does. */
void raft_kill(raft *rf) EXCLUDES(rf->mu);
void raft_get_state(raft *rf, int64_t *term, bool *is_leader) EXCLUDES(rf->mu);
bool raft_start(raft *rf, const void *command, size_t len, int64_t *index, int64_t *term)
	EXCLUDES(rf->mu);
void raft_snapshot(raft *rf, int64_t index, const void *snapshot, size_t len) EXCLUDES(rf->mu);
bool killed(raft *rf);

/* role.c: the transitions between follower, candidate and leader. */
void become_follower_locked(raft *rf, int64_t term) REQUIRES(rf->mu);
void become_candidate_locked(raft *rf) REQUIRES(rf->mu);
void become_leader_locked(raft *rf) REQUIRES(rf->mu);

/*
 * Below, with the threads and handlers, are the protocol's decisions: what
 * a peer does with a request or a reply it has received. They change only
 * the peer's own state (a few also start sending, on threads of their
 * own), so the unit tests (tests/unit/test_protocol*.c) call them directly
 * on a struct raft built in the test, with no network and no threads.
 */

/* election.c: the candidate counts a vote reply. */
void election_ticker(void *arg);
void reset_election_timer_locked(raft *rf) REQUIRES(rf->mu);
void handle_vote_reply_locked(raft *rf, const request_vote_args *args,
			      const request_vote_reply *reply) REQUIRES(rf->mu);

/* request_vote.c: the RequestVote handler (registered on the server) and
 * the vote decision. */
void serve_request_vote(void *ctx, const codec_buf *args, codec_buf *reply);
void handle_request_vote_locked(raft *rf, const request_vote_args *args,
				request_vote_reply *reply) REQUIRES(rf->mu);

/* replication.c: the leader learns from an AppendEntries reply, and backs
 * off next_index[peer] after a rejection (returns whether it moved). */
void heartbeat_ticker(void *arg);
void broadcast_append_entries_locked(raft *rf) REQUIRES(rf->mu);
void handle_append_reply_locked(raft *rf, int peer, const append_entries_args *args,
				const append_entries_reply *reply) REQUIRES(rf->mu);
bool back_off_locked(raft *rf, int peer, const append_entries_reply *reply) REQUIRES(rf->mu);

/* append_entries.c: the AppendEntries handler (registered on the server),
 * the follower's decision, and how it merges the leader's entries into its
 * log once the entry before them matches. */
void serve_append_entries(void *ctx, const codec_buf *args, codec_buf *reply);
void handle_append_entries_locked(raft *rf, const append_entries_args *args,
				  append_entries_reply *reply) REQUIRES(rf->mu);
void merge_entries_locked(raft *rf, const append_entries_args *args) REQUIRES(rf->mu);

/* snapshot.c: the leader sends its snapshot to a follower whose next entry
 * it no longer holds, and learns from the reply; the log and the saved
 * snapshot move together. */
void send_snapshot_locked(raft *rf, int peer) REQUIRES(rf->mu);
void handle_snapshot_reply_locked(raft *rf, int peer, const install_snapshot_args *args,
				  const install_snapshot_reply *reply) REQUIRES(rf->mu);
void keep_snapshot_locked(raft *rf, const void *data, size_t len) REQUIRES(rf->mu);

/* install_snapshot.c: the InstallSnapshot handler (registered on the
 * server) and the follower's decision. */
void serve_install_snapshot(void *ctx, const codec_buf *args, codec_buf *reply);
void handle_install_snapshot_locked(raft *rf, const install_snapshot_args *args,
				    install_snapshot_reply *reply) REQUIRES(rf->mu);

/* commit.c */
void advance_commit_index_locked(raft *rf) REQUIRES(rf->mu);
void set_commit_index_locked(raft *rf, int64_t index) REQUIRES(rf->mu);

/* applier.c */
void applier(void *arg);

/* persist.c */
void persist_locked(raft *rf) REQUIRES(rf->mu);
void restore_locked(raft *rf) REQUIRES(rf->mu);

/* report.c */
void report_state_locked(raft *rf) REQUIRES(rf->mu);

#endif
