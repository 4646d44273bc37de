/*
 * The symbols an object file or shared library defines and uses, read
 * with elfutils' libelf: what the submission policy (policy.h) checks.
 */
#ifndef CK_ELF_SYMBOLS_H
#define CK_ELF_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>

/* A sorted set of names. */
typedef struct ck_names {
	char **items;
	size_t n, cap;
	bool sorted;
} ck_names;

void ck_names_add(ck_names *s, const char *name);
bool ck_names_has(ck_names *s, const char *name);
void ck_names_free(ck_names *s);

typedef struct ck_elf_symbols {
	ck_names defined;   /* global and weak symbols it defines */
	ck_names undefined; /* symbols it uses and does not define */
	/* Sections that run code before main or after it: .init_array,
	 * .preinit_array, .fini_array, .ctors, .dtors ("" when none). */
	char constructor_section[32];
} ck_elf_symbols;

/* Add path's symbols to *out: an object's symbol table, a shared
 * library's dynamic one. Returns 0, or -1 with a message in err. */
int ck_elf_read_symbols(const char *path, ck_elf_symbols *out, char *err, size_t errlen);
void ck_elf_symbols_free(ck_elf_symbols *s);

#endif
