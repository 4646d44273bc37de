/*
 * The cluster: making it, crashing and restarting servers, connecting and
 * disconnecting them, and cleaning up at the end of a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <valgrind/helgrind.h>

#include "config_internal.h"
#include "xalloc.h"
#include "oracle_tap.h"
#include "rt/finding.h"
#include "watchdog.h"

/* After cfg_cleanup kills everything, threads get this long to finish. */
#define CLEANUP_QUIET_MS 10000
/* Go's applyCh is unbuffered; the smallest queue comes closest. */
#define APPLY_QUEUE_CAPACITY 1

/* Clusters made and not yet cleaned up (main thread only). */
static config *live_configs;

/* Remember a persister so cleanup can free it. Caller must hold cfg->mu. */
static persister *track_persister_locked(config *cfg, persister *ps) REQUIRES(cfg->mu);
static persister *track_persister_locked(config *cfg, persister *ps)
{
	rt_assert_held(&cfg->mu);
	if (cfg->n_persisters == cfg->cap_persisters) {
		cfg->cap_persisters = cfg->cap_persisters ? 2 * cfg->cap_persisters : 16;
		cfg->all_persisters = realloc(cfg->all_persisters,
					      cfg->cap_persisters * sizeof(persister *));
		if (cfg->all_persisters == NULL)
			abort();
	}
	cfg->all_persisters[cfg->n_persisters++] = ps;
	return ps;
}

/* Start n servers and connect them all, like config.go's make_config. */
config *cfg_make(int n, bool unreliable, bool snapshot)
{
	config *cfg = xcalloc(1, sizeof(*cfg));
	cfg->n = n;
	cfg->snapshot = snapshot;
	cfg->net = net_make(n);
	cfg->inv = invariants_make(n);
	cfg->oracle = oracle_make(n, cfg_fail_oracle, NULL);
	net_tap tap = oracle_net_tap(cfg->oracle);
	net_set_tap(cfg->net, &tap);
	cfg_applied_init(&cfg->applied, n);
	cfg->service_delay_ms = xcalloc(n, sizeof(*cfg->service_delay_ms));
	/* Atomics, which Helgrind does not understand (config_apply.c). */
	VALGRIND_HG_DISABLE_CHECKING(cfg->service_delay_ms, n * sizeof(*cfg->service_delay_ms));
	rt_mutex_init(&cfg->membership, "config.membership", -1);
	rt_mutex_init(&cfg->mu, "config.mu", -1);
	cfg->instances = xcalloc(n, sizeof(cfg_instance *));
	cfg->connected = xcalloc(n, sizeof(bool));
	cfg->saved = xcalloc(n, sizeof(persister *));
	cfg->snapshot_floor = xcalloc(n, sizeof(int64_t));
	cfg->ends = xcalloc(n, sizeof(net_endpoint **));
	cfg->next_live = live_configs;
	live_configs = cfg;

	cfg_set_unreliable(cfg, unreliable);
	/* As in 6.5840: calls over a disabled endpoint take long to fail. */
	net_set_long_delays(cfg->net, true);

	for (int i = 0; i < n; i++)
		cfg_start1(cfg, i);
	for (int i = 0; i < n; i++)
		cfg_connect(cfg, i);
	cfg_split_crashes_start(cfg);
	return cfg;
}

/*
 * The test's four ways to change who runs and who is connected. Each takes
 * cfg->membership, so that a split crash (config_split_crash.c), which
 * crashes, restarts and reconnects a server in one go, never interleaves
 * with the test's own steps.
 */
void cfg_crash1(config *cfg, int i)
{
	rt_mutex_lock(&cfg->membership);
	cfg_crash1_locked(cfg, i);
	rt_mutex_unlock(&cfg->membership);
}

void cfg_start1(config *cfg, int i)
{
	rt_mutex_lock(&cfg->membership);
	cfg_start1_locked(cfg, i);
	rt_mutex_unlock(&cfg->membership);
}

void cfg_connect(config *cfg, int i)
{
	rt_mutex_lock(&cfg->membership);
	cfg_connect_locked(cfg, i);
	rt_mutex_unlock(&cfg->membership);
}

void cfg_disconnect(config *cfg, int i)
{
	rt_mutex_lock(&cfg->membership);
	cfg_disconnect_locked(cfg, i);
	rt_mutex_unlock(&cfg->membership);
}

/* raft_kill, under the watchdog's limit on a call into the peer. */
static void kill_watched(raft *rf)
{
	int call = watchdog_call_begin("raft_kill");
	raft_kill(rf);
	watchdog_call_end(call);
}

