/*
 * The applier: one thread per peer that hands committed entries to the
 * service, in index order, through the apply queue. When an InstallSnapshot
 * (3D) has replaced entries the service never had, the snapshot goes in
 * their place: every index reaches the service exactly once, as an entry
 * or inside a snapshot.
 */
#include <stdlib.h>
#include <string.h>

#include "raft_internal.h"

static apply_msg *copy_committed_locked(raft *rf, int64_t first, int64_t last) REQUIRES(rf->mu);
static void copy_snapshot_locked(raft *rf, apply_msg *m) REQUIRES(rf->mu);
static bool deliver(raft *rf, apply_msg *msgs, int64_t count) EXCLUDES(rf->mu);

/*
 * Thread body. Sleeps on apply_cond until commit_index passes last_applied
 * (or the peer is killed), copies the newly committed entries under the
 * lock, and puts them on the queue without it: a put waits for the service
 * to take earlier messages, and the peer must keep working meanwhile. (In
 * 3D the service, before it takes the next message, may call
 * raft_snapshot, which needs the lock.)
 */
void applier(void *arg)
{
	raft *rf = arg;
	rt_mutex_lock(&rf->mu);
	for (;;) {
		while (rf->last_applied >= rf->commit_index && !killed(rf))
			rt_cond_wait(&rf->apply_cond, &rf->mu);
		if (killed(rf))
			break;
		int64_t first = rf->last_applied + 1;
		int64_t last = rf->commit_index;
		if (first <= log_base_index(&rf->log))
			first = last = log_base_index(&rf->log);   /* the snapshot, alone */
		apply_msg *msgs = copy_committed_locked(rf, first, last);

		rt_mutex_unlock(&rf->mu);
		bool delivered = deliver(rf, msgs, last - first + 1);
		rt_mutex_lock(&rf->mu);
		if (!delivered)
			break;
		/* Only this thread moves last_applied: nobody moved it meanwhile. */
		rf->last_applied = last;
		report_state_locked(rf);
	}
	rt_mutex_unlock(&rf->mu);
}

/* Committed entries never change, but the log array may move once the
 * lock is released: copy the commands out. The log's base stands for the
 * snapshot, which is copied too: the peer may replace it meanwhile. */
static apply_msg *copy_committed_locked(raft *rf, int64_t first, int64_t last)
{
	rt_assert_held(&rf->mu);
	apply_msg *msgs = raft_xcalloc((size_t)(last - first + 1), sizeof *msgs);
	for (int64_t index = first; index <= last; index++) {
		if (index == log_base_index(&rf->log)) {
			copy_snapshot_locked(rf, &msgs[index - first]);
			continue;
		}
		const log_entry *e = log_entry_at(&rf->log, index);
		apply_msg *m = &msgs[index - first];
		m->command_valid = true;
		m->command = raft_xcalloc(1, e->command_len + 1);
		memcpy(m->command, e->command, e->command_len);
		m->command_len = e->command_len;
		m->command_index = index;
	}
	return msgs;
}

static void copy_snapshot_locked(raft *rf, apply_msg *m)
{
	rt_assert_held(&rf->mu);
	m->snapshot_valid = true;
	m->snapshot = raft_xcalloc(1, rf->snapshot_len + 1);
	if (rf->snapshot_len > 0)
		memcpy(m->snapshot, rf->snapshot, rf->snapshot_len);
	m->snapshot_len = rf->snapshot_len;
	m->snapshot_index = log_base_index(&rf->log);
	m->snapshot_term = log_base_term(&rf->log);
}

/* Put each message on the queue, which takes ownership. A closed queue
 * means the harness has killed this peer: drop the rest and stop. */
static bool deliver(raft *rf, apply_msg *msgs, int64_t count)
{
	bool open = true;
	for (int64_t i = 0; i < count; i++) {
		if (open)
			open = apply_queue_put(rf->applyq, &msgs[i]);   /* frees it if closed */
		else
			apply_msg_free(&msgs[i]);
	}
	free(msgs);
	return open;
}
