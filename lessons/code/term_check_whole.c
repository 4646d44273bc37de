/*
 * Lesson 13 (rule 3), repaired: the check and the update are one critical
 * section, so whichever handler runs second checks against the term the
 * first one wrote. Same two handlers, same forced turns as
 * term_check_split.c; the term ends at 5.
 *
 * expect: clean
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
	if (term > peer.current_term) {
		peer.current_term = term;
		if (term > peer.highest_term)
			peer.highest_term = term;
	}
	rt_mutex_unlock(&peer.mu);
	step_next(&sched);
}

static void handler_term_5(void *unused)
{
	adopt_term(5, 0);
}

static void handler_term_3(void *unused)
{
	adopt_term(3, 1);   /* runs after the term-5 handler's whole section */
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
