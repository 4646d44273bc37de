/*
 * Tests of the RRL-FINDING line parser (docs/findings.md) on lines the
 * program printed (a buggy raft/ tree's runs) and on hand-written ones,
 * malformed lines included (tests/checker/fixtures/findings_*.txt).
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "checker_tests.h"
#include "finding_view.h"
#include "parser_fixtures.h"
#include "parsers.h"

static int parse(const char *name, ck_findings *list)
{
	ck_findings_init(list);
	char *text = fixture_text(name);
	int n = ck_parse_finding_lines(text, list);
	free(text);
	return n;
}

/* The lock held across an RPC: lockdep's blocking-with-lock, then the
 * watchdog's hang with its thread table. */
static void test_lock_held_during_rpc(void)
{
	ck_findings list;
	CU_ASSERT_TRUE(parse("findings_raft_rpc_lock.txt", &list) >= 2);
	const ck_finding *f = find_at(&list, "blocking-with-lock", "raft/election.c", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->detector, CK_LOCKDEP);
	CU_ASSERT_EQUAL(f->rule, 4);
	ASSERT_STR_EQ(f->where.function, "send_request_vote");
	CU_ASSERT_EQUAL(f->seed, 11);
	CU_ASSERT_TRUE(f->seconds > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "while holding raft.mu"));
	/* The raw backtrace, innermost first, kept for addr2line. */
	CU_ASSERT_EQUAL_FATAL(f->nstacks, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->stacks[0].title, "send RequestVote"));
	CU_ASSERT_TRUE(f->stacks[0].nframes > 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->stacks[0].frames[0].function, "raft-tests(+0x"));
	CU_ASSERT_PTR_NULL(f->stacks[0].frames[0].file);

	const ck_finding *hang = NULL;
	for (size_t i = 0; i < list.n; i++)
		if (list.items[i].detector == CK_WATCHDOG)
			hang = &list.items[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(hang);
	ASSERT_STR_EQ(hang->kind, "hang");
	CU_ASSERT_EQUAL(hang->rule, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(hang->details);
	CU_ASSERT_PTR_NOT_NULL(strstr(hang->details, "holds raft.mu (peer"));
	ck_findings_free(&list);
}

/* The TSan log of a buggy tree also holds lockdep's lines (and, on some
 * runs, an invariant the bug broke). */
static void test_lines_inside_a_tsan_log(void)
{
	ck_findings list;
	CU_ASSERT_TRUE(parse("tsan_raft_vote_reply.txt", &list) > 0);
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "missing-lock", "raft/election.c", 115));
	for (size_t i = 0; i < list.n; i++) {
		const ck_finding *f = &list.items[i];
		CU_ASSERT_NOT_EQUAL(f->detector, CK_TSAN); /* TSan's reports are not lines */
		if (strcmp(f->kind, "missing-lock") == 0) {
			CU_ASSERT_EQUAL(f->detector, CK_LOCKDEP);
			CU_ASSERT_EQUAL(f->rule, 1);
			CU_ASSERT_TRUE(ck_is_peer_file(f->where.file));
		}
	}
	ck_findings_free(&list);
}

/* Every detector's shape, and the malformed lines skipped. */
static void test_hand_written_lines(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("findings_handmade.txt", &list), 6);
	CU_ASSERT_EQUAL(list.n, 5);

	const ck_finding *f = find_at(&list, "term-decreased", "harness/config_checks.c", 57);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->detector, CK_INVARIANTS);
	CU_ASSERT_EQUAL(f->rule, 0);
	CU_ASSERT_EQUAL(f->seed, 42);
	CU_ASSERT_DOUBLE_EQUAL(f->seconds, 2.5, 1e-9);
	ASSERT_STR_EQ(f->where.function, "check_terms");
	CU_ASSERT_EQUAL(f->nstacks, 0);
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "check-failed", "tests/test_3a.c", 40));

	f = &list.items[2];
	ASSERT_STR_EQ(f->kind, "unlock-not-held");
	CU_ASSERT_PTR_NULL(f->where.file);
	CU_ASSERT_EQUAL(f->where.line, 0);

	f = &list.items[3];
	CU_ASSERT_EQUAL(f->detector, CK_WATCHDOG);
	ASSERT_STR_EQ(f->kind, "deadlock");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->details, "waits (mutex) for raft.mu (peer 1)"));

	/* The second line (after output with no newline) folds into the first. */
	f = find_at(&list, "lock-order", "/raft/replication.c", 61);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->occurrences, 2);
	ASSERT_STR_EQ(ck_peer_relative(f->where.file), "raft/replication.c");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "\xe2\x80\x94")); /* the escaped em dash */
	ck_findings_free(&list);
}

