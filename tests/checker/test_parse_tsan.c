/*
 * Tests of the ThreadSanitizer parser on real reports (clang's and gcc's
 * runtimes, tests/checker/fixtures/tsan_*.txt): kinds, rules, the primary
 * location, both stacks, the variable, de-duplication, bad input.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "checker_tests.h"
#include "parser_fixtures.h"
#include "parsers.h"

/* Parse fixture name into *list; returns the parser's result. */
static int parse(const char *name, ck_findings *list)
{
	ck_findings_init(list);
	char *text = fixture_text(name);
	int n = ck_parse_tsan(text, 7, list);
	free(text);
	return n;
}

/* race.c: the same two races, whichever compiler built the program. */
static void check_race(const char *name)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse(name, &list), 2);
	CU_ASSERT_EQUAL(list.n, 2);
	CU_ASSERT_EQUAL(count_kind(&list, "data-race"), 2);

	const ck_finding *global = find_at(&list, "data-race", "fixture_programs/race.c", 21);
	CU_ASSERT_PTR_NOT_NULL_FATAL(global);
	CU_ASSERT_EQUAL(global->detector, CK_TSAN);
	CU_ASSERT_EQUAL(global->rule, 1);
	ASSERT_STR_EQ(global->where.function, "worker");
	ASSERT_STR_EQ(global->variable, "hits");
	CU_ASSERT_EQUAL(global->seed, 7);
	/* Both sides, each with the locks its thread held: none. */
	CU_ASSERT_TRUE(ck_starts_with(global->message, "data race on hits: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(global->message, " in worker() holding no lock, against a "));
	CU_ASSERT_PTR_NOT_NULL(strstr(global->message, "race.c:21 holding no lock"));
	CU_ASSERT_PTR_NULL(strstr(global->message, "0x"));
	/* Both accesses, each with its own stack. */
	CU_ASSERT_TRUE_FATAL(global->nstacks >= 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(global->stacks[0].title, " of size 4 at 0x"));
	CU_ASSERT_TRUE(ck_starts_with(global->stacks[1].title, "Previous "));
	CU_ASSERT_TRUE(has_frame(&global->stacks[0], "worker", "race.c", 21));
	CU_ASSERT_TRUE(has_frame(&global->stacks[1], "worker", "race.c", 21));
	CU_ASSERT_TRUE(global->stacks[0].access && global->stacks[1].access);
	CU_ASSERT_TRUE(global->stacks[1].write); /* "Previous write" */
	CU_ASSERT_EQUAL(global->stacks[0].access_size, 4);
	ASSERT_STR_EQ(global->stacks[0].locks, "");
	/* Thread creation: an interceptor frame without source, then main. */
	const ck_stack *created = stack_titled(global, "Thread T");
	CU_ASSERT_PTR_NOT_NULL_FATAL(created);
	ASSERT_STR_EQ(created->frames[0].function, "pthread_create");
	CU_ASSERT_TRUE(ck_is_runtime_file(created->frames[0].file));
	ASSERT_STR_EQ(created->frames[1].function, "main");

	const ck_finding *heap = find_at(&list, "data-race", "fixture_programs/race.c", 22);
	CU_ASSERT_PTR_NOT_NULL_FATAL(heap);
	ASSERT_STR_EQ(heap->variable, "heap block of size 8, offset 4");
	CU_ASSERT_EQUAL(heap->block_size, 8);
	CU_ASSERT_EQUAL(heap->block_offset, 4);
	const ck_stack *block = stack_titled(heap, "Location is heap block of size 8");
	CU_ASSERT_TRUE(has_frame(block, "main", "race.c", 28));
	ck_findings_free(&list);
}

static void test_clang_race(void)
{
	check_race("tsan_clang_race.txt");
}

static void test_gcc_race(void)
{
	check_race("tsan_gcc_race.txt");
}

/* The racing store is in store.c (not peer code), called from
 * raft/ledger.c: the primary location is the peer's line. */
static void test_primary_location_is_the_first_peer_frame(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("tsan_clang_peer_race.txt", &list), 1);
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	const ck_finding *f = &list.items[0];
	ASSERT_STR_EQ(f->kind, "data-race");
	ASSERT_STR_EQ(ck_peer_relative(f->where.file), "raft/ledger.c");
	CU_ASSERT_EQUAL(f->where.line, 9);
	ASSERT_STR_EQ(f->where.function, "ledger_add");
	ASSERT_STR_EQ(f->stacks[0].frames[0].function, "add_long");
	CU_ASSERT_TRUE(ends_with(f->stacks[0].frames[0].file, "fixture_programs/store.c"));
	ASSERT_STR_EQ(f->variable, "shared_ledger");
	ck_findings_free(&list);
}

