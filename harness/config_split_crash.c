/*
 * Split crashes: a server crashed and restarted while one of its threads
 * is away between two critical sections.
 *
 * A write sequence split across two critical sections (rule 2) shows to
 * the peer's other threads through the gap between them. It shows on disk
 * only if the server crashes in that gap: the restarted server has what
 * the first section saved and nothing of the second, such as a snapshot
 * saved beside a log not yet cut back to it. The tests crash servers on
 * their own schedule, which hardly ever falls in a gap microseconds wide.
 *
 * With split crashes on (the runner's -split-crashes, which the checker's
 * hunt gives its crash lanes), the runtime announces each long split-point
 * pause (rt_set_split_pause_hook, platform/rt/preempt.c), and the crasher
 * thread crashes that server, restarts it from what it saved and
 * reconnects it as it was, while the paused thread is still away. Nothing
 * here knows a bug or a function of the peer, and a correct peer survives
 * a crash at any moment: it saves before it lets anyone see what it saved.
 *
 * The hook runs on the peer's paused thread and only stores a request in a
 * relaxed atomic; the crasher polls for it. A lock or a condition variable
 * there would order the peer's threads through the harness (as the
 * applied-commands table explains in config_internal.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "config_internal.h"
#include "xalloc.h"

/* How often the crasher looks for a request, and the shortest pause worth
 * a request: the crash must come while the thread is still away. */
#define POLL_MS 1
#define MIN_PAUSE_US 10000
/* At most one split crash per this long: each costs the test an election
 * or a catch-up, and the tests' time limits stay those of 6.5840. */
#define SPLIT_CRASH_GAP_MS 1000

struct cfg_split_crasher {
	config *cfg;
	/* The server whose thread paused, plus one; 0 when none asked.
	 * Written by the hook on a peer's thread, taken by the crasher. */
	atomic_int request;
	atomic_bool stop;     /* set by cfg_split_crashes_stop */
	atomic_bool finished; /* the crasher thread has returned */
	int64_t last_crash_ms; /* the crasher thread's own */
};

/* Set by the runner before the test starts. */
static bool split_crashes_on;
/* The crasher of the running test, for the hook; NULL between tests.
 * Published with release order, so a peer's thread that finds it also
 * finds it filled in; the edge runs from the test's thread, which made
 * the peers, never between two peers. */
static _Atomic(cfg_split_crasher *) active_crasher;

void cfg_set_split_crashes(bool on)
{
	split_crashes_on = on;
}

static void on_split_pause(int server, int64_t pause_us)
{
	cfg_split_crasher *c = atomic_load_explicit(&active_crasher, memory_order_acquire);
	if (c == NULL || pause_us < MIN_PAUSE_US || server < 0 || server >= c->cfg->n)
		return;
	int none = 0;
	atomic_compare_exchange_strong_explicit(&c->request, &none, server + 1,
						memory_order_relaxed, memory_order_relaxed);
}

/* Crash server and bring it back as it was, unless the test has crashed it
 * itself. One step for the test: it holds membership throughout. */
static void crash_and_restart(cfg_split_crasher *c, int server)
{
	config *cfg = c->cfg;
	rt_mutex_lock(&cfg->membership);
	if (!atomic_load(&c->stop) && cfg_is_up(cfg, server)) {
		bool connected = cfg_is_connected(cfg, server);
		cfg_crash1_locked(cfg, server);
		cfg_start1_locked(cfg, server);
		if (connected)
			cfg_connect_locked(cfg, server);
		c->last_crash_ms = rt_now_ms();
		printf("  split crash: server %d crashed and restarted while one of its threads "
		       "was between two critical sections\n", server);
		fflush(stdout);
	}
	rt_mutex_unlock(&cfg->membership);
}

static void crasher(void *arg)
{
	cfg_split_crasher *c = arg;
	while (!atomic_load(&c->stop)) {
		rt_sleep_ms(POLL_MS);
		int asked = atomic_exchange_explicit(&c->request, 0, memory_order_relaxed);
		if (asked != 0 && rt_now_ms() - c->last_crash_ms >= SPLIT_CRASH_GAP_MS)
			crash_and_restart(c, asked - 1);
	}
	atomic_store(&c->finished, true);
}

void cfg_split_crashes_start(config *cfg)
{
	if (!split_crashes_on)
		return;
	cfg_split_crasher *c = xcalloc(1, sizeof(*c));
	c->cfg = cfg;
	/* No split crash while the cluster elects its first leader. */
	c->last_crash_ms = rt_now_ms();
	cfg->crasher = c;
	atomic_store_explicit(&active_crasher, c, memory_order_release);
	rt_set_split_pause_hook(on_split_pause);
	rt_thread_spawn("harness-crasher", -1, crasher, c);
}

/* The crasher ends before the test's peers are killed. Its record is freed
 * with the cluster, once every thread that might still read it is gone. */
void cfg_split_crashes_stop(config *cfg)
{
	cfg_split_crasher *c = cfg->crasher;
	if (c == NULL)
		return;
	rt_set_split_pause_hook(NULL);
	atomic_store_explicit(&active_crasher, NULL, memory_order_relaxed);
	atomic_store(&c->stop, true);
	while (!atomic_load(&c->finished))
		rt_sleep_ms(POLL_MS);
}
