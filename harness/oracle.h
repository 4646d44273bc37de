/*
 * Protocol oracles: Raft's safety properties, checked at the moment they
 * break, from what the harness sees for itself (never from what a peer
 * says about itself):
 *
 *   - every RPC request and reply on the simulated network, decoded with
 *     the trusted codec (oracle_tap.c feeds them in from the network's tap);
 *   - every raft_start call and what it returned;
 *   - every entry a peer puts on its apply queue;
 *   - crashes and restarts.
 *
 * The properties, and the finding kind each one reports (docs/findings.md):
 *
 *   vote-twice             one vote per term: a server grants its vote to at
 *                          most one candidate per term, across crash and
 *                          restart (a candidate's RequestVote is its vote
 *                          for itself)                       oracle_election.c
 *   leader-not-elected     a server that sends AppendEntries or
 *                          InstallSnapshot of term T has received granted
 *                          votes of term T, delivered to it by the network,
 *                          from a majority (itself included)
 *   two-leaders            two servers sent AppendEntries or InstallSnapshot
 *                          of the same term
 *   start-index-reused     Start returned the same index and term twice
 *   start-dishonest        the entry at the index and term Start returned
 *                          carries another command                oracle_log.c
 *   log-matching           two messages carry different entries at the same
 *                          index and term
 *   commit-without-quorum  an index became committed (a leader announced it
 *                          in leader_commit, or a server applied it) without
 *                          a majority of acknowledgements, in one of that
 *                          server's terms as leader, of an entry of that
 *                          term at or above it (Figure 8)     oracle_commit.c
 *   leader-completeness    a leader of a term at or after the one an index
 *                          was committed in sends another entry at that index
 *   term-went-back         a restarted server sends a term older than one its
 *                          earlier instance had sent, or a reply carries a
 *                          term older than its request's        oracle_terms.c
 *
 * Every violation is one finding (detector "invariants") naming the peers,
 * the term and the index, with the history that led to it: the peers'
 * recent messages and critical sections (rt/history.h).
 *
 * Why each property is exact, with the network's delivery rules (drops,
 * delays, late replies, deleted servers, killed instances whose threads
 * still run), is written at the check.
 *
 * Threads: the events come from peers' threads (the tap runs inside their
 * RPCs) and from the test's threads. The oracle must not order peers'
 * threads, or it would hide the data races TSan and Helgrind must find: its
 * state is relaxed atomics only, each fact one word updated by
 * compare-and-swap, no lock, and never a wait. A check that needs facts
 * another thread recorded reads them only where the peer's own
 * synchronisation already orders the two threads (say, the vote reply
 * recorded before the candidate's thread counts it), so a relaxed load is
 * sure to see them.
 */
#ifndef ORACLE_H
#define ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "rpc.h"
#include "rt/finding.h"

/* Terms and indices beyond these are not checked. */
#define ORACLE_MAX_TERM (1 << 16)
#define ORACLE_MAX_INDEX (1 << 16)

typedef struct oracle oracle;

/*
 * What the oracle does with a violation. The default (NULL) reports the
 * finding and goes on, which the unit tests use; the harness reports it
 * and ends the test. message is one sentence for a student.
 */
typedef void (*oracle_report_fn)(void *ctx, const rt_finding_info *info, const char *message);

/* An oracle for a cluster of n servers (at most 64). */
oracle *oracle_make(int n, oracle_report_fn report, void *report_ctx);
/* Only once no thread can send it events any more. */
void oracle_free(oracle *o);
/* Findings reported so far. */
int oracle_violations(const oracle *o);

/* ---- Instances ----------------------------------------------------------- */

/*
 * The generation of server's next instance: events from an instance carry
 * it, so the oracle can tell a live instance from a crashed one whose
 * threads still run.
 */
uint32_t oracle_instance_started(oracle *o, int server);
/*
 * server crashed. Must be called before its saved state is copied for the
 * next instance: what the crashed instance does afterwards is lost, and
 * the oracle stops counting it.
 */
void oracle_crashed(oracle *o, int server);

/* ---- Messages ------------------------------------------------------------ */

/* A server's instance `gen` sent a request (the caller's thread, as the
 * call enters the network). */
void oracle_request_vote_sent(oracle *o, int from, uint32_t gen, int to,
			      const request_vote_args *args);
void oracle_append_entries_sent(oracle *o, int from, uint32_t gen, int to,
				const append_entries_args *args);
void oracle_install_snapshot_sent(oracle *o, int from, uint32_t gen, int to,
				  const install_snapshot_args *args);

/* For the network's held replies (net.h: net_tap.caller_moved_on,
 * oracle_stale.c): a server's instance gen asked for votes, or sent a
 * leader's request (AppendEntries, InstallSnapshot), in term; and has it
 * since asked the same in a later term, or crashed? */
typedef enum oracle_request {
	ORACLE_ASK_VOTE,
	ORACLE_ASK_AS_LEADER,
	ORACLE_NREQUESTS
} oracle_request;
void oracle_request_sent(oracle *o, int server, uint32_t gen, oracle_request kind, int64_t term);
bool oracle_asked_again_later(oracle *o, int server, uint32_t gen, oracle_request kind,
			      int64_t term);

/* The handler on instance `gen` of server `to` returned this reply to
 * `from`'s request (the handler's thread; the network may still lose it). */
void oracle_request_vote_replied(oracle *o, int to, uint32_t gen, int from,
				 const request_vote_args *args, const request_vote_reply *reply);
void oracle_append_entries_replied(oracle *o, int to, uint32_t gen, int from,
				   const append_entries_args *args,
				   const append_entries_reply *reply);
void oracle_install_snapshot_replied(oracle *o, int to, uint32_t gen, int from,
				     const install_snapshot_args *args,
				     const install_snapshot_reply *reply);

/* The network delivered this reply from `to` to `from` (the caller's
 * thread, before its call returns). */
void oracle_request_vote_delivered(oracle *o, int from, int to, const request_vote_args *args,
				   const request_vote_reply *reply);
void oracle_append_entries_delivered(oracle *o, int from, int to, const append_entries_args *args,
				     const append_entries_reply *reply);

/* ---- Start and apply ----------------------------------------------------- */

/* raft_start on server returned true with index and term for a command of
 * value cmd (cfg_cmd_value). */
void oracle_start_returned(oracle *o, int server, int64_t index, int64_t term, uint64_t cmd);
/* server put a command of value cmd on its apply queue at index. */
void oracle_applied(oracle *o, int server, int64_t index, uint64_t cmd);

#endif
