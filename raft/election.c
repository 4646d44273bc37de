/*
 * Leader election (§5.2), from the candidate's side: the election timer,
 * starting an election, asking each peer for its vote, and counting the
 * votes. The voter's side is in request_vote.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "raft_internal.h"

/* One RequestVote on its way to one peer; owned by the thread sending it. */
struct vote_request {
	raft *rf;
	int peer;
	request_vote_args args;
};

static void start_election_locked(raft *rf) REQUIRES(rf->mu);
static void request_vote_thread(void *arg);
static void send_request_vote(raft *rf, int peer, const request_vote_args *args)
	EXCLUDES(rf->mu);

/*
 * A random timeout, so that peers rarely time out together and split the
 * vote. Called when the peer starts, starts an election, grants a vote,
 * hears from the current leader or stops being leader (see
 * become_follower_locked), and at no other time.
 */
void reset_election_timer_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	rf->election_deadline_ms =
		rt_now_ms() + rt_rand_range(ELECTION_TIMEOUT_MIN_MS, ELECTION_TIMEOUT_MAX_MS + 1);
}

/* Thread body. Checks the timer in short steps, so that it notices a kill
 * quickly, and never sleeps with the lock held. */
void election_ticker(void *arg)
{
	raft *rf = arg;
	while (!killed(rf)) {
		rt_mutex_lock(&rf->mu);
		if (rf->role != RAFT_LEADER && rt_now_ms() >= rf->election_deadline_ms)
			start_election_locked(rf);
		rt_mutex_unlock(&rf->mu);
		rt_sleep_ms(ELECTION_TICK_MS);
	}
}

/*
 * Become a candidate and ask every other peer for its vote, each on a
 * thread of its own. The args are built here, under the lock, so they
 * describe the term this election is for, whatever happens meanwhile.
 */
static void start_election_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	become_candidate_locked(rf);
	if (rf->votes > rf->n / 2) {   /* a one-peer cluster elects itself */
		become_leader_locked(rf);
		return;
	}
	request_vote_args args = {
		.term = rf->current_term,
		.candidate_id = rf->me,
		.last_log_index = log_last_index(&rf->log),
		.last_log_term = log_last_term(&rf->log),
	};
	for (int peer = 0; peer < rf->n; peer++) {
		if (peer == rf->me)
			continue;
		struct vote_request *req = raft_xcalloc(1, sizeof *req);
		*req = (struct vote_request){.rf = rf, .peer = peer, .args = args};
		char name[32];
		snprintf(name, sizeof name, "send RequestVote->%d", peer);
		rt_thread_spawn(name, rf->me, request_vote_thread, req);
	}
}

/* Thread body: one RequestVote, then the thread ends. */
static void request_vote_thread(void *arg)
{
	struct vote_request *req = arg;
	send_request_vote(req->rf, req->peer, &req->args);
	free(req);
}

/* Send without the lock (the call may take seconds), then take the lock
 * to handle the reply, unless the peer was killed meanwhile. A lost
 * request or reply is simply no vote. */
static void send_request_vote(raft *rf, int peer, const request_vote_args *args)
{
	codec_buf args_buf, reply_buf;
	codec_buf_init(&args_buf);
	codec_buf_init(&reply_buf);
	request_vote_args_encode(args, &args_buf);

	request_vote_reply reply;
	if (net_call(rf->peers[peer], RPC_REQUEST_VOTE, &args_buf, &reply_buf) &&
	    request_vote_reply_decode(&reply, &reply_buf)) {
		rt_mutex_lock(&rf->mu);
		if (!killed(rf))
			handle_vote_reply_locked(rf, args, &reply);
		rt_mutex_unlock(&rf->mu);
	}
	codec_buf_free(&args_buf);
	codec_buf_free(&reply_buf);
}

/*
 * The world may have moved on while the request was out: a vote counts
 * only if this peer is still a candidate in the term it asked for.
 */
void handle_vote_reply_locked(raft *rf, const request_vote_args *args,
			      const request_vote_reply *reply)
{
	rt_assert_held(&rf->mu);
	if (reply->term > rf->current_term) {
		become_follower_locked(rf, reply->term);
		return;
	}
	if (rf->role != RAFT_CANDIDATE || rf->current_term != args->term)
		return;
	if (!reply->vote_granted)
		return;
	rf->votes++;
	if (rf->votes > rf->n / 2)
		become_leader_locked(rf);
}
