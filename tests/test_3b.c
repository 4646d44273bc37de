/*
 * Lab 3B: log replication. The scenarios and limits of 6.5840's 3B tests.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "runner.h"
#include "test_group.h"

/* Start cmd on leader, which must accept it at index want. */
static int64_t start_at_index(config *cfg, int leader, int64_t cmd, int64_t want)
{
	int64_t index, term;
	if (!cfg_raft_start_int(cfg, leader, cmd, &index, &term))
		cfg_fatalf("leader %d rejected Start()", leader);
	if (index != want)
		cfg_fatalf("Start() on leader %d returned index %lld; expected %lld", leader,
			   (long long)index, (long long)want);
	return index;
}

/* The leader has no majority: after two election timeouts, no server may
 * have committed index. */
static void expect_no_commit(config *cfg, int64_t index)
{
	rt_sleep_ms(2 * RAFT_ELECTION_TIMEOUT_MS);
	int n = cfg_n_committed(cfg, index, NULL);
	if (n > 0)
		cfg_fatalf("%d server(s) committed index %lld without a majority", n,
			   (long long)index);
}

/* Commands are committed at the indexes 1, 2, 3, and not before they are
 * started. */
static void test_basic_agree(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): basic agreement");

	int iters = 3;
	for (int index = 1; index < iters + 1; index++) {
		int nd = cfg_n_committed(cfg, index, NULL);
		if (nd > 0)
			cfg_fatalf("%d server(s) committed index %d before any Start()", nd, index);

		int64_t xindex = cfg_one_int(cfg, index * 100, servers, false);
		if (xindex != index)
			cfg_fatalf("got index %lld but expected %d", (long long)xindex, index);
	}

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Each command is sent to each follower about once: the bytes on the
 * network stay close to servers * command size. */
static void test_rpc_bytes(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): RPC byte count");

	cfg_one_int(cfg, 99, servers, false);
	int64_t bytes0 = cfg_bytes_total(cfg);

	int iters = 10;
	int64_t sent = 0;
	char cmd[5001];
	for (int index = 2; index < iters + 2; index++) {
		cfg_rand_string(cmd, 5000);
		int64_t xindex = cfg_one(cfg, cmd, strlen(cmd), servers, false);
		if (xindex != index)
			cfg_fatalf("got index %lld but expected %d", (long long)xindex, index);
		sent += (int64_t)strlen(cmd);
	}

	int64_t got = cfg_bytes_total(cfg) - bytes0;
	int64_t expected = (int64_t)servers * sent;
	if (got > expected + 50000)
		cfg_fatalf("too many RPC bytes: got %lld, expected about %lld (at most %lld)",
			   (long long)got, (long long)expected, (long long)expected + 50000);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Followers fail one by one: with a majority the rest still agree; without
 * one, nothing commits. */
static void test_follower_failure(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): test progressive failure of followers");

	cfg_one_int(cfg, 101, servers, false);

	/* Cut one follower off: the leader and the other still agree. */
	int leader1 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, (leader1 + 1) % servers);
	cfg_one_int(cfg, 102, servers - 1, false);
	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);
	cfg_one_int(cfg, 103, servers - 1, false);

	/* Cut the other follower off too. */
	int leader2 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, (leader2 + 1) % servers);
	cfg_disconnect(cfg, (leader2 + 2) % servers);

	/* A leader alone is no majority. */
	int64_t index = start_at_index(cfg, leader2, 104, 4);
	expect_no_commit(cfg, index);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Leaders fail one by one: the rest elect a new one while they are a
 * majority; without one, nothing commits. */
static void test_leader_failure(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): test failure of leaders");

	cfg_one_int(cfg, 101, servers, false);

	/* The two followers elect a new leader and go on. */
	int leader1 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, leader1);
	cfg_one_int(cfg, 102, servers - 1, false);
	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);
	cfg_one_int(cfg, 103, servers - 1, false);

	/* Then the new leader goes too. */
	int leader2 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, leader2);

	for (int i = 0; i < servers; i++)
		cfg_raft_start_int(cfg, i, 104, NULL, NULL);

	rt_sleep_ms(2 * RAFT_ELECTION_TIMEOUT_MS);

	int n = cfg_n_committed(cfg, 4, NULL);
	if (n > 0)
		cfg_fatalf("%d server(s) committed index 4 without a majority", n);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* A follower misses some entries while cut off and catches up when it
 * comes back. */
