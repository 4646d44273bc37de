/*
 * Mistakes on purpose, to prove that the thread-safety annotations in raft/
 * bite: clang -Wthread-safety must warn on every line marked with an
 * EXPECT-WARNING comment
 * and nowhere else (scripts/static-check.sh checks both). Never linked.
 */
#include "raft_internal.h"

/* Rule 1: a _locked function called without its lock. */
void wrong_become_follower_without_lock(raft *rf)
{
	become_follower_locked(rf, 2); /* EXPECT-WARNING requires holding mutex 'rf->mu' */
}

/* Rule 4, at its simplest: a function that takes the lock, called while
 * holding it, waits for itself forever. */
void wrong_get_state_with_lock_held(raft *rf)
{
	int64_t term;
	bool is_leader;
	rt_mutex_lock(&rf->mu);
	raft_get_state(rf, &term, &is_leader); /* EXPECT-WARNING cannot call while 'rf->mu' is held */
	rt_mutex_unlock(&rf->mu);
}

/* A critical section that never ends: every later lock waits forever. */
void wrong_forgets_to_unlock(raft *rf)
{
	rt_mutex_lock(&rf->mu);
	rf->votes = 0;
} /* EXPECT-WARNING mutex 'rf->mu' is still held at the end of function */

/* The correct forms, which must stay quiet. */
void right_become_follower(raft *rf)
{
	rt_mutex_lock(&rf->mu);
	become_follower_locked(rf, 2);
	rt_mutex_unlock(&rf->mu);
}

void right_get_state(raft *rf)
{
	int64_t term;
	bool is_leader;
	raft_get_state(rf, &term, &is_leader);
}
