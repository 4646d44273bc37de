/*
 * rrl-check: build each target, run every detector on it, grade what they
 * report, and say so on the terminal, in JSON and in JUnit XML.
 *
 *   options.c   the command line          target.c    what each TARGET is
 *   build.c     building with the Makefile plan.c     which runs to make
 *   run.c       running them, N at a time  collect.c   reading what they found
 *   progress.c  the progress line          report*.c   the outputs (report.h)
 *   share.c     a run planned for several targets with the same sources, made once
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "build.h"
#include "detect.h"
#include "files.h"
#include "hunt.h"
#include "options.h"
#include "progress.h"
#include "race_names.h"
#include "report.h"
#include "run.h"
#include "sandboxed.h"
#include "share.h"
#include "target.h"
#include "tools.h"

/* The exit status after an interrupt, as a shell reports SIGINT. */
#define EXIT_INTERRUPTED 130

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The checker works from the project root (the Makefile's home), so
 * paths the user gave relative to where they stood are fixed first. */
static const char *absolute(const char *path, const char *cwd)
{
	if (path == NULL || path[0] == '/' || strcmp(path, "-") == 0)
		return path;
	return ck_strdup_printf("%s/%s", cwd, path);
}

static bool directory_writable(const char *path)
{
	char *copy = ck_strdup(path);
	bool ok = access(dirname(copy), W_OK) == 0;
	int saved = errno;
	free(copy);
	errno = saved;
	return ok;
}

/* A report that cannot be written is found out now, not after hours of
 * runs: the file must be writable, or its directory must be. */
static bool can_write(const char *path, const char *flag)
{
	if (path == NULL || strcmp(path, "-") == 0)
		return true;
	if (access(path, F_OK) == 0 ? access(path, W_OK) == 0 : directory_writable(path))
		return true;
	fprintf(stderr, "rrl-check: %s %s: cannot write there (%s); make its directory first\n",
		flag, path, strerror(errno));
	return false;
}

/* A command printed with -v must paste into a shell unchanged. */
static void print_quoted(const char *s)
{
	if (s[0] != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_./=:,+-%@") == strlen(s)) {
		fprintf(stderr, " %s", s);
		return;
	}
	fputs(" '", stderr);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", stderr);
		else
			fputc(*s, stderr);
	fputc('\'', stderr);
}

/* With -v, every command is shown so it can be run by hand. */
static void print_commands(ck_job **jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(stderr, "rrl-check: %s:", jobs[i]->label);
		for (char **e = jobs[i]->env; e && *e; e++)
			print_quoted(*e);
		for (char **a = jobs[i]->argv; *a; a++)
			print_quoted(*a);
		fputc('\n', stderr);
	}
}

/* All targets' runs go into one pool, so -j keeps every CPU busy
 * across targets, not just within one. */
static int run_detectors(ck_target *targets, size_t n, const ck_options *o, ck_progress *progress)
{
	ck_tools tools;
	ck_tools_find(&tools);
	ck_job **jobs = NULL;
	size_t njobs = 0;
	for (size_t i = 0; i < n; i++)
		if (targets[i].result->build_error == NULL)
			ck_plan_target(&targets[i], o, &tools, &jobs, &njobs);
	if (o->share)
		ck_share_same_runs(jobs, &njobs);
	if (o->verbose)
		print_commands(jobs, njobs);
	ck_progress_phase(progress, "check");
	ck_job_list all = {jobs, njobs};
	ck_run_limits limits = {.parallel = o->jobs,
				.stretched_parallel = o->helgrind_jobs,
				.busy_parallel = o->hunt_jobs};
	int rc = ck_run_jobs(jobs, njobs, &limits, progress, ck_collect_run, &all);
	for (size_t i = 0; i < njobs; i++) {
		ck_run_free(jobs[i]);
		ck_job_free(jobs[i]);
	}
	free(jobs);
	return rc;
}

/* The command line as it could be typed again, for the reports. */
/* Is argv[i] a seeds option, and how many arguments does it take up? */
static int seeds_option(int argc, char **argv, int i)
{
	const char *a = argv[i];
	if ((strcmp(a, "-s") == 0 || strcmp(a, "--seeds") == 0) && i + 1 < argc)
		return 2;
	if (strncmp(a, "--seeds=", 8) == 0 || (strncmp(a, "-s", 2) == 0 && a[2] != '\0'))
		return 1;
	return 0;
}

static char *command_line(int argc, char **argv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (m == NULL)
		ck_out_of_memory();
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool plain = a[0] != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyz"
						       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						       "0123456789_./=:,+-%@") == strlen(a);
		fputs(i ? " " : "", m);
		if (plain) {
			fputs(a, m);
			continue;
		}
		fputc('\'', m);
		for (; *a; a++)
			if (*a == '\'')
				fputs("'\\''", m);
			else
				fputc(*a, m);
		fputc('\'', m);
	}
	fclose(m);
	return text;
}

/* What the outputs say about the check itself. */
static void describe_check(ck_report *report, const ck_options *o, int argc, char **argv)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
	report->started = ck_strdup(stamp);
	report->seed_first = o->seed_first;
	report->seed_last = o->seed_last;
	report->helgrind_seeds = o->helgrind_seeds;
	report->hunt_noise = o->detectors[CK_INVARIANTS] ? o->hunt_noise : 0;
	report->command = command_line(argc, argv);
	/* The command again for one seed: the seeds option taken out. */
	char **rest = ck_calloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0;
	for (int i = 1; i < argc;) {
		int skip = seeds_option(argc, argv, i);
		if (skip == 0)
			rest[nrest++] = argv[i++];
		else
			i += skip;
	}
	report->repeat_head = command_line(1, argv);
	report->repeat_tail = command_line(nrest, rest);
	free(rest);
	report->student = o->student;
}

