/*
 * Where things are: the project's root directory (whose Makefile, harness
 * and suppression files the checker uses) and the external tools.
 */
#ifndef CK_TOOLS_H
#define CK_TOOLS_H

/* The external tools the detectors run; NULL when not installed. */
typedef struct ck_tools {
	char *clang;	  /* static analysis */
	char *valgrind;	  /* Helgrind */
	char *symbolizer; /* file:line in TSan's stacks */
} ck_tools;

void ck_tools_find(ck_tools *tools);

/* The project root: $RRL_ROOT, else the directory three levels above this
 * executable (ROOT/build/checker/rrl-check), else the current directory,
 * as long as it holds a Makefile and platform/rt/. NULL if none does. */
char *ck_find_root(const char *argv0);
/* The full path of an executable found in PATH, or NULL. */
char *ck_which(const char *name);
/* The newest clang installed, chosen as the Makefile chooses it. */
char *ck_find_clang(void);
/* llvm-symbolizer for TSan's stacks, or NULL. */
char *ck_find_symbolizer(void);

#endif
