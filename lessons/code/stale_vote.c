/*
 * Lesson 15 (rule 5). A vote reply counted without re-checking the term.
 *
 * Peer 0 starts an election for term 2 and asks peer 1, on a thread of its
 * own. The reply is slow; meanwhile peer 0 times out and starts term 3, and
 * asks peer 2. Peer 1's "yes" for term 2 arrives during term 3. The reply
 * handler re-takes the lock but does not check that the peer is still a
 * candidate in the term it asked for, so it counts a term-2 vote toward
 * term 3 and becomes leader of term 3 with one real term-3 vote besides
 * its own. Every access holds the lock; no race detector sees anything.
 * The order of the replies is forced (schedule.h).
 *
 * expect: broken
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt/rt.h"
#include "schedule.h"

#define PEERS 5

enum role { FOLLOWER, CANDIDATE, LEADER };

static struct peer {
	rt_mutex mu;
	/* mu guards these: */
	long current_term;
	enum role role;
	int votes;
} peer;

/* What the voters really did: peer 1 voted for us in term 2 only, peer 2
 * in term 3. Ground truth for the example's check. */
static atomic_int real_votes_in_term[4];

static bool voter_grants(int voter, long term)
{
	bool yes = (voter == 1 && term == 2) || (voter == 2 && term == 3);
	if (yes)
		atomic_fetch_add(&real_votes_in_term[term], 1);
	return yes;
}

struct vote_request {
	int voter;
	long term;    /* args.term: copied when the election started */
	int turn;     /* the order the network delivers the replies in */
};

static schedule sched;

static void handle_vote_reply_locked(const struct vote_request *req, bool granted)
	REQUIRES(peer.mu)
{
	rt_assert_held(&peer.mu);
	if (!granted)
		return;
	peer.votes++; /* BUG: no check that current_term is still req->term */
	if (peer.votes > PEERS / 2)
		peer.role = LEADER;
}

static void request_vote_thread(void *arg)
{
	struct vote_request *req = arg;
	step_wait(&sched, req->turn);
	bool granted = voter_grants(req->voter, req->term);   /* the RPC, without the lock */
	rt_mutex_lock(&peer.mu);
	handle_vote_reply_locked(req, granted);
	rt_mutex_unlock(&peer.mu);
	step_next(&sched);
	free(req);
}

static void start_election_locked(int voter, int turn) REQUIRES(peer.mu)
{
	rt_assert_held(&peer.mu);
	peer.current_term++;
	peer.role = CANDIDATE;
	peer.votes = 1;   /* its own */
	struct vote_request *req = malloc(sizeof *req);
	*req = (struct vote_request){.voter = voter, .term = peer.current_term, .turn = turn};
	rt_thread_spawn("send RequestVote", 0, request_vote_thread, req);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	step_init(&sched);
	peer.current_term = 1;

	rt_mutex_lock(&peer.mu);
	start_election_locked(1, 1);   /* term 2: ask peer 1; its reply comes late */
	start_election_locked(2, 2);   /* timeout, term 3: ask peer 2 */
	rt_mutex_unlock(&peer.mu);
	step_next(&sched);             /* 1: the replies may come */
	rt_threads_wait_quiet(10000);

	rt_mutex_lock(&peer.mu);
	long term = peer.current_term;
	bool leader = peer.role == LEADER;
	int counted = peer.votes;
	rt_mutex_unlock(&peer.mu);
	int real = 1 + atomic_load(&real_votes_in_term[term]);
	printf("term %ld: counted %d votes, really got %d of %d: %s\n", term, counted, real, PEERS,
	       leader ? "leader" : "not leader");
	if (leader && real <= PEERS / 2) {
		printf("BROKEN: leader of term %ld without a majority of term-%ld votes\n", term, term);
		return 1;
	}
	return 0;
}
