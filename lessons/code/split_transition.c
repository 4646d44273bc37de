/*
 * Lesson 12 (rule 2). Stepping down in two critical sections.
 *
 * Peer 1 leads term 1 when it hears of term 2. Its handler sets the new
 * term in one critical section and the new role in another. Every access
 * holds the lock, so no race detector has anything to report, but between
 * the two sections the peer is "leader of term 2", a state that never
 * existed. The tester's get_state, correctly locked, looks in that window
 * (the schedule is forced, see schedule.h) and the example's own check
 * fails: the tester would see two leaders in term 2.
 *
 * expect: broken
 */
#include <stdio.h>

#include "rt/rt.h"
#include "schedule.h"

#define NO_VOTE (-1)

enum role { FOLLOWER, CANDIDATE, LEADER };

static struct peer {
	rt_mutex mu;
	/* mu guards these: */
	long current_term;
	int voted_for;
	enum role role;
} peer = {.current_term = 1, .voted_for = 1, .role = LEADER};

static schedule sched;

static void handle_higher_term(void *unused)
{
	long term = 2;
	rt_mutex_lock(&peer.mu);
	peer.current_term = term;
	peer.voted_for = NO_VOTE;
	rt_mutex_unlock(&peer.mu); /* BUG: the transition is half done */

	step_next(&sched);     /* 1: the window is open */
	step_wait(&sched, 2);  /* the tester has looked */

	rt_mutex_lock(&peer.mu);
	peer.role = FOLLOWER;
	rt_mutex_unlock(&peer.mu);
}

/* raft_get_state, as the tester calls it: correctly locked. */
static void get_state(long *term, bool *is_leader) EXCLUDES(peer.mu)
{
	rt_mutex_lock(&peer.mu);
	*term = peer.current_term;
	*is_leader = peer.role == LEADER;
	rt_mutex_unlock(&peer.mu);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_mutex_init(&peer.mu, "peer.mu", 1);
	step_init(&sched);
	rt_thread_spawn("rpc RequestVote", 1, handle_higher_term, NULL);

	step_wait(&sched, 1);
	long term;
	bool is_leader;
	get_state(&term, &is_leader);
	step_next(&sched);   /* 2 */
	rt_threads_wait_quiet(10000);

	printf("tester: peer 1 says term %ld, %s\n", term, is_leader ? "leader" : "not leader");
	if (is_leader && term == 2) {
		printf("BROKEN: peer 1 never led term 2, yet it said so; with the real leader of "
		       "term 2 the tester sees two leaders\n");
		return 1;
	}
	return 0;
}
