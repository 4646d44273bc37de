/*
 * The checks tests make on a cluster, like config.go's checkOneLeader,
 * checkTerms, checkNoLeader, nCommitted, wait and one. Each failure says
 * what was expected and what was seen, and ends the test.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_internal.h"
#include "rt/finding.h"
#include "rt/history.h"

/* How many of a peer's recent events a finding about it shows (as many
 * as an oracle's finding shows in all). */
#define HISTORY_EVENTS 30

/* Set by the first thread that fails the test. */
static atomic_flag failing = ATOMIC_FLAG_INIT;

/* The file name without its directories, as Go prints it. */
static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : (path ? path : "?");
}

/* Report the failure once, then end the process; threads are still running,
 * so no exit handlers. */
static __attribute__((noreturn)) void fail_with(const rt_finding_info *info, const char *msg)
{
	if (atomic_flag_test_and_set(&failing)) {
		/* Another thread is reporting; it ends the process. */
		for (;;)
			pause();
	}
	/* A failed check points at its line; an invariant the harness saw
	 * broken while the test ran has no line of the test to point at. */
	bool too_slow = strcmp(info->kind, CFG_TOO_SLOW) == 0;
	bool test_check = too_slow || strcmp(info->kind, "check-failed") == 0;
	if (!test_check && info->site.file != NULL &&
	    strncmp(info->site.file, "harness/", 8) == 0)
		printf("    invariant broken: %s\n", msg);
	else
		printf("    %s:%d: %s\n", base_name(info->site.file), info->site.line, msg);
	fflush(stdout);
	rt_finding(info, "%s", msg);
	fflush(stderr);
	_exit(too_slow ? CFG_TOO_SLOW_EXIT_CODE : 1);
}

void cfg_fail_at(rt_site site, const char *kind, int peer, int64_t term, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_finding_info info = {.detector = "invariants", .kind = kind, .rule = RULE_OTHER,
				.peer = peer, .term = term, .site = site};
	/* A finding about one peer (an apply out of order, a term gone down)
	 * carries that peer's recent history, as an oracle's does: its last
	 * critical sections show where its lock was let go. */
	rt_history *history = peer >= 0 ? malloc(sizeof *history) : NULL;
	if (history != NULL) {
		rt_history_collect(history, &peer, 1, HISTORY_EVENTS);
		info.peers = &peer;
		info.npeers = 1;
		info.history = history;
	}
	fail_with(&info, msg);
}

/* The oracle's report function (oracle.h): a violation ends the test. */
void cfg_fail_oracle(void *ctx, const rt_finding_info *info, const char *message)
{
	fail_with(info, message);
}

/* A progress line, indented like Go's test log. */
void cfg_log_at(rt_site site, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("    %s:%d: %s\n", base_name(site.file), site.line, msg);
	fflush(stdout);
}

/* Like Go's rand.Int(): 63 random bits. */
int64_t cfg_rand_int(void)
{
	return (int64_t)(rt_rand() >> 1);
}

/* Random letters, digits, '-' and '_', like config.go's randstring. */
void cfg_rand_string(char *buf, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	for (size_t k = 0; k < n; k++)
		buf[k] = alphabet[rt_rand() % 64];
	buf[n] = '\0';
}

/* Election Safety as the tester sees it: poll until some connected server
 * claims leadership. Connected servers are always running. */
int cfg_check_one_leader_at(config *cfg, rt_site site)
{
	for (int iters = 0; iters < 10; iters++) {
		rt_sleep_ms(rt_rand_range(450, 550));

		int64_t newest_term = -1;
		int newest_leader = -1;
		int64_t terms[cfg->n];
		bool leads[cfg->n];
		for (int i = 0; i < cfg->n; i++) {
			leads[i] = false;
			if (cfg_is_connected(cfg, i))
				cfg_raft_get_state(cfg, i, &terms[i], &leads[i]);
		}
		for (int i = 0; i < cfg->n; i++) {
			if (!leads[i])
				continue;
			for (int j = 0; j < i; j++)
				if (leads[j] && terms[j] == terms[i])
					cfg_fail_at(site, "two-leaders", i, terms[i],
						    "expected at most one leader in term %lld, "
						    "but servers %d and %d both claim it",
						    (long long)terms[i], j, i);
			if (terms[i] > newest_term) {
				newest_term = terms[i];
				newest_leader = i;
			}
		}
		if (newest_leader >= 0)
			return newest_leader;
	}
	cfg_fail_at(site, CFG_TOO_SLOW, FINDING_NO_PEER, FINDING_NO_TERM,
		    "expected one leader, got none (no connected server became leader "
		    "within ten tries of about 0.5 s)");
}

/* Everyone connected agrees on the term. */
int64_t cfg_check_terms_at(config *cfg, rt_site site)
{
	int64_t term = -1;
	int first = -1;
	for (int i = 0; i < cfg->n; i++) {
		if (!cfg_is_connected(cfg, i))
			continue;
		int64_t xterm;
		bool is_leader;
		cfg_raft_get_state(cfg, i, &xterm, &is_leader);
		if (first < 0) {
			term = xterm;
			first = i;
		} else if (xterm != term) {
			cfg_fail_at(site, "check-failed", i, xterm,
				    "expected all connected servers to agree on the term, but "
				    "server %d is in term %lld and server %d in term %lld",
				    first, (long long)term, i, (long long)xterm);
		}
	}
	return term;
}

