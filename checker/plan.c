/*
 * Planning the detectors' runs on one target. See detect.h.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "detect.h"
#include "files.h"
#include "hunt.h"
#include "sandboxed.h"

/* Rough real seconds per scenario, natively; only for ordering the runs
 * and the time-left estimate. Helgrind with time stretched 8x measured
 * about 32x slower than a native run; TSan about the same as native
 * (the tests mostly wait on timers). */
#define NATIVE_S_PER_TEST 1.5
#define HELGRIND_SLOWDOWN 32.0
#define PROGRAM_S 1.0

/* TSan's settings for every TSan run. history_size=4 keeps more of each
 * thread's past accesses, so the "previous access" stack of a race is
 * found more often; halt_on_error=0 lets a run report every race. */
#define TSAN_SETTINGS "second_deadlock_stack=1 halt_on_error=0 exitcode=66 history_size=4"

static char **strv(size_t n)
{
	return ck_calloc(n + 1, sizeof(char *));
}

static void add_arg(char **argv, char *arg)
{
	size_t i = 0;
	while (argv[i] != NULL)
		i++;
	argv[i] = arg;
}

/* A submission's run, in a sandboxed check, goes through rrl-sandbox: it
 * may write its logs directory only (TSan's and Helgrind's reports), and
 * the sandbox's status lands beside it, where the run cannot write. */
static void sandbox_if_wanted(ck_job *j)
{
	ck_run *r = j->ctx;
	if (!ck_sandboxed(r->options, r->target))
		return;
	char *dir = ck_strdup_printf("%s/sandbox", r->target->out);
	ck_mkdirs(dir);
	const char *base = strrchr(j->stdout_path, '/');
	char *status = ck_strdup_printf("%s/%s.json", dir, base ? base + 1 : j->stdout_path);
	ck_sandbox_wrap(j, r->options, r->target, r->logs, status);
	free(status);
	free(dir);
}

static void push_job(ck_job ***jobs, size_t *n, ck_job *j)
{
	sandbox_if_wanted(j);
	*jobs = ck_realloc_array(*jobs, *n + 1, sizeof **jobs);
	(*jobs)[(*n)++] = j;
}

/* Every job has the same bookkeeping: label, output files, ctx. */
static ck_job *new_job(ck_target *t, const ck_options *o, ck_run_kind kind,
		       const ck_hunt_lane *lane, const char *scenarios, uint64_t seed,
		       const char *logs)
{
	ck_job *j = ck_calloc(1, sizeof *j);
	ck_run *r = ck_calloc(1, sizeof *r);
	*r = (ck_run){.target = t,
		      .kind = kind,
		      .seed = seed,
		      .lane = lane,
		      .scenarios = scenarios,
		      .logs = ck_strdup(logs),
		      .options = o};
	j->ctx = r;
	j->argv = strv(40);
	j->timeout_s = o->timeout_s;
	if (kind == CK_RUN_STATIC) {
		j->label = ck_strdup_printf("%s static", t->name);
		j->stdout_path = ck_strdup_printf("%s/static.txt", logs);
	} else {
		/* "hunt-elections" for a hunt lane, else the kind's name. */
		char *what = lane ? ck_strdup_printf("%s-%s", ck_run_kind_name(kind), lane->name)
				  : ck_strdup(ck_run_kind_name(kind));
		unsigned long long s = (unsigned long long)seed;
		j->label = ck_strdup_printf("%s %s seed %llu", t->name, what, s);
		j->stdout_path = ck_strdup_printf("%s/%s.seed%llu.out", logs, what, s);
		j->stderr_path = ck_strdup_printf("%s/%s.seed%llu.err", logs, what, s);
		free(what);
	}
	return j;
}

/* The scenario runner and the programs take the same flags, except that
 * a program has no scenarios to choose. */
