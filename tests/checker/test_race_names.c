/*
 * Tests of what a student reads about a data race: one entry per race
 * (checker/finding.c), its field and locks named in the code's words
 * (checker/race_names.c).
 *
 * The naming tests read the recorded TSan and Helgrind reports of
 * tests/checker/fixture_programs/field_race.c (fixtures/README.md) and the
 * types of that program's binary, built by `make checker-unit` into
 * build/checker/fixtures/field_race. The reports' paths are relative to the
 * repository root, where the tests run, so the source lines are found.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "checker_tests.h"
#include "parser_fixtures.h"
#include "parsers.h"
#include "race_names.h"

#define FIELD_RACE_BINARY "build/checker/fixtures/field_race"

/* The race of list whose side functions are a and b (either order). */
static const ck_finding *race_between(const ck_findings *list, const char *a, const char *b)
{
	for (size_t i = 0; i < list->n; i++) {
		const ck_frame *side[2];
		if (ck_race_sides(&list->items[i], side, NULL, 2) != 2 || !side[0] || !side[1])
			continue;
		const char *x = side[0]->function, *y = side[1]->function;
		if (x && y &&
		    ((strcmp(x, a) == 0 && strcmp(y, b) == 0) ||
		     (strcmp(x, b) == 0 && strcmp(y, a) == 0)))
			return &list->items[i];
	}
	return NULL;
}

/* The side stack of f whose first frame is in function. */
static const ck_stack *side_in(const ck_finding *f, const char *function)
{
	const ck_frame *side[2];
	const ck_stack *stack[2];
	size_t n = ck_race_sides(f, side, stack, 2);
	for (size_t i = 0; i < n; i++)
		if (side[i] && side[i]->function && strcmp(side[i]->function, function) == 0)
			return stack[i];
	return NULL;
}

static void parse_tsan_fixture(ck_findings *list)
{
	ck_findings_init(list);
	char *text = fixture_text("tsan_clang_field_race.txt");
	CU_ASSERT_EQUAL(ck_parse_tsan(text, 3, list), 6);
	free(text);
}

static void test_tsan_fields_named(void)
{
	ck_findings list;
	parse_tsan_fixture(&list);
	ck_name_races(&list, FIELD_RACE_BINARY);
	CU_ASSERT_EQUAL(list.n, 6);
	const ck_finding *f = find_at(&list, "data-race", "field_race.c", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);

	/* Both lines spell acct->balance (and acct->last.term, a member of a
	 * member); the struct is the one teller and auditor point to, though
	 * main, the allocation site, points to another of the same size. */
	int balance = 0, term = 0, deposits = 0, hits = 0, kept = 0;
	for (size_t i = 0; i < list.n; i++) {
		const char *v = list.items[i].variable ? list.items[i].variable : "(null)";
		balance += strcmp(v, "acct->balance") == 0;
		term += strcmp(v, "acct->last.term") == 0;
		/* No line spells acct->deposits: only the struct is named. */
		deposits += strcmp(v, "deposits (in struct account)") == 0;
		/* bump(long *) points to no struct; main points to one of 24
		 * bytes, struct tally. */
		hits += strcmp(v, "hits (in struct tally)") == 0;
		/* swap_into points to two structs of 16 bytes; count to longs. */
		kept += strcmp(v, "heap block of size 16, offset 8") == 0 ||
			strcmp(v, "heap block of size 32, offset 16") == 0;
	}
	CU_ASSERT_EQUAL(balance, 1);
	CU_ASSERT_EQUAL(term, 1);
	CU_ASSERT_EQUAL(deposits, 1);
	CU_ASSERT_EQUAL(hits, 1);
	CU_ASSERT_EQUAL(kept, 2);
	ck_findings_free(&list);
}

/* The guard is the lock declared nearest above the field in its struct. */
static const char *guard_of(const ck_findings *list, const char *variable)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].variable && strcmp(list->items[i].variable, variable) == 0)
			return list->items[i].guard ? list->items[i].guard : "(none)";
	return "(no such race)";
}

