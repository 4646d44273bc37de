/*
 * Unit tests for the finding shape's helpers: names, which files are peer
 * or runtime code, the primary location, the list and its de-duplication,
 * and the line reader the parsers share.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "checker_tests.h"
#include "finding.h"
#include "parser_fixtures.h"

static void test_detector_names_round_trip(void)
{
	for (int d = 0; d < CK_NDETECTORS; d++)
		CU_ASSERT_EQUAL(ck_detector_from_name(ck_detector_name((ck_detector)d)), d);
	ASSERT_STR_EQ(ck_detector_name(CK_HELGRIND), "helgrind");
	CU_ASSERT_EQUAL(ck_detector_from_name("tsan"), CK_TSAN);
	CU_ASSERT_EQUAL(ck_detector_from_name("TSan"), -1);
	CU_ASSERT_EQUAL(ck_detector_from_name(NULL), -1);
}

static void test_peer_files_by_suffix(void)
{
	ASSERT_STR_EQ(ck_peer_relative("/tmp/x/raft/election.c"), "raft/election.c");
	ASSERT_STR_EQ(ck_peer_relative("raft/raft_internal.h"), "raft/raft_internal.h");
	ASSERT_STR_EQ(ck_peer_relative("/home/s/lab/raft/rpc.c"), "raft/rpc.c");
	CU_ASSERT_FALSE(ck_is_peer_file("/work/main/platform/net.c"));
	CU_ASSERT_FALSE(ck_is_peer_file("/tmp/myraft/election.c"));
	CU_ASSERT_FALSE(ck_is_peer_file("/home/raft/platform/net.c"));
	CU_ASSERT_FALSE(ck_is_peer_file("raft/notes.txt"));
	CU_ASSERT_FALSE(ck_is_peer_file("raft/"));
	CU_ASSERT_FALSE(ck_is_peer_file(NULL));
}

static void test_runtime_files(void)
{
	CU_ASSERT_TRUE(ck_is_runtime_file(NULL));
	CU_ASSERT_TRUE(ck_is_runtime_file("<null>"));
	CU_ASSERT_TRUE(ck_is_runtime_file("./nptl/./nptl/pthread_create.c"));
	CU_ASSERT_TRUE(
	    ck_is_runtime_file("../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp"));
	CU_ASSERT_TRUE(ck_is_runtime_file("/usr/include/x86_64-linux-gnu/bits/string_fortified.h"));
	CU_ASSERT_TRUE(ck_is_runtime_file("/tmp/t/platform/rt/mutex.c"));
	CU_ASSERT_TRUE(ck_is_runtime_file("platform/rt/thread.c"));
	CU_ASSERT_FALSE(ck_is_runtime_file("/tmp/t/raft/election.c"));
	CU_ASSERT_FALSE(ck_is_runtime_file("/work/main/platform/net_call.c"));
	CU_ASSERT_FALSE(ck_is_runtime_file("/work/main/tests/checker/fixture_programs/race.c"));
}

/* A finding with two stacks of the given frames (file NULL-terminated). */
static ck_finding two_stacks(const char *const *first, const char *const *second)
{
	ck_finding f = ck_finding_new(CK_TSAN, "data-race", 1, 7);
	const char *const *stacks[] = {first, second};
	for (int i = 0; i < 2; i++) {
		ck_stack *s = ck_finding_add_stack(&f, i == 0 ? "Write" : "Previous write");
		for (const char *const *file = stacks[i]; file && *file; file++)
			ck_stack_add_frame(s, "fn", *file, 10);
	}
	return f;
}

static void test_where_prefers_peer_code_in_any_stack(void)
{
	const char *first[] = {NULL, "/t/platform/rt/mutex.c", "/t/platform/codec.c", NULL};
	const char *second[] = {"/t/platform/codec.c", "/t/raft/rpc.c", NULL};
	ck_finding f = two_stacks(first, second);
	ck_finding_set_where(&f);
	ASSERT_STR_EQ(f.where.file, "/t/raft/rpc.c");
	CU_ASSERT_EQUAL(f.where.line, 10);
	CU_ASSERT_PTR_EQUAL(ck_first_peer_frame(&f.stacks[1]), &f.stacks[1].frames[1]);
	CU_ASSERT_PTR_NULL(ck_first_peer_frame(&f.stacks[0]));
	ck_finding_free(&f);
}

static void test_where_falls_back_to_user_code_then_nothing(void)
{
	const char *first[] = {"<null>", "/t/platform/rt/mutex.c", "/t/prog/main.c", NULL};
	ck_finding f = two_stacks(first, NULL);
	ck_finding_set_where(&f);
	ASSERT_STR_EQ(f.where.file, "/t/prog/main.c");
	ck_finding_free(&f);

	const char *runtime[] = {"./nptl/pthread_create.c", "/t/platform/rt/thread.c", NULL};
	f = two_stacks(runtime, runtime);
	ck_finding_set_where(&f);
	CU_ASSERT_PTR_NULL(f.where.file);
	CU_ASSERT_EQUAL(f.where.line, 0);
	ck_finding_free(&f);
}

