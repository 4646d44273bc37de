/*
 * Small file-system helpers the driver needs: read a whole file, make and
 * empty directories, list the files a detector wrote.
 */
#ifndef CK_FILES_H
#define CK_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* The whole file as a NUL-terminated string, or NULL (errno set). */
char *ck_read_file(const char *path);
/* mkdir -p; 0 or -1 (errno set). */
int ck_mkdirs(const char *path);
/* rm -rf; 0 or -1 (errno set). A missing path is not an error. */
int ck_remove_tree(const char *path);
/* Paths matching a glob(3) pattern, sorted, NULL-terminated; free with
 * ck_free_strv. Never NULL. */
char **ck_glob(const char *pattern);
void ck_free_strv(char **v);
bool ck_is_dir(const char *path);
/* Take an exclusive lock on dir/.lock (creating both), waiting, with a
 * message naming `what`, if another rrl-check holds it. Returns the lock's
 * file descriptor (close it to unlock), or -1 (errno set). */
int ck_lock_dir(const char *dir, const char *what);
/* Run argv (argv[0] looked up in PATH; no shell) and return what it
 * printed on stdout, or NULL if it could not run or exited non-zero. */
char *ck_command_output(char *const argv[]);

#endif