static void test_fail_agree(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): agreement after follower reconnects");

	cfg_one_int(cfg, 101, servers, false);

	int leader = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, (leader + 1) % servers);

	/* The other two agree without it. */
	cfg_one_int(cfg, 102, servers - 1, false);
	cfg_one_int(cfg, 103, servers - 1, false);
	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);
	cfg_one_int(cfg, 104, servers - 1, false);
	cfg_one_int(cfg, 105, servers - 1, false);

	cfg_connect(cfg, (leader + 1) % servers);

	/* All three keep what was agreed and agree on more. */
	cfg_one_int(cfg, 106, servers, true);
	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);
	cfg_one_int(cfg, 107, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* With three of five followers gone nothing commits; once they return, the
 * cluster agrees again (possibly replacing the uncommitted entry). */
static void test_fail_no_agree(void)
{
	int servers = 5;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): no agreement if too many followers disconnect");

	cfg_one_int(cfg, 10, servers, false);

	int leader = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, (leader + 1) % servers);
	cfg_disconnect(cfg, (leader + 2) % servers);
	cfg_disconnect(cfg, (leader + 3) % servers);

	int64_t index = start_at_index(cfg, leader, 20, 2);
	expect_no_commit(cfg, index);
	int64_t term;

	cfg_connect(cfg, (leader + 1) % servers);
	cfg_connect(cfg, (leader + 2) % servers);
	cfg_connect(cfg, (leader + 3) % servers);

	/* The three that were cut off may have elected one of their own, which
	 * never saw index 2. */
	int leader2 = cfg_check_one_leader(cfg);
	int64_t index2;
	if (!cfg_raft_start_int(cfg, leader2, 30, &index2, &term))
		cfg_fatalf("new leader %d rejected Start()", leader2);
	if (index2 < 2 || index2 > 3)
		cfg_fatalf("Start() on new leader %d returned index %lld; expected 2 or 3",
			   leader2, (long long)index2);

	cfg_one_int(cfg, 1000, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* One Start() made by a thread of ConcurrentStarts3B. */
typedef struct concurrent_start {
	config *cfg;
	int leader;
	int64_t term;    /* the term the first Start() got */
	int64_t cmd;
	int64_t index;   /* result: the index, or -1 if not started in term */
} concurrent_start;

/* The thread body: start one command on the leader. */
static void start_concurrently(void *arg)
{
	concurrent_start *s = arg;
	int64_t index, term1;
	bool ok = cfg_raft_start_int(s->cfg, s->leader, s->cmd, &index, &term1);
	s->index = ok && term1 == s->term ? index : -1;
}

/* True if every running server is still in term. */
static bool all_in_term(config *cfg, int servers, int64_t term)
{
	for (int j = 0; j < servers; j++) {
		int64_t t;
		bool is_leader;
		cfg_raft_get_state(cfg, j, &t, &is_leader);
		if (t != term)
			return false;
	}
	return true;
}

/* One try of ConcurrentStarts3B; false if the term changed under it. */
static bool try_concurrent_starts(config *cfg, int servers)
{
	int leader = cfg_check_one_leader(cfg);
	int64_t index, term;
	if (!cfg_raft_start_int(cfg, leader, 1, &index, &term))
		return false;  /* the leader moved on already */

	enum { iters = 5 };
	concurrent_start starts[iters];
	test_group group;
	test_group_init(&group);
	for (int ii = 0; ii < iters; ii++) {
		starts[ii] = (concurrent_start){.cfg = cfg, .leader = leader, .term = term,
						.cmd = 100 + ii, .index = -1};
		test_group_go(&group, "test-start", start_concurrently, &starts[ii]);
	}
	test_group_wait(&group);
	test_group_destroy(&group);

	if (!all_in_term(cfg, servers, term))
		return false;  /* a new term: the Start()s need not all succeed */

	uint64_t cmds[iters];
	int ncmds = 0;
	for (int ii = 0; ii < iters; ii++) {
		if (starts[ii].index < 0)
			continue;
		if (!cfg_wait(cfg, starts[ii].index, servers, term, &cmds[ncmds]))
			return false;  /* peers moved on to a later term */
		ncmds++;
	}

	for (int ii = 0; ii < iters; ii++) {
		uint64_t x = (uint64_t)(100 + ii);
		bool found = false;
		for (int j = 0; j < ncmds; j++)
			found = found || cmds[j] == x;
		if (!found)
			cfg_fatalf("command %llu, started concurrently with others, was never "
				   "committed (%d of %d were)",
				   (unsigned long long)x, ncmds, iters);
	}
	return true;
}

/* Five Start()s at once on the leader all get committed. */
static void test_concurrent_starts(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): concurrent Start()s");

	bool success = false;
	for (int try = 0; try < 5 && !success; try++) {
		if (try > 0)
			rt_sleep_ms(3000);  /* let the cluster settle */
		success = try_concurrent_starts(cfg, servers);
	}
	if (!success)
		cfg_fatalf("term changed too often (5 tries)");

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* A leader cut off with uncommitted entries rejoins and gives them up for
 * the entries the others committed meanwhile. */
static void test_rejoin(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): rejoin of partitioned leader");

	cfg_one_int(cfg, 101, servers, true);

	int leader1 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, leader1);

	/* The old leader appends entries that can never commit. */
	cfg_raft_start_int(cfg, leader1, 102, NULL, NULL);
	cfg_raft_start_int(cfg, leader1, 103, NULL, NULL);
	cfg_raft_start_int(cfg, leader1, 104, NULL, NULL);

	/* The new leader commits index 2 too. */
	cfg_one_int(cfg, 103, 2, true);

	int leader2 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, leader2);

	cfg_connect(cfg, leader1);
	cfg_one_int(cfg, 104, 2, true);

	cfg_connect(cfg, leader2);
	cfg_one_int(cfg, 105, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Start n random commands on server i without waiting for them. */
static void start_many(config *cfg, int i, int n)
{
	for (int k = 0; k < n; k++)
		cfg_raft_start_int(cfg, i, cfg_rand_int(), NULL, NULL);
}

/* A leader replaces long runs of wrong entries in followers' logs quickly
 * (more than one entry per AppendEntries round trip). */
static void test_backup(void)
{
	int servers = 5;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): leader backs up quickly over incorrect follower logs");

	cfg_one_int(cfg, cfg_rand_int(), servers, true);

	/* The leader and one follower alone: 50 entries that cannot commit. */
	int leader1 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, (leader1 + 2) % servers);
	cfg_disconnect(cfg, (leader1 + 3) % servers);
	cfg_disconnect(cfg, (leader1 + 4) % servers);
	start_many(cfg, leader1, 50);
	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS / 2);

	/* The other three take over and commit 50 entries of their own. */
	cfg_disconnect(cfg, (leader1 + 0) % servers);
	cfg_disconnect(cfg, (leader1 + 1) % servers);
	cfg_connect(cfg, (leader1 + 2) % servers);
	cfg_connect(cfg, (leader1 + 3) % servers);
	cfg_connect(cfg, (leader1 + 4) % servers);
	for (int i = 0; i < 50; i++)
		cfg_one_int(cfg, cfg_rand_int(), 3, true);

	/* Their leader and one follower alone: 50 more that cannot commit. */
	int leader2 = cfg_check_one_leader(cfg);
	int other = (leader1 + 2) % servers;
	if (leader2 == other)
		other = (leader2 + 1) % servers;
	cfg_disconnect(cfg, other);
	start_many(cfg, leader2, 50);
	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS / 2);

	/* The first leader, its follower and `other` form a majority: two of
	 * them must drop many wrong entries. */
	for (int i = 0; i < servers; i++)
		cfg_disconnect(cfg, i);
	cfg_connect(cfg, (leader1 + 0) % servers);
	cfg_connect(cfg, (leader1 + 1) % servers);
	cfg_connect(cfg, other);
	for (int i = 0; i < 50; i++)
		cfg_one_int(cfg, cfg_rand_int(), 3, true);

	for (int i = 0; i < servers; i++)
		cfg_connect(cfg, i);
	cfg_one_int(cfg, cfg_rand_int(), servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* RPCs that reached any of the servers. */
static int64_t rpcs(config *cfg, int servers)
{
	int64_t n = 0;
	for (int j = 0; j < servers; j++)
		n += cfg_rpc_count(cfg, j);
	return n;
}

/* One try of Count3B's agreement part; false if the term changed. On
 * success *total2 is the RPC count after the agreement. */
static bool try_count_agreement(config *cfg, int servers, int64_t *total2)
{
	int leader = cfg_check_one_leader(cfg);
	int64_t total1 = rpcs(cfg, servers);

	enum { iters = 10 };
	int64_t starti, term;
	if (!cfg_raft_start_int(cfg, leader, 1, &starti, &term))
		return false;  /* the leader moved on already */
	int64_t cmds[iters + 1];
	for (int i = 1; i < iters + 2; i++) {
		int64_t x = (int64_t)(rt_rand() & 0x7fffffff);
		cmds[i - 1] = x;
		int64_t index1, term1;
		bool ok = cfg_raft_start_int(cfg, leader, x, &index1, &term1);
		if (!ok || term1 != term)
			return false;  /* no longer leader, or a new term */
		if (starti + i != index1)
			cfg_fatalf("Start() gave index %lld, expected %lld", (long long)index1,
				   (long long)(starti + i));
	}

	for (int i = 1; i < iters + 1; i++) {
		uint64_t cmd;
		if (!cfg_wait(cfg, starti + i, servers, term, &cmd))
			return false;  /* term changed: try again */
		if (cmd != (uint64_t)cmds[i - 1])
			cfg_fatalf("wrong value %llu committed for index %lld; expected %lld",
				   (unsigned long long)cmd, (long long)(starti + i),
				   (long long)cmds[i - 1]);
	}

	/* Count everything, even if the term changed, so total2 is current. */
	*total2 = rpcs(cfg, servers);
	if (!all_in_term(cfg, servers, term))
		return false;  /* a new term: RPC counts need not be low */

	if (*total2 - total1 > (iters + 1 + 3) * 3)
		cfg_fatalf("too many RPCs (%lld) for %d entries; at most %d expected",
			   (long long)(*total2 - total1), iters, (iters + 1 + 3) * 3);
	return true;
}

/* Elections, agreement and idleness each use a modest number of RPCs. */
static void test_count(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3B): RPC counts aren't too high");

	cfg_check_one_leader(cfg);
	int64_t total1 = rpcs(cfg, servers);
	if (total1 > 30 || total1 < 1)
		cfg_fatalf("%lld RPCs to elect the first leader; expected 1 to 30",
			   (long long)total1);

	int64_t total2 = 0;
	bool success = false;
	for (int try = 0; try < 5 && !success; try++) {
		if (try > 0)
			rt_sleep_ms(3000);  /* let the cluster settle */
		success = try_count_agreement(cfg, servers, &total2);
	}
	if (!success)
		cfg_fatalf("term changed too often (5 tries)");

	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);
	int64_t total3 = rpcs(cfg, servers);
	if (total3 - total2 > 3 * 20)
		cfg_fatalf("too many RPCs (%lld) for 1 second of idleness; at most %d expected",
			   (long long)(total3 - total2), 3 * 20);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

const test_case tests_3b[] = {
	{"TestBasicAgree3B", test_basic_agree, 0},
	{"TestRPCBytes3B", test_rpc_bytes, 0},
	{"TestFollowerFailure3B", test_follower_failure, 0},
	{"TestLeaderFailure3B", test_leader_failure, 0},
	{"TestFailAgree3B", test_fail_agree, 0},
	{"TestFailNoAgree3B", test_fail_no_agree, 0},
	{"TestConcurrentStarts3B", test_concurrent_starts, 0},
	{"TestRejoin3B", test_rejoin, 0},
	{"TestBackup3B", test_backup, 0},
	{"TestCount3B", test_count, 0},
	{NULL, NULL, 0},
};
