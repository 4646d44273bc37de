/*
 * Reading what a finished run reported. See detect.h.
 *
 * Each run's findings are parsed into a list of their own first, so the
 * run can be counted (did it detect anything, and how soon) before they
 * are merged, de-duplicated, into the detector's findings for the target.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "alloc.h"
#include "detect.h"
#include "files.h"
#include "parsers.h"

/* The median time to detection is computed from these. */
static void add_detect_time(ck_detector_result *r, double s)
{
	r->detect_s = ck_realloc_array(r->detect_s, r->ndetect_s + 1, sizeof *r->detect_s);
	r->detect_s[r->ndetect_s++] = s;
}

/* The soonest a run showed a problem: the findings' own times when they
 * have them, else the caller's best guess. */
static double first_seconds(const ck_findings *list, double fallback)
{
	double first = -1;
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].seconds >= 0 && (first < 0 || list->items[i].seconds < first))
			first = list->items[i].seconds;
	return first >= 0 ? first : fallback;
}

/* Reports read from the run being collected, before de-duplication. */
static size_t run_reports;

/* Merge one run's findings into the detector's, counting the run as
 * detecting if it found anything. The findings move; *run is emptied. */
static void absorb(ck_detector_result *r, ck_findings *run, double fallback_s, bool count)
{
	if (run->n > 0 && count) {
		r->detected++;
		add_detect_time(r, first_seconds(run, fallback_s));
	}
	run_reports += run->n;
	for (size_t i = 0; i < run->n; i++)
		ck_findings_add_unique(&r->findings, run->items[i]);
	free(run->items);
	ck_findings_init(run);
}

/* A finding the checker makes itself (a crash, a run it had to stop) has
 * the same shape as a detector's. */
static ck_finding made_finding(ck_detector d, const char *kind, int rule, uint64_t seed,
			       char *message)
{
	ck_finding f = ck_finding_new(d, kind, rule, seed);
	f.message = message;
	return f;
}

