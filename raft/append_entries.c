/*
 * Receiving AppendEntries (figure 2): the follower's side of replication
 * and heartbeats.
 */
#include "raft_internal.h"

static bool prev_entry_matches_locked(raft *rf, const append_entries_args *args,
				      append_entries_reply *reply) REQUIRES(rf->mu);

/* The RPC handler: decode, handle under the lock, encode the reply.
 * Malformed args get no reply, which the caller sees as a lost message;
 * so does every request to a killed peer, which must not change its
 * state any more. */
void serve_append_entries(void *ctx, const codec_buf *args_buf, codec_buf *reply_buf)
{
	raft *rf = ctx;
	append_entries_args args;
	if (!append_entries_args_decode(&args, args_buf))
		return;

	append_entries_reply reply;
	rt_mutex_lock(&rf->mu);
	bool answer = !killed(rf);
	if (answer)
		handle_append_entries_locked(rf, &args, &reply);
	rt_mutex_unlock(&rf->mu);
	append_entries_args_free(&args);
	if (answer)
		append_entries_reply_encode(&reply, reply_buf);
}

/*
 * A request from an old term is refused, so its sender learns it is no
 * longer leader. Otherwise it comes from the current leader: follow it,
 * reset the election timer, and accept its entries if our log holds the
 * entry just before them. The commit index may then advance, but only
 * over entries this request has shown to match the leader's.
 */
void handle_append_entries_locked(raft *rf, const append_entries_args *args,
				  append_entries_reply *reply)
{
	rt_assert_held(&rf->mu);
	*reply = (append_entries_reply){.term = rf->current_term, .success = false,
					.conflict_term = -1, .conflict_index = -1};
	if (args->term < rf->current_term)
		return;
	if (args->term > rf->current_term || rf->role != RAFT_FOLLOWER)
		become_follower_locked(rf, args->term);
	reset_election_timer_locked(rf);
	reply->term = rf->current_term;

	if (!prev_entry_matches_locked(rf, args, reply))
		return;
	merge_entries_locked(rf, args);
	reply->success = true;

	int64_t last_new = args->prev_log_index + args->entry_count;
	int64_t commit = args->leader_commit < last_new ? args->leader_commit : last_new;
	if (commit > rf->commit_index)
		set_commit_index_locked(rf, commit);
}

/* Does our log hold the leader's entry at prev_log_index? If not, fill in
 * the conflict fields the leader uses to back up (see rpc.h). */
static bool prev_entry_matches_locked(raft *rf, const append_entries_args *args,
				      append_entries_reply *reply)
{
	rt_assert_held(&rf->mu);
	/* Entries up to the log's base are in the snapshot, and committed: the
	 * current leader holds the same ones (§5.4), so they match. */
	if (args->prev_log_index < log_base_index(&rf->log))
		return true;
	if (args->prev_log_index > log_last_index(&rf->log)) {
		reply->conflict_term = -1;
		reply->conflict_index = log_last_index(&rf->log) + 1;
		return false;
	}
	int64_t term = log_term_at(&rf->log, args->prev_log_index);
	if (term != args->prev_log_term) {
		reply->conflict_term = term;
		reply->conflict_index = log_first_index_of_term(&rf->log, term);
		return false;
	}
	return true;
}

/*
 * Append the entries we do not have yet. An entry we already hold with the
 * same term is the same entry (Log Matching), so it stays, and so does
 * everything after it: a delayed, shorter request must not cut off entries
 * a later one added. Only a real conflict, same index with another term,
 * deletes that entry and all that follow it.
 */
void merge_entries_locked(raft *rf, const append_entries_args *args)
{
	rt_assert_held(&rf->mu);
	bool changed = false;
	for (int64_t i = 0; i < args->entry_count; i++) {
		const log_entry *e = &args->entries[i];
		int64_t index = args->prev_log_index + 1 + i;
		if (index <= log_base_index(&rf->log))
			continue;   /* already in the snapshot */
		if (index <= log_last_index(&rf->log)) {
			if (log_term_at(&rf->log, index) == e->term)
				continue;
			log_truncate_after(&rf->log, index - 1);
		}
		log_append(&rf->log, e->term, e->command, e->command_len);
		changed = true;
	}
	if (changed)
		persist_locked(rf);
}
