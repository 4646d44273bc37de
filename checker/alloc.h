/*
 * Memory for the checker. Every allocation in checker/ goes through these:
 * without memory the checker can do nothing useful, so running out ends
 * it at once with one message ("rrl-check: out of memory") and abort(),
 * and no caller checks for NULL.
 */
#ifndef CK_ALLOC_H
#define CK_ALLOC_H

#include <stddef.h>

/* The end for an allocation made elsewhere (a library, open_memstream). */
void ck_out_of_memory(void) __attribute__((noreturn));

void *ck_malloc(size_t size);
void *ck_calloc(size_t n, size_t size);
/* Resize an array to n elements of size bytes each (p may be NULL). */
void *ck_realloc_array(void *p, size_t n, size_t size);

/* A copy of s; ck_strdup(NULL) is NULL. */
char *ck_strdup(const char *s);
/* A copy of at most n bytes of s, always terminated. */
char *ck_strndup(const char *s, size_t n);
char *ck_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
