/*
 * The hand-built peer the protocol tests drive (see test_protocol_fixture.h).
 * It sets the fields raft_make would, but registers no handlers, starts no
 * threads and has no observer; its endpoints lead nowhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/finding.h"
#include "test_protocol_fixture.h"
#include "unit.h"

/* Where the peers' endpoints belong: no server is ever added, so every
 * call is counted and then fails. */
static net_network *nowhere;

/* Long enough for any sending thread to give up, under TSan on a loaded
 * machine: a bound for a broken test, not a delay anyone waits out. */
#define QUIET_WAIT_MS 600000

int protocol_fixture_init(void)
{
	nowhere = net_make(0);
	return 0;
}

int protocol_fixture_cleanup(void)
{
	if (!rt_threads_wait_quiet(QUIET_WAIT_MS))
		return 1;
	net_free(nowhere);
	nowhere = NULL;
	return 0;
}

int64_t messages_sent(void)
{
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(QUIET_WAIT_MS));
	return net_get_total_count(nowhere);
}

/* The findings count when the first of the live peers was made: when the
 * last one is freed, it must not have grown. */
static int live_peers;
static int findings_before;

/* The command of the entry at index with term: "i3t2". Distinct per
 * (index, term), so a replaced entry is visible in its command too. */
static int entry_command(char *buf, size_t size, int64_t index, int64_t term)
{
	return snprintf(buf, size, "i%lldt%lld", (long long)index, (long long)term);
}

/* The fields every fixture peer starts with; the log and role come after. */
static raft *peer_alloc(int n, persister *ps)
{
	raft *rf = raft_xcalloc(1, sizeof *rf);
	rf->n = n;
	rf->me = 0;
	rf->persister = ps;
	rf->peers = raft_xcalloc((size_t)n, sizeof *rf->peers);
	for (int i = 0; i < n; i++)
		rf->peers[i] = net_make_end(nowhere);
	atomic_init(&rf->dead, false);
	rt_mutex_init(&rf->mu, "raft.mu", rf->me);
	rt_cond_init(&rf->apply_cond);
	rf->next_index = raft_xcalloc((size_t)n, sizeof *rf->next_index);
	rf->match_index = raft_xcalloc((size_t)n, sizeof *rf->match_index);
	rf->reported.term = -1;
	rf->election_deadline_ms = STALE_DEADLINE_MS;
	if (live_peers++ == 0)
		findings_before = rt_findings_count();
	return rf;
}

raft *peer_make(int n, int64_t term, enum raft_role role, const int64_t *terms, int count)
{
	raft *rf = peer_alloc(n, persister_make());
	rt_mutex_lock(&rf->mu);
	rf->current_term = term;
	rf->voted_for = role == RAFT_FOLLOWER ? NO_VOTE : rf->me;
	log_init(&rf->log, 0, 0);
	for (int i = 0; i < count; i++) {
		char cmd[32];
		int len = entry_command(cmd, sizeof cmd, i + 1, terms[i]);
		log_append(&rf->log, terms[i], cmd, (size_t)len);
	}
	rf->role = role;
	rf->votes = role == RAFT_CANDIDATE ? 1 : 0;
	for (int i = 0; i < n; i++) {
		rf->next_index[i] = log_last_index(&rf->log) + 1;
		rf->match_index[i] = 0;
	}
	rf->match_index[rf->me] = log_last_index(&rf->log);
	persist_locked(rf);
	rt_mutex_unlock(&rf->mu);
	return rf;
}

raft *peer_restart(raft *rf)
{
	raft *again = peer_alloc(rf->n, persister_copy(rf->persister));
	rt_mutex_lock(&again->mu);
	restore_locked(again);
	again->role = RAFT_FOLLOWER;
	rt_mutex_unlock(&again->mu);
	return again;
}

void peer_free(raft *rf)
{
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(QUIET_WAIT_MS));
	if (--live_peers == 0)
		CU_ASSERT_EQUAL(rt_findings_count(), findings_before);
	log_free(&rf->log);
	free(rf->next_index);
	free(rf->match_index);
	free(rf->peers);
	persister_free(rf->persister);
	rt_cond_destroy(&rf->apply_cond);
	rt_mutex_destroy(&rf->mu);
	free(rf);
}

static void print_terms(const char *what, const int64_t *terms, int64_t count)
{
	fprintf(stderr, "%s [", what);
	for (int64_t i = 0; i < count; i++)
		fprintf(stderr, "%s%lld", i ? " " : "", (long long)terms[i]);
	fprintf(stderr, "]\n");
}

bool log_is(raft *rf, const int64_t *terms, int count)
{
	rt_mutex_lock(&rf->mu);
	int64_t last = log_last_index(&rf->log);
	bool same = last == count;
	for (int64_t index = 1; same && index <= last; index++)
		same = log_term_at(&rf->log, index) == terms[index - 1];
	if (!same) {
		int64_t have[last > 0 ? last : 1];
		for (int64_t index = 1; index <= last; index++)
			have[index - 1] = log_term_at(&rf->log, index);
		print_terms("\n    log holds terms", have, last);
		print_terms("    expected       ", terms, count);
	}
	rt_mutex_unlock(&rf->mu);
	return same;
}

append_entries_args append_args(int64_t term, int64_t prev_log_index, int64_t prev_log_term,
				 int64_t leader_commit, const int64_t *terms, int count)
{
	append_entries_args args = {
		.term = term,
		.leader_id = 1,
		.prev_log_index = prev_log_index,
		.prev_log_term = prev_log_term,
		.entries = raft_xcalloc((size_t)(count > 0 ? count : 1), sizeof(log_entry)),
		.entry_count = count,
		.leader_commit = leader_commit,
	};
	for (int i = 0; i < count; i++) {
		char cmd[32];
		int len = entry_command(cmd, sizeof cmd, prev_log_index + 1 + i, terms[i]);
		args.entries[i].term = terms[i];
		args.entries[i].command = raft_xrealloc(NULL, (size_t)len);
		memcpy(args.entries[i].command, cmd, (size_t)len);
		args.entries[i].command_len = (size_t)len;
	}
	return args;
}

bool timer_was_reset(raft *rf, int64_t since_ms)
{
	rt_mutex_lock(&rf->mu);
	int64_t deadline = rf->election_deadline_ms;
	rt_mutex_unlock(&rf->mu);
	return deadline >= since_ms + ELECTION_TIMEOUT_MIN_MS &&
	       deadline <= rt_now_ms() + ELECTION_TIMEOUT_MAX_MS;
}