/* Nobody connected thinks it is the leader. */
void cfg_check_no_leader_at(config *cfg, rt_site site)
{
	for (int i = 0; i < cfg->n; i++) {
		if (!cfg_is_connected(cfg, i))
			continue;
		int64_t term;
		bool is_leader;
		cfg_raft_get_state(cfg, i, &term, &is_leader);
		if (is_leader)
			cfg_fail_at(site, "check-failed", i, term,
				    "expected no leader among connected servers, but server %d "
				    "claims to be leader in term %lld",
				    i, (long long)term);
	}
}

/* How many servers have applied index, and do they agree? Crashed servers
 * count too: what they applied before the crash stays applied. */
int cfg_n_committed_at(config *cfg, int64_t index, uint64_t *value, rt_site site)
{
	int count = 0;
	int first = -1;
	uint64_t cmd = 0;
	for (int i = 0; i < cfg->n; i++) {
		uint64_t cmd1;
		if (!cfg_applied_get(cfg, i, index, &cmd1))
			continue;
		if (count > 0 && cmd1 != cmd)
			cfg_fail_at(site, "apply-mismatch", i, -1,
				    "committed values do not match at index %lld: server %d "
				    "applied %lld, server %d applied %lld",
				    (long long)index, first, (long long)cmd, i, (long long)cmd1);
		if (count == 0)
			first = i;
		count++;
		cmd = cmd1;
	}
	if (value != NULL)
		*value = cmd;
	return count;
}

/* True if some running server has moved past start_term. */
static bool term_moved_on(config *cfg, int64_t start_term)
{
	for (int i = 0; i < cfg->n; i++) {
		int64_t term;
		bool is_leader;
		cfg_raft_get_state(cfg, i, &term, &is_leader);
		if (term > start_term)
			return true;
	}
	return false;
}

/* Wait for n servers to apply index, backing off from 10 ms to 1 s. */
bool cfg_wait_at(config *cfg, int64_t index, int n, int64_t start_term, uint64_t *value,
		 rt_site site)
{
	int64_t to = 10;
	for (int iters = 0; iters < 30; iters++) {
		if (cfg_n_committed_at(cfg, index, NULL, site) >= n)
			break;
		rt_sleep_ms(to);
		if (to < 1000)
			to *= 2;
		if (start_term > -1 && term_moved_on(cfg, start_term))
			return false;
	}
	int nd = cfg_n_committed_at(cfg, index, value, site);
	if (nd < n)
		cfg_fail_at(site, CFG_TOO_SLOW, -1, start_term,
			    "only %d server(s) applied index %lld; wanted %d", nd,
			    (long long)index, n);
	return true;
}

/* Offer cmd to the connected servers in turn, starting after the last one
 * tried; return the index the first self-declared leader gave it, or -1. */
static int64_t offer_to_some_leader(config *cfg, const void *cmd, size_t len, int *next)
{
	for (int tries = 0; tries < cfg->n; tries++) {
		*next = (*next + 1) % cfg->n;
		int64_t index, term;
		if (cfg_is_connected(cfg, *next) &&
		    cfg_raft_start(cfg, *next, cmd, len, &index, &term))
			return index;
	}
	return -1;
}

/* A short printable form of a command for messages: the integer for an
 * 8-byte command, its size otherwise. */
static const char *describe_cmd(char *buf, size_t size, const void *cmd, size_t len)
{
	if (len == 8)
		snprintf(buf, size, "%lld", (long long)cfg_cmd_value(cmd, len));
	else
		snprintf(buf, size, "a %zu-byte command", len);
	return buf;
}

/* One complete agreement, like config.go's one(): up to 10 s in all,
 * 2 s per attempt. */
int64_t cfg_one_at(config *cfg, const void *cmd, size_t len, int expected_servers,
		   bool retry, rt_site site)
{
	uint64_t want = cfg_cmd_value(cmd, len);
	char what[64];
	int next = 0;
	int64_t t0 = rt_now_ms();
	int best = 0;
	while (rt_now_ms() - t0 < 10000) {
		int64_t index = offer_to_some_leader(cfg, cmd, len, &next);
		if (index == -1) {
			rt_sleep_ms(50);
			continue;
		}
		/* Somebody claimed to be the leader and took the command. */
		int64_t t1 = rt_now_ms();
		int nd = 0;
		while (rt_now_ms() - t1 < 2000) {
			uint64_t got;
			nd = cfg_n_committed_at(cfg, index, &got, site);
			if (nd > best)
				best = nd;
			if (nd > 0 && nd >= expected_servers && got == want)
				return index;
			rt_sleep_ms(20);
		}
		if (!retry)
			cfg_fail_at(site, CFG_TOO_SLOW, FINDING_NO_PEER, FINDING_NO_TERM,
				    "one(%s) failed to reach agreement: a leader put it at "
				    "index %lld, but after 2 s %d server(s) had applied that "
				    "index, not the %d wanted (no retry)",
				    describe_cmd(what, sizeof(what), cmd, len), (long long)index,
				    nd, expected_servers);
	}
	cfg_fail_at(site, CFG_TOO_SLOW, FINDING_NO_PEER, FINDING_NO_TERM,
		    "one(%s) failed to reach agreement in 10 s: wanted %d server(s) to "
		    "apply it; at best %d applied the index a leader gave it",
		    describe_cmd(what, sizeof(what), cmd, len), expected_servers, best);
}

/* one() for an integer command. */
int64_t cfg_one_int_at(config *cfg, int64_t cmd, int expected_servers, bool retry,
		       rt_site site)
{
	unsigned char bytes[8];
	cfg_encode_int(cmd, bytes);
	return cfg_one_at(cfg, bytes, sizeof(bytes), expected_servers, retry, site);
}