static void test_tsan_guards_named(void)
{
	ck_findings list;
	parse_tsan_fixture(&list);
	ck_name_races(&list, FIELD_RACE_BINARY);
	/* struct account declares mu first: it guards every field below. */
	ASSERT_STR_EQ(guard_of(&list, "acct->balance"), "acct->mu");
	/* A member of a member is guarded by what guards the outer one. */
	ASSERT_STR_EQ(guard_of(&list, "acct->last.term"), "acct->mu");
	/* No line spells the field, so none spells its lock either. */
	ASSERT_STR_EQ(guard_of(&list, "deposits (in struct account)"), "mu (in struct account)");
	/* struct tally has no lock: nothing is claimed. */
	ASSERT_STR_EQ(guard_of(&list, "hits (in struct tally)"), "(none)");
	ck_findings_free(&list);
}

static void test_tsan_locks_named(void)
{
	ck_findings list;
	parse_tsan_fixture(&list);
	/* Locks need only the source lines, not the binary. */
	ck_name_races(&list, NULL);
	const ck_finding *f = race_between(&list, "teller", "auditor");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	const ck_stack *teller = side_in(f, "teller"), *auditor = side_in(f, "auditor");
	CU_ASSERT_PTR_NOT_NULL_FATAL(teller);
	CU_ASSERT_PTR_NOT_NULL_FATAL(auditor);
	ASSERT_STR_EQ(teller->locks,
		      "acct->mu"); /* TSan's M0, made at pthread_mutex_init(&acct->mu, ..) */
	ASSERT_STR_EQ(auditor->locks, "");
	/* Without the binary, the field stays as the detector said it. */
	CU_ASSERT_TRUE(ck_starts_with(f->variable, "heap block of size "));
	ck_findings_free(&list);
}

