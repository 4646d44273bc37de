/*
 * Invariants checked on every state report of every peer (see invariants.h).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "config.h"
#include "invariants.h"
#include "rt/rt.h"

struct invariants {
	int n;
	/* [term]: 1 + the server that was leader in term, or 0. Set once by
	 * compare-and-swap, so two servers cannot both claim a term unseen. */
	_Atomic int32_t leader_of_term[INVARIANTS_MAX_TERM];
};

static const char *role_name(enum raft_role role)
{
	switch (role) {
	case RAFT_FOLLOWER: return "follower";
	case RAFT_CANDIDATE: return "candidate";
	case RAFT_LEADER: return "leader";
	}
	return "?";
}

/* The cluster part starts empty; threads that see it start later. */
invariants *invariants_make(int n)
{
	invariants *inv = calloc(1, sizeof(*inv));
	if (inv == NULL)
		abort();
	inv->n = n;
	return inv;
}

/* Free the cluster part. */
void invariants_free(invariants *inv)
{
	free(inv);
}

/* A fresh instance has reported nothing yet. */
void invariants_peer_init(invariants_peer *p, invariants *inv, int server)
{
	p->cluster = inv;
	p->server = server;
	atomic_init(&p->last_term, -1);
	atomic_init(&p->last_commit, 0);
	atomic_init(&p->last_applied, 0);
}

/* Record now as the latest of a value that must never go down; true (and
 * the value before in *was) if it went down. A CAS loop, so that even
 * reports racing outside the lock are judged on one order. */
static bool went_down(_Atomic int64_t *latest, int64_t now, int64_t *was)
{
	int64_t last = atomic_load_explicit(latest, memory_order_relaxed);
	while (now > last)
		if (atomic_compare_exchange_weak_explicit(latest, &last, now, memory_order_relaxed,
							  memory_order_relaxed))
			return false;
	*was = last;
	return now < last;
}

/* Terms only go up (Figure 2: "currentTerm ... increases monotonically"). */
static void check_term(invariants_peer *p, const raft_state_report *r)
{
	int64_t was;
	if (went_down(&p->last_term, r->term, &was))
		cfg_fail_at(RT_HERE, "term-decreased", r->me, r->term,
			    "peer %d's current term went down from %lld to %lld "
			    "(a term must never decrease; was it changed without "
			    "checking it under the lock?)",
			    r->me, (long long)was, (long long)r->term);
}

/* Committed entries stay committed: the commit index never goes down. */
static void check_commit(invariants_peer *p, const raft_state_report *r)
{
	int64_t was;
	if (went_down(&p->last_commit, r->commit_index, &was))
		cfg_fail_at(RT_HERE, "commit-decreased", r->me, r->term,
			    "peer %d's commit index went down from %lld to %lld "
			    "in term %lld (a commit index must never decrease)",
			    r->me, (long long)was, (long long)r->commit_index,
			    (long long)r->term);
}

/* What was applied stays applied: last_applied going down means entries
 * will reach the service a second time. */
static void check_applied_order(invariants_peer *p, const raft_state_report *r)
{
	int64_t was;
	if (went_down(&p->last_applied, r->last_applied, &was))
		cfg_fail_at(RT_HERE, "applied-decreased", r->me, r->term,
			    "peer %d's last applied index went down from %lld to %lld "
			    "(every index is applied once; did a thread write back a value it "
			    "read before releasing the lock?)",
			    r->me, (long long)was, (long long)r->last_applied);
}

/* Only committed entries may be applied. */
static void check_applied(const raft_state_report *r)
{
	if (r->last_applied > r->commit_index)
		cfg_fail_at(RT_HERE, "applied-beyond-commit", r->me, r->term,
			    "peer %d has applied up to index %lld but committed only up to "
			    "%lld (an entry must be committed before it is applied)",
			    r->me, (long long)r->last_applied, (long long)r->commit_index);
}

/* Election Safety: the first server to lead a term owns it. */
static void check_leader(invariants_peer *p, const raft_state_report *r)
{
	if (r->role != RAFT_LEADER || r->term < 0 || r->term >= INVARIANTS_MAX_TERM)
		return;
	int32_t expected = 0;
	int32_t me = r->me + 1;
	_Atomic int32_t *slot = &p->cluster->leader_of_term[r->term];
	if (atomic_compare_exchange_strong_explicit(slot, &expected, me, memory_order_relaxed,
						    memory_order_relaxed))
		return;
	if (expected != me)
		cfg_fail_at(RT_HERE, "two-leaders", r->me, r->term,
			    "peers %d and %d were both leader in term %lld "
			    "(at most one leader per term; did a peer count a vote "
			    "from an old term, or vote twice in one term?)",
			    expected - 1, r->me, (long long)r->term);
}

/* The observer callback: runs with the peer's lock held; never blocks. */
static void state_changed(void *ctx, const raft_state_report *r)
{
	invariants_peer *p = ctx;
	if (r->me != p->server)
		cfg_fail_at(RT_HERE, "wrong-peer", r->me, r->term,
			    "server %d reported itself as peer %d (%s)", p->server, r->me,
			    role_name(r->role));
	check_term(p, r);
	check_commit(p, r);
	check_applied(r);
	check_applied_order(p, r);
	check_leader(p, r);
}

/* An observer bound to one instance's state. */
raft_observer invariants_observer(invariants_peer *p)
{
	return (raft_observer){.state_changed = state_changed, .ctx = p};
}
