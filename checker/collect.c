/*
 * Reading what a finished run reported. See detect.h.
 *
 * Each run's findings are parsed into a list of their own first, so the
 * run can be counted (did it detect anything, and how soon) before they
 * are merged, de-duplicated, into the detector's findings for the target.
 * Every finding is marked with the kind of run that reported it; a finding
 * two runs both report is kept once, marked with both.
 *
 * A detector's runs and detected count seeds, not processes: the plain,
 * TSan and Helgrind runs of one seed that feed the invariants count as one
 * run of the invariants, which detected if any of them found something,
 * as soon as the soonest did.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "alloc.h"
#include "detect.h"
#include "files.h"
#include "parsers.h"
#include "sandboxed.h"

/* The detectors every run but the static one feeds. */
static const ck_detector program_detectors[] = {CK_LOCKDEP, CK_INVARIANTS, CK_WATCHDOG};
#define NPROGRAM_DETECTORS (sizeof program_detectors / sizeof program_detectors[0])

/* Reports read from the run being collected, before de-duplication. */
static size_t run_reports;

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

/* The seed's place in d's tally; the first run of a seed to feed d adds
 * it, and counts as one of d's runs. */
static ck_seed_tally *tally_seed(ck_target *t, ck_detector d, uint64_t seed)
{
	for (size_t i = 0; i < t->nseeds[d]; i++)
		if (t->seeds[d][i].seed == seed)
			return &t->seeds[d][i];
	t->seeds[d] = ck_realloc_array(t->seeds[d], t->nseeds[d] + 1, sizeof *t->seeds[d]);
	ck_seed_tally *s = &t->seeds[d][t->nseeds[d]++];
	*s = (ck_seed_tally){.seed = seed, .detect_index = -1};
	t->result->det[d].runs++;
	return s;
}

/* Merge one run's findings for d into the target's, marked with the run's
 * kind, and count the run's seed (see the top of this file). The findings
 * move; *run is emptied. */
static void absorb(ck_target *t, ck_detector d, const ck_run *r, ck_findings *run,
		   double fallback_s)
{
	ck_detector_result *det = &t->result->det[d];
	ck_seed_tally *seed = tally_seed(t, d, r->seed);
	if (run->n > 0) {
		double first = first_seconds(run, fallback_s);
		if (seed->detect_index < 0) {
			seed->detect_index = (long)det->ndetect_s;
			det->detect_s = ck_realloc_array(det->detect_s, det->ndetect_s + 1,
							 sizeof *det->detect_s);
			det->detect_s[det->ndetect_s++] = first;
			det->detected++;
		} else if (first < det->detect_s[seed->detect_index]) {
			det->detect_s[seed->detect_index] = first;
		}
	}
	run_reports += run->n;
	for (size_t i = 0; i < run->n; i++) {
		run->items[i].found_in |= CK_FOUND_IN(r->kind);
		ck_findings_add_unique(&det->findings, run->items[i]);
	}
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

static void collect_static(ck_job *j, ck_run *r)
{
	ck_detector_result *det = &r->target->result->det[CK_STATIC];
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
	absorb(r->target, CK_STATIC, r, &run, j->elapsed_s);
}

static void collect_tsan(ck_job *j, ck_run *r)
{
	ck_detector_result *det = &r->target->result->det[CK_TSAN];
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
	absorb(r->target, CK_TSAN, r, &run, first >= 0 ? first : j->elapsed_s);
}

static void collect_helgrind(ck_job *j, ck_run *r)
{
	ck_detector_result *det = &r->target->result->det[CK_HELGRIND];
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
	if (files[0] == NULL && !j->timed_out) {
		char *why = first_line_of(j->stderr_path);
		set_error(det, ck_strdup_printf("valgrind wrote no XML (exit status %d): %s",
						ck_job_exit_code(j), why));
		free(why);
	}
	ck_free_strv(files);
	absorb(r->target, CK_HELGRIND, r, &run, j->elapsed_s);
}

/* Did a finding of detector d come from the run's own RRL-FINDING lines? */
static bool has_detector(const ck_findings *run, ck_detector d)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->items[i].detector == d)
			return true;
	return false;
}

static bool has_kind(const ck_findings *run, ck_detector d, const char *kind)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->items[i].detector == d && strcmp(run->items[i].kind, kind) == 0)
			return true;
	return false;
}

/* What the runner said about one failed test, as a finding when nothing
 * else in the run says it (the rules: findings_from_fail_lines). */
typedef struct failure_context {
	bool had_invariants, had_watchdog, had_crash;
} failure_context;

