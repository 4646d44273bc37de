/*
 * Lesson 08. The three places people forget the lock.
 *
 * A handler thread changes the peer's term and role under the lock. The
 * ticker thread uses them in the three ways the seed article names, each
 * without the lock: in a log line, in a condition, and through a one-line
 * getter. ThreadSanitizer reports each at the line marked RACE. Each uses
 * a field of its own: TSan reports one race per memory location, so two
 * mistakes on one field would show up as one report.
 *
 * expect: tsan-race
 */
#include <stdio.h>

#include "rt/rt.h"

#define ROUNDS 200

enum role { FOLLOWER, CANDIDATE, LEADER };

static struct peer {
	rt_mutex mu;
	/* mu guards all three */
	long current_term;
	enum role role;
	long votes;
} peer;

/* "Only one line, it cannot need the lock." */
static bool is_leader(struct peer *p)
{
	return p->role == LEADER; /* RACE: a one-line getter */
}

static void ticker(void *unused)
{
	long heartbeats = 0;
	for (int i = 0; i < ROUNDS; i++) {
		if (peer.current_term > 0) { /* RACE: a condition */
			rt_mutex_lock(&peer.mu);
			if (peer.role == LEADER)
				heartbeats++;
			rt_mutex_unlock(&peer.mu);
		}
		if (is_leader(&peer))
			heartbeats++;
		fprintf(stderr, "ticker: %ld votes\n", peer.votes); /* RACE: a log line */
		rt_sleep_ms(1);
	}
	fprintf(stderr, "ticker: %ld heartbeat rounds\n", heartbeats);
}

static void vote_handler(void *unused)
{
	for (int i = 0; i < ROUNDS; i++) {
		rt_mutex_lock(&peer.mu);
		peer.current_term++;
		peer.role = peer.role == LEADER ? FOLLOWER : LEADER;
		peer.votes = peer.role == LEADER ? 3 : 0;
		rt_mutex_unlock(&peer.mu);
		rt_sleep_ms(1);
	}
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 0.5});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	rt_thread_spawn("ticker", 0, ticker, NULL);
	rt_thread_spawn("rpc RequestVote", 0, vote_handler, NULL);
	rt_threads_wait_quiet(60000);
	return 0;
}
