/*
 * Lab 3D: log compaction. The scenarios and limits of 6.5840's 3D tests:
 * the services snapshot every 10 entries (config_snapshot.c), followers
 * that fall behind catch up by InstallSnapshot, and restarted servers come
 * back from a snapshot and the tail of their log. The last test is ours:
 * an InstallSnapshot that reaches a follower while it is still applying.
 */
#include <stdbool.h>

#include "config.h"
#include "runner.h"

/* As config.go's SnapShotInterval and the tests' MAXLOGSIZE: a log the
 * services keep snapshotting stays far below this many bytes. */
#define SNAPSHOT_INTERVAL 10
#define MAX_LOG_SIZE 2000

/*
 * Thirty rounds of: take one follower (or, every third round, the leader)
 * away by disconnecting or crashing it, commit on the rest, offer enough
 * commands to make a snapshot, check the saved log stays small, then bring
 * it back: it is now so far behind that only a snapshot can catch it up.
 */
static void snapshot_rounds(const char *name, bool disconnect, bool reliable, bool crash)
{
	int iters = 30;
	int servers = 3;
	config *cfg = cfg_make(servers, !reliable, true);
	cfg_begin(cfg, name);

	cfg_one_int(cfg, cfg_rand_int(), servers, true);
	int leader1 = cfg_check_one_leader(cfg);

	for (int i = 0; i < iters; i++) {
		int victim = (leader1 + 1) % servers;
		int sender = leader1;
		if (i % 3 == 1) {
			sender = (leader1 + 1) % servers;
			victim = leader1;
		}

		if (disconnect) {
			cfg_disconnect(cfg, victim);
			cfg_one_int(cfg, cfg_rand_int(), servers - 1, true);
		}
		if (crash) {
			cfg_crash1(cfg, victim);
			cfg_one_int(cfg, cfg_rand_int(), servers - 1, true);
		}

		/* Perhaps enough to make a snapshot. */
		int nn = SNAPSHOT_INTERVAL / 2 + (int)(cfg_rand_int() % SNAPSHOT_INTERVAL);
		for (int k = 0; k < nn; k++)
			cfg_raft_start_int(cfg, sender, cfg_rand_int(), NULL, NULL);

		/* Let the appliers catch up. Without a victim, every follower
		 * must, so SnapshotBasic3D needs no InstallSnapshot. */
		if (!disconnect && !crash)
			cfg_one_int(cfg, cfg_rand_int(), servers, true);
		else
			cfg_one_int(cfg, cfg_rand_int(), servers - 1, true);

		size_t log_size = cfg_log_size(cfg);
		if (log_size >= MAX_LOG_SIZE)
			cfg_fatalf("log size too large: a server saved %zu bytes of Raft state "
				   "(limit %d); is the log cut back after raft_snapshot?",
				   log_size, MAX_LOG_SIZE);

		if (disconnect) {
			/* The victim may be behind the leader's snapshot now. */
			cfg_connect(cfg, victim);
			cfg_one_int(cfg, cfg_rand_int(), servers, true);
			leader1 = cfg_check_one_leader(cfg);
		}
		if (crash) {
			cfg_start1(cfg, victim);
			cfg_connect(cfg, victim);
			cfg_one_int(cfg, cfg_rand_int(), servers, true);
			leader1 = cfg_check_one_leader(cfg);
		}
	}
	cfg_end(cfg);
	cfg_cleanup(cfg);
}

static void test_snapshot_basic(void)
{
	snapshot_rounds("Test (3D): snapshots basic", false, true, false);
}

static void test_snapshot_install(void)
{
	snapshot_rounds("Test (3D): install snapshots (disconnect)", true, true, false);
}

static void test_snapshot_install_unreliable(void)
{
	snapshot_rounds("Test (3D): install snapshots (disconnect+unreliable)", true, false, false);
}

static void test_snapshot_install_crash(void)
{
	snapshot_rounds("Test (3D): install snapshots (crash)", false, true, true);
}

static void test_snapshot_install_uncrash(void)
{
	snapshot_rounds("Test (3D): install snapshots (unreliable+crash)", false, false, true);
}

static void crash_all(config *cfg, int servers)
{
	for (int i = 0; i < servers; i++)
		cfg_crash1(cfg, i);
}

static void revive_all(config *cfg, int servers)
{
	for (int i = 0; i < servers; i++) {
		cfg_start1(cfg, i);
		cfg_connect(cfg, i);
	}
}

/* How long the lagging follower's service takes over each entry, and how
 * many entries it is behind when it is cut off: about 0.6 s of applying,
 * longer than the leader takes to snapshot past its log and reach it. */
#define LAGGING_SERVICE_MS 30
#define LAGGING_BACKLOG 20

