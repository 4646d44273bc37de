/*
 * Lesson 13 (rule 3). Check in one critical section, act in another.
 *
 * Two RequestVote handlers arrive together, one for term 5 and one for
 * term 3, while the peer is in term 2. Each checks "is the request's term
 * newer than mine?" under the lock, releases it, and adopts the term under
 * the lock again. Both checks pass against term 2; the term-5 handler
 * writes first, the term-3 handler second, and the peer's term goes from 5
 * back to 3, which Raft forbids. Every access holds the lock: no race
 * detector reports anything. The step_ calls force that schedule
 * (schedule.h); they are not part of the handler.
 *
 * expect: broken
 */
#include <stdint.h>
#include <stdio.h>

#include "rt/rt.h"
#include "schedule.h"

static struct peer {
	rt_mutex mu;
	/* mu guards these: */
	long current_term;
	long highest_term;   /* the highest term it ever had, for the check */
} peer = {.current_term = 2, .highest_term = 2};

static schedule sched;

static void adopt_term(long term, int turn)
{
	step_wait(&sched, turn);
	rt_mutex_lock(&peer.mu);
	bool newer = term > peer.current_term;
	rt_mutex_unlock(&peer.mu); /* BUG: the decision outlives the critical section */
	step_next(&sched);
	step_wait(&sched, turn + 2);

	if (newer) {
		rt_mutex_lock(&peer.mu);
		peer.current_term = term;
		if (term > peer.highest_term)
			peer.highest_term = term;
		rt_mutex_unlock(&peer.mu);
	}
	step_next(&sched);
}

static void handler_term_5(void *unused)
{
	adopt_term(5, 0);
}

static void handler_term_3(void *unused)
{
	adopt_term(3, 1);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_mutex_init(&peer.mu, "peer.mu", 0);
	step_init(&sched);
	rt_thread_spawn("rpc RequestVote (term 5)", 0, handler_term_5, NULL);
	rt_thread_spawn("rpc RequestVote (term 3)", 0, handler_term_3, NULL);
	rt_threads_wait_quiet(10000);

	rt_mutex_lock(&peer.mu);
	long term = peer.current_term, highest = peer.highest_term;
	rt_mutex_unlock(&peer.mu);
	printf("current term %ld, highest term it had %ld\n", term, highest);
	if (term < highest) {
		printf("BROKEN: the term went back from %ld to %ld\n", highest, term);
		return 1;
	}
	return 0;
}
