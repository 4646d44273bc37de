/*
 * Tests of the clang -Wthread-safety parser on real compiler output
 * (tests/checker/fixtures/clang_*.txt) and on small variations of it.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "checker_tests.h"
#include "parser_fixtures.h"
#include "parsers.h"

static int parse(const char *name, ck_findings *list)
{
	ck_findings_init(list);
	char *text = fixture_text(name);
	int n = ck_parse_clang_warnings(text, list);
	free(text);
	return n;
}

/* tests/static/wrong_calls.c: the three mistakes `make static` expects. */
static void test_wrong_calls(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("clang_wrong_calls.txt", &list), 3);
	CU_ASSERT_EQUAL(list.n, 3);

	const ck_finding *f = find_at(&list, "missing-lock", "tests/static/wrong_calls.c", 12);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->detector, CK_STATIC);
	CU_ASSERT_EQUAL(f->rule, 1);
	ASSERT_STR_EQ(f->variable, "rf->mu");
	ASSERT_STR_EQ(f->message, "calling function 'become_follower_locked' requires "
				  "holding mutex 'rf->mu' exclusively");
	CU_ASSERT_PTR_NULL(f->where.function);

	f = find_at(&list, "call-while-held", "wrong_calls.c", 22);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->rule, 4);

	f = find_at(&list, "lock-not-released", "wrong_calls.c", 31);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->rule, 4);
	/* The note says where the lock was taken; the macro note is dropped. */
	CU_ASSERT_EQUAL(f->nstacks, 2);
	const ck_stack *acquired = stack_titled(f, "mutex acquired here");
	CU_ASSERT_PTR_NOT_NULL_FATAL(acquired);
	CU_ASSERT_EQUAL(acquired->frames[0].line, 29);
	CU_ASSERT_PTR_NULL(stack_titled(f, "expanded from macro"));
	ck_findings_free(&list);
}

/* fixture_programs/static_wrong.c, analysed by its absolute path. */
static void test_more_mistakes(void)
{
	ck_findings list;
	CU_ASSERT_EQUAL(parse("clang_static_wrong.txt", &list), 5);
	const ck_finding *f =
	    find_at(&list, "unlock-not-held", "fixture_programs/static_wrong.c", 25);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->rule, 0);
	ASSERT_STR_EQ(f->variable, "b->mu");
	CU_ASSERT_PTR_NOT_NULL(stack_titled(f, "mutex released here"));
	f = find_at(&list, "double-lock", "static_wrong.c", 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->rule, 4);
	f = find_at(&list, "lock-on-some-paths", "static_wrong.c", 42);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->rule, 4);
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "unlock-not-held", "static_wrong.c", 43));
	CU_ASSERT_PTR_NOT_NULL(find_at(&list, "missing-lock", "static_wrong.c", 49));
	ck_findings_free(&list);
}

static void test_variations(void)
{
	ck_findings list;
	ck_findings_init(&list);
	/* Colours, -Werror, a guarded variable, and an unrelated warning whose
	 * note must not attach to the finding before it. */
	const char *text =
	    "\033[1mraft/log.c:7:3: \033[0m\033[0;1;35mwarning: \033[0m\033[1mreading variable "
	    "'commit_index' requires holding mutex 'rf->mu' [-Wthread-safety-analysis]\033[0m\n"
	    "raft/log.c:9:1: error: mutex 'rf->mu' is still held at the end of function "
	    "[-Werror,-Wthread-safety-analysis]\n"
	    "raft/log.c:12:7: warning: unused variable 'x' [-Wunused-variable]\n"
	    "raft/log.c:11:2: note: some note about x\n"
	    "raft/log.c:20:2: warning: something new [-Wthread-safety-beta]\n"
	    "3 warnings and 1 error generated.\n";
	CU_ASSERT_EQUAL(ck_parse_clang_warnings(text, &list), 3);
	const ck_finding *f = find_at(&list, "missing-lock", "raft/log.c", 7);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ASSERT_STR_EQ(f->variable, "commit_index");
	f = find_at(&list, "lock-not-released", "raft/log.c", 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->nstacks, 1);
	f = find_at(&list, "thread-safety", "raft/log.c", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->rule, 0);
	ck_findings_free(&list);
}

static void test_bad_input(void)
{
	ck_findings list;
	ck_findings_init(&list);
	CU_ASSERT_EQUAL(ck_parse_clang_warnings(NULL, &list), -1);
	CU_ASSERT_EQUAL(ck_parse_clang_warnings("", &list), 0);
	CU_ASSERT_EQUAL(ck_parse_clang_warnings("no diagnostics here\n: : :\n", &list), 0);
	/* A compile error: the analysis did not cover the file. */
	CU_ASSERT_EQUAL(ck_parse_clang_warnings("raft/x.c:1:10: fatal error: 'raft.h' file not "
						"found\n1 error generated.\n",
						&list),
			-1);
	CU_ASSERT_EQUAL(list.n, 0);
}

void add_parse_clang_suite(void)
{
	CU_pSuite s = CU_add_suite("parse_clang", NULL, NULL);
	CU_add_test(s, "tests/static/wrong_calls.c: kinds, rules, notes", test_wrong_calls);
	CU_add_test(s, "unlock not held, double lock, lock on some paths", test_more_mistakes);
	CU_add_test(s, "colours, -Werror, guarded variables, other warnings", test_variations);
	CU_add_test(s, "bad input", test_bad_input);
}
