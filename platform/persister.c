/*
 * The persister: two byte strings behind a lock. Bytes are copied on the
 * way in and on the way out, so no caller ever holds a pointer into the
 * persister and a crashed peer cannot change what its successor reads.
 */
#include "persister.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/history.h"
#include "rt/rt.h"
#include "xalloc.h"

struct persister {
	rt_mutex mu;
	/* mu must be held when using these. */
	void *state;
	size_t state_len;
	void *snapshot;
	size_t snapshot_len;
};

/* A malloc'd copy of n bytes, or NULL when n is 0. */
static void *persister_dup(const void *p, size_t n)
{
	if (n == 0)
		return NULL;
	void *q = xrealloc(NULL, n);
	memcpy(q, p, n);
	return q;
}

/* An empty persister, as on a fresh disk. */
persister *persister_make(void)
{
	persister *ps = xcalloc(1, sizeof *ps);
	rt_mutex_init(&ps->mu, "persister.mu", -1);
	return ps;
}

/* No thread may still use ps. */
void persister_free(persister *ps)
{
	if (ps == NULL)
		return;
	rt_mutex_destroy(&ps->mu);
	free(ps->state);
	free(ps->snapshot);
	free(ps);
}

/* Copies under ps's lock, so the copy is one consistent save. */
persister *persister_copy(persister *ps)
{
	persister *cp = persister_make();
	rt_mutex_lock(&ps->mu);
	/* cp is not shared yet, so its fields need no lock. */
	cp->state = persister_dup(ps->state, ps->state_len);
	cp->state_len = ps->state_len;
	cp->snapshot = persister_dup(ps->snapshot, ps->snapshot_len);
	cp->snapshot_len = ps->snapshot_len;
	rt_mutex_unlock(&ps->mu);
	return cp;
}

/* Both copies are made before taking the lock, so the swap is all a reader
 * can ever see: the old pair or the new pair, never a mix. */
void persister_save(persister *ps, const void *state, size_t state_len, const void *snapshot,
		    size_t snapshot_len)
{
	void *new_state = persister_dup(state, state_len);
	void *new_snapshot = persister_dup(snapshot, snapshot_len);
	/* The caller's critical section is the one that saved the state: a
	 * crash's history keeps it (rt/history.h). */
	rt_history_saving();

	rt_mutex_lock(&ps->mu);
	void *old_state = ps->state;
	void *old_snapshot = ps->snapshot;
	ps->state = new_state;
	ps->state_len = new_state ? state_len : 0;
	ps->snapshot = new_snapshot;
	ps->snapshot_len = new_snapshot ? snapshot_len : 0;
	rt_mutex_unlock(&ps->mu);

	free(old_state);
	free(old_snapshot);
}

/* A fresh copy, so the caller may keep or change it freely. */
void *persister_read_state(persister *ps, size_t *len)
{
	rt_mutex_lock(&ps->mu);
	void *copy = persister_dup(ps->state, ps->state_len);
	*len = ps->state_len;
	rt_mutex_unlock(&ps->mu);
	return copy;
}

/* A fresh copy, as for the state. */
void *persister_read_snapshot(persister *ps, size_t *len)
{
	rt_mutex_lock(&ps->mu);
	void *copy = persister_dup(ps->snapshot, ps->snapshot_len);
	*len = ps->snapshot_len;
	rt_mutex_unlock(&ps->mu);
	return copy;
}

/* For the tests that check the log is compacted. */
size_t persister_state_size(persister *ps)
{
	rt_mutex_lock(&ps->mu);
	size_t n = ps->state_len;
	rt_mutex_unlock(&ps->mu);
	return n;
}

/* Size of the saved snapshot in bytes. */
size_t persister_snapshot_size(persister *ps)
{
	rt_mutex_lock(&ps->mu);
	size_t n = ps->snapshot_len;
	rt_mutex_unlock(&ps->mu);
	return n;
}