/* lock_order.c: A then B in one thread, B then A in another; with
 * second_deadlock_stack=1 both acquisitions of each edge are shown. */
static void check_lock_order(const char *name)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse(name, &list), 1);
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	const ck_finding *f = &list.items[0];
	ASSERT_STR_EQ(f->kind, "lock-order-inversion");
	CU_ASSERT_EQUAL(f->rule, 4);
	CU_ASSERT_TRUE(ends_with(f->where.file, "lock_order.c"));
	CU_ASSERT_EQUAL(f->where.line, 17);
	ASSERT_STR_EQ(f->where.function, "a_then_b");
	/* The cycle names both mutexes. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->variable);
	CU_ASSERT_TRUE(ck_starts_with(f->variable, "M0 (0x"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->variable, "=> M1 (0x"));
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "Mutex M1 acquired here while holding mutex M0"),
				 "a_then_b", "lock_order.c", 17));
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "Mutex M0 previously acquired"), "a_then_b",
				 "lock_order.c", 16));
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "Mutex M0 acquired here while holding mutex M1"),
				 "b_then_a", "lock_order.c", 28));
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "Mutex M1 previously acquired"), "b_then_a",
				 "lock_order.c", 27));
	ck_findings_free(&list);
}

static void test_clang_lock_order(void)
{
	check_lock_order("tsan_clang_lock_order.txt");
}

static void test_gcc_lock_order(void)
{
	check_lock_order("tsan_gcc_lock_order.txt");
}

/* misuse.c: every mutex misuse and the thread leak are rule 0. */
static void check_misuse(const char *name)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse(name, &list), 5);
	CU_ASSERT_EQUAL(list.n, 5);
	for (size_t i = 0; i < list.n; i++)
		CU_ASSERT_EQUAL(list.items[i].rule, 0);
	CU_ASSERT_EQUAL(count_kind(&list, "unlock-unlocked"), 2);

	const ck_finding *f = find_at(&list, "unlock-unlocked", "misuse.c", 77);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ASSERT_STR_EQ(f->variable, "never_locked");
	ASSERT_STR_EQ(f->where.function, "main");
	f = find_at(&list, "unlock-unlocked", "misuse.c", 82);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ASSERT_STR_EQ(f->variable, "held_by_other");
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "Mutex M"), "take_and_exit", "misuse.c", 20));

	f = find_at(&list, "double-lock", "misuse.c", 62);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ASSERT_STR_EQ(f->where.function, "relock_abandoned");
	ASSERT_STR_EQ(f->variable, "abandoned");

	f = find_at(&list, "destroy-locked", "misuse.c", 72);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ASSERT_STR_EQ(f->variable, "stack of main thread");
	CU_ASSERT_TRUE(
	    has_frame(stack_titled(f, "and it was locked here"), "destroy_locked", "misuse.c", 71));

	f = find_at(&list, "thread-leak", "misuse.c", 88);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NULL(f->variable);
	ck_findings_free(&list);
}

static void test_clang_misuse(void)
{
	check_misuse("tsan_clang_misuse.txt");
}

static void test_gcc_misuse(void)
{
	check_misuse("tsan_gcc_misuse.txt");
}

static void test_use_after_free(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("tsan_clang_uaf.txt", &list), 1);
	const ck_finding *f = find_at(&list, "heap-use-after-free", "uaf.c", 33);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->rule, 0);
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "Previous write"), "drop_reply", "uaf.c", 22));
	ck_findings_free(&list);
}

/* A buggy raft/ under the scenario runner: TSan's reports mixed with test
 * output and RRL-FINDING lines. Its exact reports vary from run to run. */
static void test_raft_tree_log(void)
{
	ck_findings list;
	int n = parse("tsan_raft_vote_reply.txt", &list);
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_TRUE((size_t)n >= list.n);
	CU_ASSERT_EQUAL(count_kind(&list, "data-race"), (int)list.n);
	bool from_the_bug = false; /* a stack through the call the patch unlocked */
	for (size_t i = 0; i < list.n; i++) {
		const ck_finding *f = &list.items[i];
		CU_ASSERT_EQUAL(f->detector, CK_TSAN);
		CU_ASSERT_TRUE(ck_is_peer_file(f->where.file));
		CU_ASSERT_PTR_NULL(strstr(f->message, " at 0x"));
		for (size_t j = 0; j < f->nstacks; j++)
			from_the_bug |=
			    has_frame(&f->stacks[j], "send_request_vote", "raft/election.c", 0);
	}
	CU_ASSERT_TRUE(from_the_bug);
	ck_findings_free(&list);
}

