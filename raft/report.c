/*
 * Telling the observer (the harness's invariant checker) about changes.
 */
#include "raft_internal.h"

/*
 * Call after changing term, role, commit_index or last_applied. Reports
 * only when one of them differs from the last report, so callers need not
 * check. Called with mu held, so the observer sees the changes in the
 * order they happened and never a half-made transition.
 */
void report_state_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	raft_state_report now = {
		.me = rf->me,
		.term = rf->current_term,
		.role = rf->role,
		.commit_index = rf->commit_index,
		.last_applied = rf->last_applied,
	};
	if (now.term == rf->reported.term && now.role == rf->reported.role &&
	    now.commit_index == rf->reported.commit_index &&
	    now.last_applied == rf->reported.last_applied)
		return;
	rf->reported = now;
	if (rf->observer.state_changed != NULL)
		rf->observer.state_changed(rf->observer.ctx, &now);
}
