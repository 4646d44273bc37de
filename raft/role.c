/*
 * Converting between follower, candidate and leader (figure 2, "Rules for
 * Servers"). Each transition changes several fields that only make sense
 * together, so each one happens in a single critical section.
 */
#include "raft_internal.h"

/*
 * Any message with a higher term makes a peer a follower of that term
 * (§5.1); so does a candidate hearing from the leader of its own term.
 *
 * A follower or candidate keeps its election timer: it is running, and
 * only hearing from a current leader or granting a vote resets it. (A peer
 * that reset it on every higher term could be kept from ever standing by
 * candidates whose logs are too old to win.) A leader is different: its
 * timer stopped when it won, and the deadline it holds is the one it set
 * as a candidate, long past. Kept, it would start an election at the next
 * tick, with a higher term that deposes whoever has just been elected. So
 * a peer that stops leading starts its timer afresh, as a peer that has
 * just heard from a leader would: it was the leader. (docs/measurements.md
 * counts the elections this saves.)
 */
void become_follower_locked(raft *rf, int64_t term)
{
	rt_assert_held(&rf->mu);
	if (rf->role == RAFT_LEADER)
		reset_election_timer_locked(rf);
	if (term > rf->current_term) {
		rf->current_term = term;
		rf->voted_for = NO_VOTE;
		persist_locked(rf);
	}
	rf->role = RAFT_FOLLOWER;
	report_state_locked(rf);
}

/* A new term with a vote for itself, saved before any RequestVote leaves. */
void become_candidate_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	rf->current_term++;
	rf->voted_for = rf->me;
	persist_locked(rf);
	rf->role = RAFT_CANDIDATE;
	rf->votes = 1;
	reset_election_timer_locked(rf);
	report_state_locked(rf);
}

/*
 * Must be called by a candidate that has just won a majority in
 * current_term. The leader knows nothing about the followers' logs yet:
 * it guesses they match its own (next_index) and knows only its own
 * entries are stored (match_index). Heartbeats go out at once to stop
 * other elections.
 */
void become_leader_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	rf->role = RAFT_LEADER;
	for (int i = 0; i < rf->n; i++) {
		rf->next_index[i] = log_last_index(&rf->log) + 1;
		rf->match_index[i] = 0;
	}
	rf->match_index[rf->me] = log_last_index(&rf->log);
	report_state_locked(rf);
	broadcast_append_entries_locked(rf);
}
