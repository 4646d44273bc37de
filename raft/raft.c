/*
 * A Raft peer's life: make, kill, free, and the two calls the service
 * makes while it runs, raft_get_state and raft_start.
 */
#include <stdlib.h>

#include "raft_internal.h"

/*
 * Everything is in place before the handlers are registered and the threads
 * start, because from then on other threads use the peer.
 */
raft *raft_make(net_endpoint **peers, int n, int me, persister *ps, net_server *srv,
		apply_queue *applyq, const raft_observer *observer)
{
	raft *rf = raft_xcalloc(1, sizeof *rf);
	rf->peers = raft_xcalloc(n, sizeof *rf->peers);
	for (int i = 0; i < n; i++)
		rf->peers[i] = peers[i];
	rf->n = n;
	rf->me = me;
	rf->persister = ps;
	rf->applyq = applyq;
	if (observer != NULL)
		rf->observer = *observer;
	atomic_init(&rf->dead, false);

	rt_mutex_init(&rf->mu, "raft.mu", me);
	rt_cond_init(&rf->apply_cond);
	rf->next_index = raft_xcalloc(n, sizeof *rf->next_index);
	rf->match_index = raft_xcalloc(n, sizeof *rf->match_index);

	rt_mutex_lock(&rf->mu);
	rf->role = RAFT_FOLLOWER;
	rf->reported.term = -1;   /* so the first report always goes out */
	restore_locked(rf);       /* current_term, voted_for and the log */
	rf->commit_index = log_base_index(&rf->log);
	rf->last_applied = log_base_index(&rf->log);
	reset_election_timer_locked(rf);
	report_state_locked(rf);
	rt_mutex_unlock(&rf->mu);

	net_server_add_method(srv, RPC_REQUEST_VOTE, serve_request_vote, rf);
	net_server_add_method(srv, RPC_APPEND_ENTRIES, serve_append_entries, rf);
	net_server_add_method(srv, RPC_INSTALL_SNAPSHOT, serve_install_snapshot, rf);
	rt_thread_spawn("election ticker", me, election_ticker, rf);
	rt_thread_spawn("heartbeat", me, heartbeat_ticker, rf);
	rt_thread_spawn("applier", me, applier, rf);
	return rf;
}

/* The applier may be asleep on apply_cond: wake it so it sees the kill.
 * Broadcasting under mu means it cannot miss the wake-up between checking
 * killed() and going to sleep. */
void raft_kill(raft *rf) EXCLUDES(rf->mu)
{
	atomic_store(&rf->dead, true);
	rt_mutex_lock(&rf->mu);
	rt_cond_broadcast(&rf->apply_cond);
	rt_mutex_unlock(&rf->mu);
}

bool killed(raft *rf)
{
	return atomic_load(&rf->dead);
}

/* Called only once every thread that used the peer has finished. */
void raft_free(raft *rf)
{
	log_free(&rf->log);
	free(rf->snapshot);
	free(rf->next_index);
	free(rf->match_index);
	free(rf->peers);
	rt_cond_destroy(&rf->apply_cond);
	rt_mutex_destroy(&rf->mu);
	free(rf);
}

/* Term and role are read under one lock, so they belong together. */
void raft_get_state(raft *rf, int64_t *term, bool *is_leader) EXCLUDES(rf->mu)
{
	rt_mutex_lock(&rf->mu);
	*term = rf->current_term;
	*is_leader = rf->role == RAFT_LEADER;
	rt_mutex_unlock(&rf->mu);
}

/*
 * A leader appends the command and saves it; the next heartbeat carries it
 * to the followers. Waiting for the heartbeat batches a burst of commands
 * into one message per follower, which keeps RPCs and threads few. Nothing
 * guarantees the entry will commit: this peer may lose its leadership
 * first.
 */
bool raft_start(raft *rf, const void *command, size_t len, int64_t *index, int64_t *term)
	EXCLUDES(rf->mu)
{
	rt_mutex_lock(&rf->mu);
	bool is_leader = rf->role == RAFT_LEADER;
	if (is_leader) {
		*index = log_append(&rf->log, rf->current_term, command, len);
		*term = rf->current_term;
		persist_locked(rf);
		rf->match_index[rf->me] = *index;
		advance_commit_index_locked(rf);   /* a one-peer cluster commits now */
	}
	rt_mutex_unlock(&rf->mu);
	return is_leader;
}
