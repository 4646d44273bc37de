/*
 * Lesson 05. What finer locks cost: a lock order to keep.
 *
 * A peer split into two locks, one for the term and one for the log. The
 * heartbeat thread takes term_mu then log_mu; the handler takes log_mu
 * then term_mu. This run never deadlocks (the threads happen not to
 * overlap), but the opposite orders can: ThreadSanitizer reports the
 * inversion at the lines marked ORDER, and so does the runtime's lockdep.
 *
 * expect: tsan-lock-order
 * expect: lockdep lock-order
 */
#include <stdio.h>

#include "rt/rt.h"

struct peer {
	rt_mutex term_mu;
	long current_term;   /* term_mu guards current_term */
	rt_mutex log_mu;
	long log_length;     /* log_mu guards log_length */
};

static struct peer p;

/* Leader: send the log with the current term. */
static void heartbeat(void *unused)
{
	rt_mutex_lock(&p.term_mu);
	rt_mutex_lock(&p.log_mu); /* ORDER */
	printf("heartbeat: term %ld, %ld entries\n", p.current_term, p.log_length);
	rt_mutex_unlock(&p.log_mu);
	rt_mutex_unlock(&p.term_mu);
}

/* Follower: append an entry, then adopt the leader's term. */
static void append_handler(void *unused)
{
	rt_mutex_lock(&p.log_mu);
	p.log_length++;
	rt_mutex_lock(&p.term_mu); /* ORDER LOCKDEP */
	p.current_term = 2;
	rt_mutex_unlock(&p.term_mu);
	rt_mutex_unlock(&p.log_mu);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_mutex_init(&p.term_mu, "peer.term_mu", 0);
	rt_mutex_init(&p.log_mu, "peer.log_mu", 0);
	/* One after the other: no deadlock this time, only the two orders. */
	rt_thread_spawn("heartbeat", 0, heartbeat, NULL);
	rt_threads_wait_quiet(10000);
	rt_thread_spawn("AppendEntries handler", 0, append_handler, NULL);
	rt_threads_wait_quiet(10000);
	return 0;
}
