/*
 * Unit tests for the Raft log (raft/log.c): indexing from a base,
 * appending, truncating, finding terms, the election restriction, and
 * moving the base for snapshots.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "unit.h"

/* Append one entry per term in terms[], with the command "cmd<index>". */
static void append_terms(raft_log *log, const int64_t *terms, int count)
{
	for (int i = 0; i < count; i++) {
		char cmd[32];
		int len = snprintf(cmd, sizeof cmd, "cmd%lld", (long long)log_last_index(log) + 1);
		log_append(log, terms[i], cmd, (size_t)len);
	}
}

static void test_empty_log_ends_at_index_0_term_0(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	CU_ASSERT_EQUAL(log_base_index(&log), 0);
	CU_ASSERT_EQUAL(log_last_index(&log), 0);
	CU_ASSERT_EQUAL(log_last_term(&log), 0);
	CU_ASSERT_EQUAL(log_term_at(&log, 0), 0);
	log_free(&log);
}

static void test_append_numbers_entries_from_1(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	CU_ASSERT_EQUAL(log_append(&log, 1, "a", 1), 1);
	CU_ASSERT_EQUAL(log_append(&log, 1, "bb", 2), 2);
	CU_ASSERT_EQUAL(log_append(&log, 3, "ccc", 3), 3);
	CU_ASSERT_EQUAL(log_last_index(&log), 3);
	CU_ASSERT_EQUAL(log_last_term(&log), 3);
	CU_ASSERT_EQUAL(log_term_at(&log, 1), 1);
	CU_ASSERT_EQUAL(log_term_at(&log, 2), 1);
	CU_ASSERT_EQUAL(log_term_at(&log, 3), 3);
	const log_entry *e = log_entry_at(&log, 2);
	CU_ASSERT_EQUAL(e->term, 1);
	CU_ASSERT_EQUAL(e->command_len, 2);
	CU_ASSERT_NSTRING_EQUAL(e->command, "bb", 2);
	log_free(&log);
}

static void test_append_copies_the_command(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	char cmd[] = "hello";
	log_append(&log, 1, cmd, 5);
	memcpy(cmd, "XXXXX", 5);
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, 1)->command, "hello", 5);
	log_free(&log);
}

static void test_empty_command_is_kept(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	log_append(&log, 2, NULL, 0);
	CU_ASSERT_EQUAL(log_last_index(&log), 1);
	CU_ASSERT_EQUAL(log_entry_at(&log, 1)->command_len, 0);
	CU_ASSERT_PTR_NOT_NULL(log_entry_at(&log, 1)->command);
	log_free(&log);
}

static void test_log_grows_past_initial_capacity(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	for (int64_t i = 1; i <= 1000; i++)
		log_append(&log, i / 10, &i, sizeof i);
	CU_ASSERT_EQUAL(log_last_index(&log), 1000);
	for (int64_t i = 1; i <= 1000; i++) {
		CU_ASSERT_EQUAL(log_term_at(&log, i), i / 10);
		CU_ASSERT_EQUAL(memcmp(log_entry_at(&log, i)->command, &i, sizeof i), 0);
	}
	log_free(&log);
}

static void test_truncate_after_keeps_the_prefix(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 1, 2, 2, 3}, 5);
	log_truncate_after(&log, 2);
	CU_ASSERT_EQUAL(log_last_index(&log), 2);
	CU_ASSERT_EQUAL(log_last_term(&log), 1);
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, 2)->command, "cmd2", 4);
	/* The freed indexes are reused by the next append. */
	CU_ASSERT_EQUAL(log_append(&log, 4, "new", 3), 3);
	CU_ASSERT_EQUAL(log_term_at(&log, 3), 4);
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, 3)->command, "new", 3);
	log_free(&log);
}

static void test_truncate_after_last_or_base(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 2}, 2);
	log_truncate_after(&log, 2);   /* nothing after the last entry */
	CU_ASSERT_EQUAL(log_last_index(&log), 2);
	log_truncate_after(&log, 0);   /* everything */
	CU_ASSERT_EQUAL(log_last_index(&log), 0);
	CU_ASSERT_EQUAL(log_last_term(&log), 0);
	log_free(&log);
}

