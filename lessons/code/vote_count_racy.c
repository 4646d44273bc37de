/*
 * Lesson 11 (rule 1). Vote threads that count without the lock.
 *
 * A candidate sends RequestVote to four peers, one thread each, and every
 * thread that gets a vote adds one to the tally and checks for a majority,
 * without rf->mu. Two threads can read the same count and both write it
 * plus one: a vote is lost, or two threads both see the majority and both
 * make the peer leader. ThreadSanitizer reports the lines marked RACE.
 *
 * expect: tsan-race
 */
#include <stdint.h>
#include <stdio.h>

#include "rt/rt.h"

#define PEERS 5
#define ELECTIONS 50

enum role { FOLLOWER, CANDIDATE, LEADER };

static struct peer {
	rt_mutex mu;
	/* mu guards these (but the vote threads below forget it): */
	int votes;
	enum role role;
	int times_became_leader;
} peer;

static void request_vote_thread(void *unused)
{
	bool granted = true;   /* every peer votes yes, at once */
	if (granted) {
		peer.votes++; /* RACE */
		if (peer.votes > PEERS / 2 && peer.role == CANDIDATE) {
			peer.role = LEADER;
			peer.times_became_leader++;
		}
	}
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	for (int e = 0; e < ELECTIONS; e++) {
		rt_mutex_lock(&peer.mu);
		peer.votes = 1;   /* its own */
		peer.role = CANDIDATE;
		rt_mutex_unlock(&peer.mu);
		for (int p = 1; p < PEERS; p++)
			rt_thread_spawn("send RequestVote", 0, request_vote_thread, NULL);
		rt_threads_wait_quiet(10000);
	}
	rt_mutex_lock(&peer.mu);
	printf("%d elections, became leader %d times\n", ELECTIONS, peer.times_became_leader);
	rt_mutex_unlock(&peer.mu);
	return 0;
}
