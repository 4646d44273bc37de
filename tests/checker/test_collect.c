/*
 * Tests of the collector (checker/collect.c): what the driver makes of one
 * finished run. Most runs are recorded: whole runs of TestInitialElection3A
 * as rrl-check makes them, in tests/checker/fixtures/runs/<tree>/ (see the
 * README there), named as in the checker's logs directory:
 *
 *   candidate_keeps_term  raft/ with a candidate that forgets to increment
 *                         its term: a failed check, and nothing else
 *   vote                  raft/ handling vote replies without the lock:
 *                         TSan's races and lockdep's missing-lock
 *   reference             raft/ itself: clean
 *
 * The rest are written here, where a real run cannot be made on demand (a
 * crash, a lost stderr, a run the checker stopped).
 */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "detect.h"
#include "files.h"
#include "finding_line.h"
#include "parser_fixtures.h"
#include "report_builder.h"

/* A target as the driver resolves one: a reference tree (no metadata, so
 * any finding is unexpected), with the detectors in `on` enabled and
 * nothing run yet. */
static void make_target(ck_target *t, ck_target_result *res, const bool on[CK_NDETECTORS])
{
	memset(t, 0, sizeof *t);
	rb_target(res, "reference", CK_REFERENCE, NULL);
	for (int d = 0; d < CK_NDETECTORS; d++) {
		res->det[d].enabled = on[d];
		res->det[d].runs = 0;
	}
	t->result = res;
	t->name = "reference";
}

static void free_target(ck_target *t)
{
	rb_target_free(t->result);
	for (int d = 0; d < CK_NDETECTORS; d++)
		free(t->seeds[d]);
}

/* Hand one finished run to the collector, as ck_run_jobs does: kind and
 * seed, its logs directory, how it ended (an exit code, or stopped by the
 * checker), and the target it was also planned for, if any (share.h). */
static void collect_shared(ck_target *t, ck_target *also, const char *logs, ck_run_kind kind,
			   uint64_t seed, int exit_code, bool timed_out)
{
	ck_run *r = ck_calloc(1, sizeof *r);
	*r = (ck_run){.target = t, .kind = kind, .seed = seed, .logs = ck_strdup(logs)};
	ck_run twin = {.target = also, .kind = kind, .seed = seed, .logs = r->logs};
	ck_run *sharers[] = {&twin};
	if (also != NULL) {
		r->sharers = sharers;
		r->nsharers = 1;
	}
	ck_job *j = ck_calloc(1, sizeof *j);
	const char *name = ck_run_kind_name(kind);
	j->stdout_path =
	    ck_strdup_printf("%s/%s.seed%llu.out", logs, name, (unsigned long long)seed);
	j->stderr_path =
	    ck_strdup_printf("%s/%s.seed%llu.err", logs, name, (unsigned long long)seed);
	j->label = ck_strdup_printf("%s %s seed %llu", t->name, name, (unsigned long long)seed);
	j->ctx = r;
	j->started_wall = (double)time(NULL);
	j->elapsed_s = 2.0;
	j->timeout_s = 300;
	j->timed_out = timed_out;
	j->status = timed_out ? 9 /* SIGKILL */ : exit_code << 8;
	ck_collect_run(j, NULL);
	free(r->logs);
	free(r);
	ck_job_free(j);
}

static void collect_from(ck_target *t, const char *logs, ck_run_kind kind, uint64_t seed,
			 int exit_code, bool timed_out)
{
	collect_shared(t, NULL, logs, kind, seed, exit_code, timed_out);
}

/* A recorded run of tree (fixtures/runs/<tree>/). */
static void collect(ck_target *t, const char *tree, ck_run_kind kind, uint64_t seed, int exit_code)
{
	char *name = ck_strdup_printf("runs/%s", tree);
	char *logs = fixture_path(name);
	char *out = ck_strdup_printf("%s/%s.seed%llu.out", logs, ck_run_kind_name(kind),
				     (unsigned long long)seed);
	char *text = ck_read_file(out);
	if (text == NULL)
		fprintf(stderr, "\ncannot read %s: run from the repository root\n", out);
	CU_ASSERT_PTR_NOT_NULL(text);
	collect_from(t, logs, kind, seed, exit_code, false);
	free(text);
	free(out);
	free(logs);
	free(name);
}

