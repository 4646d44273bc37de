/*
 * The apply consumers: one thread per peer instance takes the entries the
 * peer applies and checks them, like config.go's applier and checkLogs.
 *
 *   apply-out-of-order  an instance must apply 1, 2, 3, ... with no gap or
 *                       repeat (a restarted instance starts again at 1)
 *   apply-mismatch      every server must apply the same command at an
 *                       index (State Machine Safety, Raft paper Figure 3)
 *
 * Each applied entry also goes to the protocol oracle (oracle.h), which
 * checks that it was committed by a quorum.
 *
 * In lab 3D the consumer is also the service that takes snapshots
 * (config_snapshot.c).
 *
 * What each server applied goes into lock-free tables (config_internal.h)
 * that cfg_n_committed, cfg_wait and cfg_one read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <valgrind/helgrind.h>

#include "config_internal.h"
#include "oracle_tap.h"

/* The tables start empty; the threads that use them start later. */
void cfg_applied_init(cfg_applied *a, int n)
{
	a->n = n;
	a->agreed = calloc(APPLIED_MAX_INDEX, sizeof(*a->agreed));
	a->by_server = calloc((size_t)n * APPLIED_MAX_INDEX, sizeof(*a->by_server));
	if (a->agreed == NULL || a->by_server == NULL)
		abort();
	atomic_init(&a->max_index, 0);
	/* Helgrind does not understand C11 atomics and would report these
	 * relaxed loads and stores as races; an atomic access cannot race, so
	 * the tables are hidden from it (a no-op outside Valgrind). */
	VALGRIND_HG_DISABLE_CHECKING(a->agreed, APPLIED_MAX_INDEX * sizeof(*a->agreed));
	VALGRIND_HG_DISABLE_CHECKING(a->by_server,
				     (size_t)n * APPLIED_MAX_INDEX * sizeof(*a->by_server));
	VALGRIND_HG_DISABLE_CHECKING(&a->max_index, sizeof(a->max_index));
}

/* Free the tables; only once no consumer runs. */
void cfg_applied_free(cfg_applied *a)
{
	free(a->agreed);
	free(a->by_server);
}

/* The value of a command: an 8-byte command is the integer it encodes,
 * anything else a 64-bit FNV-1a hash of its bytes. */
uint64_t cfg_cmd_value(const void *cmd, size_t len)
{
	const unsigned char *b = cmd;
	uint64_t v = 0;
	if (len == 8) {
		for (int k = 0; k < 8; k++)
			v |= (uint64_t)b[k] << (8 * k);
		return v;
	}
	v = 0xcbf29ce484222325ull;
	for (size_t k = 0; k < len; k++) {
		v ^= b[k];
		v *= 0x100000001b3ull;
	}
	return v;
}

/* What server applied at index, if anything. */
bool cfg_applied_get(config *cfg, int server, int64_t index, uint64_t *value)
{
	if (index < 0 || index >= APPLIED_MAX_INDEX)
		return false;
	uint64_t slot = atomic_load_explicit(
		&cfg->applied.by_server[(size_t)server * APPLIED_MAX_INDEX + index],
		memory_order_relaxed);
	if (slot == 0)
		return false;
	*value = slot ^ APPLIED_TAG;
	return true;
}

/* The highest index any server has applied. */
int64_t cfg_applied_max_index(config *cfg)
{
	return atomic_load_explicit(&cfg->applied.max_index, memory_order_relaxed);
}

/* Raise max_index to at least index. */
static void raise_max_index(cfg_applied *a, int64_t index)
{
	int64_t max = atomic_load_explicit(&a->max_index, memory_order_relaxed);
	while (index > max &&
	       !atomic_compare_exchange_weak_explicit(&a->max_index, &max, index,
						      memory_order_relaxed, memory_order_relaxed))
		;
}

/*
 * Record that server applied value at index (a command, or one a snapshot
 * covers). The first server to apply an index fixes it; a compare-and-swap,
 * so two servers applying different commands at once cannot both win.
 * Returns false, with the value fixed there in *fixed, when they differ.
 */
