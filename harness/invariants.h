/*
 * Invariants checked while a test runs, not only when it asks.
 *
 * Each peer reports its term, role, commit index and last applied index
 * through a raft_observer (raft.h) whenever one of them changes. These
 * checks run inside that report, on the peer's thread, with the peer's
 * lock held:
 *
 *   term-decreased         an instance's current term went down
 *   commit-decreased       an instance's commit index went down
 *   applied-decreased      an instance's last applied index went down
 *   applied-beyond-commit  last_applied > commit_index
 *   two-leaders            two servers were leader in the same term
 *                          (Election Safety, Raft paper Figure 3)
 *
 * A restarted server is a new instance: its term may start below what the
 * crashed instance reported (it restores only what was saved) and its
 * commit and applied indexes start again from its snapshot. The leader table is per server number,
 * so the same server leading a term twice is fine.
 *
 * These checks believe what a peer reports about itself. The protocol
 * oracles (oracle.h) check Raft's properties from what the harness sees
 * itself: the messages on the network, Start's return values, the apply
 * queue.
 *
 * A violation is reported as an "invariants" finding and ends the test
 * (exit status 1).
 *
 * The checks must not order the peers' threads, or they would hide the
 * data races they sit next to: they take no lock and use relaxed atomics
 * only, and never block.
 */
#ifndef INVARIANTS_H
#define INVARIANTS_H

#include <stdatomic.h>
#include <stdint.h>

#include "raft.h"

/* Terms beyond this are not checked for two leaders. */
#define INVARIANTS_MAX_TERM (1 << 16)

/* The cluster-wide part: who led each term. */
typedef struct invariants invariants;

/* The part for one instance of one server. */
typedef struct invariants_peer {
	invariants *cluster;
	int server;
	_Atomic int64_t last_term;    /* -1 until the first report */
	_Atomic int64_t last_commit;
	_Atomic int64_t last_applied;
} invariants_peer;

invariants *invariants_make(int n);
/* Only once no peer can report any more. */
void invariants_free(invariants *inv);

/* Prepare the state of a new instance of server. */
void invariants_peer_init(invariants_peer *p, invariants *inv, int server);
/* An observer that checks every report of p's instance. */
raft_observer invariants_observer(invariants_peer *p);

#endif