/* A history's critical section that saved the peer's state says so, in
 * both of the views the reports draw it with. */
static void test_history_section_that_saved(void)
{
	ck_findings list;
	ck_findings_init(&list);
	const char *line =
	    "RRL-FINDING {\"detector\":\"invariants\",\"kind\":\"apply-out-of-order\",\"rule\":0,"
	    "\"message\":\"m\",\"history\":[{\"seq\":7,\"peer\":1,\"thread\":\"applier\","
	    "\"lock\":\"raft.mu\",\"acquire\":{\"file\":\"raft/snapshot.c\",\"line\":35,"
	    "\"function\":\"raft_snapshot\"},\"release\":{\"file\":\"raft/snapshot.c\","
	    "\"line\":41,\"function\":\"raft_snapshot\"},\"through\":[],\"saved\":true},"
	    "{\"seq\":9,\"peer\":1,\"note\":\"crashed\"}]}\n";
	CU_ASSERT_EQUAL_FATAL(ck_parse_finding_lines(line, &list), 1);
	const ck_finding *f = &list.items[0];
	CU_ASSERT_EQUAL_FATAL(f->nhistory, 2);
	CU_ASSERT_TRUE(f->history[0].saved);
	CU_ASSERT_FALSE(f->history[1].saved);
	char *brief = ck_event_brief(&f->history[0]);
	char *text = ck_event_text(&f->history[0]);
	ASSERT_STR_EQ(brief, "raft.mu held, snapshot.c:35-41, raft_snapshot(), saving the peer's state");
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nsaving the peer's state"));
	free(brief);
	free(text);
	ck_findings_free(&list);
}

static void test_bad_input(void)
{
	ck_findings list;
	ck_findings_init(&list);
	CU_ASSERT_EQUAL(ck_parse_finding_lines(NULL, &list), -1);
	CU_ASSERT_EQUAL(ck_parse_finding_lines("", &list), 0);
	CU_ASSERT_EQUAL(ck_parse_finding_lines("PASS\nok\n", &list), 0);
	/* Finding lines, none readable. */
	CU_ASSERT_EQUAL(
	    ck_parse_finding_lines("RRL-FINDING {\"detector\":\nRRL-FINDING null\n", &list), -1);
	CU_ASSERT_EQUAL(ck_parse_finding_lines("RRL-FINDING {\"detector\":\"lockdep\",\"kind\":"
					       "\"x\",\"rule\":\"1\"}\n",
					       &list),
			-1);
	CU_ASSERT_EQUAL(list.n, 0);
}

void add_parse_findings_suite(void)
{
	CU_pSuite s = CU_add_suite("parse_findings", NULL, NULL);
	CU_add_test(s, "lock held during an RPC: lockdep and watchdog", test_lock_held_during_rpc);
	CU_add_test(s, "finding lines inside a TSan log", test_lines_inside_a_tsan_log);
	CU_add_test(s, "hand-written lines: every detector, malformed skipped",
		    test_hand_written_lines);
	CU_add_test(s, "a history's section that saved the peer's state",
		    test_history_section_that_saved);
	CU_add_test(s, "bad input", test_bad_input);
}
