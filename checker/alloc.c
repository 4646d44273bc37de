/*
 * Memory for the checker. See alloc.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void ck_out_of_memory(void)
{
	fputs("rrl-check: out of memory\n", stderr);
	abort();
}

void *ck_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		ck_out_of_memory();
	return p;
}

void *ck_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		ck_out_of_memory();
	return p;
}

/* reallocarray refuses an n * size that overflows instead of allocating
 * too little. A request for nothing still gets a block, so that NULL
 * always means failure. */
void *ck_realloc_array(void *p, size_t n, size_t size)
{
	p = reallocarray(p, n ? n : 1, size ? size : 1);
	if (p == NULL)
		ck_out_of_memory();
	return p;
}

char *ck_strdup(const char *s)
{
	return s ? ck_strndup(s, strlen(s)) : NULL;
}

char *ck_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *copy = ck_malloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *ck_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		ck_out_of_memory();
	return s;
}