/* Crash server i. The persister is copied first, so that anything the dead
 * instance still saves goes to the old copy and is lost, as on a real crash.
 * The oracle hears of it before the copy (oracle_crashed). */
void cfg_crash1_locked(config *cfg, int i)
{
	rt_assert_held(&cfg->membership);
	oracle_tap_crash(cfg->oracle, i, cfg_is_up(cfg, i));
	cfg_disconnect_locked(cfg, i);
	net_delete_server(cfg->net, i);

	rt_mutex_lock(&cfg->mu);
	cfg_instance *inst = cfg->instances[i];
	/* Read before the copy: a snapshot the service had by now was saved
	 * before it got it, so the copy holds it. */
	if (inst != NULL)
		cfg->snapshot_floor[i] =
			atomic_load_explicit(&inst->snapshot_floor, memory_order_relaxed);
	if (cfg->saved[i] != NULL)
		cfg->saved[i] = track_persister_locked(cfg, persister_copy(cfg->saved[i]));
	cfg->instances[i] = NULL;
	rt_mutex_unlock(&cfg->mu);

	if (inst != NULL) {
		kill_watched(inst->rf);
		/* Ends the instance's apply consumer, and unblocks a peer that
		 * is still putting entries. */
		apply_queue_close(inst->applyq);
	}
}

/* A new instance of server i with its apply queue and observer state. */
static cfg_instance *instance_make(config *cfg, int i)
{
	cfg_instance *inst = xcalloc(1, sizeof(*inst));
	inst->cfg = cfg;
	inst->server = i;
	inst->applyq = apply_queue_make(i, APPLY_QUEUE_CAPACITY);
	inst->next_apply_index = 1;
	atomic_init(&inst->snapshot_floor, 0);
	/* A relaxed atomic, which Helgrind would take for a race (see
	 * cfg_applied_init). */
	VALGRIND_HG_DISABLE_CHECKING(&inst->snapshot_floor, sizeof(inst->snapshot_floor));
	inst->gen = oracle_tap_restart(cfg->oracle, i);
	invariants_peer_init(&inst->inv, cfg->inv, i);
	inst->observer = invariants_observer(&inst->inv);
	return inst;
}

/* (Re)start server i, like config.go's start1. */
void cfg_start1_locked(config *cfg, int i)
{
	rt_assert_held(&cfg->membership);
	cfg_crash1_locked(cfg, i);
	cfg_instance *inst = instance_make(cfg, i);

	/* Fresh outgoing endpoints: the old instance's stay disabled for good.
	 * They and the server carry the instance, for the network's tap. */
	net_endpoint **ends = xcalloc(cfg->n, sizeof(net_endpoint *));
	for (int j = 0; j < cfg->n; j++) {
		ends[j] = net_make_end(cfg->net);
		net_end_set_owner(ends[j], inst);
		net_connect(cfg->net, ends[j], j);
	}

	rt_mutex_lock(&cfg->mu);
	cfg->ends[i] = ends;
	/* A copy again, so the new instance never shares a persister with a
	 * dead one. */
	if (cfg->saved[i] != NULL)
		cfg->saved[i] = track_persister_locked(cfg, persister_copy(cfg->saved[i]));
	else
		cfg->saved[i] = track_persister_locked(cfg, persister_make());
	persister *ps = cfg->saved[i];
	int64_t floor = cfg->snapshot_floor[i];
	rt_mutex_unlock(&cfg->mu);
	if (cfg->snapshot)
		cfg_restore_snapshot(inst, ps, floor);

	inst->ends = ends;
	net_server *srv = net_make_server();
	net_server_set_owner(srv, inst);
	int call = watchdog_call_begin("raft_make");
	inst->rf = raft_make(ends, cfg->n, i, ps, srv, inst->applyq, &inst->observer);
	watchdog_call_end(call);
	cfg_apply_consumer_start(inst);
	net_add_server(cfg->net, i, srv);

	rt_mutex_lock(&cfg->mu);
	inst->next_all = cfg->all_instances;
	cfg->all_instances = inst;
	cfg->instances[i] = inst;
	rt_mutex_unlock(&cfg->mu);
}

/* Enable or disable the endpoints between i and the connected servers.
 * Caller must hold cfg->mu. */
