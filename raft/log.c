/*
 * The Raft log, stored as an array whose slot 0 stands for the base.
 * This is the only file that turns Raft indexes into array positions.
 */
#include "log.h"
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The array position of index, which must lie in lo..last. An index
 * outside is a bug in the caller: stop loudly, naming it. */
static int64_t log_slot(const raft_log *log, int64_t index, int64_t lo, const char *who)
{
	if (index < lo || index > log_last_index(log)) {
		fprintf(stderr, "raft log: %s(%lld) outside %lld..%lld\n", who, (long long)index,
			(long long)lo, (long long)log_last_index(log));
		abort();
	}
	return index - log->base_index;
}

void log_init(raft_log *log, int64_t base_index, int64_t base_term)
{
	log->capacity = 16;
	log->entries = raft_xcalloc((size_t)log->capacity, sizeof(log_entry));
	log->entries[0] = (log_entry){.term = base_term, .command = NULL, .command_len = 0};
	log->count = 1;
	log->base_index = base_index;
}

void log_free(raft_log *log)
{
	for (int64_t i = 0; i < log->count; i++)
		free(log->entries[i].command);
	free(log->entries);
	log->entries = NULL;
	log->count = 0;
	log->capacity = 0;
}

int64_t log_base_index(const raft_log *log)
{
	return log->base_index;
}

int64_t log_base_term(const raft_log *log)
{
	return log->entries[0].term;
}

int64_t log_last_index(const raft_log *log)
{
	return log->base_index + log->count - 1;
}

int64_t log_last_term(const raft_log *log)
{
	return log->entries[log->count - 1].term;
}

int64_t log_term_at(const raft_log *log, int64_t index)
{
	return log->entries[log_slot(log, index, log->base_index, "log_term_at")].term;
}

const log_entry *log_entry_at(const raft_log *log, int64_t index)
{
	return &log->entries[log_slot(log, index, log->base_index + 1, "log_entry_at")];
}

/* The entry owns a private copy, so the caller may free or reuse command. */
int64_t log_append(raft_log *log, int64_t term, const void *command, size_t command_len)
{
	if (log->count == log->capacity) {
		log->capacity *= 2;
		log->entries =
			raft_xrealloc(log->entries, (size_t)log->capacity * sizeof(log_entry));
	}
	void *copy = raft_xrealloc(NULL, command_len);
	if (command_len > 0)
		memcpy(copy, command, command_len);
	log->entries[log->count] =
		(log_entry){.term = term, .command = copy, .command_len = command_len};
	log->count++;
	return log_last_index(log);
}

/* The base itself can never be deleted: it stands for committed state. */
void log_truncate_after(raft_log *log, int64_t index)
{
	int64_t keep = log_slot(log, index, log->base_index, "log_truncate_after") + 1;
	for (int64_t i = keep; i < log->count; i++)
		free(log->entries[i].command);
	log->count = keep;
}

/* The entry at index becomes slot 0; its command is dropped, since the
 * snapshot now holds what it did. */
void log_compact_through(raft_log *log, int64_t index)
{
	int64_t new_base = log_slot(log, index, log->base_index, "log_compact_through");
	for (int64_t i = 0; i <= new_base; i++)
		free(log->entries[i].command);
	int64_t term = log->entries[new_base].term;
	int64_t kept = log->count - new_base - 1;
	memmove(&log->entries[1], &log->entries[new_base + 1], (size_t)kept * sizeof(log_entry));
	log->entries[0] = (log_entry){.term = term, .command = NULL, .command_len = 0};
	log->count = kept + 1;
	log->base_index = index;
}

void log_reset(raft_log *log, int64_t base_index, int64_t base_term)
{
	log_free(log);
	log_init(log, base_index, base_term);
}

/* Terms never decrease along the log, so the first match from the start is the first index. */
int64_t log_first_index_of_term(const raft_log *log, int64_t term)
{
	for (int64_t i = 1; i < log->count; i++)
		if (log->entries[i].term == term)
			return log->base_index + i;
	return -1;
}

int64_t log_last_index_of_term(const raft_log *log, int64_t term)
{
	for (int64_t i = log->count - 1; i >= 1; i--)
		if (log->entries[i].term == term)
			return log->base_index + i;
	return -1;
}

bool log_is_up_to_date(const raft_log *log, int64_t last_term, int64_t last_index)
{
	if (last_term != log_last_term(log))
		return last_term > log_last_term(log);
	return last_index >= log_last_index(log);
}

/* Copies, not pointers into the array: the caller may use them after
 * releasing rf->mu, while the log changes underneath. */
log_entry *log_copy_range(const raft_log *log, int64_t from, int64_t to)
{
	int64_t count = to - from + 1;
	log_entry *copy = raft_xcalloc((size_t)(count > 0 ? count : 0), sizeof(log_entry));
	for (int64_t i = 0; i < count; i++) {
		const log_entry *e = log_entry_at(log, from + i);
		copy[i].term = e->term;
		copy[i].command_len = e->command_len;
		copy[i].command = raft_xrealloc(NULL, e->command_len);
		if (e->command_len > 0)
			memcpy(copy[i].command, e->command, e->command_len);
	}
	return copy;
}

void log_entries_free(log_entry *entries, int64_t count)
{
	for (int64_t i = 0; i < count; i++)
		free(entries[i].command);
	free(entries);
}
