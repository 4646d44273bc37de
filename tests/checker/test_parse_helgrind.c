/*
 * Tests of the Helgrind parser on real XML (tests/checker/fixtures/
 * helgrind_*.xml), with and without the text log of the same program.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "parser_fixtures.h"
#include "parsers.h"

/* Parse fixture xml (and text log, if given) into *list. */
static int parse(const char *xml, const char *text_name, ck_findings *list)
{
	ck_findings_init(list);
	char *path = fixture_path(xml);
	char *text = text_name ? fixture_text(text_name) : NULL;
	int n = ck_parse_helgrind_xml(path, text, 3, list);
	free(path);
	free(text);
	return n;
}

/* race.c: a read and a write race on each variable; one finding each. */
static void test_race(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("helgrind_race.xml", NULL, &list), 4);
	CU_ASSERT_EQUAL(list.n, 2);
	const ck_finding *global = find_at(&list, "data-race", "fixture_programs/race.c", 21);
	CU_ASSERT_PTR_NOT_NULL_FATAL(global);
	CU_ASSERT_EQUAL(global->detector, CK_HELGRIND);
	CU_ASSERT_EQUAL(global->rule, 1);
	CU_ASSERT_EQUAL(global->occurrences, 2);
	CU_ASSERT_EQUAL(global->seed, 3);
	ASSERT_STR_EQ(global->where.function, "worker");
	ASSERT_STR_EQ(global->variable, "hits");
	CU_ASSERT_TRUE(ck_starts_with(global->stacks[0].title, "Possible data race during "));
	CU_ASSERT_TRUE(has_frame(&global->stacks[0], "worker", "race.c", 21));
	const ck_stack *other = stack_titled(global, "This conflicts with a previous write");
	CU_ASSERT_TRUE(has_frame(other, "worker", "race.c", 21));

	const ck_finding *heap = find_at(&list, "data-race", "fixture_programs/race.c", 22);
	CU_ASSERT_PTR_NOT_NULL_FATAL(heap);
	ASSERT_STR_EQ(heap->variable, "heap block of size 8, offset 4");
	CU_ASSERT_TRUE(has_frame(stack_titled(heap, "Address "), "main", "race.c", 28));
	ck_findings_free(&list);
}

static void test_primary_location_is_the_first_peer_frame(void)
{
	ck_findings list;
	CU_ASSERT_TRUE(parse("helgrind_peer_race.xml", NULL, &list) >= 1);
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	const ck_finding *f = &list.items[0];
	ASSERT_STR_EQ(ck_peer_relative(f->where.file), "raft/ledger.c");
	CU_ASSERT_EQUAL(f->where.line, 9);
	ASSERT_STR_EQ(f->where.function, "ledger_add");
	CU_ASSERT_TRUE(has_frame(&f->stacks[0], "add_long", "fixture_programs/store.c", 8));
	ASSERT_STR_EQ(f->variable, "shared_ledger");
	ck_findings_free(&list);
}

/* The XML alone: the observed order's later acquisition, the required
 * order's two acquisitions, the locks by address. */
static void test_lock_order_from_xml(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("helgrind_lock_order.xml", NULL, &list), 1);
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	const ck_finding *f = &list.items[0];
	ASSERT_STR_EQ(f->kind, "lock-order-inversion");
	CU_ASSERT_EQUAL(f->rule, 4);
	CU_ASSERT_TRUE(ends_with(f->where.file, "lock_order.c"));
	CU_ASSERT_EQUAL(f->where.line, 28);
	ASSERT_STR_EQ(f->where.function, "b_then_a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->variable);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->variable, " before "));
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "Required order was established"), "a_then_b",
				 "lock_order.c", 16));
	CU_ASSERT_TRUE(has_frame(stack_titled(f, "followed by a later acquisition"), "a_then_b",
				 "lock_order.c", 17));
	CU_ASSERT_PTR_NULL(stack_titled(f, "Observed (incorrect) order"));
	ck_findings_free(&list);
}

/* With the text log: the observed order's first acquisition (line 27)
 * as the second stack, with the XML's directory, and the locks' names. */
static void test_lock_order_with_text_log(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("helgrind_lock_order.xml", "helgrind_lock_order.txt", &list), 1);
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	const ck_finding *f = &list.items[0];
	CU_ASSERT_TRUE_FATAL(f->nstacks >= 2);
	CU_ASSERT_TRUE(ck_starts_with(f->stacks[1].title, "Observed (incorrect) order is: "));
	CU_ASSERT_TRUE(has_frame(&f->stacks[1], "b_then_a", "fixture_programs/lock_order.c", 27));
	ASSERT_STR_EQ(f->variable, "lock_a before lock_b");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "lock_a before lock_b"));
	CU_ASSERT_EQUAL(f->where.line, 28); /* the primary is unchanged */
	ck_findings_free(&list);

	/* A text log of another program changes nothing. */
	CU_ASSERT_EQUAL(parse("helgrind_lock_order.xml", "helgrind_race.txt", &list), 1);
	CU_ASSERT_PTR_NULL(stack_titled(&list.items[0], "Observed (incorrect) order"));
	ck_findings_free(&list);
}

