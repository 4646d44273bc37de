/*
 * Lock-protocol mistakes clang's -Wthread-safety finds without running
 * anything, beyond the three in tests/static/wrong_calls.c: releasing a
 * lock that is not held, locking one already held, and a lock held on
 * only some paths. Never linked; only analysed.
 */
#include <stdbool.h>

#include "rt/rt.h"

struct box {
	rt_mutex mu;
	/* mu guards: */
	int value;
};

void box_set_locked(struct box *b, int v) REQUIRES(b->mu);

/* Unlocks a lock this function never took (rule 0). */
void wrong_unlock_twice(struct box *b)
{
	rt_mutex_lock(&b->mu);
	box_set_locked(b, 1);
	rt_mutex_unlock(&b->mu);
	rt_mutex_unlock(&b->mu);
}

/* Takes the same lock twice; the second acquire waits forever. */
void wrong_lock_twice(struct box *b)
{
	rt_mutex_lock(&b->mu);
	rt_mutex_lock(&b->mu);
	box_set_locked(b, 2);
	rt_mutex_unlock(&b->mu);
}

/* The lock is held after the if on one path only. */
void wrong_lock_on_one_path(struct box *b, bool fast)
{
	if (!fast)
		rt_mutex_lock(&b->mu);
	b->value = 3;
	rt_mutex_unlock(&b->mu);
}

/* A helper that needs the lock, called from a path without it. */
void wrong_set_without_lock(struct box *b)
{
	box_set_locked(b, 4);
}
