/*
 * Helpers for the driver's tests: running a command, reading the JSON
 * report, finding marked lines in a source file, changing a copy of raft/.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "alloc.h"
#include "driver_tests.h"
#include "files.h"

extern char **environ;

/* posix_spawn, not system(): no shell, so no quoting surprises. */
int run_command(char *const argv[], const char *output_path)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, output_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(err));
		return -1;
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

json_t *load_json(const char *path)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (root == NULL)
		fprintf(stderr, "%s: line %d: %s\n", path, err.line, err.text);
	return root;
}

/* The tests find the bug lines from the BUG comments in the source, so
 * editing a program cannot leave a test checking a stale line. */
size_t lines_containing(const char *path, const char *marker, int *lines, size_t max)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	char buf[512];
	size_t n = 0;
	for (int line = 1; n < max && fgets(buf, sizeof buf, f) != NULL; line++)
		if (strstr(buf, marker) != NULL)
			lines[n++] = line;
	fclose(f);
	return n;
}

char *copy_of_raft(void)
{
	char *dir = ck_strdup("/tmp/rrl-tree.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		free(dir);
		return NULL;
	}
	char *cp[] = {"cp", "-r", "raft", dir, NULL};
	if (run_command(cp, "/dev/null") != 0) {
		remove_copy(dir);
		return NULL;
	}
	return dir;
}

void remove_copy(char *dir)
{
	if (dir == NULL)
		return;
	/* rrl-check builds a tree outside the project in build/check/<its name>. */
	char *build = ck_strdup_printf("build/check/%s", strrchr(dir, '/') + 1);
	char *rm[] = {"rm", "-rf", dir, build, NULL};
	run_command(rm, "/dev/null");
	free(build);
	free(dir);
}

json_t *result_for(json_t *report, const char *suffix)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(report, "results"), i, r)
	{
		const char *target = json_string_value(json_object_get(r, "target"));
		size_t n = target ? strlen(target) : 0, m = strlen(suffix);
		if (n >= m && strcmp(target + n - m, suffix) == 0)
			return r;
	}
	return NULL;
}

/* raft_bugs/candidate_keeps_term.patch, made here without patch(1):
 * delete the increment of current_term in become_candidate_locked. */
bool keep_the_candidates_term(const char *dir)
{
	char *path = ck_strdup_printf("%s/raft/role.c", dir);
	char *text = ck_read_file(path);
	char *fn = text ? strstr(text, "\nvoid become_candidate_locked(") : NULL;
	char *line = fn ? strstr(fn, "\trf->current_term++;\n") : NULL;
	bool ok = line != NULL;
	if (ok) {
		memmove(line, line + strlen("\trf->current_term++;\n"),
			strlen(line + strlen("\trf->current_term++;\n")) + 1);
		FILE *f = fopen(path, "w");
		ok = f != NULL && fputs(text, f) >= 0;
		if (f != NULL)
			ok = fclose(f) == 0 && ok;
	} else {
		fprintf(stderr,
			"\n  %s: become_candidate_locked no longer has 'rf->current_term++;'; "
			"update this test and raft_bugs/candidate_keeps_term.patch\n",
			path);
	}
	free(text);
	free(path);
	return ok;
}
