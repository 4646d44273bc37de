/*
 * Building targets with the Makefile. See build.h.
 *
 * The trusted objects (platform/, harness/, tests/) are built first, in one
 * make, so that the per-target makes that follow, running in parallel,
 * find them up to date and never write the same file at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "build.h"
#include "files.h"
#include "policy.h"
#include "run.h"
#include "sandboxed.h"

#define BUILD_TIMEOUT_S 900
#define BUILD_ESTIMATE_S 10

/* Plain builds are what Helgrind, lockdep, the invariants and the
 * watchdog run, and they also prove the code compiles; TSan builds only
 * when TSan is asked for. */
static bool want_tsan(const ck_options *o)
{
	return o->detectors[CK_TSAN];
}

static char **strv(size_t n)
{
	return ck_calloc(n + 1, sizeof(char *));
}

/* The same make flags everywhere: quiet, no "Entering directory". */
static ck_job *make_job(char *label, char *log, int parallel)
{
	ck_job *j = ck_calloc(1, sizeof *j);
	j->argv = strv(16);
	j->argv[0] = ck_strdup("make");
	j->argv[1] = ck_strdup("-s");
	j->argv[2] = ck_strdup("--no-print-directory");
	j->argv[3] = ck_strdup_printf("-j%d", parallel);
	j->stdout_path = log;
	j->timeout_s = BUILD_TIMEOUT_S;
	j->estimate_s = BUILD_ESTIMATE_S;
	j->label = label;
	return j;
}

static void add_arg(ck_job *j, char *arg)
{
	size_t i = 0;
	while (j->argv[i] != NULL)
		i++;
	j->argv[i] = arg;
}

/* The make goals of one target, in the flavours the detectors need. */
static void add_goals(ck_job *j, const ck_target *t, const ck_options *o)
{
	if (t->program == NULL) {
		add_arg(j, ck_strdup_printf("RAFT_DIR=%s/raft", t->path));
		add_arg(j, ck_strdup_printf("OUT=%s", t->out));
	}
	add_arg(j, ck_target_binary(t, "plain"));
	if (want_tsan(o))
		add_arg(j, ck_target_binary(t, "tsan"));
}

/* Objects left from an earlier check of another tree with the same name
 * (copied with its old timestamps) would look up to date to make. */
static void forget_old_build(const ck_target *t)
{
	if (t->program != NULL)
		return;
	static const char *const flavours[] = {"plain", "tsan"};
	for (size_t i = 0; i < 2; i++) {
		char *dir = ck_strdup_printf("%s/%s", t->out, flavours[i]);
		ck_remove_tree(dir);
		free(dir);
	}
}

/* A student needs the compiler's words, not make's echo lines and "***
 * Error 1" trailer. */
static char *compiler_message(const char *log_path, int exit_code)
{
	char *log = ck_read_file(log_path);
	if (log == NULL)
		return ck_strdup_printf("make failed (exit status %d) and wrote no log to %s",
					exit_code, log_path);
	size_t len = strlen(log);
	char *msg = ck_malloc(len + 1);
	size_t used = 0;
	for (char *line = log; *line;) {
		size_t n = strcspn(line, "\n");
		bool noise = strncmp(line, "  CC [", 6) == 0 || strncmp(line, "  LD [", 6) == 0 ||
			     strncmp(line, "make: ***", 9) == 0 || strncmp(line, "make[", 5) == 0;
		if (!noise) {
			memcpy(msg + used, line, n);
			used += n;
			msg[used++] = '\n';
		}
		line += n + (line[n] == '\n');
	}
	msg[used] = '\0';
	if (used == 0) {
		free(msg);
		msg = log;
	} else {
		free(log);
	}
	return msg;
}

typedef struct build_ctx {
	ck_target *target; /* NULL for the trusted build */
	const ck_options *target_options;
	bool trusted_failed;
} build_ctx;

/* A sandboxed submission that built is read before any of it runs; a
 * breach of the policy is its build error, so nothing of it runs. One
 * that compiled but did not link (it took a name the harness owns) is
 * read too: the breach says more than the linker. */
static void refuse_if_breaching(ck_target *t, ck_job *j)
{
	char *objects = ck_strdup_printf("%s/plain/obj/raft", t->out);
	char *pattern = ck_strdup_printf("%s/*.o", objects);
	char **found = ck_glob(pattern);
	char *breaches = found[0] != NULL ? ck_policy_check_build(objects) : NULL;
	ck_free_strv(found);
	free(pattern);
	free(objects);
	if (breaches == NULL)
		return;
	free(t->result->build_error);
	t->result->build_error = ck_strdup_printf(
	    "refused before it ran: it breaks the submission policy (checker/README.md, \"What a "
	    "submission may call\"):\n%s",
	    breaches);
	free(breaches);
	snprintf(j->outcome, sizeof j->outcome, "REFUSED");
}