static void add_program_args(ck_job *j, const ck_target *t, const char *run, uint64_t seed,
			     double noise, double scale)
{
	if (t->program == NULL) {
		add_arg(j->argv, ck_strdup("-run"));
		add_arg(j->argv, ck_strdup(run));
	}
	add_arg(j->argv, ck_strdup("-seed"));
	add_arg(j->argv, ck_strdup_printf("%llu", (unsigned long long)seed));
	if (noise > 0) {
		add_arg(j->argv, ck_strdup("-noise"));
		add_arg(j->argv, ck_strdup_printf("%g", noise));
	}
	if (scale > 0) {
		add_arg(j->argv, ck_strdup("-scale"));
		add_arg(j->argv, ck_strdup_printf("%g", scale));
	}
	/* A sandboxed submission's verdicts and findings come through
	 * channels its code cannot write (the runner's -results-fd and
	 * -findings-fd), not from what it prints. */
	const ck_run *r = j->ctx;
	if (t->program == NULL && ck_sandboxed(r->options, t)) {
		size_t n = strlen(j->stdout_path) - strlen(".out");
		j->results_path = ck_strdup_printf("%.*s.results", (int)n, j->stdout_path);
		j->findings_path = ck_strdup_printf("%.*s.findings", (int)n, j->stdout_path);
		add_arg(j->argv, ck_strdup("-results-fd"));
		add_arg(j->argv, ck_strdup("3"));
		add_arg(j->argv, ck_strdup("-findings-fd"));
		add_arg(j->argv, ck_strdup("4"));
	}
}

/* -fsyntax-only with the thread-safety warnings is the whole static
 * detector; the flags match scripts/static-check.sh. */
static void plan_static(ck_target *t, const ck_options *o, const ck_tools *tools, const char *logs,
			ck_job ***jobs, size_t *n)
{
	char *pattern = t->program ? ck_strdup(t->path) : ck_strdup_printf("%s/raft/*.c", t->path);
	char **sources = ck_glob(pattern);
	free(pattern);
	size_t nsources = 0;
	while (sources[nsources] != NULL)
		nsources++;
	ck_job *j = new_job(t, o, CK_RUN_STATIC, NULL, NULL, 0, logs);
	free(j->argv);
	j->argv = strv(12 + nsources);
	static const char *const flags[] = {
	    "-std=c11",	       "-D_GNU_SOURCE",	       "-fsyntax-only",
	    "-Wthread-safety", "-Wthread-safety-beta", "-Wno-thread-safety-negative",
	    "-Iplatform"};
	add_arg(j->argv, ck_strdup(tools->clang));
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		add_arg(j->argv, ck_strdup(flags[i]));
	if (t->program) { /* a program uses the watchdog too */
		add_arg(j->argv, ck_strdup("-Iharness"));
		add_arg(j->argv, ck_strdup("-Itests/programs"));
	} else { /* as the Makefile compiles a peer */
		add_arg(j->argv, ck_strdup("-include"));
		add_arg(j->argv, ck_strdup("raft.h"));
	}
	for (size_t i = 0; i < nsources; i++)
		add_arg(j->argv, ck_strdup(sources[i]));
	ck_free_strv(sources);
	j->estimate_s = 2;
	push_job(jobs, n, j);
}

/* TSan writes its reports to files of its own (one per process), so they
 * never mix with the tests' output and each can be parsed whole. */
static void plan_tsan(ck_target *t, const ck_options *o, const ck_tools *tools, uint64_t seed,
		      const char *logs, double estimate, ck_job ***jobs, size_t *n)
{
	ck_job *j = new_job(t, o, CK_RUN_TSAN, NULL, t->run, seed, logs);
	add_arg(j->argv, ck_target_binary(t, "tsan"));
	add_program_args(j, t, t->run, seed, o->noise, 0);
	j->env = strv(2);
	j->env[0] = ck_strdup_printf("TSAN_OPTIONS=log_path=%s/tsan.seed%llu " TSAN_SETTINGS, logs,
				     (unsigned long long)seed);
	if (tools->symbolizer != NULL)
		j->env[1] = ck_strdup_printf("TSAN_SYMBOLIZER_PATH=%s", tools->symbolizer);
	j->estimate_s = estimate;
	push_job(jobs, n, j);
}

/* Helgrind writes one XML file per process (%p): the runner forks a
 * process per scenario, and each must be parsed on its own. No
 * --log-file: with both files named by %p, Valgrind 3.19 loses the forked
 * processes' XML; in XML mode the text log is empty anyway. */
