/*
 * The hand-built peer the protocol tests drive (see test_protocol_fixture.h).
 * It sets the fields raft_make would, but registers no handlers, starts no
 * threads and has no observer; its endpoints lead nowhere. (peer_boot is
 * the exception: it calls raft_make.)
 */
#include <pthread.h>
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

/* The InstallSnapshot calls the network's tap has seen, and a copy of the
 * last one's args. Sending threads write them, so they have a lock of
 * their own, held only while they are copied: it orders nothing else. */
static pthread_mutex_t snapshots_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t snapshots_count;
static install_snapshot_args last_snapshot;

static void tap_sent(void *ctx, const net_tap_call *call)
{
	(void)ctx;
	install_snapshot_args args;
	if (strcmp(call->method, RPC_INSTALL_SNAPSHOT) != 0 ||
	    !install_snapshot_args_decode(&args, call->args))
		return;
	pthread_mutex_lock(&snapshots_mu);
	install_snapshot_args_free(&last_snapshot);
	last_snapshot = args;
	snapshots_count++;
	pthread_mutex_unlock(&snapshots_mu);
}

int protocol_fixture_init(void)
{
	nowhere = net_make(0);
	net_set_tap(nowhere, &(net_tap){.sent = tap_sent});
	return 0;
}

int protocol_fixture_cleanup(void)
{
	if (!rt_threads_wait_quiet(QUIET_WAIT_MS))
		return 1;
	net_free(nowhere);
	nowhere = NULL;
	install_snapshot_args_free(&last_snapshot);
	last_snapshot = (install_snapshot_args){0};
	snapshots_count = 0;
	return 0;
}

int64_t messages_sent(void)
{
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(QUIET_WAIT_MS));
	return net_get_total_count(nowhere);
}

int64_t snapshots_sent(install_snapshot_args *last)
{
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(QUIET_WAIT_MS));
	pthread_mutex_lock(&snapshots_mu);
	int64_t count = snapshots_count;
	if (last != NULL) {
		*last = last_snapshot;
		last->data = raft_xrealloc(NULL, last_snapshot.data_len + 1);
		if (last_snapshot.data_len > 0)
			memcpy(last->data, last_snapshot.data, last_snapshot.data_len);
	}
	pthread_mutex_unlock(&snapshots_mu);
	return count;
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

/* The data of the snapshot that covers the log up to index: "snap5". */
static int snapshot_data(char *buf, size_t size, int64_t index)
{
	return snprintf(buf, size, "snap%lld", (long long)index);
}

/* Every peer made counts as live until freed. */
static void peer_born(void)
{
	if (live_peers++ == 0)
		findings_before = rt_findings_count();
}

static void peer_died(void)
{
	if (--live_peers == 0)
		CU_ASSERT_EQUAL(rt_findings_count(), findings_before);
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
	peer_born();
	return rf;
}

raft *peer_make(int n, int64_t term, enum raft_role role, const int64_t *terms, int count)
{
	return peer_make_with_snapshot(n, term, role, 0, 0, terms, count);
}

/* Base 0 is the start of every log: nothing before it, so no snapshot. */
raft *peer_make_with_snapshot(int n, int64_t term, enum raft_role role, int64_t base_index,
			      int64_t base_term, const int64_t *terms, int count)
{
	raft *rf = peer_alloc(n, persister_make());
	rt_mutex_lock(&rf->mu);
	rf->current_term = term;
	rf->voted_for = role == RAFT_FOLLOWER ? NO_VOTE : rf->me;
	log_init(&rf->log, base_index, base_term);
	for (int i = 0; i < count; i++) {
		char cmd[32];
		int len = entry_command(cmd, sizeof cmd, base_index + 1 + i, terms[i]);
		log_append(&rf->log, terms[i], cmd, (size_t)len);
	}
	if (base_index > 0) {
		char data[32];
		int len = snapshot_data(data, sizeof data, base_index);
		rf->snapshot = raft_xrealloc(NULL, (size_t)len);
		memcpy(rf->snapshot, data, (size_t)len);
		rf->snapshot_len = (size_t)len;
	}
	rf->commit_index = base_index;
	rf->last_applied = base_index;
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

/* Room for every message a test expects: the applier never waits on it. */
#define BOOT_QUEUE_CAPACITY 16

/* The server is never added to the network: no call reaches it, so it can
 * go at once. */
raft *peer_boot(raft *rf)
{
	net_endpoint *ends[rf->n];
	for (int i = 0; i < rf->n; i++)
		ends[i] = net_make_end(nowhere);
	net_server *srv = net_make_server();
	peer_born();
	raft *booted = raft_make(ends, rf->n, rf->me, persister_copy(rf->persister), srv,
				 apply_queue_make(rf->me, BOOT_QUEUE_CAPACITY), NULL);
	net_server_free(srv);
	return booted;
}

/* Closing the queue frees an applier blocked in a put. */
void peer_halt(raft *booted)
{
	raft_kill(booted);
	apply_queue_close(booted->applyq);
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(QUIET_WAIT_MS));
	peer_died();
	apply_queue *applyq = booted->applyq;
	persister *ps = booted->persister;
	raft_free(booted);
	apply_queue_free(applyq);
	persister_free(ps);
}

