/*
 * The Raft log: entries numbered from 1, each with the term in which a
 * leader created it and an opaque command.
 *
 * The log starts at a base: an index and term standing for everything
 * before the first entry it holds. A fresh log has base 0 with term 0, so
 * entry 1 is the first real entry; once snapshots (3D) exist, the base is
 * the last index the snapshot covers. Everything outside log.c speaks in
 * Raft indexes through the functions below and never indexes the array,
 * so moving the base does not change any caller.
 *
 * The log has no lock of its own. It lives inside struct raft and is
 * guarded by rf->mu like the rest of the peer's state: every caller holds
 * rf->mu.
 */
#ifndef RAFT_LOG_H
#define RAFT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc.h"   /* log_entry */

typedef struct raft_log {
	/* entries[0] stands for the base (index base_index, no command);
	 * entries[i] holds Raft index base_index + i. */
	log_entry *entries;
	int64_t count;        /* entries in use, the base included */
	int64_t capacity;
	int64_t base_index;
} raft_log;

/* An empty log whose base is (base_index, base_term). */
void log_init(raft_log *log, int64_t base_index, int64_t base_term);
void log_free(raft_log *log);

int64_t log_base_index(const raft_log *log);
int64_t log_base_term(const raft_log *log);
int64_t log_last_index(const raft_log *log);
int64_t log_last_term(const raft_log *log);

/* The term of the entry at index; index may be the base. */
int64_t log_term_at(const raft_log *log, int64_t index);
/* The entry at index, base_index < index <= last index. */
const log_entry *log_entry_at(const raft_log *log, int64_t index);

/* Append a copy of command as a new last entry; returns its index. */
int64_t log_append(raft_log *log, int64_t term, const void *command, size_t command_len);
/* Delete every entry after index (keep index itself). */
void log_truncate_after(raft_log *log, int64_t index);

/* Snapshots (3D). Make index the new base, discarding the entries up to
 * it and keeping those after: base_index <= index <= last index. */
void log_compact_through(raft_log *log, int64_t index);
/* Discard every entry: the log is empty, with base (base_index, base_term). */
void log_reset(raft_log *log, int64_t base_index, int64_t base_term);

/* The first and last index holding an entry of term, or -1 if none does.
 * Used to skip a whole term at a time when a follower's log conflicts. */
int64_t log_first_index_of_term(const raft_log *log, int64_t term);
int64_t log_last_index_of_term(const raft_log *log, int64_t term);

/*
 * Election restriction (§5.4.1): is a log ending at (last_term, last_index)
 * at least as up-to-date as this one? The later last term wins; with equal
 * last terms, the longer log wins.
 */
bool log_is_up_to_date(const raft_log *log, int64_t last_term, int64_t last_index);

/* Deep copies of the entries from..to (inclusive), malloc'd; count is
 * to - from + 1 and may be 0. Free with log_entries_free. */
log_entry *log_copy_range(const raft_log *log, int64_t from, int64_t to);
void log_entries_free(log_entry *entries, int64_t count);

#endif