/* The findings of d the list has of kind, and one of them. */
static size_t findings_of(const ck_target *t, ck_detector d, const char *kind,
			  const ck_finding **one)
{
	const ck_findings *list = &t->result->det[d].findings;
	size_t n = 0;
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->items[i].kind, kind) == 0) {
			*one = &list->items[i];
			n++;
		}
	return n;
}

static const bool only_tsan_and_invariants[CK_NDETECTORS] = {
    [CK_TSAN] = true, [CK_INVARIANTS] = true};
static const bool every_detector[CK_NDETECTORS] = {true, true, true, true, true, true};

/* The bug of issue 6: a tree whose only symptom is a failed check in its
 * TSan run was reported clean, because only the plain runs were read. */
static void test_a_failed_check_in_a_tsan_run_is_not_clean(void)
{
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, only_tsan_and_invariants);
	collect(&t, "candidate_keeps_term", CK_RUN_TSAN, 7, 1);

	/* TSan itself has nothing to say: the bug is no race. */
	CU_ASSERT_EQUAL(res.det[CK_TSAN].runs, 1);
	CU_ASSERT_EQUAL(res.det[CK_TSAN].findings.n, 0);
	CU_ASSERT_EQUAL(ck_detector_verdict(&res, CK_TSAN), CK_CLEAN);

	/* The invariants heard the failed check from the TSan run. */
	const ck_detector_result *inv = &res.det[CK_INVARIANTS];
	CU_ASSERT_EQUAL(inv->runs, 1);
	CU_ASSERT_EQUAL(inv->detected, 1);
	const ck_finding *f = NULL;
	CU_ASSERT_EQUAL_FATAL(findings_of(&t, CK_INVARIANTS, "check-failed", &f), 1);
	CU_ASSERT_EQUAL(inv->findings.n, 1);
	ASSERT_STR_EQ(f->where.file, "tests/test_3a.c");
	ASSERT_STR_EQ(f->where.function, "test_initial_election");
	CU_ASSERT_EQUAL(f->seed, 7);
	CU_ASSERT_EQUAL(f->found_in, CK_FOUND_IN(CK_RUN_TSAN));
	CU_ASSERT_EQUAL(ck_detector_verdict(&res, CK_INVARIANTS), CK_UNEXPECTED);
	ck_report report = {.targets = &res, .ntargets = 1};
	CU_ASSERT_EQUAL(ck_exit_status(&report), 1);

	/* Every output names the run that found it. */
	char *line = ck_finding_line(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "(in the tsan run)"));
	free(line);
	char *path = rb_temp_path(".json");
	CU_ASSERT_EQUAL_FATAL(ck_write_json(&report, path), 0);
	json_t *json = json_load_file(path, 0, NULL);
	json_t *finding = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(json_array_get(json_object_get(json, "results"), 0),
						"detectors"),
				"invariants"),
		"findings"),
	    0);
	json_t *found_in = json_object_get(finding, "found_in");
	CU_ASSERT_EQUAL(json_array_size(found_in), 1);
	ASSERT_STR_EQ(json_string_value(json_array_get(found_in, 0)), "tsan");
	json_decref(json);
	unlink(path);
	free(path);
	free_target(&t);
}

/* Helgrind's run is the plain build too, slowed down: its RRL-FINDING
 * lines count, and its own clean XML leaves Helgrind clean. */
static void test_a_failed_check_in_a_helgrind_run_is_not_clean(void)
{
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	collect(&t, "candidate_keeps_term", CK_RUN_HELGRIND, 7, 1);
	CU_ASSERT_EQUAL(res.det[CK_HELGRIND].runs, 1);
	CU_ASSERT_PTR_NULL(res.det[CK_HELGRIND].error);
	CU_ASSERT_EQUAL(ck_detector_verdict(&res, CK_HELGRIND), CK_CLEAN);
	const ck_finding *f = NULL;
	CU_ASSERT_EQUAL_FATAL(findings_of(&t, CK_INVARIANTS, "check-failed", &f), 1);
	CU_ASSERT_EQUAL(f->found_in, CK_FOUND_IN(CK_RUN_HELGRIND));
	CU_ASSERT_EQUAL(ck_detector_verdict(&res, CK_INVARIANTS), CK_UNEXPECTED);
	/* Lockdep and the watchdog ran too, and found nothing. */
	CU_ASSERT_EQUAL(res.det[CK_LOCKDEP].runs, 1);
	CU_ASSERT_EQUAL(res.det[CK_WATCHDOG].runs, 1);
	CU_ASSERT_EQUAL(ck_detector_verdict(&res, CK_WATCHDOG), CK_CLEAN);
	free_target(&t);
}

