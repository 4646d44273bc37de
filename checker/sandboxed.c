/*
 * Running a submission's jobs through rrl-sandbox. See sandboxed.h.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "sandboxed.h"

bool ck_sandboxed(const ck_options *o, const ck_target *t)
{
	return o->sandbox && t->result->variant == CK_SUBMISSION;
}

static bool readable_by_others(const char *path, bool dir)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	return (st.st_mode & S_IROTH) && (!dir || (st.st_mode & S_IXOTH));
}

bool ck_sandbox_can_read(const char *path)
{
	if (!readable_by_others(path, true))
		return false;
	char *raft = ck_strdup_printf("%s/raft", path);
	bool ok = readable_by_others(raft, true);
	free(raft);
	return ok;
}

void ck_sandbox_wrap(ck_job *j, const ck_options *o, const ck_target *t, const char *write_dir,
		     const char *status_path)
{
	size_t old = 0;
	while (j->argv[old] != NULL)
		old++;
	char **argv = ck_calloc(old + 26 + 2 * o->nsandbox_hide, sizeof *argv);
	size_t n = 0;
	argv[n++] = ck_strdup(CK_SANDBOX);
	argv[n++] = ck_strdup("--write");
	argv[n++] = ck_strdup(write_dir);
	argv[n++] = ck_strdup("--time");
	argv[n++] = ck_strdup_printf("%.0f", j->timeout_s);
	argv[n++] = ck_strdup("--memory");
	argv[n++] = ck_strdup_printf("%d", CK_SANDBOX_MEMORY_MB);
	argv[n++] = ck_strdup("--procs");
	argv[n++] = ck_strdup_printf("%d", CK_SANDBOX_PROCS);
	argv[n++] = ck_strdup("--file-size");
	argv[n++] = ck_strdup_printf("%d", CK_SANDBOX_FILE_MB);
	/* The tree may be under /tmp, which the sandbox replaces. */
	argv[n++] = ck_strdup("--read");
	argv[n++] = ck_strdup(t->path);
	argv[n++] = ck_strdup("--status");
	argv[n++] = ck_strdup(status_path);
	/* The runner's channels, opened by the pool (run.h). */
	if (j->results_path != NULL) {
		argv[n++] = ck_strdup("--keep-fd");
		argv[n++] = ck_strdup("3");
	}
	if (j->findings_path != NULL) {
		argv[n++] = ck_strdup("--keep-fd");
		argv[n++] = ck_strdup("4");
	}
	for (size_t i = 0; i < o->nsandbox_hide; i++) {
		argv[n++] = ck_strdup("--hide");
		argv[n++] = ck_strdup(o->sandbox_hide[i]);
	}
	argv[n++] = ck_strdup("--");
	for (size_t i = 0; i < old; i++)
		argv[n++] = j->argv[i];
	argv[n] = NULL;
	free(j->argv);
	j->argv = argv;
	j->sandbox_status = ck_strdup(status_path);
	/* The sandbox stops the command and cleans up; the pool's own limit
	 * is only for a sandbox that hangs itself. */
	j->timeout_s += 30;
}

/* Did the run's output reach the file-size limit? The sandbox's own
 * status says so only when the runner itself died of it, not when one of
 * its test processes did. */
static bool output_at_limit(const ck_job *j)
{
	const char *paths[] = {j->stdout_path, j->stderr_path};
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		if (paths[i] != NULL && stat(paths[i], &st) == 0 &&
		    st.st_size >= (off_t)CK_SANDBOX_FILE_MB * 1024 * 1024)
			return true;
	}
	return false;
}

static bool flag(const json_t *s, const char *name)
{
	return json_is_true(json_object_get(s, name));
}

char *ck_sandbox_outcome(ck_job *j)
{
	if (j->sandbox_status == NULL)
		return NULL;
	json_error_t err;
	json_t *s = json_load_file(j->sandbox_status, 0, &err);
	if (s == NULL)
		return ck_strdup_printf("the sandbox left no status (%s): the run's result "
					"cannot be trusted",
					err.text);
	char *why = NULL;
	const json_t *error = json_object_get(s, "error");
	if (json_is_string(error))
		why = ck_strdup_printf("the sandbox could not run it: %s", json_string_value(error));
	else if (flag(s, "timed_out"))
		j->timed_out = true; /* reported as any run stopped at its time limit */
	else if (flag(s, "out_of_memory"))
		why = ck_strdup_printf("it used more than %d MB of memory; the sandbox stopped it",
				       CK_SANDBOX_MEMORY_MB);
	else if (flag(s, "procs_limit"))
		why = ck_strdup_printf("it tried to run more than %d processes and threads at once",
				       CK_SANDBOX_PROCS);
	else if (flag(s, "file_limit") || output_at_limit(j))
		why = ck_strdup_printf("it wrote more than %d MB of output; the sandbox stopped it",
				       CK_SANDBOX_FILE_MB);
	else if (flag(s, "cpu_limit"))
		why = ck_strdup("it used up its CPU time; the sandbox stopped it");
	json_decref(s);
	return why;
}

char *ck_sandbox_mode(const ck_job *j)
{
	if (j->sandbox_status == NULL)
		return NULL;
	json_t *s = json_load_file(j->sandbox_status, 0, NULL);
	const char *mode = json_string_value(json_object_get(s, "mode"));
	const char *why = json_string_value(json_object_get(s, "why_fallback"));
	char *text = mode == NULL ? ck_strdup("unknown (no status)")
		     : why != NULL ? ck_strdup_printf("%s (%s)", mode, why)
				   : ck_strdup(mode);
	json_decref(s);
	return text;
}
