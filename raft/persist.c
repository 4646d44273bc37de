/*
 * Persistence (3C): the state figure 2 says must survive a crash, saved
 * through the persister, which stands in for a disk.
 *
 * Layout, in codec values: current_term, voted_for, the log's base index
 * and base term, the number of entries, then each entry's term and command.
 * The snapshot (3D) is saved beside it, in the same persister_save, so a
 * crash never leaves a log whose base disagrees with the snapshot.
 */
#include <stdio.h>
#include <stdlib.h>

#include "raft_internal.h"

/*
 * Call after every change to current_term, voted_for, the log or the
 * snapshot, before replying to or sending any message that depends on the
 * change: a peer that promised something must still remember it after a
 * restart.
 */
void persist_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	const raft_log *log = &rf->log;
	codec_buf buf;
	codec_buf_init(&buf);
	codec_put_int(&buf, rf->current_term);
	codec_put_int(&buf, rf->voted_for);
	codec_put_int(&buf, log_base_index(log));
	codec_put_int(&buf, log_term_at(log, log_base_index(log)));
	codec_put_int(&buf, log_last_index(log) - log_base_index(log));
	for (int64_t index = log_base_index(log) + 1; index <= log_last_index(log); index++) {
		const log_entry *e = log_entry_at(log, index);
		codec_put_int(&buf, e->term);
		codec_put_bytes(&buf, e->command, e->command_len);
	}
	persister_save(rf->persister, buf.data, buf.len, rf->snapshot, rf->snapshot_len);
	codec_buf_free(&buf);
}

/* Read the log's entries from r into rf->log, which is already set up. */
static void restore_entries_locked(raft *rf, codec_reader *r, int64_t count) REQUIRES(rf->mu);
static void restore_entries_locked(raft *rf, codec_reader *r, int64_t count)
{
	rt_assert_held(&rf->mu);
	for (int64_t i = 0; i < count && codec_reader_ok(r); i++) {
		int64_t term = 0;
		void *command = NULL;
		size_t len = 0;
		if (codec_get_int(r, &term) && codec_get_bytes(r, &command, &len))
			log_append(&rf->log, term, command, len);
		free(command);
	}
}

/*
 * Called once, by raft_make. A peer that never saved anything starts at
 * term 0 with no vote, an empty log and no snapshot. The service reads the
 * snapshot from the persister itself when it restarts, so the applier does
 * not deliver it again. Saved state that does not decode
 * is a bug in this file: stop rather than run with a made-up history.
 */
void restore_locked(raft *rf)
{
	rt_assert_held(&rf->mu);
	size_t len = 0;
	void *data = persister_read_state(rf->persister, &len);
	rf->current_term = 0;
	rf->voted_for = NO_VOTE;
	rf->snapshot = persister_read_snapshot(rf->persister, &rf->snapshot_len);
	if (data == NULL || len == 0) {
		log_init(&rf->log, 0, 0);
		free(data);
		return;
	}

	codec_reader r;
	codec_reader_init(&r, data, len);
	int64_t base_index = 0, base_term = 0, count = 0;
	codec_get_int(&r, &rf->current_term);
	codec_get_int(&r, &rf->voted_for);
	codec_get_int(&r, &base_index);
	codec_get_int(&r, &base_term);
	codec_get_int(&r, &count);
	log_init(&rf->log, base_index, base_term);
	restore_entries_locked(rf, &r, count);
	if (!codec_reader_ok(&r) || !codec_reader_done(&r)) {
		fprintf(stderr, "raft %d: saved state (%zu bytes) does not decode\n", rf->me, len);
		abort();
	}
	free(data);
}
