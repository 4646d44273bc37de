/*
 * Committing: how the commit index advances, and who hears about it.
 */
#include "raft_internal.h"

static bool stored_on_majority_locked(raft *rf, int64_t index) REQUIRES(rf->mu);

/*
 * Must be called by the leader, after match_index changes. An entry is
 * committed once a majority stores it, but the leader only counts replicas
 * of entries from its own term: an older entry on a majority can still be
 * overwritten (figure 8). Committing a current-term entry commits every
 * entry before it too.
 */
void advance_commit_index_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	for (int64_t index = log_last_index(&rf->log); index > rf->commit_index; index--) {
		if (log_term_at(&rf->log, index) != rf->current_term)
			return;   /* older terms from here down */
		if (stored_on_majority_locked(rf, index)) {
			set_commit_index_locked(rf, index);
			return;
		}
	}
}

/* match_index[me] is the leader's own last index, so it counts itself. */
static bool stored_on_majority_locked(raft *rf, int64_t index)
{
	rt_assert_held(&rf->mu);
	int count = 0;
	for (int peer = 0; peer < rf->n; peer++)
		if (rf->match_index[peer] >= index)
			count++;
	return count > rf->n / 2;
}

/* The one place commit_index grows, on leader and follower alike: wake
 * the applier and tell the observer. */
void set_commit_index_locked(raft *rf, int64_t index)
{
	rt_assert_held(&rf->mu);
	rf->commit_index = index;
	rt_cond_signal(&rf->apply_cond);
	report_state_locked(rf);
}