static void plan_helgrind(ck_target *t, const ck_options *o, const ck_tools *tools, uint64_t seed,
			  const char *logs, double estimate, ck_job ***jobs, size_t *n)
{
	ck_job *j = new_job(t, o, CK_RUN_HELGRIND, NULL, t->helgrind_run, seed, logs);
	unsigned long long s = (unsigned long long)seed;
	add_arg(j->argv, ck_strdup(tools->valgrind));
	add_arg(j->argv, ck_strdup("--tool=helgrind"));
	add_arg(j->argv, ck_strdup("--xml=yes"));
	add_arg(j->argv, ck_strdup_printf("--xml-file=%s/hg.seed%llu.%%p.xml", logs, s));
	add_arg(j->argv, ck_strdup("--suppressions=tests/helgrind.supp"));
	add_arg(j->argv, ck_strdup("--child-silent-after-fork=no"));
	add_arg(j->argv, ck_target_binary(t, "plain"));
	add_program_args(j, t, t->helgrind_run, seed, 0, CK_HELGRIND_SCALE);
	j->timeout_s = o->timeout_s * CK_HELGRIND_TIMEOUT_FACTOR;
	j->estimate_s = estimate;
	j->stretched = true; /* -scale 8: o->helgrind_jobs at a time */
	push_job(jobs, n, j);
}

/* Lockdep, the invariant checks and the watchdog live in every build,
 * and every run feeds them; one plain run per seed adds the schedule of a
 * build without a sanitizer, and is their only run when TSan and Helgrind
 * are not asked for. */
static void plan_plain(ck_target *t, const ck_options *o, uint64_t seed, const char *logs,
		       double estimate, ck_job ***jobs, size_t *n)
{
	ck_job *j = new_job(t, o, CK_RUN_PLAIN, NULL, t->run, seed, logs);
	add_arg(j->argv, ck_target_binary(t, "plain"));
	add_program_args(j, t, t->run, seed, o->noise, 0);
	j->estimate_s = estimate;
	push_job(jobs, n, j);
}

/* One lane of the hunt (hunt.h): the plain build, the hunt's noise, and
 * -failfast-safety: after one test fails a check of safety the lane has
 * done its job, but a test that was only too slow (the hunt's pauses take
 * part of its time) is not judged, so the lane goes on to the next. */
static void plan_hunt(ck_target *t, const ck_options *o, const ck_hunt_lane *lane,
		      uint64_t seed, const char *logs, double estimate, ck_job ***jobs,
		      size_t *n)
{
	ck_job *j = new_job(t, o, CK_RUN_HUNT, lane, lane->scenarios, seed, logs);
	add_arg(j->argv, ck_target_binary(t, "plain"));
	add_program_args(j, t, lane->scenarios, seed, o->hunt_noise, 0);
	if (lane->split_crashes)
		add_arg(j->argv, ck_strdup("-split-crashes"));
	add_arg(j->argv, ck_strdup("-failfast-safety"));
	j->estimate_s = estimate;
	j->busy = true; /* the hunt's noise spins: o->hunt_jobs at a time */
	push_job(jobs, n, j);
}

/* The scenarios run selects, one name per line, from the trusted build
 * of the runner (the test list is the harness's, the same for every tree;
 * a submission's own binary is never run outside its sandbox). */
static char *list_tests(const char *run)
{
	char *argv[] = {"build/plain/raft-tests", "-list", "-run", (char *)run, NULL};
	return ck_command_output(argv);
}

static double count_tests(const ck_target *t, const char *run)
{
	if (t->program != NULL)
		return 1;
	char *list = list_tests(run);
	int lines = 0;
	for (const char *c = list; c && *c; c++)
		lines += *c == '\n';
	free(list);
	return lines;
}

/* Does the check's own scenarios list hold a test whose name matches
 * pattern (a lane's only_with)? */
static bool selects_test_like(const char *run, const char *pattern)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	char *list = list_tests(run);
	bool found = false;
	for (char *name = list ? strtok(list, "\n") : NULL; name && !found;
	     name = strtok(NULL, "\n"))
		found = regexec(&re, name, 0, NULL, 0) == 0;
	free(list);
	regfree(&re);
	return found;
}

/* A sandboxed tree's scenarios, each to be counted in its plain runs. */
static void expect_scenarios(ck_target *t)
{
	char *list = list_tests(t->run);
	for (char *name = list ? strtok(list, "\n") : NULL; name; name = strtok(NULL, "\n")) {
		ck_target_result *r = t->result;
		r->scenarios = ck_realloc_array(r->scenarios, r->nscenarios + 1, sizeof *r->scenarios);
		r->scenarios[r->nscenarios++] = (ck_scenario){.name = ck_strdup(name)};
	}
	free(list);
}