static void test_tsan_message_reads_as_code(void)
{
	ck_findings list;
	parse_tsan_fixture(&list);
	ck_name_races(&list, FIELD_RACE_BINARY);
	const ck_finding *balance = NULL;
	for (size_t i = 0; i < list.n; i++)
		if (list.items[i].variable && strcmp(list.items[i].variable, "acct->balance") == 0)
			balance = &list.items[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(balance);
	CU_ASSERT_TRUE(
	    ck_starts_with(balance->message, "data race on acct->balance (guarded by acct->mu): "));
	CU_ASSERT_PTR_NOT_NULL(strstr(balance->message, "in teller() "));
	CU_ASSERT_PTR_NOT_NULL(strstr(balance->message, "holding acct->mu"));
	CU_ASSERT_PTR_NOT_NULL(strstr(balance->message, "in auditor() "));
	CU_ASSERT_PTR_NOT_NULL(strstr(balance->message, "holding no lock"));
	CU_ASSERT_PTR_NULL(strstr(balance->message, "M0"));
	CU_ASSERT_PTR_NULL(strstr(balance->message, "heap block"));
	ck_findings_free(&list);
}

static void test_helgrind_fields_named(void)
{
	ck_findings list;
	ck_findings_init(&list);
	char *xml = fixture_path("helgrind_field_race.xml");
	CU_ASSERT_TRUE(ck_parse_helgrind_xml(xml, NULL, 1, &list) > 0);
	free(xml);
	ck_name_races(&list, FIELD_RACE_BINARY);
	int balance = 0;
	for (size_t i = 0; i < list.n; i++) {
		const ck_finding *f = &list.items[i];
		if (f->variable && strcmp(f->variable, "acct->balance") == 0) {
			balance++;
			/* Helgrind's XML does not say which locks were held. */
			const ck_stack *s = side_in(f, "auditor");
			CU_ASSERT_TRUE(s == NULL || s->locks == NULL);
			CU_ASSERT_PTR_NULL(strstr(f->message, "holding"));
		}
	}
	CU_ASSERT_EQUAL(balance, 1);
	ck_findings_free(&list);
}

static void test_missing_binary_keeps_text(void)
{
	ck_findings list;
	parse_tsan_fixture(&list);
	ck_name_races(&list, "build/checker/fixtures/no-such-binary");
	for (size_t i = 0; i < list.n; i++)
		CU_ASSERT_TRUE(ck_starts_with(list.items[i].variable, "heap block of size "));
	ck_findings_free(&list);
}

static void test_source_line_helpers(void)
{
	char *s = ck_call_argument("\trt_mutex_init(&rf->mu, \"raft.mu\", me);", "rt_mutex_init");
	ASSERT_STR_EQ(s, "rf->mu");
	free(s);
	s = ck_call_argument("x = f(g(a, b), c); lock( & peers[i].mu )", "lock");
	ASSERT_STR_EQ(s, "peers[i].mu");
	free(s);
	/* A longer name that ends in the callee is another function. */
	CU_ASSERT_PTR_NULL(ck_call_argument("my_lock(&m);", "lock"));
	CU_ASSERT_PTR_NULL(ck_call_argument("lock(&m", "lock"));
	CU_ASSERT_PTR_NULL(ck_call_argument(NULL, "lock"));

	s = ck_field_expression("\t*is_leader = rf->role == RAFT_LEADER;", "role");
	ASSERT_STR_EQ(s, "rf->role");
	free(s);
	s = ck_field_expression("if (rf->reported.term != t)", "reported.term");
	ASSERT_STR_EQ(s, "rf->reported.term");
	free(s);
	s = ck_field_expression("rf->match_index[i] = n;", "match_index[2]");
	ASSERT_STR_EQ(s, "rf->match_index[2]");
	free(s);
	/* rf->roles is not rf->role. */
	CU_ASSERT_PTR_NULL(ck_field_expression("x = rf->roles;", "role"));
	CU_ASSERT_PTR_NULL(ck_field_expression("role = 1;", "role"));
}

/* ---- One race, one entry -------------------------------------------------- */

/* Where each function of these races is: raft_get_state reads at
 * raft/raft.c:95, the others write in raft/role.c. */
static int line_of(const char *function)
{
	return strcmp(function, "raft_get_state") == 0	  ? 95
	       : strcmp(function, "become_follower") == 0 ? 22
							  : 49;
}

static const char *file_of(const char *function)
{
	return strcmp(function, "raft_get_state") == 0 ? "/t/raft/raft.c" : "/t/raft/role.c";
}

/* A race between side a and side b (NULL: not recorded), the first side
 * titled with thread ta, the second with tb (NULL: no second stack). */
static ck_finding race(const char *a, const char *ta, const char *b, const char *tb)
{
	ck_finding f = ck_finding_new(CK_TSAN, "data-race", 1, 3);
	char *t = ck_strdup_printf("Read of size 4 at 0x7b04 by thread %s", ta);
	ck_stack *s = ck_finding_add_stack(&f, t);
	free(t);
	ck_stack_read_access(s, s->title);
	s->locks = ck_strdup("");
	ck_stack_add_frame(s, a, file_of(a), line_of(a));
	if (tb != NULL) {
		t = ck_strdup_printf("Previous write of size 4 at 0x7b04 by thread %s", tb);
		s = ck_finding_add_stack(&f, t);
		free(t);
		ck_stack_read_access(s, s->title);
		s->locks = ck_strdup("M0");
		if (b != NULL)
			ck_stack_add_frame(s, b, file_of(b), line_of(b));
	}
	/* Thread creation differs from report to report. */
	s = ck_finding_add_stack(&f, "Thread T9 created by main thread at");
	ck_stack_add_frame(s, ta, "/t/raft/raft.c", 57);
	f.variable = ck_strdup("heap block of size 304, offset 208");
	ck_finding_set_where(&f);
	return f;
}

static void test_one_race_whatever_threads(void)
{
	ck_findings list;
	ck_findings_init(&list);
	ck_findings_add_unique(&list, race("raft_get_state", "T2", "become_follower", "T38"));
	ck_findings_add_unique(&list, race("raft_get_state", "T7", "become_follower", "T53"));
	CU_ASSERT_EQUAL(list.n, 1);
	/* The same pair reported the other way round is the same race. */
	ck_finding flipped = race("become_follower", "T64", "raft_get_state", "T1");
	flipped.seed = 5;
	ck_findings_add_unique(&list, flipped);
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	CU_ASSERT_EQUAL(list.items[0].occurrences, 3);
	size_t n;
	const uint64_t *seeds = ck_finding_seeds(&list.items[0], &n);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(seeds[0], 3);
	CU_ASSERT_EQUAL(seeds[1], 5);
	/* Another pair of sides is another race; another offset too. */
	ck_findings_add_unique(&list, race("raft_get_state", "T2", "become_leader", "T4"));
	CU_ASSERT_EQUAL(list.n, 2);
	ck_finding other_field = race("raft_get_state", "T2", "become_follower", "T38");
	free(other_field.variable);
	other_field.variable = ck_strdup("heap block of size 304, offset 160");
	ck_findings_add_unique(&list, other_field);
	CU_ASSERT_EQUAL(list.n, 3);
	ck_findings_free(&list);
}

static void test_one_sided_report_joins_its_race(void)
{
	/* The other access's stack was lost: one side joins the race it is a
	 * side of, ... */
	ck_findings list;
	ck_findings_init(&list);
	ck_findings_add_unique(&list, race("raft_get_state", "T2", "become_follower", "T38"));
	ck_findings_add_unique(&list, race("raft_get_state", "T3", NULL, "T9"));
	CU_ASSERT_EQUAL(list.n, 1);
	CU_ASSERT_EQUAL(list.items[0].occurrences, 2);
	ck_findings_free(&list);

	/* ... and a race first seen with one side takes the stacks of a
	 * later report that has both. */
	ck_findings_init(&list);
	ck_findings_add_unique(&list, race("raft_get_state", "T3", NULL, "T9"));
	ck_findings_add_unique(&list, race("become_follower", "T38", "raft_get_state", "T2"));
	CU_ASSERT_EQUAL_FATAL(list.n, 1);
	const ck_frame *side[2];
	CU_ASSERT_EQUAL(ck_race_sides(&list.items[0], side, NULL, 2), 2);
	CU_ASSERT_PTR_NOT_NULL(side[0]);
	CU_ASSERT_PTR_NOT_NULL(side[1]);
	CU_ASSERT_PTR_NOT_NULL(race_between(&list, "raft_get_state", "become_follower"));
	CU_ASSERT_EQUAL(list.items[0].seed, 3);
	ck_findings_free(&list);
}

static void test_race_message_of_sides(void)
{
	ck_finding f = race("raft_get_state", "T2", "become_follower", "T38");
	free(f.variable);
	f.variable = ck_strdup("rf->role");
	char *m = ck_race_message(&f);
	ASSERT_STR_EQ(m, "data race on rf->role: read in raft_get_state() holding no lock, "
			 "against a write in become_follower() at raft/role.c:22 holding M0");
	free(m);
	ck_finding_free(&f);

	f = race("raft_get_state", "T2", NULL, NULL);
	m = ck_race_message(&f);
	ASSERT_STR_EQ(m,
		      "data race on heap block of size 304, offset 208: read in raft_get_state() "
		      "holding no lock (the other access was not recorded)");
	free(m);
	ck_finding_free(&f);
}

void add_race_names_suite(void)
{
	CU_pSuite s = CU_add_suite("races: one entry, named fields and locks", NULL, NULL);
	CU_add_test(s, "TSan: fields named from the binary and the source", test_tsan_fields_named);
	CU_add_test(s, "TSan: a field's guard, from its struct", test_tsan_guards_named);
	CU_add_test(s, "TSan: M0 named as the code made it", test_tsan_locks_named);
	CU_add_test(s, "TSan: the message reads as code", test_tsan_message_reads_as_code);
	CU_add_test(s, "Helgrind: fields named, no locks claimed", test_helgrind_fields_named);
	CU_add_test(s, "no binary: the text stays", test_missing_binary_keeps_text);
	CU_add_test(s, "a call's argument, a field's expression", test_source_line_helpers);
	CU_add_test(s, "one race, whatever the threads or the order",
		    test_one_race_whatever_threads);
	CU_add_test(s, "a one-sided report joins its race", test_one_sided_report_joins_its_race);
	CU_add_test(s, "the message names both sides", test_race_message_of_sides);
}