static void finding_from_failure(const failure_context *c, const char *test, int test_len,
				 const char *why, int why_len, uint64_t seed, ck_findings *run)
{
	char *msg = ck_strdup_printf("%.*s: %.*s (seed %llu)", test_len, test, why_len, why,
				     (unsigned long long)seed);
	ck_finding f;
	if ((ck_starts_with(why, "crashed:") && !c->had_crash) || ck_starts_with(why, "exited with"))
		f = made_finding(CK_INVARIANTS, "crash", 0, seed, msg);
	else if (ck_starts_with(why, "ended the process"))
		f = made_finding(CK_INVARIANTS, "ended-early", 0, seed, msg);
	else if (ck_starts_with(why, "hang:"))
		f = made_finding(CK_WATCHDOG, "timeout", 4, seed, msg);
	else if (ck_starts_with(why, "a check failed") && !c->had_invariants)
		f = made_finding(CK_INVARIANTS, "check-failed", 0, seed, msg);
	else if (ck_starts_with(why, "too slow:") && !c->had_invariants)
		f = made_finding(CK_INVARIANTS, "too-slow", 0, seed, msg);
	else if (ck_starts_with(why, "the watchdog stopped it") && !c->had_watchdog)
		f = made_finding(CK_WATCHDOG, "stopped", 4, seed, msg);
	else {
		free(msg);
		return;
	}
	ck_findings_push(run, f);
}

static failure_context context_of(const ck_findings *run)
{
	return (failure_context){.had_invariants = has_detector(run, CK_INVARIANTS),
				 .had_watchdog = has_detector(run, CK_WATCHDOG),
				 .had_crash = has_kind(run, CK_INVARIANTS, "crash")};
}

/*
 * The runner's FAIL line of each test that failed, read after the run's
 * RRL-FINDING lines are in *run:
 *   - a test that crashed, or that the runner had to kill, may have
 *     printed no finding of its own: then its FAIL line is all there is,
 *     and it must not pass for clean (invariants "crash", watchdog
 *     "timeout"); a crash the runtime reported itself (with its stack
 *     and history) needs no stand-in;
 *   - a failed check and a test the watchdog stopped printed an
 *     RRL-FINDING line saying why; if the run has none of that detector
 *     (its stderr was lost), the FAIL line stands in for it;
 *   - a test that failed because TSan reported is TSan's: its reports are
 *     in TSan's own files.
 */
static void findings_from_fail_lines(const char *out, uint64_t seed, ck_findings *run)
{
	failure_context c = context_of(run);
	for (const char *line = out; line && *line; line += strcspn(line, "\n") + 1) {
		if (strncmp(line, "--- FAIL: ", 10) != 0)
			continue;
		const char *test = line + 10;
		int test_len = (int)strcspn(test, " \n");
		const char *why = test + strcspn(test, "\n");
		if (*why == '\0')
			break;
		why += 1 + strspn(why + 1, " ");
		finding_from_failure(&c, test, test_len, why, (int)strcspn(why, "\n"), seed, run);
	}
}

/* The same from the runner's -results-fd lines (a sandboxed run), with
 * each scenario's verdict counted in t's scenarios when tally is set. A
 * run the checker stopped itself (cancelled) lacks its last line by the
 * checker's doing, not the submission's. */
static void findings_from_results(const char *results, uint64_t seed, ck_findings *run,
				  ck_target_result *t, bool tally, bool cancelled)
{
	failure_context c = context_of(run);
	json_t **verdicts = ck_calloc(t->nscenarios + 1, sizeof *verdicts);
	bool done = false;
	for (const char *line = results; line && *line; line += strcspn(line, "\n") + 1) {
		json_t *o = json_loadb(line, strcspn(line, "\n"), 0, NULL);
		if (o == NULL)
			continue;
		const char *test = json_string_value(json_object_get(o, "test"));
		const char *why = json_string_value(json_object_get(o, "why"));
		done |= json_is_true(json_object_get(o, "done"));
		if (test != NULL && why != NULL && !json_is_true(json_object_get(o, "passed")))
			finding_from_failure(&c, test, (int)strlen(test), why, (int)strlen(why), seed,
					     run);
		for (size_t i = 0; test != NULL && i < t->nscenarios; i++)
			if (strcmp(t->scenarios[i].name, test) == 0 && verdicts[i] == NULL) {
				verdicts[i] = o;
				json_incref(o);
			}
		json_decref(o);
	}
	for (size_t i = 0; i < t->nscenarios; i++) {
		if (tally) {
			t->scenarios[i].runs++;
			t->scenarios[i].passed +=
			    json_is_true(json_object_get(verdicts[i], "passed"));
		}
		json_decref(verdicts[i]);
	}
	if (!done && !cancelled)
		ck_findings_push(run, made_finding(CK_INVARIANTS, "ended-early", 0, seed,
						   ck_strdup("the runner ended before every test had "
							     "run (no last line on its results "
							     "channel)")));
	free(verdicts);
}

