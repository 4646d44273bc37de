/*
 * Tests for grading (checker/grade.c) and exercise metadata
 * (checker/exercise.c): when a finding points at the bug, the verdict of
 * every detector on every kind of target, the exit status, and the
 * errors an exercise author sees.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "parsers.h"
#include "report_builder.h"

static const bool expect_tsan_helgrind[CK_NDETECTORS] = {[CK_TSAN] = true, [CK_HELGRIND] = true};

/* ---- points_at_bug ------------------------------------------------------ */

/* Grade one finding against raft/election.c:88 on a buggy tree in dir. */
static bool graded_in(const char *dir, ck_finding f)
{
	ck_target_result t;
	rb_target(&t, dir, CK_BUGGY, rb_exercise("x", "raft/election.c", 88, expect_tsan_helgrind));
	rb_add_finding(&t, f, 1);
	ck_grade(&t);
	bool at = t.det[f.detector].findings.items[0].points_at_bug;
	rb_target_free(&t);
	return at;
}

/* The same, on a tree whose files cannot be read. */
static bool graded(ck_finding f)
{
	return graded_in("buggy/x", f);
}

static void test_primary_location_on_the_bug_line(void)
{
	CU_ASSERT_TRUE(graded(rb_finding(CK_TSAN, "data-race", 1, "/tmp/build/t/raft/election.c",
					 88, "start_election", "race")));
	CU_ASSERT_TRUE(
	    graded(rb_finding(CK_LOCKDEP, "missing-lock", 1, "raft/election.c", 88, "f", "m")));
}

static void test_other_line_or_file_is_not_the_bug(void)
{
	CU_ASSERT_FALSE(
	    graded(rb_finding(CK_TSAN, "data-race", 1, "/tmp/b/raft/election.c", 89, "f", "m")));
	CU_ASSERT_FALSE(
	    graded(rb_finding(CK_TSAN, "data-race", 1, "/tmp/b/raft/role.c", 88, "f", "m")));
	CU_ASSERT_FALSE(
	    graded(rb_finding(CK_TSAN, "data-race", 1, "/tmp/b/lab/election.c", 88, "f", "m")));
	CU_ASSERT_FALSE(graded(rb_finding(CK_TSAN, "data-race", 1, NULL, 0, NULL, "m")));
}

static void test_first_peer_frame_of_any_stack_counts(void)
{
	ck_finding f = rb_finding(CK_TSAN, "data-race", 1, "/b/raft/role.c", 10, "f", "m");
	ck_frame first[] = {{"f", "/b/raft/role.c", 10}};
	ck_frame second[] = {{"__tsan_write8", "tsan_interceptors.cpp", 300},
			     {"count_vote", "/b/raft/election.c", 88},
			     {"start_election", "/b/raft/election.c", 120}};
	rb_add_stack(&f, "Write of size 8 by thread T1", 1, first);
	rb_add_stack(&f, "Previous read of size 8 by thread T2", 3, second);
	CU_ASSERT_TRUE(graded(f));
}

static void test_a_caller_frame_on_the_bug_line_does_not_count(void)
{
	ck_finding f = rb_finding(CK_TSAN, "data-race", 1, "/b/raft/role.c", 10, "f", "m");
	ck_frame frames[] = {{"f", "/b/raft/role.c", 10}, {"g", "/b/raft/election.c", 88}};
	rb_add_stack(&f, "Write", 2, frames);
	CU_ASSERT_FALSE(graded(f));
}

/* ...unless the frame is a _locked function, which runs on its caller's
 * lock: then the call is the mistake, and the callers out to the first
 * function that is not _locked count. */
