/*
 * Allocation that cannot fail. Running out of memory is nothing a test can
 * recover from, so these stop the process loudly instead of returning
 * NULL, and no caller has to check.
 */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

/* calloc: count zeroed objects of size bytes (at least one byte). */
void *xcalloc(size_t count, size_t size);
/* realloc to size bytes (at least one byte). */
void *xrealloc(void *p, size_t size);

#endif
