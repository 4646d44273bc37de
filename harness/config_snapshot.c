/*
 * The service's side of snapshots (lab 3D), as 6.5840's applierSnap and
 * ingestSnap have it: every SNAPSHOT_INTERVAL entries the apply consumer
 * encodes what its server has applied and hands it to the peer with
 * raft_snapshot, on its own thread and before it takes the next message;
 * a snapshot the peer delivers replaces what the server has applied.
 *
 *   snapshot-mismatch   a snapshot's index differs from its message's, or
 *                       it holds a command other than the one committed at
 *                       an index it covers
 *   snapshot-backwards  a restarted server's saved snapshot is older than
 *                       one its earlier instance had already been given
 *   apply-out-of-order  a delivered snapshot does not lie past everything
 *                       the instance has applied (each index is applied
 *                       once, as an entry or inside a snapshot)
 *
 * A snapshot is, in codec values, the index it covers through and the
 * value of every command from 1 to that index.
 */
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"
#include "config_internal.h"
#include "watchdog.h"
#include "rt/history.h"

/* As config.go's SnapShotInterval. */
#define SNAPSHOT_INTERVAL 10

/* What server has applied through index, encoded as above. */
static void encode_snapshot(config *cfg, int server, int64_t index, codec_buf *buf)
{
	codec_buf_init(buf);
	codec_put_int(buf, index);
	for (int64_t j = 1; j <= index; j++) {
		uint64_t value = 0;
		cfg_applied_get(cfg, server, j, &value);
		codec_put_int(buf, (int64_t)value);
	}
}

/* After inst applied index: every SNAPSHOT_INTERVAL entries, a snapshot.
 * raft_snapshot is called here, on the consumer's thread, and waited for,
 * so a peer that holds its lock while putting on the queue never gets it. */
void cfg_snapshot_after_apply(cfg_instance *inst, int64_t index)
{
	if (!inst->cfg->snapshot || (index + 1) % SNAPSHOT_INTERVAL != 0)
		return;
	codec_buf buf;
	encode_snapshot(inst->cfg, inst->server, index, &buf);
	int call = watchdog_call_begin("raft_snapshot");
	raft_snapshot(inst->rf, index, buf.data, buf.len);
	watchdog_call_end(call);
	codec_buf_free(&buf);
	atomic_store_explicit(&inst->snapshot_floor, index, memory_order_relaxed);
}

/* A value the snapshot covers at index: a command committed there already
 * must be the same one. */
static void ingest_value(cfg_instance *inst, int64_t index, uint64_t value)
{
	uint64_t fixed;
	if (!cfg_applied_record(inst->cfg, inst->server, index, value, &fixed))
		cfg_fail_at(RT_HERE, "snapshot-mismatch", inst->server, -1,
			    "server %d's snapshot holds %lld at index %lld, but %lld was "
			    "committed there (a snapshot stands for the committed prefix "
			    "of the log, nothing else)",
			    inst->server, (long long)value, (long long)index, (long long)fixed);
}

/*
 * Take in a snapshot: from the apply queue (message_index is the message's
 * snapshot_index) or, on restart, from the persister (message_index -1).
 * The instance's next index to apply follows it. Returns its index.
 */
int64_t cfg_ingest_snapshot(cfg_instance *inst, const void *data, size_t len,
			    int64_t message_index)
{
	codec_reader r;
	codec_reader_init(&r, data, len);
	int64_t index = -1;
	if (!codec_get_int(&r, &index) || index < 0 || index >= APPLIED_MAX_INDEX)
		cfg_fail_at(RT_HERE, "snapshot-mismatch", inst->server, -1,
			    "server %d delivered a snapshot of %zu bytes that does not decode "
			    "(it must be the bytes the service passed to raft_snapshot)",
			    inst->server, len);
	if (message_index != -1 && message_index != index)
		cfg_fail_at(RT_HERE, "snapshot-mismatch", inst->server, -1,
			    "server %d delivered a snapshot with snapshot_index %lld, but the "
			    "snapshot covers the log through index %lld",
			    inst->server, (long long)message_index, (long long)index);
	for (int64_t j = 1; j <= index; j++) {
		int64_t value = 0;
		if (!codec_get_int(&r, &value))
			cfg_fail_at(RT_HERE, "snapshot-mismatch", inst->server, -1,
				    "server %d's snapshot through index %lld is cut short at "
				    "index %lld",
				    inst->server, (long long)index, (long long)j);
		ingest_value(inst, j, (uint64_t)value);
	}
	inst->next_apply_index = index + 1;
	atomic_store_explicit(&inst->snapshot_floor, index, memory_order_relaxed);
	rt_history_note(inst->server, "snapshot through index %lld taken in", (long long)index);
	return index;
}

/* A snapshot from the apply queue. */
void cfg_apply_snapshot(cfg_instance *inst, const apply_msg *m)
{
	if (m->snapshot_index < inst->next_apply_index)
		cfg_fail_at(RT_HERE, "apply-out-of-order", inst->server, -1,
			    "server %d delivered a snapshot through index %lld after applying "
			    "through %lld: a snapshot must lie past everything applied, or "
			    "entries reach the service twice",
			    inst->server, (long long)m->snapshot_index,
			    (long long)(inst->next_apply_index - 1));
	cfg_ingest_snapshot(inst, m->snapshot, m->snapshot_len, m->snapshot_index);
}

/* On restart, the service reads its snapshot from the persister itself, as
 * 6.5840's start1 does; it must not be older than one the earlier instance
 * had (floor, taken when it crashed). */
void cfg_restore_snapshot(cfg_instance *inst, persister *ps, int64_t floor)
{
	size_t len = 0;
	void *data = persister_read_snapshot(ps, &len);
	int64_t index = 0;
	if (data != NULL && len > 0)
		index = cfg_ingest_snapshot(inst, data, len, -1);
	free(data);
	if (index < floor)
		cfg_fail_at(RT_HERE, "snapshot-backwards", inst->server, -1,
			    "server %d restarted with a snapshot through index %lld, but before "
			    "it crashed it had a snapshot through %lld: raft_snapshot and "
			    "InstallSnapshot must save the snapshot before the service moves on",
			    inst->server, (long long)index, (long long)floor);
}