static void test_base_offset_shifts_every_index(void)
{
	raft_log log;
	log_init(&log, 10, 3);
	CU_ASSERT_EQUAL(log_base_index(&log), 10);
	CU_ASSERT_EQUAL(log_last_index(&log), 10);
	CU_ASSERT_EQUAL(log_last_term(&log), 3);
	CU_ASSERT_EQUAL(log_term_at(&log, 10), 3);

	CU_ASSERT_EQUAL(log_append(&log, 4, "x", 1), 11);
	CU_ASSERT_EQUAL(log_append(&log, 5, "y", 1), 12);
	CU_ASSERT_EQUAL(log_last_index(&log), 12);
	CU_ASSERT_EQUAL(log_last_term(&log), 5);
	CU_ASSERT_EQUAL(log_term_at(&log, 11), 4);
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, 12)->command, "y", 1);

	log_truncate_after(&log, 11);
	CU_ASSERT_EQUAL(log_last_index(&log), 11);
	log_truncate_after(&log, 10);
	CU_ASSERT_EQUAL(log_last_index(&log), 10);
	CU_ASSERT_EQUAL(log_last_term(&log), 3);
	log_free(&log);
}

static void test_first_and_last_index_of_term(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 1, 2, 2, 2, 4}, 6);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 1), 1);
	CU_ASSERT_EQUAL(log_last_index_of_term(&log, 1), 2);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 2), 3);
	CU_ASSERT_EQUAL(log_last_index_of_term(&log, 2), 5);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 4), 6);
	CU_ASSERT_EQUAL(log_last_index_of_term(&log, 4), 6);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 3), -1);
	CU_ASSERT_EQUAL(log_last_index_of_term(&log, 3), -1);
	CU_ASSERT_EQUAL(log_last_index_of_term(&log, 5), -1);
	log_free(&log);
}

static void test_index_of_term_with_base_offset(void)
{
	raft_log log;
	log_init(&log, 20, 2);
	append_terms(&log, (int64_t[]){2, 3, 3}, 3);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 2), 21);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 3), 22);
	CU_ASSERT_EQUAL(log_last_index_of_term(&log, 3), 23);
	log_free(&log);
}

static void test_up_to_date_compares_last_term_first(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 1, 3}, 3);   /* last entry: index 3, term 3 */
	CU_ASSERT_TRUE(log_is_up_to_date(&log, 4, 1));    /* later term, shorter log */
	CU_ASSERT_FALSE(log_is_up_to_date(&log, 2, 10));  /* earlier term, longer log */
	CU_ASSERT_TRUE(log_is_up_to_date(&log, 3, 3));    /* identical */
	CU_ASSERT_TRUE(log_is_up_to_date(&log, 3, 4));    /* same term, longer */
	CU_ASSERT_FALSE(log_is_up_to_date(&log, 3, 2));   /* same term, shorter */
	log_free(&log);
}

static void test_empty_logs_are_up_to_date(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	CU_ASSERT_TRUE(log_is_up_to_date(&log, 0, 0));
	log_free(&log);
}

static void test_copy_range_survives_truncation(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 2, 2, 3}, 4);
	log_entry *copy = log_copy_range(&log, 2, 4);
	log_truncate_after(&log, 1);
	log_append(&log, 9, "other", 5);
	CU_ASSERT_EQUAL(copy[0].term, 2);
	CU_ASSERT_EQUAL(copy[2].term, 3);
	CU_ASSERT_EQUAL(copy[1].command_len, 4);
	CU_ASSERT_NSTRING_EQUAL(copy[1].command, "cmd3", 4);
	log_entries_free(copy, 3);

	log_free(&log);
}

/* A heartbeat copies the empty range just past the last entry: it reads no
 * entry (index 3 does not exist, and reading it would stop the program)
 * and still returns an array, since AppendEntries' entries are never NULL. */
