/*
 * Log replication (§5.3), from the leader's side: heartbeats, sending
 * AppendEntries to each follower, and learning from the replies how far
 * each follower's log matches. The follower's side is in append_entries.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "raft_internal.h"

/* One AppendEntries on its way to one peer; owned by the thread sending it. */
struct append_request {
	raft *rf;
	int peer;
	append_entries_args args;
};

static void replicate_to_locked(raft *rf, int peer) REQUIRES(rf->mu);
static void append_entries_thread(void *arg);
static void send_append_entries(raft *rf, int peer, const append_entries_args *args)
	EXCLUDES(rf->mu);

/* Thread body. While this peer leads, an AppendEntries to every follower
 * each interval asserts its leadership and carries any new entries. */
void heartbeat_ticker(void *arg)
{
	raft *rf = arg;
	while (!killed(rf)) {
		rt_mutex_lock(&rf->mu);
		if (rf->role == RAFT_LEADER)
			broadcast_append_entries_locked(rf);
		rt_mutex_unlock(&rf->mu);
		rt_sleep_ms(HEARTBEAT_INTERVAL_MS);
	}
}

/* Must be called by the leader. */
void broadcast_append_entries_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	for (int peer = 0; peer < rf->n; peer++)
		if (peer != rf->me)
			replicate_to_locked(rf, peer);
}

/*
 * Send peer everything from its next_index on, on a thread of its own, or
 * the snapshot when only a snapshot holds what it needs (without one, a
 * next_index below 1 is a bug, and log_term_at stops on it). The args hold
 * copies of the entries: the log may change while the RPC is out.
 */
static void replicate_to_locked(raft *rf, int peer)
{
	rt_assert_held(&rf->mu);
	int64_t next = rf->next_index[peer];
	if (log_base_index(&rf->log) > 0 && next <= log_base_index(&rf->log)) {
		/* The entry before next is gone into the snapshot (3D). */
		send_snapshot_locked(rf, peer);
		return;
	}
	int64_t last = log_last_index(&rf->log);
	struct append_request *req = raft_xcalloc(1, sizeof *req);
	req->rf = rf;
	req->peer = peer;
	req->args = (append_entries_args){
		.term = rf->current_term,
		.leader_id = rf->me,
		.prev_log_index = next - 1,
		.prev_log_term = log_term_at(&rf->log, next - 1),
		.entries = log_copy_range(&rf->log, next, last),
		.entry_count = last - next + 1,
		.leader_commit = rf->commit_index,
	};
	char name[32];
	snprintf(name, sizeof name, "send AppendEntries->%d", peer);
	rt_thread_spawn(name, rf->me, append_entries_thread, req);
}

/* Thread body: one AppendEntries, then the thread ends. */
static void append_entries_thread(void *arg)
{
	struct append_request *req = arg;
	send_append_entries(req->rf, req->peer, &req->args);
	append_entries_args_free(&req->args);
	free(req);
}

/* Send without the lock (the call may take seconds), then take the lock
 * to handle the reply, unless the peer was killed meanwhile. A lost
 * message needs nothing: the next heartbeat sends again. */
static void send_append_entries(raft *rf, int peer, const append_entries_args *args)
{
	codec_buf args_buf, reply_buf;
	codec_buf_init(&args_buf);
	codec_buf_init(&reply_buf);
	append_entries_args_encode(args, &args_buf);

	append_entries_reply reply;
	if (net_call(rf->peers[peer], RPC_APPEND_ENTRIES, &args_buf, &reply_buf) &&
	    append_entries_reply_decode(&reply, &reply_buf)) {
		rt_mutex_lock(&rf->mu);
		if (!killed(rf))
			handle_append_reply_locked(rf, peer, args, &reply);
		rt_mutex_unlock(&rf->mu);
	}
	codec_buf_free(&args_buf);
	codec_buf_free(&reply_buf);
}

/*
 * A reply counts only if this peer is still leader of the term the request
 * was sent in. On success, the follower holds exactly what was sent:
 * match_index comes from the args, not from the log, which may have grown
 * since. Replies arrive out of order, so match_index never moves back.
 */
void handle_append_reply_locked(raft *rf, int peer, const append_entries_args *args,
				const append_entries_reply *reply)
{
	rt_assert_held(&rf->mu);
	if (reply->term > rf->current_term) {
		become_follower_locked(rf, reply->term);
		return;
	}
	if (rf->role != RAFT_LEADER || rf->current_term != args->term)
		return;

	if (reply->success) {
		int64_t match = args->prev_log_index + args->entry_count;
		if (match > rf->match_index[peer])
			rf->match_index[peer] = match;
		if (match + 1 > rf->next_index[peer])
			rf->next_index[peer] = match + 1;
		advance_commit_index_locked(rf);
	} else if (args->prev_log_index == rf->next_index[peer] - 1) {
		/* (A rejection of an older probe says nothing new: ignore it.) */
		if (back_off_locked(rf, peer, reply))
			replicate_to_locked(rf, peer);   /* retry now, not next heartbeat */
	}
}

/*
 * The follower's log does not match at next_index - 1, so next_index must
 * move below that. Skip back a whole term per round trip using the
 * conflict fields (see rpc.h):
 *   - follower's log too short: continue from its end;
 *   - we have entries of its conflicting term: continue after our last one;
 *   - we have none: skip all of the follower's entries of that term.
 * Entries up to match_index are known to match, so never go below them.
 * Returns whether next_index moved back.
 */
bool back_off_locked(raft *rf, int peer, const append_entries_reply *reply)
{
	rt_assert_held(&rf->mu);
	int64_t next = reply->conflict_index;
	if (reply->conflict_term != -1) {
		int64_t ours = log_last_index_of_term(&rf->log, reply->conflict_term);
		if (ours != -1)
			next = ours + 1;
	}
	if (next > rf->next_index[peer] - 1)
		next = rf->next_index[peer] - 1;
	if (next < rf->match_index[peer] + 1)
		next = rf->match_index[peer] + 1;
	bool moved = next < rf->next_index[peer];
	rf->next_index[peer] = next;
	return moved;
}
