/*
 * Snapshots (3D), from the service's and the leader's side: the service
 * hands the peer a snapshot and the peer drops the part of its log the
 * snapshot covers; a leader whose log no longer holds the entries a
 * follower needs sends the snapshot instead. The follower's side is in
 * install_snapshot.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raft_internal.h"

/* One InstallSnapshot on its way to one peer; owned by the thread sending it. */
struct snapshot_request {
	raft *rf;
	int peer;
	install_snapshot_args args;
};

static void install_snapshot_thread(void *arg);
static void send_install_snapshot(raft *rf, int peer, const install_snapshot_args *args)
	EXCLUDES(rf->mu);

/*
 * The service has applied index and saved its state through it. An index
 * at or below the log's base is older than the snapshot already kept, and
 * one above commit_index is not the service's to give: both are ignored,
 * as 6.5840's Snapshot ignores them. The log, the snapshot and what is
 * saved change in one critical section, so no thread ever sees a log whose
 * base disagrees with the snapshot.
 */
void raft_snapshot(raft *rf, int64_t index, const void *snapshot, size_t len) EXCLUDES(rf->mu)
{
	rt_mutex_lock(&rf->mu);
	if (index > log_base_index(&rf->log) && index <= rf->commit_index) {
		log_compact_through(&rf->log, index);
		keep_snapshot_locked(rf, snapshot, len);
		persist_locked(rf);
	}
	rt_mutex_unlock(&rf->mu);
}

/* The peer keeps its own copy: the caller's buffer is the caller's. */
void keep_snapshot_locked(raft *rf, const void *data, size_t len)
{
	rt_assert_held(&rf->mu);
	void *copy = raft_xrealloc(NULL, len);
	if (len > 0)
		memcpy(copy, data, len);
	free(rf->snapshot);
	rf->snapshot = copy;
	rf->snapshot_len = len;
}

/*
 * Must be called by the leader, when next_index[peer] is at or below the
 * log's base. Like replicate_to_locked, it builds the args under the lock,
 * with a copy of the snapshot, and sends them on a thread of its own.
 */
void send_snapshot_locked(raft *rf, int peer)
{
	rt_assert_held(&rf->mu);
	struct snapshot_request *req = raft_xcalloc(1, sizeof *req);
	req->rf = rf;
	req->peer = peer;
	req->args = (install_snapshot_args){
		.term = rf->current_term,
		.leader_id = rf->me,
		.last_included_index = log_base_index(&rf->log),
		.last_included_term = log_base_term(&rf->log),
		.data = raft_xrealloc(NULL, rf->snapshot_len),
		.data_len = rf->snapshot_len,
	};
	if (rf->snapshot_len > 0)
		memcpy(req->args.data, rf->snapshot, rf->snapshot_len);
	char name[32];
	snprintf(name, sizeof name, "send InstallSnapshot->%d", peer);
	rt_thread_spawn(name, rf->me, install_snapshot_thread, req);
}

/* Thread body: one InstallSnapshot, then the thread ends. */
static void install_snapshot_thread(void *arg)
{
	struct snapshot_request *req = arg;
	send_install_snapshot(req->rf, req->peer, &req->args);
	install_snapshot_args_free(&req->args);
	free(req);
}

/* As send_append_entries: the call without the lock, the reply with it. */
static void send_install_snapshot(raft *rf, int peer, const install_snapshot_args *args)
{
	codec_buf args_buf, reply_buf;
	codec_buf_init(&args_buf);
	codec_buf_init(&reply_buf);
	install_snapshot_args_encode(args, &args_buf);

	install_snapshot_reply reply;
	if (net_call(rf->peers[peer], RPC_INSTALL_SNAPSHOT, &args_buf, &reply_buf) &&
	    install_snapshot_reply_decode(&reply, &reply_buf)) {
		rt_mutex_lock(&rf->mu);
		if (!killed(rf))
			handle_snapshot_reply_locked(rf, peer, args, &reply);
		rt_mutex_unlock(&rf->mu);
	}
	codec_buf_free(&args_buf);
	codec_buf_free(&reply_buf);
}

/*
 * A follower that answered in our term now holds everything the snapshot
 * covers. As with AppendEntries replies, the reply counts only if this
 * peer still leads the term it was sent in, and match_index never moves
 * back. The snapshot covers committed entries only, so the commit index
 * has nothing to learn from it.
 */
void handle_snapshot_reply_locked(raft *rf, int peer, const install_snapshot_args *args,
				  const install_snapshot_reply *reply)
{
	rt_assert_held(&rf->mu);
	if (reply->term > rf->current_term) {
		become_follower_locked(rf, reply->term);
		return;
	}
	if (rf->role != RAFT_LEADER || rf->current_term != args->term)
		return;
	int64_t match = args->last_included_index;
	if (match > rf->match_index[peer])
		rf->match_index[peer] = match;
	if (match + 1 > rf->next_index[peer])
		rf->next_index[peer] = match + 1;
}