static void set_links_locked(config *cfg, int i, bool enabled) REQUIRES(cfg->mu);
static void set_links_locked(config *cfg, int i, bool enabled)
{
	rt_assert_held(&cfg->mu);
	for (int j = 0; j < cfg->n; j++) {
		if (enabled && !cfg->connected[j])
			continue;
		if (cfg->ends[i] != NULL)
			net_enable(cfg->net, cfg->ends[i][j], enabled);  /* outgoing */
		if (cfg->ends[j] != NULL)
			net_enable(cfg->net, cfg->ends[j][i], enabled);  /* incoming */
	}
}

/* Attach server i to the network. */
void cfg_connect_locked(config *cfg, int i)
{
	rt_assert_held(&cfg->membership);
	rt_mutex_lock(&cfg->mu);
	cfg->connected[i] = true;
	set_links_locked(cfg, i, true);
	rt_mutex_unlock(&cfg->mu);
}

/* Detach server i from the network. */
void cfg_disconnect_locked(config *cfg, int i)
{
	rt_assert_held(&cfg->membership);
	rt_mutex_lock(&cfg->mu);
	cfg->connected[i] = false;
	set_links_locked(cfg, i, false);
	rt_mutex_unlock(&cfg->mu);
}

/* Whether server i is attached to the network. */
bool cfg_is_connected(config *cfg, int i)
{
	rt_mutex_lock(&cfg->mu);
	bool connected = cfg->connected[i];
	rt_mutex_unlock(&cfg->mu);
	return connected;
}

/* Server i's running Raft peer, or NULL; called without the lock held. */
static raft *running_raft(config *cfg, int i)
{
	rt_mutex_lock(&cfg->mu);
	raft *rf = cfg->instances[i] != NULL ? cfg->instances[i]->rf : NULL;
	rt_mutex_unlock(&cfg->mu);
	return rf;
}

/* Whether server i is running. */
bool cfg_is_up(config *cfg, int i)
{
	return running_raft(cfg, i) != NULL;
}

/* Ask server i to start a command. A killed peer's memory stays valid until
 * cleanup, so a crash racing with this call is harmless. */
bool cfg_raft_start(config *cfg, int i, const void *cmd, size_t len, int64_t *index,
		    int64_t *term)
{
	int64_t my_index = 0, my_term = 0;
	raft *rf = running_raft(cfg, i);
	if (rf == NULL)
		return false;
	int call = watchdog_call_begin("raft_start");
	bool ok = raft_start(rf, cmd, len, &my_index, &my_term);
	watchdog_call_end(call);
	oracle_tap_start(cfg->oracle, i, cmd, len, ok, my_index, my_term);
	if (index)
		*index = my_index;
	if (term)
		*term = my_term;
	return ok;
}

/* raft_start for an integer command. */
bool cfg_raft_start_int(config *cfg, int i, int64_t cmd, int64_t *index, int64_t *term)
{
	unsigned char bytes[8];
	cfg_encode_int(cmd, bytes);
	return cfg_raft_start(cfg, i, bytes, sizeof(bytes), index, term);
}

/* Server i's term and leadership as it reports them. */
void cfg_raft_get_state(config *cfg, int i, int64_t *term, bool *is_leader)
{
	raft *rf = running_raft(cfg, i);
	if (rf == NULL) {
		*term = -1;
		*is_leader = false;
		return;
	}
	int call = watchdog_call_begin("raft_get_state");
	raft_get_state(rf, term, is_leader);
	watchdog_call_end(call);
}

/* Drop and delay messages, or stop doing so. */
void cfg_set_unreliable(config *cfg, bool unreliable)
{
	net_set_reliable(cfg->net, !unreliable);
}

/* Hold some replies back for a long time, or stop doing so. */
void cfg_set_long_reordering(config *cfg, bool on)
{
	net_set_long_reordering(cfg->net, on);
}

/* RPCs that reached server i. */
int64_t cfg_rpc_count(config *cfg, int i)
{
	return net_get_count(cfg->net, i);
}

/* RPCs in the whole network. */
int64_t cfg_rpc_total(config *cfg)
{
	return net_get_total_count(cfg->net);
}

/* Argument bytes sent over the whole network. */
int64_t cfg_bytes_total(config *cfg)
{
	return net_get_total_bytes(cfg->net);
}

/* The largest saved Raft state, as in config.go's LogSize. */
size_t cfg_log_size(config *cfg)
{
	size_t max = 0;
	rt_mutex_lock(&cfg->mu);
	for (int i = 0; i < cfg->n; i++) {
		size_t size = cfg->saved[i] ? persister_state_size(cfg->saved[i]) : 0;
		if (size > max)
			max = size;
	}
	rt_mutex_unlock(&cfg->mu);
	return max;
}

