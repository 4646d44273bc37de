/*
 * The inside of the test harness, shared by harness/config*.c. Tests use
 * config.h only.
 */
#ifndef CONFIG_INTERNAL_H
#define CONFIG_INTERNAL_H

#include <stdatomic.h>

#include "apply_queue.h"
#include "config.h"
#include "invariants.h"
#include "net.h"
#include "oracle.h"
#include "persister.h"
#include "raft.h"

/*
 * One run of a server: from cfg_start1 to the cfg_crash1 that ends it. A
 * restarted server is a new instance with the same server number. An
 * instance is freed only in cfg_cleanup, once all threads have finished,
 * because a killed peer's threads may still use it for a while.
 */
typedef struct cfg_instance {
	/* Set before the peer starts; read-only afterwards. */
	config *cfg;
	int server;
	uint32_t gen;                   /* its generation for the oracle */
	raft *rf;
	apply_queue *applyq;
	net_endpoint **ends;            /* [j]: this instance's endpoint to reach j */
	raft_observer observer;
	struct cfg_instance *next_all;  /* the list of every instance, for cleanup */

	/* The observer's per-instance state: relaxed atomics (invariants.h). */
	invariants_peer inv;

	/* Used only by this instance's apply consumer thread (and set up
	 * before it starts). */
	int64_t next_apply_index;

	/* Lab 3D: the highest snapshot index this instance's service has
	 * taken in or handed to raft_snapshot, once the call returned.
	 * Written by the consumer, read by cfg_crash1: a relaxed atomic. */
	_Atomic int64_t snapshot_floor;
} cfg_instance;

/*
 * The commands servers have applied, as values (config.h). Written by the
 * apply consumers, read by the checks, with relaxed atomics only: a lock
 * here would order the peers' threads through the harness and could hide
 * a data race in raft/ from the detectors. Each slot holds the value
 * XOR APPLIED_TAG, so that zero means "nothing applied yet" and one
 * atomic word says both whether and what.
 */
#define APPLIED_TAG 0x9e3779b97f4a7c15ull
#define APPLIED_MAX_INDEX (1 << 16)

typedef struct cfg_applied {
	int n;
	/* [index]: the first command any server applied at index. */
	_Atomic uint64_t *agreed;
	/* [server * APPLIED_MAX_INDEX + index]: what server applied there. */
	_Atomic uint64_t *by_server;
	_Atomic int64_t max_index;
} cfg_applied;

typedef struct cfg_split_crasher cfg_split_crasher;

struct config {
	/* Set by cfg_make; read-only until cfg_cleanup. */
	int n;
	bool snapshot;             /* lab 3D: the services take snapshots */
	net_network *net;
	invariants *inv;
	oracle *oracle;            /* fed by the network's tap and the hooks below */
	cfg_applied applied;
	/* [i]: server i's service delay per entry (cfg_set_service_delay);
	 * set by the test, read by the apply consumers: relaxed atomics. */
	_Atomic int64_t *service_delay_ms;
	struct config *next_live;  /* cfg_cleanup_all's list; main thread only */

	/*
	 * membership is held across each change of who runs and who is
	 * connected (cfg_crash1, cfg_start1, cfg_connect, cfg_disconnect),
	 * and across a split crash's crash, restart and reconnection.
	 * Taken before mu, and only by the test's threads and the crasher.
	 */
	rt_mutex membership;
	cfg_split_crasher *crasher; /* NULL unless split crashes are on */

	/*
	 * mu guards the fields below. Only the test's threads take it, never a
	 * peer, and raft_ functions are called after releasing it.
	 */
	rt_mutex mu;
	cfg_instance **instances;   /* [i]: the running instance, or NULL */
	bool *connected;            /* [i]: server i is attached to the network */
	persister **saved;          /* [i]: where server i saves (copied on crash) */
	int64_t *snapshot_floor;    /* [i]: its snapshot_floor when it crashed */
	net_endpoint ***ends;       /* [i][j]: i's newest endpoint to reach j */
	cfg_instance *all_instances;
	persister **all_persisters; /* every persister made, freed at cleanup */
	int n_persisters, cap_persisters;

	/* cfg_begin/cfg_end statistics; main thread only. */
	int64_t t0_ms;
	int64_t rpcs0;
	int64_t bytes0;
	int64_t max_index0;
};

/* config.c: the bodies of cfg_crash1, cfg_start1, cfg_connect and
 * cfg_disconnect, for a caller that holds cfg->membership. */
void cfg_crash1_locked(config *cfg, int i) REQUIRES(cfg->membership);
void cfg_start1_locked(config *cfg, int i) REQUIRES(cfg->membership);
void cfg_connect_locked(config *cfg, int i) REQUIRES(cfg->membership);
void cfg_disconnect_locked(config *cfg, int i) REQUIRES(cfg->membership);

/* config_split_crash.c: start the crasher if split crashes are on (at the
 * end of cfg_make), stop it and wait for it (first thing in cfg_cleanup). */
void cfg_split_crashes_start(config *cfg);
void cfg_split_crashes_stop(config *cfg);

/* Integer commands travel as 8 little-endian bytes. */
static inline void cfg_encode_int(int64_t v, unsigned char bytes[8])
{
	for (int k = 0; k < 8; k++)
		bytes[k] = (unsigned char)((uint64_t)v >> (8 * k));
}

/* config_checks.c: report an oracle's violation and end the test. */
void cfg_fail_oracle(void *ctx, const rt_finding_info *info, const char *message)
	__attribute__((noreturn));

/* config_apply.c */
void cfg_applied_init(cfg_applied *a, int n);
void cfg_applied_free(cfg_applied *a);
/* Start the thread that takes inst's applied entries and checks them. */
void cfg_apply_consumer_start(cfg_instance *inst);
/* What server applied at index: true and *value if anything. */
bool cfg_applied_get(config *cfg, int server, int64_t index, uint64_t *value);
/* Record what server applied at index; false, and the value fixed there
 * in *fixed, if another command was applied there first. */
bool cfg_applied_record(config *cfg, int server, int64_t index, uint64_t value,
			uint64_t *fixed);
int64_t cfg_applied_max_index(config *cfg);

/* config_snapshot.c (lab 3D): the service's snapshots. After inst applied
 * index, maybe snapshot; take in a snapshot message; on restart, restore
 * the saved snapshot, which must reach at least floor. */
void cfg_snapshot_after_apply(cfg_instance *inst, int64_t index);
void cfg_apply_snapshot(cfg_instance *inst, const apply_msg *m);
void cfg_restore_snapshot(cfg_instance *inst, persister *ps, int64_t floor);
int64_t cfg_ingest_snapshot(cfg_instance *inst, const void *data, size_t len,
			    int64_t message_index);

#endif