/* A race's field and locks are named once per target, from the binary
 * its detector ran: the TSan build for TSan, the plain one for Helgrind. */
static void name_races(ck_target *targets, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ck_target *t = &targets[i];
		if (t->result->build_error != NULL)
			continue;
		char *tsan = ck_target_binary(t, "tsan");
		char *plain = ck_target_binary(t, "plain");
		ck_name_races(&t->result->det[CK_TSAN].findings, tsan);
		ck_name_races(&t->result->det[CK_HELGRIND].findings, plain);
		free(tsan);
		free(plain);
	}
}

/* The table for people, the files for machines; a file that cannot be
 * written is the checker failing at its job (status 2). */
static int write_outputs(ck_report *report, const ck_options *o)
{
	int rc = 0;
	/* With a report on stdout ("-"), the table goes to stderr. */
	bool stdout_taken = (o->json_path && strcmp(o->json_path, "-") == 0) ||
			    (o->junit_path && strcmp(o->junit_path, "-") == 0) ||
			    (o->sarif_path && strcmp(o->sarif_path, "-") == 0) ||
			    (o->html_path && strcmp(o->html_path, "-") == 0);
	if (!o->quiet && o->student)
		ck_print_student(report, stdout_taken ? stderr : stdout, o->colour);
	else if (!o->quiet)
		ck_print_table(report, stdout_taken ? stderr : stdout, o->colour);
	if (o->json_path != NULL && ck_write_json(report, o->json_path) != 0)
		rc = -1;
	if (o->junit_path != NULL && ck_write_junit(report, o->junit_path) != 0)
		rc = -1;
	if (o->sarif_path != NULL && ck_write_sarif(report, o->sarif_path) != 0)
		rc = -1;
	if (o->html_path != NULL && ck_write_html(report, o->html_path) != 0)
		rc = -1;
	return rc;
}

int main(int argc, char **argv)
{
	double started = now_s();
	ck_options o;
	ck_options_parse(argc, argv, &o);
	char *root = ck_find_root(argv[0]);
	if (root == NULL) {
		fprintf(stderr, "rrl-check: cannot find the project root (a directory with the "
				"Makefile and platform/rt/); run build/checker/rrl-check from a "
				"checkout, or set RRL_ROOT\n");
		return 2;
	}
	ck_report report = {0};
	describe_check(&report, &o, argc, argv);
	size_t n;
	ck_target *targets = ck_targets_resolve(&o, root, &report, &n);
	char *cwd = getcwd(NULL, 0);
	o.json_path = absolute(o.json_path, cwd);
	o.junit_path = absolute(o.junit_path, cwd);
	o.sarif_path = absolute(o.sarif_path, cwd);
	o.html_path = absolute(o.html_path, cwd);
	if (!can_write(o.json_path, "--json") || !can_write(o.junit_path, "--junit") ||
	    !can_write(o.sarif_path, "--sarif") || !can_write(o.html_path, "--html"))
		return 2;
	for (size_t i = 0; i < o.nsandbox_hide; i++)
		o.sandbox_hide[i] = (char *)absolute(o.sandbox_hide[i], cwd);
	if (chdir(root) != 0) {
		perror("rrl-check: cannot enter the project root");
		return 2;
	}
	if (o.sandbox && access(CK_SANDBOX, X_OK) != 0) {
		fprintf(stderr, "rrl-check: --sandbox needs %s; run 'make checker' first\n",
			CK_SANDBOX);
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		if (ck_sandboxed(&o, &targets[i]) && !ck_sandbox_can_read(targets[i].path)) {
			fprintf(stderr,
				"rrl-check: --sandbox: the sandbox's user cannot read %s; "
				"run 'chmod -R a+rX %s'\n",
				targets[i].path, targets[i].path);
			return 2;
		}
	ck_run_init();
	ck_progress progress;
	bool tty = isatty(STDERR_FILENO);
	ck_progress_init(&progress, !o.quiet, tty, o.verbose);

	if (ck_build_targets(targets, n, &o, &progress) != 0 ||
	    run_detectors(targets, n, &o, &progress) != 0) {
		if (ck_run_interrupted()) {
			fprintf(stderr, "rrl-check: interrupted; every run was stopped\n");
			return EXIT_INTERRUPTED;
		}
		return 2;
	}
	name_races(targets, n);
	for (size_t i = 0; i < n; i++)
		ck_grade(targets[i].result);
	report.seconds = now_s() - started;
	int status = ck_exit_status(&report);
	if (write_outputs(&report, &o) != 0)
		status = 2;
	fflush(stdout); /* the table first, then the summary on stderr */
	if (!o.quiet) {
		char *hunt = report.hunt_noise > 0 ? ck_hunt_describe(report.hunt_noise)
						   : ck_strdup("none");
		fprintf(stderr,
			"rrl-check: %zu target%s, seeds %llu-%llu, hunt: %s; %.0f s, exit status "
			"%d\n",
			n, n == 1 ? "" : "s", (unsigned long long)o.seed_first,
			(unsigned long long)o.seed_last, hunt, now_s() - started, status);
		free(hunt);
	}
	free(cwd);
	free(root);
	return status;
}