static void test_copy_of_empty_range_is_an_empty_array(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 2}, 2);
	log_entry *none = log_copy_range(&log, 3, 2);
	CU_ASSERT_PTR_NOT_NULL(none);
	CU_ASSERT_EQUAL(log_last_index(&log), 2);
	log_entries_free(none, 0);
	log_free(&log);
}

/* ---- Snapshots: moving the base ------------------------------------------ */

static void test_base_term_is_the_term_the_log_starts_at(void)
{
	raft_log log;
	log_init(&log, 10, 3);
	CU_ASSERT_EQUAL(log_base_term(&log), 3);
	append_terms(&log, (int64_t[]){4}, 1);
	CU_ASSERT_EQUAL(log_base_term(&log), 3);   /* the last term is 4, the base's still 3 */
	log_free(&log);
}

/* Index 3 becomes the base, with its term; 4 and 5 keep their indexes,
 * terms and commands, and the next append continues after them. */
static void test_compact_through_makes_index_the_base_and_keeps_the_entries_after_it(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 1, 2, 2, 3}, 5);
	log_compact_through(&log, 3);
	CU_ASSERT_EQUAL(log_base_index(&log), 3);
	CU_ASSERT_EQUAL(log_base_term(&log), 2);
	CU_ASSERT_EQUAL(log_term_at(&log, 3), 2);
	CU_ASSERT_EQUAL(log_last_index(&log), 5);
	CU_ASSERT_EQUAL(log_last_term(&log), 3);
	CU_ASSERT_EQUAL(log_term_at(&log, 4), 2);
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, 4)->command, "cmd4", 4);
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, 5)->command, "cmd5", 4);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 2), 4);   /* 3 is the base, not an entry */
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 1), -1);
	CU_ASSERT_EQUAL(log_append(&log, 4, "new", 3), 6);
	CU_ASSERT_EQUAL(log_term_at(&log, 6), 4);
	log_free(&log);
}

static void test_compact_through_the_last_entry_leaves_no_entries(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 2, 2}, 3);
	log_compact_through(&log, 3);
	CU_ASSERT_EQUAL(log_base_index(&log), 3);
	CU_ASSERT_EQUAL(log_last_index(&log), 3);
	CU_ASSERT_EQUAL(log_last_term(&log), 2);
	CU_ASSERT_EQUAL(log_append(&log, 3, "x", 1), 4);
	log_free(&log);
}

static void test_compact_through_the_base_changes_nothing(void)
{
	raft_log log;
	log_init(&log, 10, 3);
	append_terms(&log, (int64_t[]){3, 4}, 2);
	log_compact_through(&log, 10);
	CU_ASSERT_EQUAL(log_base_index(&log), 10);
	CU_ASSERT_EQUAL(log_base_term(&log), 3);
	CU_ASSERT_EQUAL(log_last_index(&log), 12);
	CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, 11)->command, "cmd11", 5);
	log_free(&log);
}

/* From base 10 to base 20, with more entries than the first array held:
 * every index left keeps its entry. */
static void test_compact_through_from_a_base_keeps_every_later_entry(void)
{
	raft_log log;
	log_init(&log, 10, 3);
	for (int64_t i = 11; i <= 40; i++)
		append_terms(&log, (int64_t[]){i / 10}, 1);
	log_compact_through(&log, 20);
	CU_ASSERT_EQUAL(log_base_index(&log), 20);
	CU_ASSERT_EQUAL(log_base_term(&log), 2);
	CU_ASSERT_EQUAL(log_last_index(&log), 40);
	for (int64_t i = 21; i <= 40; i++) {
		char cmd[32];
		int len = snprintf(cmd, sizeof cmd, "cmd%lld", (long long)i);
		CU_ASSERT_EQUAL(log_term_at(&log, i), i / 10);
		CU_ASSERT_NSTRING_EQUAL(log_entry_at(&log, i)->command, cmd, len);
	}
	log_truncate_after(&log, 20);   /* down to the new base, no further */
	CU_ASSERT_EQUAL(log_last_index(&log), 20);
	CU_ASSERT_EQUAL(log_last_term(&log), 2);
	log_free(&log);
}

