/*
 * The commit oracles: commits have a quorum (Figure 8 included), and a
 * leader holds every entry committed before its term.
 */
#include <CUnit/CUnit.h>

#include "test_oracle_script.h"
#include "unit.h"

/* Entry 1 of term 2, sent by server 0 to one follower. */
static const script_entry first[] = {{2, 100}};
static const script_append replicate_first = {.term = 2, .entries = first, .count = 1};

/* Three servers; 0 leads term 2 and has entry 1 (command 100). */
static void elect_zero(script *s)
{
	script_start(s, 3);
	script_win_election(s, 0, 2, (int[]){1, -1});
	script_start_returned(s, 0, 1, 2, 100);
	script_send(s, 0, 1, replicate_first);
}

static script_append announce(int64_t term, int64_t prev, int64_t prev_term, int64_t commit)
{
	return (script_append){
	    .term = term, .prev_index = prev, .prev_term = prev_term, .commit = commit};
}

static void test_commit_after_a_majority_acknowledged(void)
{
	script s;
	elect_zero(&s);
	script_ack(&s, 0, 1, replicate_first, true);
	script_apply(&s, 0, 1, 100);
	script_send(&s, 0, 2, announce(2, 0, 0, 1));
	script_apply(&s, 1, 1, 100);
	script_expect_none(&s);
	script_end(&s);
}

static void test_commit_announced_without_acknowledgements(void)
{
	script s;
	elect_zero(&s);
	script_send(&s, 0, 1, announce(2, 1, 2, 1));
	const script_finding *f = script_expect_one(&s, "commit-without-quorum");
	CU_ASSERT_EQUAL(f->index, 1);
	CU_ASSERT_EQUAL(f->peers[0], 0);
	script_end(&s);
}

/* A refused reply, or a success lost on the way, acknowledges nothing. */
static void test_lost_or_refused_acknowledgements_do_not_count(void)
{
	script s;
	elect_zero(&s);
	script_ack(&s, 0, 1, replicate_first, false);
	script_answer(&s, 2, 0, replicate_first, 2, true); /* reply lost */
	script_send(&s, 0, 1, announce(2, 1, 2, 1));
	script_expect_one(&s, "commit-without-quorum");
	script_end(&s);
}

/* Figure 8: the leader of term 4 finds entry 1 of term 2 on a majority;
 * that does not commit it until an entry of term 4 is acknowledged. */
static void test_older_term_entries_need_an_entry_of_the_leaders_term(void)
{
	script s;
	elect_zero(&s);
	script_win_election(&s, 2, 4, (int[]){1, -1});
	script_append probe = announce(4, 1, 2, 0);
	script_send(&s, 2, 1, probe);
	script_ack(&s, 2, 1, probe, true);
	script_send(&s, 2, 1, announce(4, 1, 2, 1));
	const script_finding *f = script_expect_one(&s, "commit-without-quorum");
	CU_ASSERT_EQUAL(f->term, 4);
	script_end(&s);
}

static void test_an_entry_of_the_leaders_term_commits_those_below(void)
{
	script s;
	elect_zero(&s);
	script_win_election(&s, 2, 4, (int[]){1, -1});
	script_start_returned(&s, 2, 2, 4, 400);
	script_append carry = {.term = 4,
			       .prev_index = 1,
			       .prev_term = 2,
			       .entries = (script_entry[]){{4, 400}},
			       .count = 1};
	script_send(&s, 2, 1, carry);
	script_ack(&s, 2, 1, carry, true);
	script_send(&s, 2, 1, announce(4, 2, 4, 2));
	script_apply(&s, 1, 1, 100);
	script_apply(&s, 1, 2, 400);
	script_expect_none(&s);
	script_end(&s);
}

/* A stale acknowledgement of term 2 counted by the same server as leader
 * of term 5 (an AppendEntries reply used without checking its term). */
static void test_acknowledgements_of_an_earlier_term_do_not_cover_later_entries(void)
{
	script s;
	elect_zero(&s);
	script_win_election(&s, 0, 5, (int[]){2, -1});
	script_ack(&s, 0, 1, replicate_first, true); /* late: a reply of term 2 */
	script_start_returned(&s, 0, 2, 5, 500);
	script_append carry = {.term = 5,
			       .prev_index = 1,
			       .prev_term = 2,
			       .entries = (script_entry[]){{5, 500}},
			       .count = 1};
	script_send(&s, 0, 1, carry);
	script_send(&s, 0, 1, announce(5, 2, 5, 2));
	const script_finding *f = script_expect_one(&s, "commit-without-quorum");
	CU_ASSERT_EQUAL(f->index, 2);
	script_end(&s);
}

/* Learned as leader of term 2, announced only as leader of term 5. */
static void test_commit_learned_in_an_earlier_term_may_be_announced_later(void)
{
	script s;
	elect_zero(&s);
	script_ack(&s, 0, 1, replicate_first, true);
	script_win_election(&s, 0, 5, (int[]){2, -1});
	script_send(&s, 0, 2, announce(5, 1, 2, 1));
	script_expect_none(&s);
	script_end(&s);
}

