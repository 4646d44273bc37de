/*
 * Commits (oracle.h): commits have a quorum, and leaders hold every
 * committed entry.
 *
 * An acknowledgement is a successful AppendEntries reply that the network
 * delivered to the leader: the follower's log then matches the leader's up
 * to the request's last index (Log Matching). It counts for the Figure 8
 * rule only if the entry there is of the request's own term: the last
 * entry sent, or, for a heartbeat, the entry at prev_log_index.
 * acked[term][f] is the highest such index f acknowledged in term.
 *
 * An entry of term T at index M that a majority acknowledged in term T
 * (the leader counts itself: it sent the entry) is committed, and so is
 * every index below M. The first time an index N becomes committed, the
 * server that made it so must show this for some M >= N in one of the
 * terms it led:
 *   - a leader whose leader_commit passes the highest committed index;
 *   - a server that applies an index above it.
 * "One of the terms it led": a leader may learn a commit as leader of one
 * term and announce it only as leader of a later term; that is no less
 * true. A server that learned a commit from a leader (as a follower, say)
 * repeats an index already known committed, and leader completeness judges
 * what it sends there. Acknowledgements are read when the commit is
 * checked, not summed as they arrive: the peer's lock orders every reply
 * it counted before its commit, so all of them are visible then.
 *
 * Leader completeness: once index N is known committed by term T, the
 * leader of any term from T on sends at N only the committed entry. The
 * committed command is the first one a server applied at N (config_apply.c
 * checks that every server applies the same). A stale leader of an older
 * term may still send other entries: its followers will refuse them.
 */
#include <stdlib.h>

#include "oracle_internal.h"

/* The index of the term's entry at the end of what a request covers, or 0
 * if the entry there is of an older term. */
static int64_t acked_index(const append_entries_args *args)
{
	int64_t last = args->prev_log_index + args->entry_count;
	int64_t term =
	    args->entry_count > 0 ? args->entries[args->entry_count - 1].term : args->prev_log_term;
	return term == args->term ? last : 0;
}

void oracle_append_entries_delivered(oracle *o, int from, int to, const append_entries_args *args,
				     const append_entries_reply *reply)
{
	if (!reply->success || !oracle_term_ok(args->term) || from == to || from < 0 ||
	    from >= o->n || to < 0 || to >= o->n)
		return;
	int64_t index = acked_index(args);
	if (index > 0)
		oracle_raise(&o->acked[(size_t)args->term * (size_t)o->n + (size_t)to], index);
}

static int by_descending(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x < y) - (x > y);
}

/* The highest index of term's entries that a majority acknowledged to
 * leader, leader included. */
static int64_t quorum_index(oracle *o, int64_t term, int leader)
{
	int need = o->n / 2; /* others, besides the leader */
	if (need == 0)
		return INT64_MAX;
	int64_t acks[64];
	int count = 0;
	_Atomic int64_t *row = &o->acked[(size_t)term * (size_t)o->n];
	for (int f = 0; f < o->n; f++)
		if (f != leader)
			acks[count++] = oracle_load(&row[f]);
	qsort(acks, (size_t)count, sizeof acks[0], by_descending);
	return acks[need - 1];
}

/* A term that server led in which a majority acknowledged index; 0 if none. */
static int64_t term_committing(oracle *o, int server, int64_t index)
{
	for (int64_t term = oracle_load(&o->last_led[server]); term >= 1; term--)
		if (atomic_load_explicit(&o->leader_of[term], memory_order_relaxed) == server + 1 &&
		    quorum_index(o, term, server) >= index)
			return term;
	return 0;
}

/* Indices up to index are committed, by term at the latest. */
static void mark_committed(oracle *o, int64_t index, int64_t term)
{
	int64_t from = oracle_load(&o->committed);
	for (int64_t i = from + 1; i <= index && i < ORACLE_MAX_INDEX; i++) {
		int64_t none = 0;
		atomic_compare_exchange_strong_explicit(&o->commit_term[i], &none, term,
							memory_order_relaxed, memory_order_relaxed);
	}
	oracle_raise(&o->committed, index);
}

void oracle_check_announced(oracle *o, int leader, const append_entries_args *args)
{
	int64_t index = args->leader_commit;
	if (index <= oracle_load(&o->committed) || !oracle_index_ok(index))
		return;
	int64_t term = term_committing(o, leader, index);
	if (term == 0)
		oracle_violation(
		    o, RT_HERE, "commit-without-quorum", (int[]){leader}, 1, args->term, index,
		    "server %d, leader of term %lld, announced index %lld as committed "
		    "(leader_commit), but in no term it led did a majority acknowledge "
		    "an entry of that term at index %lld or above: a leader commits only "
		    "what a majority stores, and counts only entries of its own term "
		    "(Figure 8)",
		    leader, (long long)args->term, (long long)index, (long long)index);
	mark_committed(o, index, term);
}

void oracle_applied(oracle *o, int server, int64_t index, uint64_t cmd)
{
	if (server < 0 || server >= o->n || !oracle_index_ok(index))
		return;
	uint64_t none = 0;
	atomic_compare_exchange_strong_explicit(&o->committed_cmd[index], &none, cmd ^ ORACLE_TAG,
						memory_order_relaxed, memory_order_relaxed);
	if (index <= oracle_load(&o->committed))
		return;
	int64_t term = term_committing(o, server, index);
	if (term == 0)
		oracle_violation(o, RT_HERE, "commit-without-quorum", (int[]){server}, 1, -1, index,
				 "server %d applied index %lld, which no leader had announced as "
				 "committed and which a majority had not acknowledged to server %d "
				 "in any term it led: only committed entries may be applied",
				 server, (long long)index, server);
	mark_committed(o, index, term);
}

void oracle_check_complete(oracle *o, int leader, const append_entries_args *args)
{
	int64_t committed = oracle_load(&o->committed);
	for (int64_t i = 0; i < args->entry_count; i++) {
		int64_t index = args->prev_log_index + 1 + i;
		if (index > committed || !oracle_index_ok(index))
			return;
		int64_t since = oracle_load(&o->commit_term[index]);
		uint64_t cmd = atomic_load_explicit(&o->committed_cmd[index], memory_order_relaxed);
		uint64_t value = oracle_entry_value(&args->entries[i]);
		if (since == 0 || args->term < since || cmd == 0 || (cmd ^ ORACLE_TAG) == value)
			continue;
		oracle_violation(
		    o, RT_HERE, "leader-completeness", (int[]){leader}, 1, args->term, index,
		    "server %d, leader of term %lld, sent command %lld (of term %lld) "
		    "at index %lld, but command %lld was committed there by term %lld: "
		    "a leader's log holds every entry committed before its term; was it "
		    "elected by a voter that did not check the candidate's log?",
		    leader, (long long)args->term, (long long)value,
		    (long long)args->entries[i].term, (long long)index,
		    (long long)(cmd ^ ORACLE_TAG), (long long)since);
		return;
	}
}