void peer_free(raft *rf)
{
	CU_ASSERT_TRUE_FATAL(rt_threads_wait_quiet(QUIET_WAIT_MS));
	peer_died();
	log_free(&rf->log);
	free(rf->snapshot);
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
	return log_is_from(rf, 0, 0, terms, count);
}

/* The base is printed as the first term, after "base <index>:". */
bool log_is_from(raft *rf, int64_t base_index, int64_t base_term, const int64_t *terms,
		 int count)
{
	rt_mutex_lock(&rf->mu);
	int64_t base = log_base_index(&rf->log);
	int64_t held = log_last_index(&rf->log) - base;
	bool same = base == base_index && log_base_term(&rf->log) == base_term && held == count;
	for (int64_t i = 0; same && i < held; i++)
		same = log_term_at(&rf->log, base + 1 + i) == terms[i];
	if (!same) {
		int64_t have[held + 1];
		for (int64_t i = 0; i <= held; i++)
			have[i] = log_term_at(&rf->log, base + i);
		int64_t want[count + 1];
		want[0] = base_term;
		for (int i = 0; i < count; i++)
			want[i + 1] = terms[i];
		fprintf(stderr, "\n    log holds base %lld:", (long long)base);
		print_terms("", have, held + 1);
		fprintf(stderr, "    expected  base %lld:", (long long)base_index);
		print_terms("", want, count + 1);
	}
	rt_mutex_unlock(&rf->mu);
	return same;
}

bool command_is(raft *rf, int64_t index, const char *command)
{
	rt_mutex_lock(&rf->mu);
	bool held = index > log_base_index(&rf->log) && index <= log_last_index(&rf->log);
	const log_entry *e = held ? log_entry_at(&rf->log, index) : NULL;
	bool same = held && e->command_len == strlen(command) &&
		    memcmp(e->command, command, e->command_len) == 0;
	rt_mutex_unlock(&rf->mu);
	return same;
}

/* Prints what differs, as log_is does. */
bool snapshot_is(raft *rf, const char *data)
{
	size_t len = data != NULL ? strlen(data) : 0;
	rt_mutex_lock(&rf->mu);
	size_t saved_len = 0;
	char *saved = persister_read_snapshot(rf->persister, &saved_len);
	bool kept = data == NULL ? rf->snapshot == NULL
				 : rf->snapshot != NULL && rf->snapshot_len == len &&
					   memcmp(rf->snapshot, data, len) == 0;
	bool same = kept && saved_len == len && (len == 0 || memcmp(saved, data, len) == 0);
	if (!same)
		fprintf(stderr, "\n    snapshot kept \"%.*s\", saved \"%.*s\", expected \"%s\"\n",
			rf->snapshot ? (int)rf->snapshot_len : 0,
			rf->snapshot ? (char *)rf->snapshot : "", (int)saved_len,
			saved ? saved : "", data ? data : "(none)");
	free(saved);
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

install_snapshot_args snapshot_args(int64_t term, int64_t last_included_index,
				    int64_t last_included_term)
{
	char data[32];
	int len = snapshot_data(data, sizeof data, last_included_index);
	install_snapshot_args args = {
		.term = term,
		.leader_id = 1,
		.last_included_index = last_included_index,
		.last_included_term = last_included_term,
		.data = raft_xrealloc(NULL, (size_t)len),
		.data_len = (size_t)len,
	};
	memcpy(args.data, data, (size_t)len);
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
