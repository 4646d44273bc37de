/*
 * The one place in raft/ that checks for out of memory (see alloc.h).
 */
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>

static void out_of_memory(size_t bytes)
{
	fprintf(stderr, "raft: out of memory (%zu bytes)\n", bytes);
	abort();
}

void *raft_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		out_of_memory(count * size);
	return p;
}

/* realloc(p, 0) may free p and return NULL, so zero becomes one byte. */
void *raft_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (q == NULL)
		out_of_memory(size);
	return q;
}