static void test_the_caller_of_a_locked_function_counts(void)
{
	ck_finding f = rb_finding(CK_TSAN, "data-race", 1, "/b/raft/persist.c", 21,
				  "persist_locked", "m");
	ck_frame frames[] = {{"persist_locked", "/b/raft/persist.c", 21},
			     {"save_vote_locked", "/b/raft/election.c", 60},
			     {"serve", "/b/raft/election.c", 88},
			     {"dispatch", "/b/raft/election.c", 140}};
	rb_add_stack(&f, "Previous read of size 8 by thread T3", 4, frames);
	CU_ASSERT_TRUE(graded(f));

	ck_finding beyond = rb_finding(CK_TSAN, "data-race", 1, "/b/raft/persist.c", 21,
				       "persist_locked", "m");
	ck_frame further[] = {{"persist_locked", "/b/raft/persist.c", 21},
			      {"serve", "/b/raft/election.c", 70},
			      {"dispatch", "/b/raft/election.c", 88}};
	rb_add_stack(&beyond, "Previous read of size 8 by thread T3", 3, further);
	CU_ASSERT_FALSE(graded(beyond));
}

/* Write path (under dir) with text; the directories must exist. */
static void write_text(const char *dir, const char *path, const char *text)
{
	char *full = ck_strdup_printf("%s/%s", dir, path);
	FILE *f = fopen(full, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	free(full);
}

/* ...and so does a function of a file that takes no lock anywhere, a data
 * structure's own module: the report lands in it (the log's code), the
 * mistake is its caller's. Read from the tree graded: the same stack in a
 * tree whose log.c locks stops at log.c. */
static void test_the_caller_of_a_lock_free_modules_function_counts(void)
{
	char dir[] = "/tmp/rrl-grade.XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char *raft = ck_strdup_printf("%s/raft", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(raft, 0755), 0);
	write_text(dir, "raft/log.c", "void log_cut(log *l) { l->base++; }\n");
	write_text(dir, "raft/election.c", "void f(raft *rf) { rt_mutex_lock(&rf->mu); }\n");
	ck_frame frames[] = {{"log_cut", "/b/raft/log.c", 1},
			     {"snapshot", "/b/raft/election.c", 88},
			     {"dispatch", "/b/raft/election.c", 140}};
	ck_finding f = rb_finding(CK_TSAN, "data-race", 1, "/b/raft/log.c", 1, "log_cut", "m");
	rb_add_stack(&f, "Previous write of size 8 by thread T3", 3, frames);
	CU_ASSERT_TRUE(graded_in(dir, f));

	write_text(dir, "raft/log.c", "void log_cut(log *l) { rt_mutex_lock(&l->mu); }\n");
	ck_finding g = rb_finding(CK_TSAN, "data-race", 1, "/b/raft/log.c", 1, "log_cut", "m");
	rb_add_stack(&g, "Previous write of size 8 by thread T3", 3, frames);
	CU_ASSERT_FALSE(graded_in(dir, g));
	char *rm = ck_strdup_printf("rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(rm), 0);
	free(rm);
	free(raft);
}

/* An oracle's finding as the harness prints it: its own site in the
 * harness, and a history whose second section was taken at line `relock`
 * of raft/election.c. */
static ck_finding oracle_finding(int relock)
{
	char *text = ck_strdup_printf(
	    "RRL-FINDING {\"detector\":\"invariants\",\"kind\":\"vote-twice\",\"rule\":0,"
	    "\"file\":\"harness/oracle_election.c\",\"line\":60,\"function\":\"check\","
	    "\"message\":\"peer 1 voted twice\",\"history\":["
	    "{\"seq\":1,\"peer\":1,\"note\":\"sent RequestVote\"},"
	    "{\"seq\":2,\"peer\":1,\"lock\":\"raft.mu\","
	    "\"acquire\":{\"file\":\"raft/request_vote.c\",\"line\":18,\"function\":\"serve\"},"
	    "\"release\":{\"file\":\"raft/request_vote.c\",\"line\":30,\"function\":\"serve\"}},"
	    "{\"seq\":3,\"peer\":1,\"lock\":\"raft.mu\","
	    "\"acquire\":{\"file\":\"raft/election.c\",\"line\":%d,\"function\":\"g\"},"
	    "\"release\":null}]}\n",
	    relock);
	ck_findings list;
	ck_findings_init(&list);
	CU_ASSERT_EQUAL(ck_parse_finding_lines(text, &list), 1);
	free(text);
	ck_finding f = list.items[0];
	list.n = 0;
	ck_findings_free(&list);
	return f;
}

static void test_a_bug_line_in_an_oracles_history_counts(void)
{
	CU_ASSERT_TRUE(graded(oracle_finding(88)));
	CU_ASSERT_FALSE(graded(oracle_finding(87)));
}

/* The exercise of graded(), with the bug line's function named too. */
static ck_exercise *exercise_with_function(void)
{
	ck_exercise *ex = rb_exercise("x", "raft/election.c", 88, expect_tsan_helgrind);
	ex->bug_functions = ck_calloc(1, sizeof *ex->bug_functions);
	ex->bug_functions[0].file = ck_strdup("raft/election.c");
	ex->bug_functions[0].name = ck_strdup("g");
	ex->nbug_functions = 1;
	return ex;
}

/* A history site in the bug line's function (here, where the section was
 * locked) points at the bug, but not on its line; a call stack's frame in
 * that function is only a frame. */
static void test_the_bug_function_in_a_history_counts_apart_from_lines(void)
{
	ck_target_result t;
	rb_target(&t, "buggy/x", CK_BUGGY, exercise_with_function());
	rb_add_finding(&t, oracle_finding(70), 1);
	ck_finding race = rb_finding(CK_TSAN, "data-race", 1, "raft/election.c", 70, "g", "m");
	rb_add_finding(&t, race, 1);
	ck_grade(&t);
	const ck_finding *in_history = &t.det[CK_INVARIANTS].findings.items[0];
	CU_ASSERT_TRUE(in_history->points_at_bug);
	CU_ASSERT_FALSE(in_history->on_bug_line);
	CU_ASSERT_FALSE(t.det[CK_TSAN].findings.items[0].points_at_bug);
	CU_ASSERT_EQUAL(ck_detected_at_bug(&t.det[CK_INVARIANTS]), 1);
	CU_ASSERT_EQUAL(ck_detected_on_bug_line(&t.det[CK_INVARIANTS]), 0);
	rb_target_free(&t);
}

static void test_no_metadata_means_nothing_points_at_a_bug(void)
{
	ck_target_result t;
	rb_target(&t, "raft", CK_REFERENCE, NULL);
	rb_add_finding(&t, rb_finding(CK_TSAN, "data-race", 1, "raft/election.c", 88, "f", "m"), 1);
	t.det[CK_TSAN].findings.items[0].points_at_bug = true;
	ck_grade(&t);
	CU_ASSERT_FALSE(t.det[CK_TSAN].findings.items[0].points_at_bug);
	rb_target_free(&t);
}

static void test_programs_compare_by_path_suffix(void)
{
	ck_target_result t;
	rb_target(&t, "lock_order", CK_PROGRAM,
		  rb_exercise("lock-order", "tests/programs/lock_order.c", 20, NULL));
	ck_finding at = rb_finding(CK_TSAN, "lock-order-inversion", 4,
				   "/work/tests/programs/lock_order.c", 20, "worker", "m");
	ck_finding other = rb_finding(CK_TSAN, "lock-order-inversion", 4,
				      "/work/my_tests/programs/lock_order.c", 20, "worker", "m");
	ck_finding in_stack = rb_finding(CK_HELGRIND, "lock-order", 4, NULL, 0, NULL, "m");
	ck_frame frames[] = {{"pthread_mutex_lock", "hg_intercepts.c", 900},
			     {"worker", "/w/tests/programs/lock_order.c", 20}};
	rb_add_stack(&in_stack, "Acquired", 2, frames);
	rb_add_finding(&t, at, 1);
	rb_add_finding(&t, other, 1);
	rb_add_finding(&t, in_stack, 1);
	ck_grade(&t);
	CU_ASSERT_TRUE(t.det[CK_TSAN].findings.items[0].points_at_bug);
	CU_ASSERT_FALSE(t.det[CK_TSAN].findings.items[1].points_at_bug);
	CU_ASSERT_TRUE(t.det[CK_HELGRIND].findings.items[0].points_at_bug);
	rb_target_free(&t);
}

/* ---- verdicts ----------------------------------------------------------- */

static ck_finding at_bug(ck_detector d)
{
	return rb_finding(d, "data-race", 1, "/b/raft/election.c", 88, "f", "at the bug");
}

static ck_finding elsewhere(ck_detector d)
{
	return rb_finding(d, "data-race", 1, "/b/raft/role.c", 5, "g", "somewhere else");
}

static void test_verdicts_on_a_buggy_tree(void)
{
	ck_target_result t;
	rb_target(&t, "buggy/x", CK_BUGGY,
		  rb_exercise("x", "raft/election.c", 88, expect_tsan_helgrind));
	rb_add_finding(&t, at_bug(CK_TSAN), 1);
	rb_add_finding(&t, elsewhere(CK_TSAN), 2);     /* extra findings do not hurt */
	rb_add_finding(&t, elsewhere(CK_HELGRIND), 1); /* expected, but not at the bug */
	rb_add_finding(&t, at_bug(CK_LOCKDEP), 1);     /* not expected */
	t.det[CK_WATCHDOG].enabled = false;
	t.det[CK_INVARIANTS].error = ck_strdup("cannot start the test runner");
	ck_grade(&t);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_TSAN), CK_CAUGHT);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_HELGRIND), CK_MISSED);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_LOCKDEP), CK_UNEXPECTED);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_STATIC), CK_CLEAN);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_INVARIANTS), CK_ERROR);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_WATCHDOG), CK_SKIPPED);
	rb_target_free(&t);
}

