/*
 * Receiving InstallSnapshot (figure 13): the follower's side of snapshots.
 */
#include "raft_internal.h"

/* The RPC handler, shaped like serve_append_entries: malformed args and
 * requests to a killed peer get no reply. */
void serve_install_snapshot(void *ctx, const codec_buf *args_buf, codec_buf *reply_buf)
{
	raft *rf = ctx;
	install_snapshot_args args;
	if (!install_snapshot_args_decode(&args, args_buf))
		return;

	install_snapshot_reply reply;
	rt_mutex_lock(&rf->mu);
	bool answer = !killed(rf);
	if (answer)
		handle_install_snapshot_locked(rf, &args, &reply);
	rt_mutex_unlock(&rf->mu);
	install_snapshot_args_free(&args);
	if (answer)
		install_snapshot_reply_encode(&reply, reply_buf);
}

/*
 * As with AppendEntries, a request from an old term is refused and one
 * from the current leader is followed. A snapshot that reaches no further
 * than our commit index tells us nothing: we hold those entries, and some
 * may be on their way to the service already. Otherwise the snapshot
 * replaces the log through its last entry. If our log holds that entry
 * (same index, same term), the entries after it are the leader's too and
 * stay (§7); if not, the whole log goes.
 *
 * The service hears of the snapshot from the applier, not from here: the
 * new commit index lies above last_applied, and with it the log's base,
 * so the applier's next message is the snapshot, in order with the
 * entries it delivered before.
 */
void handle_install_snapshot_locked(raft *rf, const install_snapshot_args *args,
				    install_snapshot_reply *reply)
{
	rt_assert_held(&rf->mu);
	*reply = (install_snapshot_reply){.term = rf->current_term};
	if (args->term < rf->current_term)
		return;
	if (args->term > rf->current_term || rf->role != RAFT_FOLLOWER)
		become_follower_locked(rf, args->term);
	reset_election_timer_locked(rf);
	reply->term = rf->current_term;

	int64_t index = args->last_included_index;
	if (index <= rf->commit_index)
		return;
	if (index <= log_last_index(&rf->log) &&
	    log_term_at(&rf->log, index) == args->last_included_term)
		log_compact_through(&rf->log, index);
	else
		log_reset(&rf->log, index, args->last_included_term);
	keep_snapshot_locked(rf, args->data, args->data_len);
	persist_locked(rf);
	set_commit_index_locked(rf, index);
}