/* A detector's runs and detected count seeds: a seed's runs count once,
 * and the seed detected if any of them found something, as soon as the
 * soonest did. */
static void test_runs_of_one_seed_count_once(void)
{
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	const ck_detector_result *inv = &res.det[CK_INVARIANTS];
	collect(&t, "candidate_keeps_term", CK_RUN_PLAIN, 7, 1);
	double plain_s = inv->detect_s[0];
	collect(&t, "candidate_keeps_term", CK_RUN_TSAN, 7, 1);
	collect(&t, "candidate_keeps_term", CK_RUN_HELGRIND, 7, 1);
	CU_ASSERT_EQUAL(inv->runs, 1);
	CU_ASSERT_EQUAL(inv->detected, 1);
	CU_ASSERT_EQUAL_FATAL(inv->ndetect_s, 1);
	CU_ASSERT_TRUE(inv->detect_s[0] > 0 && inv->detect_s[0] <= plain_s);
	/* Seed 8 only under TSan: a seed of its own, detected. */
	collect(&t, "candidate_keeps_term", CK_RUN_TSAN, 8, 1);
	CU_ASSERT_EQUAL(inv->runs, 2);
	CU_ASSERT_EQUAL(inv->detected, 2);
	/* Seed 9 clean in both runs: run, not detected. */
	collect(&t, "reference", CK_RUN_PLAIN, 9, 0);
	collect(&t, "reference", CK_RUN_TSAN, 9, 0);
	CU_ASSERT_EQUAL(inv->runs, 3);
	CU_ASSERT_EQUAL(inv->detected, 2);
	CU_ASSERT_EQUAL(res.det[CK_TSAN].runs, 3);
	CU_ASSERT_EQUAL(res.det[CK_TSAN].detected, 0);
	CU_ASSERT_EQUAL(res.det[CK_LOCKDEP].runs, 3);
	CU_ASSERT_EQUAL(res.det[CK_LOCKDEP].detected, 0);
	/* One failed check, reported by every run of seeds 7 and 8 (gcc's
	 * plain build and clang's TSan build give it lines 23 and 24). */
	CU_ASSERT_EQUAL_FATAL(inv->findings.n, 1);
	CU_ASSERT_EQUAL(inv->findings.items[0].found_in, CK_FOUND_IN(CK_RUN_PLAIN) |
							     CK_FOUND_IN(CK_RUN_TSAN) |
							     CK_FOUND_IN(CK_RUN_HELGRIND));
	CU_ASSERT_EQUAL(inv->findings.items[0].occurrences, 4);
	char *line = ck_finding_line(&inv->findings.items[0]);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "(in the plain, tsan and helgrind runs)"));
	free(line);
	free_target(&t);
}

/* The same report from two runs is one finding, marked with both; TSan's
 * own races stay TSan's, and the FAIL line TSan's exit status caused is
 * not taken for a crash. */