bool cfg_applied_record(config *cfg, int server, int64_t index, uint64_t value,
			uint64_t *fixed)
{
	uint64_t slot = value ^ APPLIED_TAG, first = 0;
	bool agrees = atomic_compare_exchange_strong_explicit(&cfg->applied.agreed[index], &first,
							      slot, memory_order_relaxed,
							      memory_order_relaxed) ||
		      first == slot;
	*fixed = (agrees ? slot : first) ^ APPLIED_TAG;
	atomic_store_explicit(&cfg->applied.by_server[(size_t)server * APPLIED_MAX_INDEX + index],
			      slot, memory_order_relaxed);
	raise_max_index(&cfg->applied, index);
	return agrees;
}

/* Another server that applied something other than value at index, for
 * the message; -1 if none is recorded (yet). */
static int other_server_with(config *cfg, int me, int64_t index, uint64_t value)
{
	for (int j = 0; j < cfg->n; j++) {
		uint64_t other;
		if (j != me && cfg_applied_get(cfg, j, index, &other) && other != value)
			return j;
	}
	return -1;
}

/* Check one applied command and record it. */
static void check_command(cfg_instance *inst, const apply_msg *m)
{
	config *cfg = inst->cfg;
	int64_t index = m->command_index;
	if (index != inst->next_apply_index)
		cfg_fail_at(RT_HERE, "apply-out-of-order", inst->server, -1,
			    "server %d applied index %lld, but the next index it should "
			    "apply is %lld (entries are applied one by one, in index order, "
			    "without gaps or repeats)",
			    inst->server, (long long)index, (long long)inst->next_apply_index);
	if (index >= APPLIED_MAX_INDEX)
		cfg_fail_at(RT_HERE, "check-failed", inst->server, -1,
			    "server %d applied index %lld; the harness records only %d entries",
			    inst->server, (long long)index, APPLIED_MAX_INDEX);
	inst->next_apply_index++;
	oracle_tap_apply(cfg->oracle, inst->server, index, m->command, m->command_len);

	uint64_t value = cfg_cmd_value(m->command, m->command_len);
	uint64_t fixed;
	if (!cfg_applied_record(cfg, inst->server, index, value, &fixed)) {
		int other = other_server_with(cfg, inst->server, index, value);
		char who[64];
		if (other >= 0)
			snprintf(who, sizeof(who), "server %d", other);
		else
			snprintf(who, sizeof(who), "another server (or an earlier instance)");
		cfg_fail_at(RT_HERE, "apply-mismatch", inst->server, -1,
			    "server %d applied %lld at index %lld, but %s had already "
			    "applied %lld there (every server must apply the same command "
			    "at each index)",
			    inst->server, (long long)value, (long long)index, who,
			    (long long)fixed);
	}
}

void cfg_set_service_delay(config *cfg, int i, int64_t ms)
{
	atomic_store_explicit(&cfg->service_delay_ms[i], ms, memory_order_relaxed);
}

/* The consumer thread: runs until the queue is closed and drained. */
static void apply_consumer(void *arg)
{
	cfg_instance *inst = arg;
	_Atomic int64_t *delay_ms = &inst->cfg->service_delay_ms[inst->server];
	apply_msg m;
	while (apply_queue_get(inst->applyq, &m)) {
		if (m.command_valid) {
			int64_t ms = atomic_load_explicit(delay_ms, memory_order_relaxed);
			if (ms > 0)
				rt_sleep_ms(ms);
			check_command(inst, &m);
			cfg_snapshot_after_apply(inst, m.command_index);
		} else if (m.snapshot_valid) {
			cfg_apply_snapshot(inst, &m);
		}
		apply_msg_free(&m);
	}
}

/* One consumer per instance, so a stuck peer holds up only its own. */
void cfg_apply_consumer_start(cfg_instance *inst)
{
	rt_thread_spawn("harness-applier", inst->server, apply_consumer, inst);
}
