/*
 * Lesson 07. The _locked convention, checked twice.
 *
 * become_follower_locked must be called with p->mu held: its name says so
 * to people, REQUIRES(p->mu) says so to clang, and rt_assert_held checks it
 * when the program runs. get_term takes the lock itself, so it must be
 * called without it: EXCLUDES(p->mu).
 *
 * clang -Wthread-safety flags every line marked WARNS at compile time. One
 * of the mistakes also runs: lockdep reports it at the line marked LOCKDEP,
 * the assertion inside the function that was called without the lock.
 *
 * expect: static
 * expect: lockdep missing-lock
 */
#include <stdio.h>

#include "rt/rt.h"

enum role { FOLLOWER, CANDIDATE, LEADER };

struct peer {
	rt_mutex mu;
	/* mu guards both */
	long current_term;
	enum role role;
};

/* Caller must hold p->mu. */
static void become_follower_locked(struct peer *p, long term) REQUIRES(p->mu)
{
	rt_assert_held(&p->mu); /* LOCKDEP */
	p->current_term = term;
	p->role = FOLLOWER;
}

static long get_term(struct peer *p) EXCLUDES(p->mu)
{
	rt_mutex_lock(&p->mu);
	long term = p->current_term;
	rt_mutex_unlock(&p->mu);
	return term;
}

/* Right: the lock is held. */
static void on_higher_term(struct peer *p, long term) EXCLUDES(p->mu)
{
	rt_mutex_lock(&p->mu);
	if (term > p->current_term)
		become_follower_locked(p, term);
	rt_mutex_unlock(&p->mu);
}

/* Wrong: forgot the lock. This one runs, so lockdep sees it too. */
static void on_higher_term_unlocked(struct peer *p, long term)
{
	if (term > p->current_term)
		become_follower_locked(p, term); /* WARNS: requires holding mutex 'p->mu' */
}

/* Wrong: get_term takes a lock this thread already holds, and waits for
 * itself forever. Never called; clang rejects it without running it. */
void log_term_while_locked(struct peer *p)
{
	rt_mutex_lock(&p->mu);
	printf("term %ld\n", get_term(p)); /* WARNS: cannot call while 'p->mu' is held */
	rt_mutex_unlock(&p->mu);
}

/* Wrong: an early return leaves the lock held. Never called either. */
void step_down_if_leader(struct peer *p)
{
	rt_mutex_lock(&p->mu);
	if (p->role != LEADER)
		return;
	p->role = FOLLOWER;
	rt_mutex_unlock(&p->mu);
} /* WARNS: mutex 'p->mu' is not held on every path through here */

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	static struct peer p = {.current_term = 1, .role = LEADER};
	rt_mutex_init(&p.mu, "peer.mu", 0);
	on_higher_term(&p, 2);
	on_higher_term_unlocked(&p, 3);
	printf("term %ld\n", get_term(&p));
	return 0;
}
