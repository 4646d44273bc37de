/*
 * The entry oracles: Start is honest, and an index and a term name one
 * entry.
 */
#include <CUnit/CUnit.h>

#include "test_oracle_script.h"
#include "unit.h"

/* Server 0 leads term 2 of three servers. */
static void elect_zero(script *s)
{
	script_start(s, 3);
	script_win_election(s, 0, 2, (int[]){1, -1});
}

static script_append one_entry(const script_entry *e, int64_t prev)
{
	return (script_append){
	    .term = 2, .prev_index = prev, .prev_term = prev ? 2 : 0, .entries = e, .count = 1};
}

static void test_start_returning_an_index_twice(void)
{
	script s;
	elect_zero(&s);
	script_start_returned(&s, 0, 1, 2, 100);
	script_start_returned(&s, 0, 1, 2, 200);
	const script_finding *f = script_expect_one(&s, "start-index-reused");
	CU_ASSERT_EQUAL(f->term, 2);
	CU_ASSERT_EQUAL(f->index, 1);
	script_end(&s);
}

static void test_entry_differing_from_what_start_returned(void)
{
	script s;
	elect_zero(&s);
	script_start_returned(&s, 0, 1, 2, 100);
	script_send(&s, 0, 1, one_entry((script_entry[]){{2, 999}}, 0));
	const script_finding *f = script_expect_one(&s, "start-dishonest");
	CU_ASSERT_EQUAL(f->index, 1);
	script_end(&s);
}

/* The entry may travel before raft_start has returned to the harness. */
static void test_start_returning_where_another_entry_was_sent(void)
{
	script s;
	elect_zero(&s);
	script_send(&s, 0, 1, one_entry((script_entry[]){{2, 100}}, 0));
	script_start_returned(&s, 0, 1, 2, 200);
	script_expect_one(&s, "start-dishonest");
	script_end(&s);
}

static void test_honest_starts_in_any_order(void)
{
	script s;
	elect_zero(&s);
	script_send(&s, 0, 1, one_entry((script_entry[]){{2, 100}}, 0));
	script_start_returned(&s, 0, 1, 2, 100);
	script_start_returned(&s, 0, 2, 2, 200);
	script_send(&s, 0, 2,
		    (script_append){
			.term = 2, .entries = (script_entry[]){{2, 100}, {2, 200}}, .count = 2});
	script_expect_none(&s);
	script_end(&s);
}

/* The same index in another term is another entry. */
static void test_same_index_in_another_term_is_another_entry(void)
{
	script s;
	elect_zero(&s);
	script_start_returned(&s, 0, 1, 2, 100);
	script_win_election(&s, 1, 3, (int[]){2, -1});
	script_start_returned(&s, 1, 1, 3, 300);
	script_send(&s, 1, 2,
		    (script_append){.term = 3, .entries = (script_entry[]){{3, 300}}, .count = 1});
	script_expect_none(&s);
	script_end(&s);
}

static void test_two_messages_with_different_entries_at_one_index_and_term(void)
{
	script s;
	elect_zero(&s);
	script_send(&s, 0, 1, one_entry((script_entry[]){{2, 100}}, 0));
	script_send(&s, 0, 2, one_entry((script_entry[]){{2, 101}}, 0));
	const script_finding *f = script_expect_one(&s, "log-matching");
	CU_ASSERT_EQUAL(f->term, 2);
	CU_ASSERT_EQUAL(f->index, 1);
	script_end(&s);
}

void add_oracle_log_suite(void)
{
	CU_pSuite s = CU_add_suite("oracle: Start and entries", NULL, NULL);
	CU_add_test(s, "Start returning an index twice: start-index-reused",
		    test_start_returning_an_index_twice);
	CU_add_test(s, "an entry differing from what Start returned: start-dishonest",
		    test_entry_differing_from_what_start_returned);
	CU_add_test(s, "Start returning where another entry was sent: start-dishonest",
		    test_start_returning_where_another_entry_was_sent);
	CU_add_test(s, "honest Starts, seen before or after their entries, are fine",
		    test_honest_starts_in_any_order);
	CU_add_test(s, "the same index in another term is another entry",
		    test_same_index_in_another_term_is_another_entry);
	CU_add_test(s, "two messages with different entries at one index and term: log-matching",
		    test_two_messages_with_different_entries_at_one_index_and_term);
}
