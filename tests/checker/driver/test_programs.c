/*
 * The checker on the small programs: it must catch each bug with the
 * detectors that can see it, at the line marked BUG, and nothing else.
 *
 *   race.c        a data race           tsan, helgrind
 *   field_race.c  a race on a heap field tsan, helgrind (named acct->balance)
 *   lock_order.c  a lock-order inversion tsan, helgrind, lockdep (no hang)
 *   deadlock.c    a real deadlock        the watchdog (and lockdep)
 *
 * rrl-check runs once, on all of them; each test reads its JSON report.
 */
#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "driver_tests.h"

#define REPORT "build/checker/programs.json"
#define OUTPUT "build/checker/programs.log"
/* The watchdog sees a deadlock within two of its ticks (0.5 s); this is
 * the most a detecting run may take to its first finding. */
#define DEADLOCK_LIMIT_S 5.0

static json_t *report;
static int status = -1;

/* One checker run for the whole suite: the runs are the slow part. */
static int run_checker_once(void)
{
	char *argv[] = {RRL_CHECK,   "-q",
			"--timeout", "120",
			"--json",    REPORT,
			"--program", "tests/programs/race.c",
			"--program", "tests/programs/field_race.c",
			"--program", "tests/programs/lock_order.c",
			"--program", "tests/programs/deadlock.c",
			NULL};
	status = run_command(argv, OUTPUT);
	report = load_json(REPORT);
	return report != NULL ? 0 : 1;
}

static int free_report(void)
{
	json_decref(report);
	return 0;
}

static json_t *detector(const char *program, const char *name)
{
	json_t *r = result_for(report, program);
	return json_object_get(json_object_get(r, "detectors"), name);
}

static const char *verdict(const char *program, const char *name)
{
	const char *v = json_string_value(json_object_get(detector(program, name), "verdict"));
	return v ? v : "(none)";
}

/* "caught" is the grading's word; this checks it independently: a
 * finding of the right kind whose own line is one marked BUG. */
/* Is line one of the n lines? */
static bool among(int line, const int *lines, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (lines[j] == line)
			return true;
	return false;
}

/* A race has two accesses, and which one TSan calls the current one depends
 * on the order they ran in: the BUG line may be either's innermost frame. */
static bool an_access_at(json_t *f, const char *program, const int *lines, size_t n)
{
	size_t i;
	json_t *stack;
	json_array_foreach(json_object_get(f, "stacks"), i, stack)
	{
		json_t *top = json_array_get(json_object_get(stack, "frames"), 0);
		const char *file = json_string_value(json_object_get(top, "file"));
		if (file != NULL && strstr(file, program) != NULL &&
		    among((int)json_integer_value(json_object_get(top, "line")), lines, n))
			return true;
	}
	return false;
}

static bool found_at_bug(const char *program, const char *name, const char *kind)
{
	int lines[8];
	size_t n = lines_containing(program, "/* BUG", lines, 8);
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(detector(program, name), "findings"), i, f)
	{
		const char *k = json_string_value(json_object_get(f, "kind"));
		const char *file = json_string_value(json_object_get(f, "file"));
		int line = (int)json_integer_value(json_object_get(f, "line"));
		if (k == NULL || strcmp(k, kind) != 0)
			continue;
		if (file != NULL && strstr(file, program) != NULL && among(line, lines, n))
			return true;
		if (an_access_at(f, program, lines, n))
			return true;
	}
	fprintf(stderr, "\n  %s: no %s finding of kind %s on a BUG line (verdict %s)\n", program,
		name, kind, verdict(program, name));
	return false;
}

#define EXPECT_VERDICT(program, name, want) CU_ASSERT_STRING_EQUAL(verdict(program, name), want)

static void test_every_verdict_as_expected(void)
{
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(report, "exit_status")), 0);
}

static void test_race_caught_by_tsan_and_helgrind(void)
{
	const char *p = "tests/programs/race.c";
	CU_ASSERT_TRUE(found_at_bug(p, "tsan", "data-race"));
	CU_ASSERT_TRUE(found_at_bug(p, "helgrind", "data-race"));
	EXPECT_VERDICT(p, "tsan", "caught");
	EXPECT_VERDICT(p, "helgrind", "caught");
	EXPECT_VERDICT(p, "lockdep", "clean");
	EXPECT_VERDICT(p, "watchdog", "clean");
}

