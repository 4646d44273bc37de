/*
 * Lesson 01. Why a Raft peer sends each RPC on a thread of its own.
 *
 * A candidate asks four peers for their votes. Peer 4 is cut off: its call
 * fails only after a long timeout, as a call over a broken link does in the
 * simulated network. The sequential candidate waits for every call in turn;
 * the threaded one sends all four at once and counts votes as they come, so
 * it has its majority while the call to peer 4 is still out.
 *
 * The "RPC" here is a sleep or a wait, so the example needs nothing but
 * the runtime. It runs at half the logical time: about four seconds.
 *
 * expect: clean
 */
#include <stdio.h>
#include <stdint.h>

#include "rt/rt.h"

#define PEERS 5               /* the candidate is peer 0 */
#define REPLY_MS 10           /* a peer that is up answers this fast */
#define CUT_OFF_PEER 4
#define CUT_OFF_TIMEOUT_MS 7000   /* labrpc's longest wait for a dead link */

/*
 * The cut-off peer never answers: a call to it fails at the timeout, or as
 * soon as the caller gives up on it (the threaded candidate does, once the
 * election is decided, so the example need not wait seven seconds more).
 */
static rt_mutex link_mu;
static rt_cond link_changed;   /* broadcast when gave_up is set */
static bool gave_up;           /* link_mu guards gave_up */

/* Send a vote request to peer and wait for the answer: a blocking call. */
static bool request_vote(int peer)
{
	if (peer != CUT_OFF_PEER) {
		rt_sleep_ms(REPLY_MS);
		return true;
	}
	int64_t deadline = rt_now_ms() + CUT_OFF_TIMEOUT_MS;
	rt_mutex_lock(&link_mu);
	while (!gave_up && rt_now_ms() < deadline)
		rt_cond_wait_ms(&link_changed, &link_mu, deadline - rt_now_ms());
	rt_mutex_unlock(&link_mu);
	return false;
}

/* ---- One thread: the candidate asks each peer in turn -------------------- */

static int64_t sequential_election(void)
{
	int64_t start = rt_now_ms();
	int votes = 1;   /* its own */
	for (int peer = CUT_OFF_PEER; peer >= 1; peer--)   /* the cut-off peer first */
		if (request_vote(peer))
			votes++;
	printf("sequential: %d votes after %lld ms\n", votes, (long long)(rt_now_ms() - start));
	return rt_now_ms() - start;
}

/* ---- A thread per peer: the candidate counts replies as they arrive ------ */

static rt_mutex mu;
static rt_cond vote_arrived;   /* signalled under mu when votes grows */
/* mu guards these: */
static int votes;
static bool cut_off_call_done;

static void ask_one_peer(void *arg)
{
	int peer = (int)(intptr_t)arg;
	bool granted = request_vote(peer);
	rt_mutex_lock(&mu);
	if (granted)
		votes++;
	if (peer == CUT_OFF_PEER)
		cut_off_call_done = true;
	rt_cond_signal(&vote_arrived);
	rt_mutex_unlock(&mu);
}

static bool threaded_election(void)
{
	int64_t start = rt_now_ms();
	rt_mutex_lock(&mu);
	votes = 1;
	rt_mutex_unlock(&mu);
	for (int peer = CUT_OFF_PEER; peer >= 1; peer--)
		rt_thread_spawn("ask peer", peer, ask_one_peer, (void *)(intptr_t)peer);

	rt_mutex_lock(&mu);
	while (votes <= PEERS / 2)
		rt_cond_wait(&vote_arrived, &mu);
	int won_with = votes;
	bool won_first = !cut_off_call_done;
	rt_mutex_unlock(&mu);
	printf("threaded:   %d votes after %lld ms%s\n", won_with,
	       (long long)(rt_now_ms() - start),
	       won_first ? ", the call to the cut-off peer still out" : "");
	return won_first;
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 0.5});
	rt_mutex_init(&mu, "votes.mu", 0);
	rt_cond_init(&vote_arrived);
	rt_mutex_init(&link_mu, "link.mu", 0);
	rt_cond_init(&link_changed);

	int64_t one_thread = sequential_election();
	bool won_first = threaded_election();
	rt_mutex_lock(&link_mu);
	gave_up = true;
	rt_cond_broadcast(&link_changed);
	rt_mutex_unlock(&link_mu);
	rt_threads_wait_quiet(2 * CUT_OFF_TIMEOUT_MS);

	/* The cut-off call ends before its deadline only when the caller gives
	 * up on it, so the sequential candidate cannot beat the timeout; the
	 * threaded one wins while that call is still pending. */
	if (one_thread < CUT_OFF_TIMEOUT_MS || !won_first) {
		printf("BROKEN: the sequential election should wait out the timeout, "
		       "the threaded one should not\n");
		return 1;
	}
	return 0;
}