/* A data race at tree:/raft/file:10 whose second stack reaches other. */
static ck_finding race_at(const char *tree, const char *other)
{
	char file[128], second[128];
	snprintf(file, sizeof file, "%s/raft/election.c", tree);
	snprintf(second, sizeof second, "%s/raft/%s", tree, other);
	const char *a[] = {"/usr/x/libtsan.so", file, NULL};
	const char *b[] = {second, NULL};
	ck_finding f = two_stacks(a, b);
	ck_finding_set_where(&f);
	return f;
}

static void test_add_unique_folds_the_same_report_from_other_trees(void)
{
	ck_findings list;
	ck_findings_init(&list);
	ck_findings_add_unique(&list, race_at("/tmp/a", "role.c"));
	ck_findings_add_unique(&list, race_at("/tmp/b", "role.c"));
	CU_ASSERT_EQUAL(list.n, 1);
	CU_ASSERT_EQUAL(list.items[0].occurrences, 2);

	ck_finding other_stack = race_at("/tmp/a", "log.c");
	ck_findings_add_unique(&list, other_stack);
	CU_ASSERT_EQUAL(list.n, 2);

	ck_finding other_kind = race_at("/tmp/a", "role.c");
	free(other_kind.kind);
	other_kind.kind = ck_strdup("heap-use-after-free");
	ck_findings_add_unique(&list, other_kind);
	CU_ASSERT_EQUAL(list.n, 3);

	ck_finding other_detector = race_at("/tmp/a", "role.c");
	other_detector.detector = CK_HELGRIND;
	ck_findings_add_unique(&list, other_detector);
	CU_ASSERT_EQUAL(list.n, 4);
	ck_findings_free(&list);
	CU_ASSERT_EQUAL(list.n, 0);
	CU_ASSERT_PTR_NULL(list.items);
}

static void test_add_unique_ignores_stack_order_and_stacks_outside_peer_code(void)
{
	ck_findings list;
	ck_findings_init(&list);
	const char *a[] = {"/t/raft/election.c", NULL};
	const char *b[] = {"/t/raft/role.c", NULL};
	ck_finding f = two_stacks(a, b);
	ck_finding swapped = two_stacks(b, a);
	ck_stack *thread = ck_finding_add_stack(&swapped, "Thread T2 created by main thread at");
	ck_stack_add_frame(thread, "pthread_create", NULL, 0);
	ck_stack_add_frame(thread, "main", "/t/tests/runner.c", 3);
	f.where = (ck_frame){.file = ck_strdup("/t/raft/election.c"), .line = 10};
	swapped.where = (ck_frame){.file = ck_strdup("/u/raft/election.c"), .line = 10};
	swapped.seed = 99;
	ck_findings_add_unique(&list, f);
	ck_findings_add_unique(&list, swapped);
	CU_ASSERT_EQUAL(list.n, 1);
	CU_ASSERT_EQUAL(list.items[0].occurrences, 2);
	CU_ASSERT_EQUAL(list.items[0].seed, 7); /* the first report's seed stays */
	ck_findings_free(&list);
}

/* A finding as an RRL-FINDING line gives it: detector, kind, where,
 * message, and the kinds of run it came from. */
static ck_finding line_finding(ck_detector d, const char *kind, int line, const char *message,
			       ck_run_kind run)
{
	ck_finding f = ck_finding_new(d, kind, 0, 7);
	f.where = (ck_frame){.file = ck_strdup("tests/test_3a.c"),
			     .line = line,
			     .function = ck_strdup("test_initial_election")};
	f.message = ck_strdup(message);
	f.found_in = CK_FOUND_IN(run);
	return f;
}

/* gcc (the plain build) and clang (the TSan build) give one check a line
 * apart; it is one failed check, found by both runs. */
static void test_add_unique_knows_a_failed_check_by_its_message(void)
{
	ck_findings list;
	ck_findings_init(&list);
	const char *msg = "expected a term of at least 1 after an election, got 0";
	ck_findings_add_unique(&list,
			       line_finding(CK_INVARIANTS, "check-failed", 23, msg, CK_RUN_PLAIN));
	ck_findings_add_unique(&list,
			       line_finding(CK_INVARIANTS, "check-failed", 24, msg, CK_RUN_TSAN));
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	CU_ASSERT_EQUAL(list.items[0].occurrences, 2);
	CU_ASSERT_EQUAL(list.items[0].where.line, 23); /* the first report's */
	CU_ASSERT_EQUAL(list.items[0].found_in,
			CK_FOUND_IN(CK_RUN_PLAIN) | CK_FOUND_IN(CK_RUN_TSAN));
	/* Another message is another failure. */
	ck_findings_add_unique(&list, line_finding(CK_INVARIANTS, "check-failed", 24,
						   "expected one leader, got none", CK_RUN_TSAN));
	CU_ASSERT_EQUAL(list.n, 2);
	/* Any other finding is still known by its line. */
	ck_findings_add_unique(&list,
			       line_finding(CK_LOCKDEP, "missing-lock", 30, "m", CK_RUN_PLAIN));
	ck_findings_add_unique(&list,
			       line_finding(CK_LOCKDEP, "missing-lock", 31, "m", CK_RUN_TSAN));
	CU_ASSERT_EQUAL(list.n, 4);
	ck_findings_free(&list);
}