/* The first line of a tool's complaint is usually the whole story. */
static char *first_line_of(const char *path)
{
	char *text = ck_read_file(path);
	if (text == NULL)
		return ck_strdup("(no output)");
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static void set_error(ck_detector_result *r, char *msg)
{
	if (r->error == NULL)
		r->error = msg;
	else
		free(msg);
}

/* TSan creates its log file when it writes the first report, so the
 * file's birth time says when the first race was seen. */
static double birth_time(const char *path)
{
	struct statx st;
	if (statx(AT_FDCWD, path, 0, STATX_BTIME, &st) == 0 && (st.stx_mask & STATX_BTIME))
		return (double)st.stx_btime.tv_sec + (double)st.stx_btime.tv_nsec / 1e9;
	return -1;
}

static void collect_static(ck_job *j, ck_detector_result *det)
{
	det->runs++;
	char *text = ck_read_file(j->stdout_path);
	ck_findings run;
	ck_findings_init(&run);
	int n = text ? ck_parse_clang_warnings(text, &run) : -1;
	int code = ck_job_exit_code(j);
	if (n < 0 || code != 0) {
		const char *why = text == NULL ? "(no output)" : text;
		if (text != NULL && strstr(text, "error:") != NULL)
			why = strstr(text, "error:");
		set_error(det, ck_strdup_printf("%s failed (exit status %d): %.300s", j->argv[0],
						code, why));
	}
	free(text);
	absorb(det, &run, j->elapsed_s, true);
}

static void collect_tsan(ck_job *j, ck_run *r, ck_detector_result *det)
{
	det->runs++;
	char *pattern =
	    ck_strdup_printf("%s/tsan.seed%llu.[0-9]*", r->logs, (unsigned long long)r->seed);
	char **files = ck_glob(pattern);
	free(pattern);
	ck_findings run;
	ck_findings_init(&run);
	double first = -1;
	for (char **f = files; *f; f++) {
		char *text = ck_read_file(*f);
		if (text == NULL || ck_parse_tsan(text, r->seed, &run) < 0)
			set_error(det,
				  ck_strdup_printf("%s is not a ThreadSanitizer report: %.200s", *f,
						   text ? text : "(unreadable)"));
		free(text);
		double born = birth_time(*f) - j->started_wall;
		if (born >= 0 && (first < 0 || born < first))
			first = born;
	}
	ck_free_strv(files);
	if (ck_job_exit_code(j) == 127)
		set_error(det, first_line_of(j->stderr_path));
	absorb(det, &run, first >= 0 ? first : j->elapsed_s, true);
}

static void collect_helgrind(ck_job *j, ck_run *r, ck_detector_result *det)
{
	det->runs++;
	char *pattern =
	    ck_strdup_printf("%s/hg.seed%llu.*.xml", r->logs, (unsigned long long)r->seed);
	char **files = ck_glob(pattern);
	free(pattern);
	ck_findings run;
	ck_findings_init(&run);
	for (char **f = files; *f; f++) {
		/* A process killed mid-run leaves its XML unfinished; only a run
		 * that ended normally must have readable XML everywhere. */
		if (ck_parse_helgrind_xml(*f, NULL, r->seed, &run) < 0 && !j->timed_out)
			fprintf(stderr,
				"rrl-check: warning: %s: not readable Helgrind XML "
				"(was the process killed?)\n",
				*f);
	}
	if (files[0] == NULL && !j->timed_out)
		set_error(det,
			  ck_strdup_printf("valgrind wrote no XML (exit status %d): %s",
					   ck_job_exit_code(j), first_line_of(j->stderr_path)));
	ck_free_strv(files);
	absorb(det, &run, j->elapsed_s, true);
}

/* A test that crashed or that the runner had to kill printed no finding
 * of its own; its FAIL line in the runner's output is all there is, and
 * it must not pass for clean. */
static void failures_without_findings(const char *out, uint64_t seed, ck_findings *run)
{
	for (const char *line = out; line && *line; line += strcspn(line, "\n") + 1) {
		if (strncmp(line, "--- FAIL: ", 10) != 0)
			continue;
		const char *test = line + 10;
		int test_len = (int)strcspn(test, " \n");
		const char *why = test + strcspn(test, "\n");
		if (*why == '\0')
			break;
		why += 1 + strspn(why + 1, " ");
		int why_len = (int)strcspn(why, "\n");
		char *msg = ck_strdup_printf("%.*s: %.*s (seed %llu)", test_len, test, why_len, why,
					     (unsigned long long)seed);
		if (strncmp(why, "crashed:", 8) == 0 || strncmp(why, "exited with", 11) == 0)
			ck_findings_push(run, made_finding(CK_INVARIANTS, "crash", 0, seed, msg));
		else if (strncmp(why, "hang:", 5) == 0)
			ck_findings_push(run, made_finding(CK_WATCHDOG, "timeout", 4, seed, msg));
		else
			free(msg);
	}
}

static void collect_native(ck_job *j, ck_run *r)
{
	ck_target_result *t = r->target->result;
	char *err = ck_read_file(j->stderr_path);
	ck_findings all;
	ck_findings_init(&all);
	if (err != NULL)
		ck_parse_finding_lines(err, &all);
	free(err);
	char *out = ck_read_file(j->stdout_path);
	if (r->target->program == NULL)
		failures_without_findings(out, r->seed, &all);
	else if (WIFSIGNALED(j->status) && !j->timed_out)
		ck_findings_push(&all,
				 made_finding(CK_INVARIANTS, "crash", 0, r->seed,
					      ck_strdup_printf("the program crashed: %s",
							       strsignal(WTERMSIG(j->status)))));
	free(out);
	static const ck_detector routed[] = {CK_LOCKDEP, CK_INVARIANTS, CK_WATCHDOG};
	for (size_t k = 0; k < 3; k++) {
		ck_detector_result *det = &t->det[routed[k]];
		ck_findings mine;
		ck_findings_init(&mine);
		for (size_t i = 0; i < all.n; i++)
			if (all.items[i].detector == routed[k] && det->enabled)
				ck_findings_push(&mine, all.items[i]);
			else if (all.items[i].detector == routed[k])
				ck_finding_free(&all.items[i]);
		if (det->enabled) {
			det->runs++;
			absorb(det, &mine, j->elapsed_s, true);
		}
	}
	free(all.items);
	if (ck_job_exit_code(j) == 127)
		for (size_t k = 0; k < 3; k++)
			if (t->det[routed[k]].enabled)
				set_error(&t->det[routed[k]], first_line_of(j->stderr_path));
}

/* A run the checker had to stop is a hang the program's own watchdog missed:
 * a watchdog finding, so it is never mistaken for clean. */
static void record_timeout(ck_job *j, ck_run *r, ck_detector own)
{
	ck_target_result *t = r->target->result;
	char *msg = ck_strdup_printf("%s was still running after %.0f s; the checker stopped it",
				     j->label, j->timeout_s);
	if (!t->det[CK_WATCHDOG].enabled) {
		set_error(&t->det[own], msg);
		return;
	}
	ck_findings run;
	ck_findings_init(&run);
	ck_findings_push(&run, made_finding(CK_WATCHDOG, "timeout", 4, r->seed, msg));
	/* The native run counts towards the watchdog's runs; others do not. */
	absorb(&t->det[CK_WATCHDOG], &run, j->elapsed_s, r->kind == CK_RUN_NATIVE);
}

void ck_collect_run(ck_job *j, void *arg)
{
	(void)arg;
	ck_run *r = j->ctx;
	ck_target_result *t = r->target->result;
	run_reports = 0;
	static const ck_detector own[] = {CK_STATIC, CK_TSAN, CK_HELGRIND, CK_WATCHDOG};
	switch (r->kind) {
	case CK_RUN_STATIC:
		collect_static(j, &t->det[CK_STATIC]);
		break;
	case CK_RUN_TSAN:
		collect_tsan(j, r, &t->det[CK_TSAN]);
		break;
	case CK_RUN_HELGRIND:
		collect_helgrind(j, r, &t->det[CK_HELGRIND]);
		break;
	case CK_RUN_NATIVE:
		collect_native(j, r);
		break;
	}
	if (j->timed_out)
		record_timeout(j, r, own[r->kind]);
	/* The progress line (-v) says how each run ended. */
	if (j->timed_out)
		snprintf(j->outcome, sizeof j->outcome, "stopped after %.0f s", j->timeout_s);
	else if (run_reports > 0)
		snprintf(j->outcome, sizeof j->outcome, "%zu report%s", run_reports,
			 run_reports == 1 ? "" : "s");
	else
		snprintf(j->outcome, sizeof j->outcome, "clean");
}