/* A hunt pauses threads at its split points for up to a second at a
 * time, so a test's check that something happened in time (too-slow) says
 * as much about the hunt as about the peers: the hunt judges safety, the
 * other runs judge time. Removes such findings from *all; returns how many
 * there were (a test stops at its first). */
static int drop_too_slow(ck_findings *all)
{
	size_t kept = 0;
	int dropped = 0;
	for (size_t i = 0; i < all->n; i++) {
		if (all->items[i].detector == CK_INVARIANTS &&
		    strcmp(all->items[i].kind, "too-slow") == 0) {
			ck_finding_free(&all->items[i]);
			dropped++;
		} else {
			all->items[kept++] = all->items[i];
		}
	}
	all->n = kept;
	return dropped;
}

/* Lockdep, the invariants and the watchdog, from any run but the static
 * one: the RRL-FINDING lines on stderr, and a tree's FAIL lines or a
 * program's crash. Each enabled detector counts the run's seed, whether
 * or not the run found anything for it. */
static void collect_program_findings(ck_job *j, ck_run *r)
{
	ck_target *t = r->target;
	ck_findings all;
	ck_findings_init(&all);
	/* A sandboxed run's findings and verdicts come from its own channels
	 * (plan.c); what it printed on stdout and stderr is not read. */
	char *err = ck_read_file(j->findings_path ? j->findings_path : j->stderr_path);
	if (err != NULL)
		ck_parse_finding_lines(err, &all);
	free(err);
	if (t->program == NULL && j->results_path != NULL) {
		char *results = ck_read_file(j->results_path);
		findings_from_results(results, r->seed, &all, t->result, r->kind == CK_RUN_PLAIN,
				      j->cancelled);
		free(results);
		if (r->kind == CK_RUN_HUNT)
			t->result->hunt_too_slow += drop_too_slow(&all);
	} else if (t->program == NULL) {
		char *out = ck_read_file(j->stdout_path);
		findings_from_fail_lines(out, r->seed, &all);
		free(out);
		if (r->kind == CK_RUN_HUNT)
			t->result->hunt_too_slow += drop_too_slow(&all);
	} else if (WIFSIGNALED(j->status) && !j->timed_out) {
		char *msg =
		    ck_strdup_printf("the program crashed: %s", strsignal(WTERMSIG(j->status)));
		ck_findings_push(&all, made_finding(CK_INVARIANTS, "crash", 0, r->seed, msg));
	}
	for (size_t k = 0; k < NPROGRAM_DETECTORS; k++) {
		ck_detector d = program_detectors[k];
		ck_findings mine;
		ck_findings_init(&mine);
		for (size_t i = 0; i < all.n; i++) {
			if (all.items[i].detector != d)
				continue;
			if (t->result->det[d].enabled)
				ck_findings_push(&mine, all.items[i]);
			else
				ck_finding_free(&all.items[i]);
		}
		if (t->result->det[d].enabled)
			absorb(t, d, r, &mine, j->elapsed_s);
	}
	free(all.items);
}

/* A program run the checker had to stop is a hang the program's own
 * watchdog missed: a watchdog finding, so it is never mistaken for clean.
 * Without the watchdog (or for clang), the detectors the run was for
 * could not finish. */
static void record_timeout(ck_job *j, ck_run *r)
{
	ck_target_result *res = r->target->result;
	char *msg = ck_strdup_printf("%s was still running after %.0f s; the checker stopped it",
				     j->label, j->timeout_s);
	if (r->kind != CK_RUN_STATIC && res->det[CK_WATCHDOG].enabled) {
		ck_findings run;
		ck_findings_init(&run);
		ck_findings_push(&run, made_finding(CK_WATCHDOG, "timeout", 4, r->seed, msg));
		absorb(r->target, CK_WATCHDOG, r, &run, j->elapsed_s);
		return;
	}
	if (r->kind == CK_RUN_STATIC)
		set_error(&res->det[CK_STATIC], msg);
	else if (r->kind == CK_RUN_TSAN)
		set_error(&res->det[CK_TSAN], msg);
	else if (r->kind == CK_RUN_HELGRIND)
		set_error(&res->det[CK_HELGRIND], msg);
	else {
		for (size_t k = 0; k < NPROGRAM_DETECTORS; k++)
			if (res->det[program_detectors[k]].enabled)
				set_error(&res->det[program_detectors[k]], ck_strdup(msg));
		free(msg);
	}
}

