/*
 * Allocation for the whole peer. Out of memory is nothing a peer can
 * recover from, so these never return NULL: they stop the program loudly.
 * Asking for zero bytes still returns a pointer that free() accepts.
 */
#ifndef RAFT_ALLOC_H
#define RAFT_ALLOC_H

#include <stddef.h>

/* calloc: count objects of size bytes, zeroed. */
void *raft_xcalloc(size_t count, size_t size);
/* realloc: p (which may be NULL) resized to size bytes. */
void *raft_xrealloc(void *p, size_t size);

#endif