static void test_expected_detector_without_findings_missed(void)
{
	ck_target_result t;
	rb_target(&t, "buggy/x", CK_BUGGY,
		  rb_exercise("x", "raft/election.c", 88, expect_tsan_helgrind));
	ck_grade(&t);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_TSAN), CK_MISSED);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_HELGRIND), CK_MISSED);
	rb_target_free(&t);
}

static void test_without_bug_lines_any_finding_is_caught(void)
{
	ck_target_result t;
	rb_target(&t, "buggy/x", CK_BUGGY, rb_exercise("x", NULL, 0, expect_tsan_helgrind));
	rb_add_finding(&t, elsewhere(CK_TSAN), 1);
	ck_grade(&t);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_TSAN), CK_CAUGHT);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_HELGRIND), CK_MISSED);
	rb_target_free(&t);
}

/* Reference, fixed and submission trees must be clean, metadata or not. */
static void test_clean_variants_ignore_expectations(void)
{
	ck_variant variants[] = {CK_REFERENCE, CK_FIXED, CK_SUBMISSION};
	for (size_t i = 0; i < 3; i++) {
		for (int with_meta = 0; with_meta < 2; with_meta++) {
			ck_target_result t;
			rb_target(&t, "t", variants[i],
				  with_meta ? rb_exercise("x", "raft/election.c", 88,
							  expect_tsan_helgrind)
					    : NULL);
			rb_add_finding(&t, at_bug(CK_TSAN), 1);
			ck_grade(&t);
			CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_TSAN), CK_UNEXPECTED);
			CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_HELGRIND), CK_CLEAN);
			rb_target_free(&t);
		}
	}
}

