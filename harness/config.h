/*
 * The test harness: a cluster of Raft peers on a simulated network, and the
 * checks the scenario tests make on it. The C form of 6.5840's
 * raft/config.go, with the same functions and the same limits.
 *
 * A test makes a cluster, drives it (crash, restart, disconnect, start
 * commands) and checks it:
 *
 *     config *cfg = cfg_make(3, false, false);
 *     cfg_begin(cfg, "Test (3B): basic agreement");
 *     int64_t index = cfg_one_int(cfg, 100, 3, false);
 *     cfg_end(cfg);
 *     cfg_cleanup(cfg);
 *
 * Every duration is in logical milliseconds (see rt.h): the harness sleeps
 * and reads the clock through the runtime, so one time scale stretches the
 * whole test.
 *
 * A failed check prints what it expected and what it saw, reports one
 * finding (detector "invariants") at the test line that made the check,
 * and ends the test process with exit status 1. The checks that take a
 * site are macros, so the finding names the line in the test.
 *
 * Commands are byte strings. Most tests use integers, sent as 8 bytes
 * (little-endian). The harness remembers each applied command as a 64-bit
 * value: for an 8-byte command, the integer it encodes; for any other
 * length, a hash of its bytes (see cfg_cmd_value).
 *
 * Threads: the test's main thread makes, drives and cleans up the cluster.
 * cfg_one, cfg_n_committed, cfg_wait, cfg_raft_start and cfg_raft_get_state
 * may also be called from threads the test starts.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt/finding.h"
#include "rt/rt.h"

/* The tester lets a cluster take this long to elect a leader: much more
 * than the paper's range of election timeouts. */
#define RAFT_ELECTION_TIMEOUT_MS 1000

typedef struct config config;

/* ---- The cluster --------------------------------------------------------- */

/*
 * Start n peers, connected to each other. unreliable: the network drops and
 * delays messages. snapshot (lab 3D): each server's service snapshots every
 * 10 applied entries with raft_snapshot, takes in the snapshots its peer
 * delivers, and restores its saved snapshot on restart. Calls over a
 * disabled endpoint take long to fail, as in 6.5840.
 */
config *cfg_make(int n, bool unreliable, bool snapshot);
/* Kill every peer, wait until every thread of the test has finished, then
 * free the cluster. A thread that does not finish is a hang: reported by
 * a watchdog finding, and the process exits with WATCHDOG_EXIT_CODE. */
void cfg_cleanup(config *cfg);
/* For the runner: clean up any cluster a test made and did not clean up. */
void cfg_cleanup_all(void);
/* Wait, for a bounded time, until no thread of the test runs; report a hang
 * (as cfg_cleanup does) if one still does. */
void cfg_wait_for_threads(void);

/* Print the test's description and start counting RPCs, bytes and commands. */
void cfg_begin(config *cfg, const char *description);
/* Print "... Passed --" with logical seconds, peers, RPCs, bytes, commands. */
void cfg_end(config *cfg);

/* For the runner, before the test: crash a server, restart it and
 * reconnect it while one of its threads is paused between two critical
 * sections (config_split_crash.c). Off unless asked for. */
void cfg_set_split_crashes(bool on);

/* Crash server i: cut it off, delete it from the network and kill it. Its
 * saved state is kept for the next cfg_start1. */
void cfg_crash1(config *cfg, int i);
/* (Re)start server i from a copy of its saved state, with fresh outgoing
 * endpoints so the old instance can no longer send. It starts disconnected;
 * call cfg_connect. */
void cfg_start1(config *cfg, int i);
/* Attach server i to the network (both directions, to connected servers). */
void cfg_connect(config *cfg, int i);
/* Detach server i from the network. */
void cfg_disconnect(config *cfg, int i);

bool cfg_is_connected(config *cfg, int i);
/* True while server i runs (between cfg_start1 and cfg_crash1). */
bool cfg_is_up(config *cfg, int i);

void cfg_set_unreliable(config *cfg, bool unreliable);
/* Make server i's service take ms logical milliseconds over each entry it
 * applies, from its next one (0: none, the default): a service that falls
 * behind its log, as a slow state machine does. Kept across restarts. */
void cfg_set_service_delay(config *cfg, int i, int64_t ms);
void cfg_set_long_reordering(config *cfg, bool on);

/* RPCs that reached server i; RPCs and argument bytes in the whole network. */
int64_t cfg_rpc_count(config *cfg, int i);
int64_t cfg_rpc_total(config *cfg);
int64_t cfg_bytes_total(config *cfg);
/* The largest Raft state any server has saved, in bytes. */
size_t cfg_log_size(config *cfg);

