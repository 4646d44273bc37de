/*
 * Receiving RequestVote (figure 2): the voter's side of an election.
 */
#include "raft_internal.h"

/* The RPC handler: decode, decide under the lock, encode the reply.
 * Malformed args get no reply, which the caller sees as a lost message;
 * so does every request to a killed peer, which must not change its
 * state or grant votes any more. */
void serve_request_vote(void *ctx, const codec_buf *args_buf, codec_buf *reply_buf)
{
	raft *rf = ctx;
	request_vote_args args;
	if (!request_vote_args_decode(&args, args_buf))
		return;

	request_vote_reply reply;
	rt_mutex_lock(&rf->mu);
	bool answer = !killed(rf);
	if (answer)
		handle_request_vote_locked(rf, &args, &reply);
	rt_mutex_unlock(&rf->mu);
	if (answer)
		request_vote_reply_encode(&reply, reply_buf);
}

/*
 * Grant at most one vote per term, and only to a candidate whose log is at
 * least as up-to-date as ours (§5.4.1). The vote is saved before the reply
 * leaves, so a restarted peer cannot vote twice in one term.
 */
void handle_request_vote_locked(raft *rf, const request_vote_args *args,
				request_vote_reply *reply)
{
	rt_assert_held(&rf->mu);
	if (args->term > rf->current_term)
		become_follower_locked(rf, args->term);

	reply->term = rf->current_term;
	reply->vote_granted = false;
	if (args->term < rf->current_term)
		return;
	if (rf->voted_for != NO_VOTE && rf->voted_for != args->candidate_id)
		return;
	if (!log_is_up_to_date(&rf->log, args->last_log_term, args->last_log_index))
		return;

	rf->voted_for = args->candidate_id;
	persist_locked(rf);
	reset_election_timer_locked(rf);
	reply->vote_granted = true;
}