static void test_a_finding_two_runs_report_is_kept_once(void)
{
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	collect(&t, "vote", CK_RUN_PLAIN, 7, 0);
	const ck_findings *lockdep = &res.det[CK_LOCKDEP].findings;
	size_t from_plain = lockdep->n;
	CU_ASSERT_TRUE(from_plain > 0);
	collect(&t, "vote", CK_RUN_TSAN, 7, 1);

	const ck_finding *f = find_at(lockdep, "missing-lock", "raft/election.c", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ASSERT_STR_EQ(f->where.function, "handle_vote_reply_locked");
	CU_ASSERT_EQUAL(f->found_in, CK_FOUND_IN(CK_RUN_PLAIN) | CK_FOUND_IN(CK_RUN_TSAN));
	CU_ASSERT_TRUE(f->occurrences >= 2);
	/* No report twice: the runs' copies were merged. */
	for (size_t i = 0; i < lockdep->n; i++)
		for (size_t k = i + 1; k < lockdep->n; k++) {
			char *a = ck_finding_line(&lockdep->items[i]);
			char *b = ck_finding_line(&lockdep->items[k]);
			CU_ASSERT_STRING_NOT_EQUAL(a, b);
			free(a);
			free(b);
		}
	CU_ASSERT_EQUAL(res.det[CK_LOCKDEP].runs, 1);
	CU_ASSERT_EQUAL(res.det[CK_LOCKDEP].detected, 1);
	char *line = ck_finding_line(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "(in the plain and tsan runs)"));
	free(line);

	const ck_finding *race = NULL;
	CU_ASSERT_TRUE(findings_of(&t, CK_TSAN, "data-race", &race) > 0);
	CU_ASSERT_EQUAL(race->found_in, CK_FOUND_IN(CK_RUN_TSAN));
	/* A TSan finding comes only from TSan's run: its line needs no note. */
	line = ck_finding_line(race);
	CU_ASSERT_PTR_NULL(strstr(line, "(in the"));
	free(line);
	CU_ASSERT_EQUAL(res.det[CK_INVARIANTS].findings.n, 0);
	CU_ASSERT_EQUAL(res.det[CK_WATCHDOG].findings.n, 0);
	free_target(&t);
}

/* A run made once for two trees of the same sources (share.h) counts for
 * both: the seed, TSan's races and lockdep's findings, the same in each. */
static void test_a_shared_run_counts_for_both_targets(void)
{
	ck_target t, twin;
	ck_target_result res, twin_res;
	make_target(&t, &res, every_detector);
	make_target(&twin, &twin_res, every_detector);
	char *logs = fixture_path("runs/vote");
	collect_shared(&t, &twin, logs, CK_RUN_TSAN, 7, 1, false);
	free(logs);
	static const ck_detector both[] = {CK_TSAN, CK_LOCKDEP};
	for (size_t i = 0; i < 2; i++) {
		ck_detector d = both[i];
		CU_ASSERT_EQUAL(twin_res.det[d].runs, 1);
		CU_ASSERT_EQUAL(twin_res.det[d].detected, 1);
		CU_ASSERT_TRUE(twin_res.det[d].findings.n > 0);
		CU_ASSERT_EQUAL(twin_res.det[d].findings.n, res.det[d].findings.n);
	}
	free_target(&t);
	free_target(&twin);
}

/* A detector not asked for hears nothing, and counts no run. */
static void test_a_detector_not_asked_for_is_not_fed(void)
{
	ck_target t;
	ck_target_result res;
	bool on[CK_NDETECTORS] = {[CK_TSAN] = true};
	make_target(&t, &res, on);
	collect(&t, "vote", CK_RUN_TSAN, 7, 1);
	CU_ASSERT_TRUE(res.det[CK_TSAN].findings.n > 0);
	CU_ASSERT_EQUAL(res.det[CK_LOCKDEP].runs, 0);
	CU_ASSERT_EQUAL(res.det[CK_LOCKDEP].findings.n, 0);
	free_target(&t);
}

/* A run written here: the runner's output on stdout, stderr as given. */
static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static char *handmade_run(const char *kind, uint64_t seed, const char *out, const char *err)
{
	char *dir = ck_strdup("/tmp/rrl-collect.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	const char *texts[] = {out, err};
	const char *ext[] = {"out", "err"};
	for (int i = 0; i < 2; i++) {
		char *path = ck_strdup_printf("%s/%s.seed%llu.%s", dir, kind,
					      (unsigned long long)seed, ext[i]);
		write_text(path, texts[i]);
		free(path);
	}
	return dir;
}

static void remove_run(char *dir)
{
	ck_remove_tree(dir);
	free(dir);
}

#define FAIL_LINE(test, why)                                                                       \
	"--- FAIL: " test " (0.52s) (seed 3)\n"                                                    \
	"    " why "\n"                                                                            \
	"    to repeat: raft-tests -run '^" test "$' -seed 3 -scale 0.25 -noise 0.05\n"

/* A test that crashed under TSan printed no finding; its FAIL line is an
 * invariants finding of the TSan run. */
static void test_a_crash_in_a_tsan_run_is_an_invariants_finding(void)
{
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	char *dir =
	    handmade_run("tsan", 3,
			 FAIL_LINE("TestBasicAgree3B", "crashed: Segmentation fault (signal 11)")
			     FAIL_LINE("TestFailAgree3B",
				       "ThreadSanitizer reported a data race (exit status 66)"),
			 "");
	collect_from(&t, dir, CK_RUN_TSAN, 3, 1, false);
	const ck_finding *f = NULL;
	CU_ASSERT_EQUAL_FATAL(findings_of(&t, CK_INVARIANTS, "crash", &f), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "TestBasicAgree3B: crashed: Segmentation fault"));
	CU_ASSERT_EQUAL(f->found_in, CK_FOUND_IN(CK_RUN_TSAN));
	/* The race is TSan's to report (from its own files; none here). */
	CU_ASSERT_EQUAL(res.det[CK_INVARIANTS].findings.n, 1);
	CU_ASSERT_EQUAL(res.det[CK_TSAN].findings.n, 0);
	remove_run(dir);
	free_target(&t);
}