/* The runtime names each thread for its peer and role; a side says whose
 * thread it was ("by thread T14 'p0 send Request'"), from the report's
 * own "Thread T14 'p0 send Request' (tid=...)" stack. */
static void test_sides_name_their_threads(void)
{
	ck_findings list;
	parse("tsan_raft_vote_reply.txt", &list);
	int named = 0, unnamed = 0;
	for (size_t i = 0; i < list.n; i++)
		for (size_t j = 0; j < list.items[i].nstacks; j++) {
			const char *t = list.items[i].stacks[j].title;
			const char *by = t ? strstr(t, "by thread T") : NULL;
			if (by == NULL || strncmp(t, "Thread ", 7) == 0)
				continue; /* "Thread T14 ... created by thread T2": the creator */
			const char *after = by + strlen("by thread T") + strspn(by + 11, "0123456789");
			if (strncmp(after, " '", 2) == 0)
				named++;
			else
				unnamed++;
		}
	CU_ASSERT_TRUE(named > 0);
	CU_ASSERT_EQUAL(unnamed, 0);
	ck_findings_free(&list);
}

/* The same races from clang's and gcc's runs are the same two findings. */
static void test_duplicates_fold(void)
{
	ck_findings list;
	parse("tsan_clang_race.txt", &list);
	char *text = fixture_text("tsan_gcc_race.txt");
	CU_ASSERT_EQUAL(ck_parse_tsan(text, 8, &list), 2);
	CU_ASSERT_EQUAL(list.n, 2);
	CU_ASSERT_EQUAL(list.items[0].occurrences, 2);
	CU_ASSERT_EQUAL(list.items[1].occurrences, 2);
	free(text);
	ck_findings_free(&list);
}

static void test_bad_input(void)
{
	ck_findings list;
	ck_findings_init(&list);
	CU_ASSERT_EQUAL(ck_parse_tsan(NULL, 1, &list), -1);
	CU_ASSERT_EQUAL(ck_parse_tsan("", 1, &list), 0);
	CU_ASSERT_EQUAL(ck_parse_tsan("PASS\nok raft-tests\n", 1, &list), 0);
	/* TSan could not start. */
	CU_ASSERT_EQUAL(ck_parse_tsan("FATAL: ThreadSanitizer: unexpected memory mapping "
				      "0x5e2c4d1a2000-0x5e2c4d1a3000\n",
				      1, &list),
			-1);
	/* Reports announced but missing: a cut log. */
	CU_ASSERT_EQUAL(ck_parse_tsan("ThreadSanitizer: reported 2 warnings\n", 1, &list), -1);
	/* Broken frames and a report with no stacks at all. */
	CU_ASSERT_EQUAL(ck_parse_tsan("WARNING: ThreadSanitizer: data race (pid=1)\n"
				      "    #zz\n    #1\n    #2 f\n  :\n"
				      "WARNING: ThreadSanitizer: something new (pid=1)\n",
				      1, &list),
			2);
	CU_ASSERT_EQUAL(list.n, 2);
	CU_ASSERT_EQUAL(count_kind(&list, "something-new"), 1);
	ck_findings_free(&list);

	/* A log cut in the middle of a report keeps what it has. */
	char *text = fixture_text("tsan_clang_race.txt");
	char *cut = strstr(text, "  Previous write");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
	*cut = '\0';
	ck_findings_init(&list);
	CU_ASSERT_EQUAL(ck_parse_tsan(text, 1, &list), 1);
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "data-race", "race.c", 21));
	ck_findings_free(&list);
	free(text);
}

void add_parse_tsan_suite(void)
{
	CU_pSuite s = CU_add_suite("parse_tsan", NULL, NULL);
	CU_add_test(s, "clang: a global and a heap race", test_clang_race);
	CU_add_test(s, "gcc: a global and a heap race", test_gcc_race);
	CU_add_test(s, "where is the first peer frame",
		    test_primary_location_is_the_first_peer_frame);
	CU_add_test(s, "clang: lock-order inversion, both edges", test_clang_lock_order);
	CU_add_test(s, "gcc: lock-order inversion, both edges", test_gcc_lock_order);
	CU_add_test(s, "clang: mutex misuse and thread leak", test_clang_misuse);
	CU_add_test(s, "gcc: mutex misuse and thread leak", test_gcc_misuse);
	CU_add_test(s, "heap use after free", test_use_after_free);
	CU_add_test(s, "a buggy raft/ tree's log", test_raft_tree_log);
	CU_add_test(s, "a side names its thread's peer and role", test_sides_name_their_threads);
	CU_add_test(s, "the same race from two runs folds", test_duplicates_fold);
	CU_add_test(s, "bad input", test_bad_input);
}
