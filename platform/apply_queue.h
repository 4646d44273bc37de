/*
 * The apply queue: the C form of 6.5840's applyCh. A peer puts each
 * committed entry here, in order; the harness takes them out and checks
 * them. The queue is bounded and small, so a put blocks until the harness
 * has taken earlier messages: like a Go channel, it can make a peer wait,
 * and putting while holding the peer's lock is a rule-4 bug.
 */
#ifndef APPLY_QUEUE_H
#define APPLY_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct apply_msg {
	bool command_valid;
	void *command;          /* malloc'd; owned by the message */
	size_t command_len;
	int64_t command_index;

	/* For snapshots (3D). */
	bool snapshot_valid;
	void *snapshot;
	size_t snapshot_len;
	int64_t snapshot_term;
	int64_t snapshot_index;
} apply_msg;

void apply_msg_free(apply_msg *m);

typedef struct apply_queue apply_queue;

apply_queue *apply_queue_make(int peer, size_t capacity);
void apply_queue_free(apply_queue *q);

/* Blocks while the queue is full. Takes ownership of m's buffers. Returns
 * false (and frees them) if the queue is closed. Blocking: call without
 * holding any lock. */
#define apply_queue_put(q, m) apply_queue_put_at((q), (m), RT_HERE)
/* Blocks while the queue is empty. Returns false once closed and drained. */
#define apply_queue_get(q, m) apply_queue_get_at((q), (m), RT_HERE)
/* After close, puts fail at once and gets drain what is left. */
void apply_queue_close(apply_queue *q);

#include "rt/rt.h"
bool apply_queue_put_at(apply_queue *q, apply_msg *m, rt_site site);
bool apply_queue_get_at(apply_queue *q, apply_msg *m, rt_site site);

#endif