/* A snapshot past the end of the log, or one that conflicts with it,
 * replaces every entry. */
static void test_reset_leaves_an_empty_log_at_the_new_base(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 1, 2}, 3);
	log_reset(&log, 7, 4);
	CU_ASSERT_EQUAL(log_base_index(&log), 7);
	CU_ASSERT_EQUAL(log_base_term(&log), 4);
	CU_ASSERT_EQUAL(log_last_index(&log), 7);
	CU_ASSERT_EQUAL(log_last_term(&log), 4);
	CU_ASSERT_EQUAL(log_first_index_of_term(&log, 1), -1);
	CU_ASSERT_EQUAL(log_append(&log, 5, "x", 1), 8);
	log_free(&log);
}

/* A reset may also move the base back below the last index: the entries
 * there are gone all the same. */
static void test_reset_below_the_last_index_drops_the_entries_there(void)
{
	raft_log log;
	log_init(&log, 0, 0);
	append_terms(&log, (int64_t[]){1, 1, 2, 2, 2}, 5);
	log_reset(&log, 3, 3);
	CU_ASSERT_EQUAL(log_last_index(&log), 3);
	CU_ASSERT_EQUAL(log_term_at(&log, 3), 3);
	CU_ASSERT_EQUAL(log_last_index_of_term(&log, 2), -1);
	log_free(&log);
}

void add_log_suite(void)
{
	CU_pSuite s = CU_add_suite("log", NULL, NULL);
	CU_add_test(s, "empty log ends at index 0, term 0", test_empty_log_ends_at_index_0_term_0);
	CU_add_test(s, "append numbers entries from 1", test_append_numbers_entries_from_1);
	CU_add_test(s, "append copies the command", test_append_copies_the_command);
	CU_add_test(s, "empty command is kept", test_empty_command_is_kept);
	CU_add_test(s, "log grows past initial capacity", test_log_grows_past_initial_capacity);
	CU_add_test(s, "truncate_after keeps the prefix", test_truncate_after_keeps_the_prefix);
	CU_add_test(s, "truncate_after the last entry or the base",
		    test_truncate_after_last_or_base);
	CU_add_test(s, "base offset shifts every index", test_base_offset_shifts_every_index);
	CU_add_test(s, "first and last index of a term", test_first_and_last_index_of_term);
	CU_add_test(s, "index of a term with a base offset", test_index_of_term_with_base_offset);
	CU_add_test(s, "up-to-date compares last term first",
		    test_up_to_date_compares_last_term_first);
	CU_add_test(s, "empty logs are up to date", test_empty_logs_are_up_to_date);
	CU_add_test(s, "copy_range survives truncation", test_copy_range_survives_truncation);
	CU_add_test(s, "copy of an empty range is an empty array",
		    test_copy_of_empty_range_is_an_empty_array);
	CU_add_test(s, "base_term is the term the log starts at",
		    test_base_term_is_the_term_the_log_starts_at);
	CU_add_test(s, "compact_through makes index the base and keeps the entries after it",
		    test_compact_through_makes_index_the_base_and_keeps_the_entries_after_it);
	CU_add_test(s, "compact_through the last entry leaves no entries",
		    test_compact_through_the_last_entry_leaves_no_entries);
	CU_add_test(s, "compact_through the base changes nothing",
		    test_compact_through_the_base_changes_nothing);
	CU_add_test(s, "compact_through from a base keeps every later entry",
		    test_compact_through_from_a_base_keeps_every_later_entry);
	CU_add_test(s, "reset leaves an empty log at the new base",
		    test_reset_leaves_an_empty_log_at_the_new_base);
	CU_add_test(s, "reset below the last index drops the entries there",
		    test_reset_below_the_last_index_drops_the_entries_there);
}
