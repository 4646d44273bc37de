/*
 * The persister: where a peer saves its Raft state and snapshot, standing
 * in for a disk. The harness copies a crashed peer's persister and hands the
 * copy to the restarted peer, so the restarted peer sees exactly what was
 * saved before the crash and nothing the dead instance writes later.
 *
 * Thread-safe: every function takes the persister's own lock.
 */
#ifndef PERSISTER_H
#define PERSISTER_H

#include <stddef.h>

typedef struct persister persister;

persister *persister_make(void);
void persister_free(persister *ps);
/* A new persister holding copies of ps's state and snapshot. */
persister *persister_copy(persister *ps);

/* Save state and snapshot together, atomically; either may be empty
 * (NULL, 0). Copies the bytes. */
void persister_save(persister *ps, const void *state, size_t state_len,
		    const void *snapshot, size_t snapshot_len);

/* Return a malloc'd copy of the saved bytes (NULL when empty) and set *len.
 * The caller frees it. */
void *persister_read_state(persister *ps, size_t *len);
void *persister_read_snapshot(persister *ps, size_t *len);

size_t persister_state_size(persister *ps);
size_t persister_snapshot_size(persister *ps);

#endif