/* ---- Talking to one peer ------------------------------------------------- */

/* raft_start on server i; false if it is not the leader or is crashed. */
bool cfg_raft_start(config *cfg, int i, const void *cmd, size_t len,
		    int64_t *index, int64_t *term);
bool cfg_raft_start_int(config *cfg, int i, int64_t cmd, int64_t *index, int64_t *term);
/* raft_get_state on server i; a crashed server reports term -1, no leader. */
void cfg_raft_get_state(config *cfg, int i, int64_t *term, bool *is_leader);

/* ---- Commands ------------------------------------------------------------- */

/* The value the harness records for a command (see the top of this file). */
uint64_t cfg_cmd_value(const void *cmd, size_t len);
/* A random non-negative integer, like Go's rand.Int(), from the seed. */
int64_t cfg_rand_int(void);
/* Fill buf with n random printable characters and a terminating zero. */
void cfg_rand_string(char *buf, size_t n);

/* ---- Checks (a failure ends the test) ------------------------------------ */

/* Wait for exactly one connected server to claim leadership, in the newest
 * term; return it. Fails if none does within ten tries, or if two claim
 * the same term. */
#define cfg_check_one_leader(cfg) cfg_check_one_leader_at((cfg), RT_HERE)
int cfg_check_one_leader_at(config *cfg, rt_site site);

/* Every connected server reports the same term; return it. */
#define cfg_check_terms(cfg) cfg_check_terms_at((cfg), RT_HERE)
int64_t cfg_check_terms_at(config *cfg, rt_site site);

/* No connected server claims to be the leader. */
#define cfg_check_no_leader(cfg) cfg_check_no_leader_at((cfg), RT_HERE)
void cfg_check_no_leader_at(config *cfg, rt_site site);

/* How many servers have applied an entry at index; *value (may be NULL)
 * gets its command value. Fails if two servers applied different ones. */
#define cfg_n_committed(cfg, index, value) cfg_n_committed_at((cfg), (index), (value), RT_HERE)
int cfg_n_committed_at(config *cfg, int64_t index, uint64_t *value, rt_site site);

/*
 * Wait until at least n servers have applied index; return true with its
 * value in *value. With start_term > -1, give up and return false as soon
 * as any server's term passes start_term (it can no longer be expected to
 * win). Fails if the entry is not applied by n servers in time.
 */
#define cfg_wait(cfg, index, n, start_term, value) \
	cfg_wait_at((cfg), (index), (n), (start_term), (value), RT_HERE)
bool cfg_wait_at(config *cfg, int64_t index, int n, int64_t start_term, uint64_t *value,
		 rt_site site);

/*
 * A complete agreement: offer cmd to each connected server until one
 * accepts it as leader, then wait up to 2 s for expected_servers to apply
 * it. With retry, offer it again after a failed wait (a leader may fail
 * just after accepting it); give up after 10 s. Returns the index.
 */
#define cfg_one(cfg, cmd, len, expected_servers, retry) \
	cfg_one_at((cfg), (cmd), (len), (expected_servers), (retry), RT_HERE)
int64_t cfg_one_at(config *cfg, const void *cmd, size_t len, int expected_servers,
		   bool retry, rt_site site);
#define cfg_one_int(cfg, cmd, expected_servers, retry) \
	cfg_one_int_at((cfg), (cmd), (expected_servers), (retry), RT_HERE)
int64_t cfg_one_int_at(config *cfg, int64_t cmd, int expected_servers, bool retry,
		       rt_site site);

/*
 * Fail the test: print the message at the test's line, report it as a
 * finding of the given kind and end the process with status 1, or with
 * CFG_TOO_SLOW_EXIT_CODE for a CFG_TOO_SLOW finding.
 */
/* The kind of a check that something happened in time (a leader within
 * ten tries, an agreement within one()'s 2 s or 10 s): the checker's hunt,
 * whose pauses take part of that time, does not judge these. Its own exit
 * status lets the runner go on past it (-failfast-safety). */
#define CFG_TOO_SLOW "too-slow"
#define CFG_TOO_SLOW_EXIT_CODE 4
#define cfg_fatalf(...) cfg_fail_at(RT_HERE, "check-failed", FINDING_NO_PEER, FINDING_NO_TERM, __VA_ARGS__)
void cfg_fail_at(rt_site site, const char *kind, int peer, int64_t term, const char *fmt, ...)
	__attribute__((format(printf, 5, 6), noreturn));

/* Print a line of test progress, like Go's fmt.Printf in a test. */
#define cfg_logf(...) cfg_log_at(RT_HERE, __VA_ARGS__)
void cfg_log_at(rt_site site, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