static void test_push_grows_the_list(void)
{
	ck_findings list;
	ck_findings_init(&list);
	for (int i = 0; i < 50; i++) {
		ck_finding f = ck_finding_new(CK_LOCKDEP, "missing-lock", 1, (uint64_t)i);
		f.message = ck_strdup_printf("finding %d", i);
		ck_findings_push(&list, f);
	}
	CU_ASSERT_EQUAL(list.n, 50);
	CU_ASSERT_TRUE(list.cap >= 50);
	ASSERT_STR_EQ(list.items[49].message, "finding 49");
	CU_ASSERT_EQUAL(list.items[49].seed, 49);
	CU_ASSERT_EQUAL(list.items[0].seconds, -1);
	CU_ASSERT_EQUAL(list.items[0].occurrences, 1);
	ck_findings_free(&list);
}

static void test_next_line_splits_lf_and_crlf(void)
{
	const char *cursor = "one\r\ntwo\n\nlast";
	const char *expected[] = {"one", "two", "", "last"};
	for (int i = 0; i < 4; i++) {
		char *line = ck_next_line(&cursor);
		CU_ASSERT_PTR_NOT_NULL_FATAL(line);
		ASSERT_STR_EQ(line, expected[i]);
		free(line);
	}
	CU_ASSERT_PTR_NULL(ck_next_line(&cursor));
	const char *empty = "";
	CU_ASSERT_PTR_NULL(ck_next_line(&empty));
}

static void test_string_helpers(void)
{
	CU_ASSERT_PTR_NULL(ck_strdup(NULL));
	char *s = ck_strndup("abcdef", 3);
	ASSERT_STR_EQ(s, "abc");
	free(s);
	s = ck_strndup("ab", 10);
	ASSERT_STR_EQ(s, "ab");
	free(s);
	s = ck_strdup_printf("%s:%d", "raft/log.c", 12);
	ASSERT_STR_EQ(s, "raft/log.c:12");
	free(s);
	CU_ASSERT_TRUE(ck_starts_with("WARNING: ThreadSanitizer", "WARNING"));
	CU_ASSERT_FALSE(ck_starts_with("WARN", "WARNING"));
}

/* A side's thread, from the title TSan gave its stack. */
static void test_stack_thread(void)
{
	const char *titles[] = {"Write of size 4 at 0x1 by thread T14 'p0 send Request' (mutexes: "
				"write M0):",
				"Previous read of size 8 at 0x2 by main thread:",
				"Read of size 4 at 0x3 by thread T3:", "Location is heap block"};
	const char *want[] = {"p0 send Request", "main thread", "T3", ""};
	for (size_t i = 0; i < 4; i++) {
		ck_stack s = {.title = (char *)titles[i]};
		char buf[64];
		ck_stack_thread(&s, buf, sizeof buf);
		CU_ASSERT_STRING_EQUAL(buf, want[i]);
	}
}

void add_finding_suite(void)
{
	CU_pSuite s = CU_add_suite("finding", NULL, NULL);
	CU_add_test(s, "detector names round trip", test_detector_names_round_trip);
	CU_add_test(s, "peer files are raft/<file> at any prefix", test_peer_files_by_suffix);
	CU_add_test(s, "runtime files: libc, sanitizers, system headers, platform/rt",
		    test_runtime_files);
	CU_add_test(s, "where: the first peer frame in any stack",
		    test_where_prefers_peer_code_in_any_stack);
	CU_add_test(s, "where: else the first user frame, else nothing",
		    test_where_falls_back_to_user_code_then_nothing);
	CU_add_test(s, "add_unique folds one report seen from two trees",
		    test_add_unique_folds_the_same_report_from_other_trees);
	CU_add_test(s, "add_unique ignores stack order and non-peer stacks",
		    test_add_unique_ignores_stack_order_and_stacks_outside_peer_code);
	CU_add_test(s, "add_unique knows a failed check by its message, not its line",
		    test_add_unique_knows_a_failed_check_by_its_message);
	CU_add_test(s, "push grows the list", test_push_grows_the_list);
	CU_add_test(s, "next_line splits LF and CRLF lines", test_next_line_splits_lf_and_crlf);
	CU_add_test(s, "string helpers", test_string_helpers);
	CU_add_test(s, "a stack's thread, named", test_stack_thread);
}
