/*
 * Finding the project root and the external tools. See tools.h.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "files.h"
#include "tools.h"

/* A directory is the project root only if it has what the checker uses
 * from it; a wrong guess would fail much later and less clearly. */
static bool is_root(const char *dir)
{
	char *makefile = ck_strdup_printf("%s/Makefile", dir);
	char *rt = ck_strdup_printf("%s/platform/rt", dir);
	bool yes = access(makefile, R_OK) == 0 && ck_is_dir(rt);
	free(makefile);
	free(rt);
	return yes;
}

/* The executable's own path, not the current directory, says which
 * checkout it belongs to, so rrl-check works from anywhere. */
static char *root_from_exe(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (slash == NULL)
			return NULL;
		*slash = '\0';
	}
	return exe[0] ? realpath(exe, NULL) : NULL;
}

char *ck_find_root(const char *argv0)
{
	(void)argv0;
	const char *env = getenv("RRL_ROOT");
	if (env != NULL && env[0] != '\0')
		return is_root(env) ? realpath(env, NULL) : NULL;
	char *dir = root_from_exe();
	if (dir != NULL && is_root(dir))
		return dir;
	free(dir);
	return is_root(".") ? realpath(".", NULL) : NULL;
}

char *ck_which(const char *name)
{
	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0 ? ck_strdup(name) : NULL;
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	char *copy = ck_strdup(path);
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full = ck_strdup_printf("%s/%s", dir, name);
		if (access(full, X_OK) == 0) {
			free(copy);
			return full;
		}
		free(full);
	}
	free(copy);
	return NULL;
}

/* The same order as the Makefile's CLANG, so the static detector and
 * the TSan build use the same compiler. */
char *ck_find_clang(void)
{
	static const char *const names[] = {"clang-22", "clang-21", "clang-20", "clang-19",
					    "clang"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *p = ck_which(names[i]);
		if (p != NULL)
			return p;
	}
	return NULL;
}

/* Without a symbolizer TSan prints addresses, not file:line, and no
 * report could point at a line. */
char *ck_find_symbolizer(void)
{
	char *p = ck_which("llvm-symbolizer-19");
	return p != NULL ? p : ck_which("llvm-symbolizer");
}

void ck_tools_find(ck_tools *tools)
{
	tools->clang = ck_find_clang();
	tools->valgrind = ck_which("valgrind");
	tools->symbolizer = ck_find_symbolizer();
}