/* A sandboxed run stopped at a limit other than time (memory, processes,
 * output, CPU) did what no correct peer does: a watchdog finding, so it
 * is never mistaken for clean; without the watchdog, an error. */
static void record_limit(ck_job *j, ck_run *r, const char *why)
{
	ck_target_result *res = r->target->result;
	char *msg = ck_strdup_printf("%s: %s", j->label, why);
	if (r->kind != CK_RUN_STATIC && res->det[CK_WATCHDOG].enabled) {
		ck_findings run;
		ck_findings_init(&run);
		ck_findings_push(&run, made_finding(CK_WATCHDOG, "resource-limit", 0, r->seed, msg));
		absorb(r->target, CK_WATCHDOG, r, &run, j->elapsed_s);
		return;
	}
	ck_detector d = r->kind == CK_RUN_STATIC ? CK_STATIC
			: r->kind == CK_RUN_TSAN   ? CK_TSAN
			: r->kind == CK_RUN_HELGRIND ? CK_HELGRIND
						     : CK_INVARIANTS;
	set_error(&res->det[d], msg);
}

/* A seed is detected once; its other lanes cannot change that. Not for a
 * submission, which is graded: which lane reported first is a matter of
 * timing, and a lane stopped part-way would make a grade that a second
 * grading does not repeat. */
static void end_hunt_of_seed(const ck_run *r, const ck_job_list *all)
{
	if (r->target->result->variant == CK_SUBMISSION)
		return;
	for (size_t i = 0; all != NULL && i < all->n; i++) {
		const ck_run *other = all->jobs[i]->ctx;
		if (other != r && other->kind == CK_RUN_HUNT && other->target == r->target &&
		    other->seed == r->seed)
			all->jobs[i]->cancelled = true;
	}
}

/* Everything one run reported, for r's target. */
static void collect_for(ck_job *j, ck_run *r)
{
	/* 127: the run's program could not be started; there is nothing to
	 * read but the reason, which its own collector reports. */
	bool ran = ck_job_exit_code(j) != 127;
	switch (r->kind) {
	case CK_RUN_STATIC:
		collect_static(j, r);
		break;
	case CK_RUN_TSAN:
		collect_tsan(j, r);
		break;
	case CK_RUN_HELGRIND:
		collect_helgrind(j, r);
		break;
	default: /* the plain and hunt runs have no detector of its own */
		break;
	}
	if ((r->kind == CK_RUN_PLAIN || r->kind == CK_RUN_HUNT) && !ran) {
		for (size_t k = 0; k < NPROGRAM_DETECTORS; k++)
			if (r->target->result->det[program_detectors[k]].enabled)
				set_error(&r->target->result->det[program_detectors[k]],
					  first_line_of(j->stderr_path));
	} else if (r->kind != CK_RUN_STATIC && ran) {
		collect_program_findings(j, r);
	}
	if (j->timed_out)
		record_timeout(j, r);
}

void ck_collect_run(ck_job *j, void *arg)
{
	ck_run *r = j->ctx;
	run_reports = 0;
	char *limit = ck_sandbox_outcome(j); /* first: it may mark j timed out */
	collect_for(j, r);
	if (limit != NULL)
		record_limit(j, r, limit);
	size_t reports = run_reports;
	/* The same run, planned for other targets too (share.h). */
	for (size_t i = 0; i < r->nsharers; i++) {
		collect_for(j, r->sharers[i]);
		if (limit != NULL)
			record_limit(j, r->sharers[i], limit);
	}
	free(limit);
	if (r->kind == CK_RUN_HUNT && reports > 0)
		end_hunt_of_seed(r, arg);
	/* The progress line (-v) says how each run ended. */
	if (j->timed_out)
		snprintf(j->outcome, sizeof j->outcome, "stopped after %.0f s", j->timeout_s);
	else if (j->cancelled)
		snprintf(j->outcome, sizeof j->outcome, "%zu report%s; stopped: its seed's hunt was over",
			 reports, reports == 1 ? "" : "s");
	else if (reports > 0)
		snprintf(j->outcome, sizeof j->outcome, "%zu report%s", reports,
			 reports == 1 ? "" : "s");
	else
		snprintf(j->outcome, sizeof j->outcome, "clean");
}