/* A failed check or a test the watchdog stopped says why on stderr; if a
 * run lost its stderr, the FAIL line stands in, so the run is not clean. */
static void test_a_fail_line_without_its_finding_line_stands_in(void)
{
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	char *dir = handmade_run("helgrind", 3,
				 FAIL_LINE("TestBasicAgree3B", "a check failed (exit status 1)")
				     FAIL_LINE("TestFailAgree3B",
					       "the watchdog stopped it: hang, deadlock or over "
					       "budget (exit status 3)"),
				 "");
	collect_from(&t, dir, CK_RUN_HELGRIND, 3, 1, false);
	const ck_finding *f = NULL;
	CU_ASSERT_EQUAL(findings_of(&t, CK_INVARIANTS, "check-failed", &f), 1);
	CU_ASSERT_EQUAL(findings_of(&t, CK_WATCHDOG, "stopped", &f), 1);
	CU_ASSERT_EQUAL(f->found_in, CK_FOUND_IN(CK_RUN_HELGRIND));
	remove_run(dir);

	/* With its finding line, a failed check is that line alone. */
	ck_target t2;
	ck_target_result res2;
	make_target(&t2, &res2, every_detector);
	collect(&t2, "candidate_keeps_term", CK_RUN_PLAIN, 7, 1);
	CU_ASSERT_EQUAL(res2.det[CK_INVARIANTS].findings.n, 1);
	CU_ASSERT_EQUAL(res2.det[CK_WATCHDOG].findings.n, 0);
	free_target(&t2);
	free_target(&t);
}

/* A time check that failed in a hunt run is the hunt's own pauses as much
 * as the peers': not judged there, only counted. Any other run judges it. */
#define TOO_SLOW_LINE                                                                              \
	"RRL-FINDING {\"detector\":\"invariants\",\"kind\":\"too-slow\",\"rule\":0,\"peer\":null," \
	"\"term\":null,\"file\":\"tests/test_3b.c\",\"line\":48,\"function\":\"test_basic_agree\","   \
	"\"message\":\"one(100) failed to reach agreement: a leader put it at index 1, but "        \
	"after 2 s 2 server(s) had applied that index, not the 3 wanted (no retry)\","             \
	"\"thread\":\"main\",\"seed\":3,\"t\":2.49,\"wall_s\":0.62}\n"

#define TOO_SLOW_WHY "too slow: a check that something happened in time failed (exit status 4)"

static void test_a_time_check_is_not_judged_in_a_hunt_run(void)
{
	const char *fail = FAIL_LINE("TestBasicAgree3B", TOO_SLOW_WHY);
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	char *dir = handmade_run("hunt", 3, fail, TOO_SLOW_LINE);
	collect_from(&t, dir, CK_RUN_HUNT, 3, 1, false);
	CU_ASSERT_EQUAL(res.det[CK_INVARIANTS].runs, 1);
	CU_ASSERT_EQUAL(res.det[CK_INVARIANTS].detected, 0);
	CU_ASSERT_EQUAL(res.det[CK_INVARIANTS].findings.n, 0);
	CU_ASSERT_EQUAL(res.hunt_too_slow, 1);
	remove_run(dir);

	ck_target t2;
	ck_target_result res2;
	make_target(&t2, &res2, every_detector);
	dir = handmade_run("plain", 3, fail, TOO_SLOW_LINE);
	collect_from(&t2, dir, CK_RUN_PLAIN, 3, 1, false);
	const ck_finding *f = NULL;
	CU_ASSERT_EQUAL(findings_of(&t2, CK_INVARIANTS, "too-slow", &f), 1);
	CU_ASSERT_EQUAL(res2.det[CK_INVARIANTS].detected, 1);
	CU_ASSERT_EQUAL(res2.hunt_too_slow, 0);
	remove_run(dir);
	free_target(&t2);
	free_target(&t);
}