static void test_program_with_expectations(void)
{
	bool expect_tsan[CK_NDETECTORS] = {[CK_TSAN] = true};
	ck_target_result t;
	rb_target(&t, "race", CK_PROGRAM, rb_exercise("race", "race.c", 12, expect_tsan));
	rb_add_finding(&t, rb_finding(CK_TSAN, "data-race", 1, "/w/race.c", 12, "f", "m"), 1);
	ck_grade(&t);
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_TSAN), CK_CAUGHT);
	rb_target_free(&t);
}

static void test_build_error_makes_every_enabled_detector_an_error(void)
{
	ck_target_result t;
	rb_target(&t, "submission", CK_SUBMISSION, NULL);
	t.build_error = ck_strdup("raft/election.c:3: error: expected ';'");
	t.det[CK_STATIC].enabled = false;
	CU_ASSERT_EQUAL(ck_detector_verdict(&t, CK_STATIC), CK_SKIPPED);
	for (int d = CK_TSAN; d < CK_NDETECTORS; d++)
		CU_ASSERT_EQUAL(ck_detector_verdict(&t, (ck_detector)d), CK_ERROR);
	rb_target_free(&t);
}

/* ---- median, exit status, names ----------------------------------------- */

static void test_median_detect_s(void)
{
	ck_detector_result r = {0};
	CU_ASSERT_EQUAL(ck_median_detect_s(&r), -1);
	double odd[] = {3.0, 1.0, 2.0};
	r.detect_s = odd;
	r.ndetect_s = 3;
	CU_ASSERT_DOUBLE_EQUAL(ck_median_detect_s(&r), 2.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(odd[0], 3.0, 1e-9); /* the input is not reordered */
	double even[] = {4.0, 1.0, 10.0, 2.0};
	r.detect_s = even;
	r.ndetect_s = 4;
	CU_ASSERT_DOUBLE_EQUAL(ck_median_detect_s(&r), 3.0, 1e-9);
}

/* The exit status of a report holding the one target t. */
static int status_of(ck_target_result *t)
{
	ck_grade(t);
	ck_report r = {.targets = t, .ntargets = 1};
	int s = ck_exit_status(&r);
	rb_target_free(t);
	return s;
}

static void test_exit_status(void)
{
	ck_target_result t;
	rb_target(&t, "raft", CK_REFERENCE, NULL);
	CU_ASSERT_EQUAL(status_of(&t), 0);

	rb_target(&t, "buggy/x", CK_BUGGY,
		  rb_exercise("x", "raft/election.c", 88, expect_tsan_helgrind));
	rb_add_finding(&t, at_bug(CK_TSAN), 1);
	rb_add_finding(&t, at_bug(CK_HELGRIND), 1);
	CU_ASSERT_EQUAL(status_of(&t), 0); /* caught as expected */

	rb_target(&t, "buggy/x", CK_BUGGY,
		  rb_exercise("x", "raft/election.c", 88, expect_tsan_helgrind));
	rb_add_finding(&t, at_bug(CK_TSAN), 1);
	CU_ASSERT_EQUAL(status_of(&t), 1); /* helgrind missed */

	rb_target(&t, "sub", CK_SUBMISSION, NULL);
	rb_add_finding(&t, elsewhere(CK_LOCKDEP), 1);
	CU_ASSERT_EQUAL(status_of(&t), 1); /* findings on a submission */

	rb_target(&t, "sub", CK_SUBMISSION, NULL);
	rb_add_finding(&t, elsewhere(CK_LOCKDEP), 1);
	t.det[CK_HELGRIND].error = ck_strdup("valgrind: not found");
	CU_ASSERT_EQUAL(status_of(&t), 2); /* an error wins over findings */

	rb_target(&t, "sub", CK_SUBMISSION, NULL);
	t.build_error = ck_strdup("error");
	for (int d = 0; d < CK_NDETECTORS; d++)
		t.det[d].enabled = false;
	CU_ASSERT_EQUAL(status_of(&t), 2); /* a build error even with nothing enabled */

	rb_target(&t, "raft", CK_REFERENCE, NULL);
	for (int d = 0; d < CK_NDETECTORS; d++)
		t.det[d].enabled = false;
	CU_ASSERT_EQUAL(status_of(&t), 0); /* everything skipped */
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(ck_variant_name(CK_REFERENCE), "reference");
	CU_ASSERT_STRING_EQUAL(ck_variant_name(CK_BUGGY), "buggy");
	CU_ASSERT_STRING_EQUAL(ck_variant_name(CK_FIXED), "fixed");
	CU_ASSERT_STRING_EQUAL(ck_variant_name(CK_SUBMISSION), "submission");
	CU_ASSERT_STRING_EQUAL(ck_variant_name(CK_PROGRAM), "program");
	CU_ASSERT_STRING_EQUAL(ck_verdict_name(CK_CLEAN), "clean");
	CU_ASSERT_STRING_EQUAL(ck_verdict_name(CK_CAUGHT), "caught");
	CU_ASSERT_STRING_EQUAL(ck_verdict_name(CK_MISSED), "missed");
	CU_ASSERT_STRING_EQUAL(ck_verdict_name(CK_UNEXPECTED), "unexpected");
	CU_ASSERT_STRING_EQUAL(ck_verdict_name(CK_ERROR), "error");
	CU_ASSERT_STRING_EQUAL(ck_verdict_name(CK_SKIPPED), "skipped");
}

/* ---- exercise.json ------------------------------------------------------ */

static const char valid_exercise[] =
    "{\"id\": \"r1-vote-count-unlocked\", \"title\": \"Counting votes without the lock\",\n"
    " \"rule\": 1, \"grade\": 2, \"bug_class\": \"data race\",\n"
    " \"bug_lines\": [\"raft/election.c:88\", \"raft/election.c:95\"],\n"
    " \"bug_functions\": [\"raft/election.c:start_election_locked\"],\n"
    " \"expected\": [\"tsan\", \"helgrind\"], \"scenarios\": \"3A\"}\n";

/* Load text as an exercise.json; err receives the message, if any. */
static ck_exercise *load_text(const char *text, char *err, size_t errlen, char **path_out)
{
	char *path = rb_temp_path(".json");
	FILE *fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	ck_exercise *ex = ck_exercise_load(path, err, errlen);
	unlink(path);
	if (path_out != NULL)
		*path_out = path;
	else
		free(path);
	return ex;
}

static void test_exercise_loads_every_field(void)
{
	char err[512] = "";
	ck_exercise *ex = load_text(valid_exercise, err, sizeof err, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ex);
	CU_ASSERT_STRING_EQUAL(ex->id, "r1-vote-count-unlocked");
	CU_ASSERT_STRING_EQUAL(ex->title, "Counting votes without the lock");
	CU_ASSERT_EQUAL(ex->rule, 1);
	CU_ASSERT_EQUAL(ex->grade, 2);
	CU_ASSERT_STRING_EQUAL(ex->bug_class, "data race");
	CU_ASSERT_EQUAL_FATAL(ex->nbug_lines, 2);
	CU_ASSERT_STRING_EQUAL(ex->bug_lines[0].file, "raft/election.c");
	CU_ASSERT_EQUAL(ex->bug_lines[0].line, 88);
	CU_ASSERT_EQUAL(ex->bug_lines[1].line, 95);
	CU_ASSERT_EQUAL_FATAL(ex->nbug_functions, 1);
	CU_ASSERT_STRING_EQUAL(ex->bug_functions[0].file, "raft/election.c");
	CU_ASSERT_STRING_EQUAL(ex->bug_functions[0].name, "start_election_locked");
	CU_ASSERT_TRUE(ex->expected[CK_TSAN]);
	CU_ASSERT_TRUE(ex->expected[CK_HELGRIND]);
	CU_ASSERT_FALSE(ex->expected[CK_STATIC]);
	CU_ASSERT_FALSE(ex->expected[CK_LOCKDEP]);
	CU_ASSERT_STRING_EQUAL(ex->scenarios, "3A");
	ck_exercise_free(ex);
}

static void test_exercise_scenarios_is_optional(void)
{
	char err[512] = "";
	ck_exercise *ex = load_text("{\"id\":\"a\",\"title\":\"t\",\"rule\":4,\"grade\":1,"
				    "\"bug_class\":\"deadlock\",\"bug_lines\":[],\"expected\":[]}",
				    err, sizeof err, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ex);
	CU_ASSERT_PTR_NULL(ex->scenarios);
	CU_ASSERT_EQUAL(ex->nbug_lines, 0);
	ck_exercise_free(ex);
}

/* The error for text names the file and contains want. */
static void assert_load_error(const char *text, const char *want)
{
	char err[512] = "";
	char *path = NULL;
	ck_exercise *ex = load_text(text, err, sizeof err, &path);
	CU_ASSERT_PTR_NULL(ex);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (strstr(err, want) == NULL)
		fprintf(stderr, "\n  error was: %s\n  wanted:    %s\n", err, want);
	ck_exercise_free(ex);
	free(path);
}

static void test_exercise_errors(void)
{
	assert_load_error("{\"id\":\"a\",\"title\":\"t\",\"grade\":1,\"bug_class\":\"c\","
			  "\"bug_lines\":[],\"expected\":[]}",
			  "missing field \"rule\"");
	assert_load_error("{\"id\":\"a\",\"title\":\"t\",\"rule\":\"1\",\"grade\":1,"
			  "\"bug_class\":\"c\",\"bug_lines\":[],\"expected\":[]}",
			  "\"rule\" must be an integer 0-5");
	assert_load_error("{\"id\":\"a\",\"title\":\"t\",\"rule\":1,\"grade\":9,"
			  "\"bug_class\":\"c\",\"bug_lines\":[],\"expected\":[]}",
			  "\"grade\" must be an integer 1-5");
	assert_load_error("{\"id\":\"a\",\"title\":\"t\",\"rule\":1,\"grade\":1,"
			  "\"bug_class\":\"c\",\"bug_lines\":[\"raft/election.c\"],"
			  "\"expected\":[]}",
			  "bug_lines[0]");
	assert_load_error("{\"id\":\"a\",\"title\":\"t\",\"rule\":1,\"grade\":1,"
			  "\"bug_class\":\"c\",\"bug_lines\":[],"
			  "\"expected\":[\"tsan\",\"tsna\"]}",
			  "expected[1] is not a detector");
	assert_load_error("{\"id\":\"a\",\"title\":\"t\",\"rule\":1,\"grade\":1,"
			  "\"bug_class\":\"c\",\"bug_lines\":[],"
			  "\"bug_functions\":[\"become_candidate_locked\"],\"expected\":[]}",
			  "bug_functions[0]");
	assert_load_error("{\"id\":\"\",\"title\":\"t\"}", "\"id\" must be a non-empty string");
	assert_load_error("{\"id\": \"a\",\n \"title\": }", "line 2");
	assert_load_error("[1, 2]", "must hold one JSON object");
}

static void test_exercise_missing_file(void)
{
	char err[512] = "";
	ck_exercise *ex = ck_exercise_load("/nonexistent/exercise.json", err, sizeof err);
	CU_ASSERT_PTR_NULL(ex);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/exercise.json"));
}

void add_grade_suite(void)
{
	CU_pSuite s = CU_add_suite("checker grading", NULL, NULL);
	CU_add_test(s, "primary location on the bug line", test_primary_location_on_the_bug_line);
	CU_add_test(s, "a bug line among an oracle's critical sections counts",
		    test_a_bug_line_in_an_oracles_history_counts);
	CU_add_test(s, "other line or file is not the bug", test_other_line_or_file_is_not_the_bug);
	CU_add_test(s, "first peer frame of any stack counts",
		    test_first_peer_frame_of_any_stack_counts);
	CU_add_test(s, "the caller of a _locked function counts",
		    test_the_caller_of_a_locked_function_counts);
	CU_add_test(s, "the caller of a function of a module that takes no lock counts",
		    test_the_caller_of_a_lock_free_modules_function_counts);
	CU_add_test(s, "a caller frame on the bug line does not count",
		    test_a_caller_frame_on_the_bug_line_does_not_count);
	CU_add_test(s, "the bug's function in a history counts, apart from its lines",
		    test_the_bug_function_in_a_history_counts_apart_from_lines);
	CU_add_test(s, "no metadata: nothing points at a bug",
		    test_no_metadata_means_nothing_points_at_a_bug);
	CU_add_test(s, "programs compare by path suffix", test_programs_compare_by_path_suffix);
	CU_add_test(s, "verdicts on a buggy tree", test_verdicts_on_a_buggy_tree);
	CU_add_test(s, "expected detector without findings missed",
		    test_expected_detector_without_findings_missed);
	CU_add_test(s, "without bug lines any finding is caught",
		    test_without_bug_lines_any_finding_is_caught);
	CU_add_test(s, "reference, fixed, submission must be clean",
		    test_clean_variants_ignore_expectations);
	CU_add_test(s, "program with expectations", test_program_with_expectations);
	CU_add_test(s, "build error: every enabled detector is an error",
		    test_build_error_makes_every_enabled_detector_an_error);
	CU_add_test(s, "median seconds to detect", test_median_detect_s);
	CU_add_test(s, "exit status", test_exit_status);
	CU_add_test(s, "variant and verdict names", test_names);
	CU_add_test(s, "exercise.json: every field", test_exercise_loads_every_field);
	CU_add_test(s, "exercise.json: scenarios optional", test_exercise_scenarios_is_optional);
	CU_add_test(s, "exercise.json: errors name file and field", test_exercise_errors);
	CU_add_test(s, "exercise.json: missing file", test_exercise_missing_file);
}