/*
 * Not one of 6.5840's tests. Ten rounds of: a follower whose service is
 * slow takes a burst of commands into its log, and is cut off while its
 * applier is still handing them over; the others commit past its log and
 * snapshot; it is brought back. Its leader's InstallSnapshot then lands
 * while its applier delivers the old entries with the lock released, a
 * meeting the tests above leave to chance: each waits for every service to
 * catch up before it takes a server away. The peer must deliver every
 * index once, in order, and never move last_applied back.
 */
static void test_snapshot_install_while_applying(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, true);
	cfg_begin(cfg, "Test (3D): install snapshots while a follower applies");
	cfg_one_int(cfg, cfg_rand_int(), servers, true);

	for (int i = 0; i < 10; i++) {
		int leader = cfg_check_one_leader(cfg);
		int lagging = (leader + 1) % servers;
		cfg_set_service_delay(cfg, lagging, LAGGING_SERVICE_MS);
		for (int k = 0; k < LAGGING_BACKLOG; k++)
			cfg_raft_start_int(cfg, leader, cfg_rand_int(), NULL, NULL);
		/* Committed everywhere, applied by the other two only. */
		cfg_one_int(cfg, cfg_rand_int(), servers - 1, true);

		cfg_disconnect(cfg, lagging);
		for (int k = 0; k < SNAPSHOT_INTERVAL + 5; k++)
			cfg_raft_start_int(cfg, leader, cfg_rand_int(), NULL, NULL);
		cfg_one_int(cfg, cfg_rand_int(), servers - 1, true);

		cfg_connect(cfg, lagging);
		cfg_one_int(cfg, cfg_rand_int(), servers, true);
		cfg_set_service_delay(cfg, lagging, 0);
	}
	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Do the servers save their snapshots, and come back from a snapshot plus
 * the tail of the log after all of them crash at once? */
static void test_snapshot_all_crash(void)
{
	int servers = 3;
	int iters = 5;
	config *cfg = cfg_make(servers, false, true);
	cfg_begin(cfg, "Test (3D): crash and restart all servers");

	cfg_one_int(cfg, cfg_rand_int(), servers, true);

	for (int i = 0; i < iters; i++) {
		/* Perhaps enough to make a snapshot. */
		int nn = SNAPSHOT_INTERVAL / 2 + (int)(cfg_rand_int() % SNAPSHOT_INTERVAL);
		for (int k = 0; k < nn; k++)
			cfg_one_int(cfg, cfg_rand_int(), servers, true);

		int64_t index1 = cfg_one_int(cfg, cfg_rand_int(), servers, true);
		crash_all(cfg, servers);
		revive_all(cfg, servers);

		int64_t index2 = cfg_one_int(cfg, cfg_rand_int(), servers, true);
		if (index2 < index1 + 1)
			cfg_fatalf("index decreased from %lld to %lld after a restart of every "
				   "server", (long long)index1, (long long)index2);
	}
	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Does a restarted server set up its in-memory copy of the snapshot, so
 * that the next time it saves its state it does not lose the snapshot? */
static void test_snapshot_init(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, true);
	cfg_begin(cfg, "Test (3D): snapshot initialization after crash");
	cfg_one_int(cfg, cfg_rand_int(), servers, true);

	/* Enough to make a snapshot. */
	for (int i = 0; i < SNAPSHOT_INTERVAL + 1; i++)
		cfg_one_int(cfg, cfg_rand_int(), servers, true);

	crash_all(cfg, servers);
	revive_all(cfg, servers);

	/* One command, so each server saves its state again. */
	cfg_one_int(cfg, cfg_rand_int(), servers, true);

	crash_all(cfg, servers);
	revive_all(cfg, servers);

	/* Another, which fails if that save lost the snapshot. */
	cfg_one_int(cfg, cfg_rand_int(), servers, true);
	cfg_end(cfg);
	cfg_cleanup(cfg);
}

const test_case tests_3d[] = {
	{"TestSnapshotBasic3D", test_snapshot_basic, 0},
	{"TestSnapshotInstall3D", test_snapshot_install, 0},
	{"TestSnapshotInstallUnreliable3D", test_snapshot_install_unreliable, 0},
	{"TestSnapshotInstallCrash3D", test_snapshot_install_crash, 0},
	{"TestSnapshotInstallUnCrash3D", test_snapshot_install_uncrash, 0},
	{"TestSnapshotAllCrash3D", test_snapshot_all_crash, 0},
	{"TestSnapshotInit3D", test_snapshot_init, 0},
	{"TestSnapshotInstallWhileApplying3D", test_snapshot_install_while_applying, 0},
	{NULL, NULL, 0},
};