/* The heap field is named as the code names it, from the binary's types
 * and the source line, by both detectors. */
static void test_field_race_names_the_field(void)
{
	const char *p = "tests/programs/field_race.c";
	CU_ASSERT_TRUE(found_at_bug(p, "tsan", "data-race"));
	CU_ASSERT_TRUE(found_at_bug(p, "helgrind", "data-race"));
	EXPECT_VERDICT(p, "tsan", "caught");
	EXPECT_VERDICT(p, "helgrind", "caught");
	static const char *const detectors[] = {"tsan", "helgrind"};
	for (size_t d = 0; d < 2; d++) {
		json_t *f = json_array_get(json_object_get(detector(p, detectors[d]), "findings"), 0);
		const char *var = json_string_value(json_object_get(f, "variable"));
		CU_ASSERT_STRING_EQUAL(var ? var : "(null)", "acct->balance");
	}
}

static void test_lock_order_caught_without_a_hang(void)
{
	const char *p = "tests/programs/lock_order.c";
	CU_ASSERT_TRUE(found_at_bug(p, "tsan", "lock-order-inversion"));
	CU_ASSERT_TRUE(found_at_bug(p, "helgrind", "lock-order-inversion"));
	CU_ASSERT_TRUE(found_at_bug(p, "lockdep", "lock-order"));
	EXPECT_VERDICT(p, "tsan", "caught");
	EXPECT_VERDICT(p, "helgrind", "caught");
	EXPECT_VERDICT(p, "lockdep", "caught");
	/* The two orders never overlap: nothing hangs. */
	EXPECT_VERDICT(p, "watchdog", "clean");
}

static void test_deadlock_caught_by_the_watchdog(void)
{
	const char *p = "tests/programs/deadlock.c";
	CU_ASSERT_TRUE(found_at_bug(p, "watchdog", "deadlock"));
	EXPECT_VERDICT(p, "watchdog", "caught");
	json_t *median = json_object_get(detector(p, "watchdog"), "median_detect_s");
	CU_ASSERT_TRUE(json_is_number(median) && json_number_value(median) < DEADLOCK_LIMIT_S);
	/* Every run of the deadlock program ends in the watchdog's report. */
	json_t *w = detector(p, "watchdog");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(w, "detected")),
			json_integer_value(json_object_get(w, "runs")));
	/* The hang is the watchdog's alone: Helgrind's "Exiting thread still
	 * holds 1 lock", for the threads the watchdog's ending stopped, is
	 * left out (harness/watchdog.h). */
	EXPECT_VERDICT(p, "helgrind", "clean");
}

/* The metadata's bug lines and the BUG comments must agree, or the
 * grading would check one line and this test another. */
static void test_metadata_names_the_marked_lines(void)
{
	static const char *const programs[] = {"tests/programs/race.c",
					       "tests/programs/field_race.c",
					       "tests/programs/lock_order.c",
					       "tests/programs/deadlock.c"};
	for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
		int lines[8];
		size_t n = lines_containing(programs[i], "/* BUG", lines, 8);
		json_t *ex = json_object_get(result_for(report, programs[i]), "exercise");
		json_t *bug_lines = json_object_get(ex, "bug_lines");
		CU_ASSERT_EQUAL_FATAL(json_array_size(bug_lines), n);
		for (size_t j = 0; j < n; j++) {
			char want[128];
			snprintf(want, sizeof want, "%s:%d", programs[i], lines[j]);
			CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(bug_lines, j)),
					       want);
		}
	}
}

void add_programs_suite(void)
{
	CU_pSuite s = CU_add_suite("rrl-check on tests/programs", run_checker_once, free_report);
	CU_add_test(s, "every verdict as expected (exit status 0)", test_every_verdict_as_expected);
	CU_add_test(s, "race.c: tsan and helgrind report the race at the BUG line",
		    test_race_caught_by_tsan_and_helgrind);
	CU_add_test(s, "field_race.c: tsan and helgrind name acct->balance",
		    test_field_race_names_the_field);
	CU_add_test(s, "lock_order.c: tsan, helgrind and lockdep report the inversion",
		    test_lock_order_caught_without_a_hang);
	CU_add_test(s, "deadlock.c: the watchdog reports the deadlock, soon",
		    test_deadlock_caught_by_the_watchdog);
	CU_add_test(s, "metadata bug lines are the BUG-marked lines",
		    test_metadata_names_the_marked_lines);
}