/* A missing tool is the detector's error, shown in its column, with
 * the command that fixes it. */
static bool tool_present(ck_target *t, ck_detector d, const char *tool, const char *what)
{
	if (tool != NULL)
		return true;
	t->result->det[d].error = ck_strdup_printf("%s is not installed; run 'make deps'", what);
	return false;
}

/* A regex that selects no scenario would make every run pass
 * without testing anything. */
static bool selects_tests(ck_target *t, const char *run, const ck_detector *dets, size_t n,
			  double *count)
{
	*count = count_tests(t, run);
	if (*count > 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (t->result->det[dets[i]].enabled)
			t->result->det[dets[i]].error =
			    ck_strdup_printf("the scenarios '%s' match no test; list them with "
					     "build/plain/raft-tests -list",
					     run);
	return false;
}

void ck_plan_target(ck_target *t, const ck_options *o, const ck_tools *tools, ck_job ***jobs,
		    size_t *njobs)
{
	char *logs = ck_strdup_printf("%s/logs", t->out);
	ck_remove_tree(logs);
	ck_mkdirs(logs);
	const bool *on = o->detectors;
	/* The detectors t->run's scenarios are for (Helgrind has its own). */
	static const ck_detector run_dets[] = {CK_TSAN, CK_LOCKDEP, CK_INVARIANTS, CK_WATCHDOG};
	static const ck_detector helgrind_det[] = {CK_HELGRIND};
	double tests, hg_tests;
	bool run_ok = selects_tests(t, t->run, run_dets, 4, &tests);
	bool helgrind_ok = selects_tests(t, t->helgrind_run, helgrind_det, 1, &hg_tests);
	bool plain = run_ok && (on[CK_LOCKDEP] || on[CK_INVARIANTS] || on[CK_WATCHDOG]);
	bool tsan = run_ok && on[CK_TSAN];
	bool helgrind = helgrind_ok && on[CK_HELGRIND] &&
			tool_present(t, CK_HELGRIND, tools->valgrind, "valgrind");
	double per_seed = t->program ? PROGRAM_S : tests * NATIVE_S_PER_TEST;
	double per_seed_hg =
	    (t->program ? PROGRAM_S : hg_tests * NATIVE_S_PER_TEST) * HELGRIND_SLOWDOWN;
	/* The hunt is the invariants' own; a program has no scenarios. */
	bool hunt = run_ok && on[CK_INVARIANTS] && o->hunt_noise > 0 && t->program == NULL;
	/* A lane of tests no check asked for (the 3D lanes of a 3A-3C
	 * check) counts no tests and is not run. */
	double *lane_tests = ck_calloc(ck_hunt_nlanes, sizeof *lane_tests);
	for (size_t l = 0; hunt && l < ck_hunt_nlanes; l++)
		if (ck_hunt_lanes[l].only_with == NULL ||
		    selects_test_like(t->run, ck_hunt_lanes[l].only_with))
			lane_tests[l] = count_tests(t, ck_hunt_lanes[l].scenarios);
	if (plain && t->program == NULL && ck_sandboxed(o, t))
		expect_scenarios(t);
	if (on[CK_STATIC] && tool_present(t, CK_STATIC, tools->clang, "clang"))
		plan_static(t, o, tools, logs, jobs, njobs);
	for (uint64_t s = o->seed_first; s <= o->seed_last; s++) {
		if (tsan)
			plan_tsan(t, o, tools, s, logs, per_seed, jobs, njobs);
		if (helgrind && (o->helgrind_seeds == 0 ||
				 s - o->seed_first < (uint64_t)o->helgrind_seeds))
			plan_helgrind(t, o, tools, s, logs, per_seed_hg, jobs, njobs);
		if (plain)
			plan_plain(t, o, s, logs, per_seed, jobs, njobs);
		for (size_t l = 0; hunt && l < ck_hunt_nlanes; l++)
			if (lane_tests[l] > 0)
				plan_hunt(t, o, &ck_hunt_lanes[l], s, logs,
					  lane_tests[l] * NATIVE_S_PER_TEST * 2, jobs, njobs);
	}
	free(lane_tests);
	free(logs);
}

static void free_run(ck_run *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nsharers; i++)
		free_run(r->sharers[i]);
	free(r->sharers);
	free(r->logs);
	free(r);
}

void ck_run_free(ck_job *job)
{
	free_run(job->ctx);
	job->ctx = NULL;
}
