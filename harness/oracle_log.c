/*
 * Entries (oracle.h): Start is honest, and a (term, index) names one entry.
 *
 * Only the leader of a term creates entries of that term, one per index,
 * each for one Start, and never changes them (Leader Append-Only). So:
 *   - no two Starts return the same index and term;
 *   - wherever an entry of that term appears at that index, in any
 *     AppendEntries, it carries the command Start was given;
 *   - two messages never carry different commands at one index and term.
 * (Applies carry no term, so they are checked against the committed entry
 * instead: oracle_commit.c, and config_apply.c across servers.)
 *
 * An entry may travel before raft_start has returned to the harness, so
 * the check runs both ways: a Start is compared with what messages
 * carried, and a message with what Start returned.
 */
#include <stdio.h>

#include "config.h"
#include "oracle_internal.h"

static uint64_t key_of(int64_t term, int64_t index)
{
	return (uint64_t)term << 32 | (uint64_t)index;
}

static uint64_t slot_hash(uint64_t key)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ull;
	return key ^ (key >> 29);
}

/*
 * The slot of key, claiming a free one if key has none; NULL when the
 * table is full (or, with claim false, when key is absent).
 */
static oracle_slot *table_find(oracle_table *t, uint64_t key, bool claim)
{
	uint64_t h = slot_hash(key);
	for (uint64_t i = 0; i < ORACLE_TABLE_SLOTS; i++) {
		oracle_slot *s = &t->slots[(h + i) & (ORACLE_TABLE_SLOTS - 1)];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_relaxed);
		if (k == 0) {
			if (!claim)
				return NULL;
			if (atomic_compare_exchange_strong_explicit(
				&s->key, &k, key, memory_order_relaxed, memory_order_relaxed))
				return s;
		}
		if (k == key)
			return s;
	}
	return NULL;
}

/*
 * Record that server put value at key, unless something was recorded
 * there first: then return true with the first value and its server.
 */
static bool table_put_first(oracle_table *t, uint64_t key, uint64_t value, int server,
			    uint64_t *first, int *first_server)
{
	oracle_slot *s = table_find(t, key, true);
	if (s == NULL)
		return false;
	uint64_t expected = 0;
	if (atomic_compare_exchange_strong_explicit(&s->value, &expected, value ^ ORACLE_TAG,
						    memory_order_relaxed, memory_order_relaxed)) {
		atomic_store_explicit(&s->who, server + 1, memory_order_relaxed);
		return false;
	}
	*first = expected ^ ORACLE_TAG;
	*first_server = atomic_load_explicit(&s->who, memory_order_relaxed) - 1;
	return true;
}

/* What was recorded at key, if anything. */
static bool table_get(oracle_table *t, uint64_t key, uint64_t *value, int *server)
{
	oracle_slot *s = table_find(t, key, false);
	uint64_t v = s ? atomic_load_explicit(&s->value, memory_order_relaxed) : 0;
	if (v == 0)
		return false;
	*value = v ^ ORACLE_TAG;
	*server = atomic_load_explicit(&s->who, memory_order_relaxed) - 1;
	return true;
}

uint64_t oracle_entry_value(const log_entry *e)
{
	return cfg_cmd_value(e->command, e->command_len);
}

void oracle_start_returned(oracle *o, int server, int64_t index, int64_t term, uint64_t cmd)
{
	if (!oracle_term_ok(term) || !oracle_index_ok(index))
		return;
	uint64_t key = key_of(term, index), first, seen;
	int first_server, sender;
	if (table_put_first(&o->started, key, cmd, server, &first, &first_server))
		oracle_violation(
		    o, RT_HERE, "start-index-reused", (int[]){server, first_server}, 2, term, index,
		    "Start on server %d returned index %lld in term %lld for command "
		    "%lld, but Start on server %d had already returned that index and "
		    "term for command %lld: each command a leader accepts gets an index "
		    "of its own",
		    server, (long long)index, (long long)term, (long long)cmd, first_server,
		    (long long)first);
	else if (table_get(&o->sent, key, &seen, &sender) && seen != cmd)
		oracle_violation(
		    o, RT_HERE, "start-dishonest", (int[]){server, sender}, 2, term, index,
		    "Start on server %d returned index %lld and term %lld for command "
		    "%lld, but server %d sent command %lld as the entry at that index and "
		    "term: Start must return where the command really is",
		    server, (long long)index, (long long)term, (long long)cmd, sender,
		    (long long)seen);
}

/* One entry of leader's AppendEntries, at index. */
static void check_entry(oracle *o, int leader, int64_t index, const log_entry *e)
{
	uint64_t key = key_of(e->term, index), value = oracle_entry_value(e), other;
	int who;
	if (table_put_first(&o->sent, key, value, leader, &other, &who)) {
		if (other != value)
			oracle_violation(
			    o, RT_HERE, "log-matching", (int[]){leader, who}, 2, e->term, index,
			    "server %d sent command %lld as the entry at index %lld, "
			    "term %lld, but server %d had sent command %lld there: an "
			    "index and a term name one entry (only the leader of a term "
			    "creates its entries, once)",
			    leader, (long long)value, (long long)index, (long long)e->term, who,
			    (long long)other);
		return;
	}
	if (table_get(&o->started, key, &other, &who) && other != value)
		oracle_violation(
		    o, RT_HERE, "start-dishonest", (int[]){who, leader}, 2, e->term, index,
		    "Start on server %d returned index %lld and term %lld for command "
		    "%lld, but server %d sent command %lld as the entry at that index and "
		    "term: Start must return where the command really is",
		    who, (long long)index, (long long)e->term, (long long)other, leader,
		    (long long)value);
}

void oracle_check_entries(oracle *o, int leader, const append_entries_args *args)
{
	for (int64_t i = 0; i < args->entry_count; i++) {
		int64_t index = args->prev_log_index + 1 + i;
		if (oracle_index_ok(index) && oracle_term_ok(args->entries[i].term))
			check_entry(o, leader, index, &args->entries[i]);
	}
}
