/*
 * Lab 3A: leader election. The scenarios and limits of 6.5840's
 * TestInitialElection3A, TestReElection3A and TestManyElections3A.
 */
#include "config.h"
#include "runner.h"

/* Three peers elect a leader, agree on its term and keep both while
 * nothing fails. */
static void test_initial_election(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3A): initial election");

	cfg_check_one_leader(cfg);

	/* Give the followers a moment to hear of the election before
	 * comparing terms. */
	rt_sleep_ms(50);
	int64_t term1 = cfg_check_terms(cfg);
	if (term1 < 1)
		cfg_fatalf("expected a term of at least 1 after an election, got %lld",
			   (long long)term1);

	/* Without failures, the leader and its term should stay put. */
	rt_sleep_ms(2 * RAFT_ELECTION_TIMEOUT_MS);
	int64_t term2 = cfg_check_terms(cfg);
	if (term1 != term2)
		cfg_logf("warning: term changed from %lld to %lld even though nothing failed",
			 (long long)term1, (long long)term2);

	cfg_check_one_leader(cfg);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* A new leader is elected when the leader is cut off; none without a
 * majority; and a returning old leader does not disturb the new one. */
static void test_re_election(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3A): election after network failure");

	int leader1 = cfg_check_one_leader(cfg);

	/* The others elect a new leader. */
	cfg_disconnect(cfg, leader1);
	cfg_check_one_leader(cfg);

	/* The old leader comes back and must step down quietly. */
	cfg_connect(cfg, leader1);
	int leader2 = cfg_check_one_leader(cfg);

	/* One server alone is no majority: it must not become leader. */
	cfg_disconnect(cfg, leader2);
	cfg_disconnect(cfg, (leader2 + 1) % servers);
	rt_sleep_ms(2 * RAFT_ELECTION_TIMEOUT_MS);
	cfg_check_no_leader(cfg);

	/* Two servers are a majority again. */
	cfg_connect(cfg, (leader2 + 1) % servers);
	cfg_check_one_leader(cfg);

	/* The last one returning must not leave the cluster leaderless. */
	cfg_connect(cfg, leader2);
	cfg_check_one_leader(cfg);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Seven peers, three random ones cut off at a time, again and again: the
 * remaining four keep or elect a leader every time. */
static void test_many_elections(void)
{
	int servers = 7;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3A): multiple elections");

	cfg_check_one_leader(cfg);

	int iters = 10;
	for (int ii = 1; ii < iters; ii++) {
		int i1 = (int)(cfg_rand_int() % servers);
		int i2 = (int)(cfg_rand_int() % servers);
		int i3 = (int)(cfg_rand_int() % servers);
		cfg_disconnect(cfg, i1);
		cfg_disconnect(cfg, i2);
		cfg_disconnect(cfg, i3);

		/* Either the leader is still connected, or the rest elect one. */
		cfg_check_one_leader(cfg);

		cfg_connect(cfg, i1);
		cfg_connect(cfg, i2);
		cfg_connect(cfg, i3);
	}

	cfg_check_one_leader(cfg);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

const test_case tests_3a[] = {
	{"TestInitialElection3A", test_initial_election, 0},
	{"TestReElection3A", test_re_election, 0},
	{"TestManyElections3A", test_many_elections, 0},
	{NULL, NULL, 0},
};
