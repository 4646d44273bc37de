/*
 * Lesson 12 (rule 2), repaired: the term, the vote and the role change in
 * one critical section, as become_follower_locked does in raft/role.c. The
 * tester looks at the same moment as in split_transition.c and sees term 2
 * with the follower role.
 *
 * expect: clean
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
	rt_mutex_lock(&peer.mu);
	peer.current_term = 2;
	peer.voted_for = NO_VOTE;
	peer.role = FOLLOWER;   /* one critical section for the whole step-down */
	rt_mutex_unlock(&peer.mu);

	step_next(&sched);     /* 1: the same schedule as the broken version */
	step_wait(&sched, 2);
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