static void test_misuse(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("helgrind_misuse.xml", NULL, &list), 10);
	for (size_t i = 0; i < list.n; i++)
		CU_ASSERT_EQUAL(list.items[i].rule, 0);
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "unlock-bogus", "misuse.c", 77));
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "unlock-foreign", "misuse.c", 82));
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "unlock-foreign", "misuse.c", 63));
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "pthread-api-error", "misuse.c", 48));
	const ck_finding *f = find_at(&list, "pthread-api-error", "misuse.c", 72);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "EBUSY"));
	f = find_at(&list, "misc", "misuse.c", 48);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "re-lock a non-recursive lock"));
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "misc", "misuse.c", 72));
	/* "Exiting thread still holds 1 lock": only libc frames, no location;
	 * the two threads' reports fold into one. */
	bool exiting = false;
	for (size_t i = 0; i < list.n; i++) {
		if (strstr(list.items[i].message, "Exiting thread still holds") != NULL) {
			exiting = true;
			CU_ASSERT_PTR_NULL(list.items[i].where.file);
			CU_ASSERT_EQUAL(list.items[i].occurrences, 2);
		}
	}
	CU_ASSERT_TRUE(exiting);
	ck_findings_free(&list);
}

/* A thread stopped holding a lock by the process's _exit: Helgrind's
 * "Exiting thread still holds 1 lock" is a finding, unless the watchdog's
 * mark came first (harness/watchdog.h): then the ending made it. */
static void test_locks_held_when_the_watchdog_ends_the_process(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("helgrind_ended_holding.xml", NULL, &list), 1);
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(list.items[0].message, "Exiting thread still holds 1 lock"));
	ASSERT_STR_EQ(list.items[0].where.function, "hold_forever");
	ck_findings_free(&list);

	CU_ASSERT_EQUAL(parse("helgrind_ended_holding_marked.xml", NULL, &list), 0);
	CU_ASSERT_EQUAL(list.n, 0);
	ck_findings_free(&list);
}

/* A buggy raft/ under the scenario runner; the reports vary by run. */
static void test_raft_tree(void)
{
	ck_findings list;
	CU_ASSERT_TRUE(parse("helgrind_raft_vote_reply.xml", NULL, &list) > 0);
	bool in_peer = false;
	for (size_t i = 0; i < list.n; i++) {
		CU_ASSERT_EQUAL(list.items[i].rule, 1);
		in_peer |= ck_is_peer_file(list.items[i].where.file);
	}
	CU_ASSERT_TRUE(in_peer);
	ck_findings_free(&list);
}

/* Write text to a new temporary file; its path, malloc'd. */
static char *temp_file(const char *text)
{
	char *path = ck_strdup("/tmp/ck-helgrind-XXXXXX");
	int fd = mkstemp(path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_bad_input(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("no-such-file.xml", NULL, &list), -1);
	CU_ASSERT_EQUAL(parse("tsan_clang_race.txt", NULL, &list), -1);
	CU_ASSERT_EQUAL(list.n, 0);
	CU_ASSERT_EQUAL(ck_parse_helgrind_xml(NULL, NULL, 0, &list), -1);

	/* Cut short (a killed run): what was written before the cut. */
	CU_ASSERT_EQUAL(parse("helgrind_truncated.xml", NULL, &list), 1);
	CU_ASSERT_EQUAL(count_kind(&list, "lock-order-inversion"), 1);
	ck_findings_free(&list);

	const char *memcheck = "<?xml version=\"1.0\"?><valgrindoutput><protocolversion>4"
			       "</protocolversion><protocoltool>memcheck</protocoltool>"
			       "</valgrindoutput>";
	const char *clean = "<?xml version=\"1.0\"?><valgrindoutput><protocoltool>helgrind"
			    "</protocoltool><status><state>FINISHED</state></status>"
			    "<error><kind>Race</kind></error></valgrindoutput>";
	char *a = temp_file(memcheck), *b = temp_file(clean);
	ck_findings_init(&list);
	CU_ASSERT_EQUAL(ck_parse_helgrind_xml(a, NULL, 0, &list), -1);
	/* An error with neither headline nor stack is skipped. */
	CU_ASSERT_EQUAL(ck_parse_helgrind_xml(b, NULL, 0, &list), 0);
	CU_ASSERT_EQUAL(list.n, 0);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
	ck_findings_free(&list);
}

void add_parse_helgrind_suite(void)
{
	CU_pSuite s = CU_add_suite("parse_helgrind", NULL, NULL);
	CU_add_test(s, "a global and a heap race, read and write folded", test_race);
	CU_add_test(s, "where is the first peer frame",
		    test_primary_location_is_the_first_peer_frame);
	CU_add_test(s, "lock order from the XML alone", test_lock_order_from_xml);
	CU_add_test(s, "lock order completed from the text log", test_lock_order_with_text_log);
	CU_add_test(s, "mutex misuse: every kind rule 0", test_misuse);
	CU_add_test(s, "locks held when the watchdog ends the process",
		    test_locks_held_when_the_watchdog_ends_the_process);
	CU_add_test(s, "a buggy raft/ tree", test_raft_tree);
	CU_add_test(s, "bad input", test_bad_input);
}