/* A new leader's first heartbeat carries what it learned as a follower. */
static void test_new_leader_repeats_a_commit_it_learned_as_follower(void)
{
	script s;
	elect_zero(&s);
	script_ack(&s, 0, 1, replicate_first, true);
	script_send(&s, 0, 1, announce(2, 1, 2, 1));
	script_win_election(&s, 1, 3, (int[]){2, -1});
	script_send(&s, 1, 2, announce(3, 1, 2, 1));
	script_expect_none(&s);
	script_end(&s);
}

static void test_applying_an_index_nobody_committed(void)
{
	script s;
	elect_zero(&s);
	script_apply(&s, 1, 1, 100);
	const script_finding *f = script_expect_one(&s, "commit-without-quorum");
	CU_ASSERT_EQUAL(f->index, 1);
	CU_ASSERT_EQUAL(f->peers[0], 1);
	script_end(&s);
}

/* The leader applies what it committed before it announces it. */
static void test_leader_applies_before_announcing(void)
{
	script s;
	elect_zero(&s);
	script_ack(&s, 0, 1, replicate_first, true);
	script_apply(&s, 0, 1, 100);
	script_expect_none(&s);
	script_end(&s);
}

static void test_later_leader_sending_another_entry_at_a_committed_index(void)
{
	script s;
	elect_zero(&s);
	script_ack(&s, 0, 1, replicate_first, true);
	script_apply(&s, 0, 1, 100);
	script_win_election(&s, 2, 3, (int[]){1, -1});
	script_start_returned(&s, 2, 1, 3, 300);
	script_send(&s, 2, 1,
		    (script_append){.term = 3, .entries = (script_entry[]){{3, 300}}, .count = 1});
	const script_finding *f = script_expect_one(&s, "leader-completeness");
	CU_ASSERT_EQUAL(f->term, 3);
	CU_ASSERT_EQUAL(f->index, 1);
	CU_ASSERT_EQUAL(f->peers[0], 2);
	script_end(&s);
}

/* A deposed leader of an older term may still send its own entries; the
 * followers will refuse them. */
static void test_stale_leader_of_an_older_term_may_send_other_entries(void)
{
	script s;
	script_start(&s, 3);
	script_win_election(&s, 0, 1, (int[]){1, -1});
	script_start_returned(&s, 0, 1, 1, 10);
	script_win_election(&s, 2, 2, (int[]){1, -1});
	script_start_returned(&s, 2, 1, 2, 20);
	script_append carry = {.term = 2, .entries = (script_entry[]){{2, 20}}, .count = 1};
	script_send(&s, 2, 1, carry);
	script_ack(&s, 2, 1, carry, true);
	script_apply(&s, 2, 1, 20);
	script_send(&s, 0, 1,
		    (script_append){.term = 1, .entries = (script_entry[]){{1, 10}}, .count = 1});
	script_expect_none(&s);
	script_end(&s);
}

void add_oracle_commit_suite(void)
{
	CU_pSuite s = CU_add_suite("oracle: commits", NULL, NULL);
	CU_add_test(s, "a commit after a majority acknowledged is fine",
		    test_commit_after_a_majority_acknowledged);
	CU_add_test(s, "a commit announced without acknowledgements: commit-without-quorum",
		    test_commit_announced_without_acknowledgements);
	CU_add_test(s, "lost or refused acknowledgements do not count",
		    test_lost_or_refused_acknowledgements_do_not_count);
	CU_add_test(s, "Figure 8: older entries need an entry of the leader's term",
		    test_older_term_entries_need_an_entry_of_the_leaders_term);
	CU_add_test(s, "an acknowledged entry of the leader's term commits those below",
		    test_an_entry_of_the_leaders_term_commits_those_below);
	CU_add_test(s, "acknowledgements of an earlier term do not cover later entries",
		    test_acknowledgements_of_an_earlier_term_do_not_cover_later_entries);
	CU_add_test(s, "a commit learned in an earlier term may be announced later",
		    test_commit_learned_in_an_earlier_term_may_be_announced_later);
	CU_add_test(s, "a new leader repeats a commit it learned as follower",
		    test_new_leader_repeats_a_commit_it_learned_as_follower);
	CU_add_test(s, "applying an index nobody committed: commit-without-quorum",
		    test_applying_an_index_nobody_committed);
	CU_add_test(s, "the leader applies before it announces",
		    test_leader_applies_before_announcing);
	CU_add_test(s, "a later leader sending another entry at a committed index",
		    test_later_leader_sending_another_entry_at_a_committed_index);
	CU_add_test(s, "a stale leader of an older term may send other entries",
		    test_stale_leader_of_an_older_term_may_send_other_entries);
}
