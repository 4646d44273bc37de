/*
 * Allocation that cannot fail. See xalloc.h.
 */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

static void out_of_memory(size_t bytes)
{
	fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
	abort();
}

/* A zero-sized request still returns a unique pointer, so that NULL
 * always means a bug. */
void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		out_of_memory(count * size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (q == NULL)
		out_of_memory(size);
	return q;
}