/* A too-slow verdict whose finding line was lost (stderr cut short) is
 * still a too-slow finding, so the hunt can leave it out as it does the
 * line's. */
static void test_a_too_slow_verdict_alone_is_a_too_slow_finding(void)
{
	const char *fail = FAIL_LINE("TestBasicAgree3B", TOO_SLOW_WHY);
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	char *dir = handmade_run("plain", 3, fail, "");
	collect_from(&t, dir, CK_RUN_PLAIN, 3, 1, false);
	const ck_finding *f = NULL;
	CU_ASSERT_EQUAL(findings_of(&t, CK_INVARIANTS, "too-slow", &f), 1);
	CU_ASSERT_EQUAL(findings_of(&t, CK_INVARIANTS, "check-failed", &f), 0);
	remove_run(dir);

	ck_target t2;
	ck_target_result res2;
	make_target(&t2, &res2, every_detector);
	dir = handmade_run("hunt", 3, fail, "");
	collect_from(&t2, dir, CK_RUN_HUNT, 3, 1, false);
	CU_ASSERT_EQUAL(res2.det[CK_INVARIANTS].detected, 0);
	CU_ASSERT_EQUAL(res2.hunt_too_slow, 1);
	remove_run(dir);
	free_target(&t2);
	free_target(&t);
}

/* A TSan run the checker had to stop is a hang: the watchdog's, from the
 * TSan run. */
static void test_a_stopped_tsan_run_is_a_watchdog_finding(void)
{
	ck_target t;
	ck_target_result res;
	make_target(&t, &res, every_detector);
	char *dir = handmade_run("tsan", 3, "Test (3B): basic agreement ...\n", "");
	collect_from(&t, dir, CK_RUN_TSAN, 3, 0, true);
	const ck_finding *f = NULL;
	CU_ASSERT_EQUAL_FATAL(findings_of(&t, CK_WATCHDOG, "timeout", &f), 1);
	CU_ASSERT_EQUAL(f->found_in, CK_FOUND_IN(CK_RUN_TSAN));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "the checker stopped it"));
	CU_ASSERT_EQUAL(res.det[CK_WATCHDOG].runs, 1);
	CU_ASSERT_EQUAL(res.det[CK_WATCHDOG].detected, 1);
	CU_ASSERT_PTR_NULL(res.det[CK_TSAN].error);
	remove_run(dir);
	free_target(&t);
}

/* A watchdog finding, as a hunt lane's runner writes it on -findings-fd. */
#define HANG_LINE                                                                                  \
	"RRL-FINDING {\"detector\":\"watchdog\",\"kind\":\"hang\",\"rule\":4,\"peer\":null,"       \
	"\"term\":null,\"file\":\"raft/raft.c\",\"line\":9,\"function\":\"raft_make\","            \
	"\"message\":\"TestInitialElection3A: raft_make() has not returned\","                     \
	"\"thread\":\"watchdog\",\"seed\":3,\"t\":20.0,\"wall_s\":5.0}\n"

/* A sandboxed hunt lane of seed 3, as the checker plans one: its findings
 * and verdicts on the runner's own channels, with no last line when
 * ended is false. */
static ck_job *sandboxed_lane(ck_target *t, const char *dir, const char *lane, const char *finding,
			      bool ended)
{
	char *base = ck_strdup_printf("%s/hunt-%s.seed3", dir, lane);
	ck_job *j = ck_calloc(1, sizeof *j);
	ck_run *r = ck_calloc(1, sizeof *r);
	*r = (ck_run){.target = t, .kind = CK_RUN_HUNT, .seed = 3, .logs = ck_strdup(dir)};
	j->ctx = r;
	j->stdout_path = ck_strdup_printf("%s.out", base);
	j->stderr_path = ck_strdup_printf("%s.err", base);
	j->results_path = ck_strdup_printf("%s.results", base);
	j->findings_path = ck_strdup_printf("%s.findings", base);
	j->label = ck_strdup_printf("%s hunt-%s seed 3", t->name, lane);
	j->started_wall = (double)time(NULL);
	j->elapsed_s = 5.0;
	j->timeout_s = 300;
	j->status = 1 << 8;
	const char *texts[] = {"", "", ended ? "{\"done\":true,\"passed\":0,\"failed\":1}\n" : "",
			       finding};
	const char *paths[] = {j->stdout_path, j->stderr_path, j->results_path, j->findings_path};
	for (int i = 0; i < 4; i++)
		write_text(paths[i], texts[i]);
	free(base);
	return j;
}

