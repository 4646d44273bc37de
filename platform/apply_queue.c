/*
 * The apply queue: a bounded ring of messages behind one lock, with one
 * condition variable for "not full" and one for "not empty", like a
 * buffered Go channel.
 */
#include "apply_queue.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/* Under schedule noise a put may wait up to this long (logical ms) before
 * the service takes it: long enough for new commits to arrive meanwhile. */
#define APPLY_SLOW_MS 100

struct apply_queue {
	int peer;
	size_t capacity;

	rt_mutex mu;
	rt_cond not_full;  /* signalled, under mu, when a get makes room */
	rt_cond not_empty; /* signalled, under mu, when a put adds a message */
	/* mu must be held when using these. */
	apply_msg *ring; /* capacity slots; count of them from head, wrapping */
	size_t head;
	size_t count;
	bool closed;
	/* The thread that took from the queue last, or -1: a put waiting for
	 * room waits for it, and the watchdog follows that edge. */
	int taker_slot;
};

/* Free the buffers a message owns and forget them. */
void apply_msg_free(apply_msg *m)
{
	free(m->command);
	free(m->snapshot);
	m->command = NULL;
	m->snapshot = NULL;
	m->command_len = 0;
	m->snapshot_len = 0;
}

/* A queue for `peer`'s committed entries holding at most capacity messages. */
apply_queue *apply_queue_make(int peer, size_t capacity)
{
	if (capacity == 0)
		capacity = 1; /* a put must be able to succeed at all */
	apply_queue *q = xcalloc(1, sizeof *q);
	apply_msg *ring = xcalloc(capacity, sizeof *ring);
	q->peer = peer;
	q->capacity = capacity;
	q->ring = ring;
	q->taker_slot = -1;
	rt_mutex_init(&q->mu, "applyq.mu", peer);
	rt_cond_init(&q->not_full);
	rt_cond_init(&q->not_empty);
	return q;
}

/* Free the queue and any messages nobody took. No thread may still use it. */
void apply_queue_free(apply_queue *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->count; i++)
		apply_msg_free(&q->ring[(q->head + i) % q->capacity]);
	rt_cond_destroy(&q->not_full);
	rt_cond_destroy(&q->not_empty);
	rt_mutex_destroy(&q->mu);
	free(q->ring);
	free(q);
}

/* Append m at the tail; the caller checked there is room. */
static void apply_queue_push_locked(apply_queue *q, const apply_msg *m) REQUIRES(q->mu);
static void apply_queue_push_locked(apply_queue *q, const apply_msg *m)
{
	rt_assert_held(&q->mu);
	q->ring[(q->head + q->count) % q->capacity] = *m;
	q->count++;
	rt_cond_signal(&q->not_empty);
}

/* Remove the head into *m; the caller checked the queue is not empty. */
static void apply_queue_pop_locked(apply_queue *q, apply_msg *m) REQUIRES(q->mu);
static void apply_queue_pop_locked(apply_queue *q, apply_msg *m)
{
	rt_assert_held(&q->mu);
	*m = q->ring[q->head];
	q->head = (q->head + 1) % q->capacity;
	q->count--;
	rt_cond_signal(&q->not_full);
}

/* Waits for room, then moves m's buffers into the queue. */
bool apply_queue_put_at(apply_queue *q, apply_msg *m, rt_site site)
{
	/* Checked before locking: the caller must hold no lock of its own. */
	rt_might_block_at("apply_queue_put", site);
	/* The service may be slow to take what it is given: the peer must not
	 * assume its state stands still meanwhile. Noise makes that happen. */
	int64_t slow_ms = rt_noise_hold_ms(APPLY_SLOW_MS);
	if (slow_ms > 0)
		rt_sleep_ms_at(slow_ms, site);
	rt_mutex_lock_at(&q->mu, site);
	if (q->count == q->capacity && !q->closed) {
		rt_wait_begin(RT_WAIT_QUEUE, "apply queue full", q->taker_slot, site);
		while (q->count == q->capacity && !q->closed)
			rt_cond_wait_at(&q->not_full, &q->mu, site);
		rt_wait_end();
	}
	bool ok = !q->closed;
	if (ok)
		apply_queue_push_locked(q, m);
	rt_mutex_unlock(&q->mu);

	if (!ok)
		apply_msg_free(m);
	/* Either way m's buffers are no longer the caller's. */
	m->command = NULL;
	m->snapshot = NULL;
	return ok;
}

/* Waits for a message; after close, hands out what is left, then fails. */
bool apply_queue_get_at(apply_queue *q, apply_msg *m, rt_site site)
{
	rt_might_block_at("apply_queue_get", site);
	rt_mutex_lock_at(&q->mu, site);
	q->taker_slot = rt_thread_slot();
	if (q->count == 0 && !q->closed) {
		rt_wait_begin(RT_WAIT_QUEUE, "apply queue empty", -1, site);
		while (q->count == 0 && !q->closed)
			rt_cond_wait_at(&q->not_empty, &q->mu, site);
		rt_wait_end();
	}
	bool ok = q->count > 0;
	if (ok)
		apply_queue_pop_locked(q, m);
	rt_mutex_unlock(&q->mu);
	return ok;
}

/* Wake every waiter: blocked puts fail, blocked gets drain and then fail. */
void apply_queue_close(apply_queue *q)
{
	rt_mutex_lock(&q->mu);
	q->closed = true;
	rt_cond_broadcast(&q->not_full);
	rt_cond_broadcast(&q->not_empty);
	rt_mutex_unlock(&q->mu);
}