/* Print the test's title and take the counters' starting values. */
void cfg_begin(config *cfg, const char *description)
{
	printf("%s ...\n", description);
	fflush(stdout);
	cfg->t0_ms = rt_now_ms();
	cfg->rpcs0 = cfg_rpc_total(cfg);
	cfg->bytes0 = cfg_bytes_total(cfg);
	cfg->max_index0 = cfg_applied_max_index(cfg);
}

/* The test got here, so it passed: print what it cost. Seconds are logical,
 * so the numbers compare with 6.5840's at any time scale. */
void cfg_end(config *cfg)
{
	double seconds = (double)(rt_now_ms() - cfg->t0_ms) / 1000.0;
	long long rpcs = cfg_rpc_total(cfg) - cfg->rpcs0;
	long long bytes = cfg_bytes_total(cfg) - cfg->bytes0;
	long long cmds = cfg_applied_max_index(cfg) - cfg->max_index0;
	printf("  ... Passed --  %4.1f  %d %4lld %7lld %4lld\n", seconds, cfg->n, rpcs, bytes,
	       cmds);
	fflush(stdout);
}

/* A thread outlived the test: print the thread table, report it, stop. */
static void report_cleanup_hang(void)
{
	char *table = NULL;
	size_t table_len = 0;
	FILE *out = open_memstream(&table, &table_len);
	if (out != NULL) {
		rt_dump_threads(out, NULL, 0);
		fclose(out);
	}
	printf("    cleanup: %d thread(s) still running %d ms after every peer was "
	       "killed and the network closed\n", rt_threads_live(), CLEANUP_QUIET_MS);
	fflush(stdout);
	rt_finding_info info = {.detector = "watchdog", .kind = "hang",
				.rule = RULE_OTHER, .peer = FINDING_NO_PEER, .term = FINDING_NO_TERM, .site = RT_HERE};
	/* Point at the line where a leftover peer thread waits, if one does. */
	rt_leftover_site(&info.site);
	rt_finding_details(&info, table ? table : "",
			   "%d thread(s) did not finish within %d ms after raft_kill; a "
			   "killed peer's threads must notice and return",
			   rt_threads_live(), CLEANUP_QUIET_MS);
	fflush(stderr);
	watchdog_end_process();
}

/* Every thread must end soon after the test stops its peers. */
void cfg_wait_for_threads(void)
{
	if (!rt_threads_wait_quiet(CLEANUP_QUIET_MS))
		report_cleanup_hang();
}

/* Stop every thread of the test, then free what the test made. */
void cfg_cleanup(config *cfg)
{
	cfg_split_crashes_stop(cfg);
	rt_mutex_lock(&cfg->mu);
	cfg_instance *all = cfg->all_instances;
	rt_mutex_unlock(&cfg->mu);

	/* The test is over: killed peers may answer anything now. */
	for (int i = 0; i < cfg->n; i++)
		oracle_crashed(cfg->oracle, i);
	for (int i = 0; i < cfg->n; i++) {
		raft *rf = running_raft(cfg, i);
		if (rf != NULL)
			kill_watched(rf);
	}
	for (cfg_instance *inst = all; inst != NULL; inst = inst->next_all)
		apply_queue_close(inst->applyq);
	net_close(cfg->net);
	cfg_wait_for_threads();

	while (all != NULL) {
		cfg_instance *next = all->next_all;
		raft_free(all->rf);
		apply_queue_free(all->applyq);
		free(all->ends);
		free(all);
		all = next;
	}
	for (int k = 0; k < cfg->n_persisters; k++)
		persister_free(cfg->all_persisters[k]);
	net_free(cfg->net);
	invariants_free(cfg->inv);
	oracle_free(cfg->oracle);
	cfg_applied_free(&cfg->applied);
	rt_mutex_destroy(&cfg->mu);
	rt_mutex_destroy(&cfg->membership);

	for (config **p = &live_configs; *p != NULL; p = &(*p)->next_live) {
		if (*p == cfg) {
			*p = cfg->next_live;
			break;
		}
	}
	free(cfg->all_persisters);
	free(cfg->instances);
	free(cfg->connected);
	free(cfg->saved);
	free(cfg->snapshot_floor);
	free(cfg->service_delay_ms);
	free(cfg->ends);
	free(cfg->crasher);
	free(cfg);
}

/* Clean up every cluster still alive, newest first. */
void cfg_cleanup_all(void)
{
	while (live_configs != NULL)
		cfg_cleanup(live_configs);
}