static void free_lane(ck_job *j)
{
	ck_run *r = j->ctx;
	free(r->logs);
	free(r);
	ck_job_free(j);
}

/* Two lanes of one seed: the first reports a hang. In a check of a tree,
 * that ends the seed's hunt, and the second lane, stopped part-way, is not
 * blamed for its missing last line. A submission is graded, and its lanes
 * all run to their end. */
static void test_a_lane_the_checker_stopped_is_not_ended_early(void)
{
	const ck_variant variants[] = {CK_REFERENCE, CK_SUBMISSION};
	for (int v = 0; v < 2; v++) {
		ck_target t;
		ck_target_result res;
		make_target(&t, &res, every_detector);
		res.variant = variants[v];
		char *dir = ck_strdup("/tmp/rrl-collect.XXXXXX");
		CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
		ck_job *first = sandboxed_lane(&t, dir, "agreement", HANG_LINE, true);
		ck_job *second = sandboxed_lane(&t, dir, "elections", "", false);
		ck_job *jobs[] = {first, second};
		ck_job_list all = {jobs, 2};
		ck_collect_run(first, &all);
		CU_ASSERT_EQUAL(second->cancelled, variants[v] == CK_REFERENCE);
		ck_collect_run(second, &all);
		const ck_finding *f = NULL;
		CU_ASSERT_EQUAL(findings_of(&t, CK_WATCHDOG, "hang", &f), 1);
		/* Cancelled: the checker's doing. Run to its end without a
		 * last line: the runner's. */
		CU_ASSERT_EQUAL(findings_of(&t, CK_INVARIANTS, "ended-early", &f),
				variants[v] == CK_REFERENCE ? 0 : 1);
		free_lane(first);
		free_lane(second);
		remove_run(dir);
		free_target(&t);
	}
}

void add_collect_suite(void)
{
	CU_pSuite s = CU_add_suite("collecting a run", NULL, NULL);
	CU_add_test(s, "a failed check in a TSan run is not clean, and names the run",
		    test_a_failed_check_in_a_tsan_run_is_not_clean);
	CU_add_test(s, "a failed check in a Helgrind run is not clean",
		    test_a_failed_check_in_a_helgrind_run_is_not_clean);
	CU_add_test(s, "runs and detected count seeds", test_runs_of_one_seed_count_once);
	CU_add_test(s, "a finding two runs report is kept once, marked with both",
		    test_a_finding_two_runs_report_is_kept_once);
	CU_add_test(s, "a detector not asked for is not fed",
		    test_a_detector_not_asked_for_is_not_fed);
	CU_add_test(s, "a run made once for two trees counts for both",
		    test_a_shared_run_counts_for_both_targets);
	CU_add_test(s, "a crash in a TSan run is an invariants finding",
		    test_a_crash_in_a_tsan_run_is_an_invariants_finding);
	CU_add_test(s, "a FAIL line without its RRL-FINDING line stands in for it",
		    test_a_fail_line_without_its_finding_line_stands_in);
	CU_add_test(s, "a time check is not judged in a hunt run, and is in a plain one",
		    test_a_time_check_is_not_judged_in_a_hunt_run);
	CU_add_test(s, "a too-slow verdict without its finding line is a too-slow finding",
		    test_a_too_slow_verdict_alone_is_a_too_slow_finding);
	CU_add_test(s, "a hunt lane the checker stopped is not ended early; a submission's lanes all end",
		    test_a_lane_the_checker_stopped_is_not_ended_early);
	CU_add_test(s, "a stopped TSan run is a watchdog finding of that run",
		    test_a_stopped_tsan_run_is_a_watchdog_finding);
}
