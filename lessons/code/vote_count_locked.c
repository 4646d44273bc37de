/*
 * Lesson 11 (rule 1), repaired: each vote thread counts under the lock, and
 * the check for a majority is in the same critical section as the count.
 * The peer becomes leader exactly once per election.
 *
 * expect: clean
 */
#include <stdint.h>
#include <stdio.h>

#include "rt/rt.h"

#define PEERS 5
#define ELECTIONS 50

enum role { FOLLOWER, CANDIDATE, LEADER };

static struct peer {
	rt_mutex mu;
	/* mu guards these: */
	int votes;
	enum role role;
	int times_became_leader;
} peer;

static void count_vote_locked(struct peer *p) REQUIRES(p->mu)
{
	rt_assert_held(&p->mu);
	p->votes++;
	if (p->votes > PEERS / 2 && p->role == CANDIDATE) {
		p->role = LEADER;
		p->times_became_leader++;
	}
}

static void request_vote_thread(void *unused)
{
	bool granted = true;
	if (granted) {
		rt_mutex_lock(&peer.mu);
		count_vote_locked(&peer);
		rt_mutex_unlock(&peer.mu);
	}
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	for (int e = 0; e < ELECTIONS; e++) {
		rt_mutex_lock(&peer.mu);
		peer.votes = 1;
		peer.role = CANDIDATE;
		rt_mutex_unlock(&peer.mu);
		for (int p = 1; p < PEERS; p++)
			rt_thread_spawn("send RequestVote", 0, request_vote_thread, NULL);
		rt_threads_wait_quiet(10000);
	}
	rt_mutex_lock(&peer.mu);
	int times = peer.times_became_leader;
	rt_mutex_unlock(&peer.mu);
	printf("%d elections, became leader %d times\n", ELECTIONS, times);
	if (times != ELECTIONS) {
		printf("BROKEN: one election made the peer leader %s\n", times > ELECTIONS ? "twice" : "never");
		return 1;
	}
	return 0;
}