static void build_done(ck_job *j, void *arg)
{
	build_ctx *all = arg;
	build_ctx *c = j->ctx;
	int code = ck_job_exit_code(j);
	char *limit = ck_sandbox_outcome(j);
	if (c->target != NULL && j->sandbox_status != NULL)
		c->target->result->sandbox = ck_sandbox_mode(j);
	if (code == 0 && !j->timed_out && limit == NULL) {
		snprintf(j->outcome, sizeof j->outcome, "built");
		if (c->target != NULL && ck_sandboxed(c->target_options, c->target))
			refuse_if_breaching(c->target, j);
		return;
	}
	if (limit != NULL && c->target != NULL) {
		c->target->result->build_error = ck_strdup_printf("the build was stopped: %s", limit);
		free(limit);
		snprintf(j->outcome, sizeof j->outcome, "build FAILED");
		return;
	}
	char *msg = j->timed_out
			? ck_strdup_printf("the build took longer than %d s and was stopped",
					   BUILD_TIMEOUT_S)
			: compiler_message(j->stdout_path, code);
	snprintf(j->outcome, sizeof j->outcome, "build FAILED");
	if (c->target != NULL) {
		c->target->result->build_error = msg;
		if (ck_sandboxed(c->target_options, c->target))
			refuse_if_breaching(c->target, j);
		return;
	}
	fprintf(stderr,
		"rrl-check: the trusted harness does not build (%s):\n%s"
		"rrl-check: this is not the target's fault; run 'make build' in the project "
		"root to see why\n",
		j->stdout_path, msg);
	free(msg);
	all->trusted_failed = true;
}

/* One make for the trusted parts, so the parallel per-target makes
 * never race to build the same object. */
static int build_trusted(const ck_options *o, ck_progress *progress)
{
	/* Held while make writes the trusted objects; closing it unlocks. */
	int lock = ck_lock_dir("build/check", "the trusted build");
	ck_job *j =
	    make_job(ck_strdup("trusted harness"), ck_strdup("build/check/trusted.log"), o->jobs);
	add_arg(j, ck_strdup("build/plain/raft-tests"));
	if (want_tsan(o))
		add_arg(j, ck_strdup("build/tsan/raft-tests"));
	build_ctx all = {0}, self = {0};
	j->ctx = &self;
	ck_progress_phase(progress, "build");
	ck_run_limits one = {.parallel = 1};
	int rc = ck_run_jobs(&j, 1, &one, progress, build_done, &all);
	ck_job_free(j);
	if (lock >= 0)
		close(lock);
	return rc < 0 || all.trusted_failed ? -1 : 0;
}

int ck_build_targets(ck_target *targets, size_t n, const ck_options *o, ck_progress *progress)
{
	if (build_trusted(o, progress) != 0)
		return -1;
	ck_job **jobs = ck_calloc(n, sizeof *jobs);
	build_ctx *ctx = ck_calloc(n, sizeof *ctx);
	int per_make = o->jobs / (int)(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		ck_target *t = &targets[i];
		ck_mkdirs(t->out);
		forget_old_build(t);
		jobs[i] =
		    make_job(ck_strdup_printf("%s build", t->name),
			     ck_strdup_printf("%s/build.log", t->out), per_make > 0 ? per_make : 1);
		add_goals(jobs[i], t, o);
		ctx[i].target = t;
		ctx[i].target_options = o;
		if (ck_sandboxed(o, t)) {
			char *status = ck_strdup_printf("%s/sandbox/build.json", t->out);
			char *dir = ck_strdup_printf("%s/sandbox", t->out);
			ck_mkdirs(dir);
			ck_sandbox_wrap(jobs[i], o, t, t->out, status);
			free(dir);
			free(status);
		}
		jobs[i]->ctx = &ctx[i];
	}
	build_ctx all = {0};
	ck_run_limits limits = {.parallel = o->jobs};
	int rc = ck_run_jobs(jobs, n, &limits, progress, build_done, &all);
	for (size_t i = 0; i < n; i++)
		ck_job_free(jobs[i]);
	free(jobs);
	free(ctx);
	return rc;
}
