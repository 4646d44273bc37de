/*
 * The runtime: the only code in the project that touches pthreads and the
 * clock directly. Raft, the network and the harness lock, wait, sleep and
 * spawn threads through this API, so that the runtime can
 *
 *   - track which locks each thread holds (lockdep) and report a `_locked`
 *     function entered without its lock, a blocking call made with a lock
 *     held, and a lock-order cycle;
 *   - add seeded schedule noise at lock acquire/release and RPC send/receive,
 *     to widen race windows, and step aside where a peer's released lock is
 *     wanted (preempt.c), to open split critical sections;
 *   - keep each peer's recent critical sections for findings (history.h);
 *   - stretch or shrink every duration by one time scale, so slow detectors
 *     (TSan, Helgrind) and fast runs see the same protocol;
 *   - tell the watchdog who holds which lock and who waits on what.
 *
 * The runtime never adds happens-before edges between threads: its own
 * bookkeeping is invisible to ThreadSanitizer and Helgrind (platform/rt is built
 * without TSan instrumentation and its records are excluded from Helgrind),
 * so it can neither hide a data race nor report a false one. The pthread
 * calls it makes on behalf of its callers are still seen by both.
 */
#ifndef RT_H
#define RT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "annotations.h"

/* A place in the source, recorded by the macros below. */
typedef struct rt_site {
	const char *file;
	int line;
	const char *func;
} rt_site;

#define RT_HERE ((rt_site){__FILE__, __LINE__, __func__})

/* ---- Setup --------------------------------------------------------------- */

typedef struct rt_options {
	uint64_t seed;       /* seeds noise and every rt_rand() stream */
	double noise;        /* probability of a yield/short sleep at each noise point */
	double time_scale;   /* real duration = logical duration * time_scale */
	/* When the whole run began, on CLOCK_MONOTONIC in ns (a run of many
	 * test processes passes its own start); 0: at rt_init. Findings say
	 * how long after it they were made, in real seconds (wall_s). */
	int64_t run_start_ns;
	/* Where finding lines go (docs/findings.md); 0: stderr. The checker
	 * gives a sandboxed submission's runs a descriptor of their own, so
	 * that nothing the code under test prints can pass for a finding. */
	int findings_fd;
} rt_options;

/* Call once, before any other rt_ function, from the main thread. */
void rt_init(const rt_options *opts);
uint64_t rt_seed(void);
double rt_time_scale(void);

/* ---- Time ---------------------------------------------------------------- */

/* Logical milliseconds since rt_init (real time divided by the time scale). */
int64_t rt_now_ms(void);
/* Logical seconds since rt_init, for reports. */
double rt_now_s(void);
/* Sleep for a logical duration. Blocking: must not be called with a lock held. */
#define rt_sleep_ms(ms) rt_sleep_ms_at((ms), RT_HERE)
void rt_sleep_ms_at(int64_t ms, rt_site site);

/* ---- Mutexes ------------------------------------------------------------- */

/*
 * A mutex with a class name (for the lock-order graph: "raft.mu") and an
 * instance number (for reports: peer 2's raft.mu). All three are set once
 * by rt_mutex_init; who holds the mutex is recorded per thread, not here.
 */
typedef struct CAPABILITY("mutex") rt_mutex {
	pthread_mutex_t m;
	const char *class_name;
	int instance;
	int class_id;
	bool history;  /* a peer's lock: its critical sections go into the
			* history (history.h) and it has preemption points */
	atomic_int waiters; /* threads trying to take it (preempt.c) */
} rt_mutex;

/* Locks made by the trusted code (platform/, harness/) keep no history:
 * the init site says which they are. */
#define rt_mutex_init(mu, class_name, instance) \
	rt_mutex_init_at((mu), (class_name), (instance), RT_HERE)
void rt_mutex_init_at(rt_mutex *mu, const char *class_name, int instance, rt_site site);
void rt_mutex_destroy(rt_mutex *mu);

#define rt_mutex_lock(mu) rt_mutex_lock_at((mu), RT_HERE)
void rt_mutex_lock_at(rt_mutex *mu, rt_site site) ACQUIRE(mu);
/* The release site goes into the history of critical sections (history.h). */
#define rt_mutex_unlock(mu) rt_mutex_unlock_at((mu), RT_HERE)
void rt_mutex_unlock_at(rt_mutex *mu, rt_site site) RELEASE(mu);

/*
 * Put at the top of every function whose name ends in _locked. Tells clang
 * the caller holds mu, and in a running program reports a lockdep finding
 * when the calling thread does not.
 */
#define rt_assert_held(mu) rt_assert_held_at((mu), RT_HERE)
void rt_assert_held_at(rt_mutex *mu, rt_site site) ASSERT_CAPABILITY(mu);

/*
 * Put inside every operation that may wait (RPC call, sleep, queue put/get).
 * Reports a lockdep finding if the calling thread holds any lock.
 */
#define rt_might_block(what) rt_might_block_at((what), RT_HERE)
void rt_might_block_at(const char *what, rt_site site);

/*
 * Around a call from the tester into the peer: the locks the calling
 * thread holds when the call begins are the caller's (the tester keeps its
 * own steps apart with them), and a wait inside the call is not charged to
 * them. A wait under a lock taken inside the call still is. begin returns
 * what end restores.
 */
int rt_callers_locks_begin(void);
void rt_callers_locks_end(int saved);

/* ---- Condition variables ------------------------------------------------- */

typedef struct rt_cond {
	pthread_cond_t c;
} rt_cond;

void rt_cond_init(rt_cond *cv);
void rt_cond_destroy(rt_cond *cv);
/* Wait releases mu and takes it again before returning. Holding any other
 * lock while waiting is a blocking call with a lock held. */
#define rt_cond_wait(cv, mu) rt_cond_wait_at((cv), (mu), RT_HERE)
void rt_cond_wait_at(rt_cond *cv, rt_mutex *mu, rt_site site) REQUIRES(mu);
/* Returns false if the logical timeout passed first. */
#define rt_cond_wait_ms(cv, mu, ms) rt_cond_wait_ms_at((cv), (mu), (ms), RT_HERE)
bool rt_cond_wait_ms_at(rt_cond *cv, rt_mutex *mu, int64_t ms, rt_site site) REQUIRES(mu);
void rt_cond_signal(rt_cond *cv);
void rt_cond_broadcast(rt_cond *cv);

/* ---- Threads ------------------------------------------------------------- */

/*
 * Start a detached thread. The name and peer (-1 for none) appear in
 * findings and in the watchdog's table. The runtime counts live threads so
 * a test can wait for every thread to finish before it exits.
 */
typedef void (*rt_thread_fn)(void *arg);
void rt_thread_spawn(const char *name, int peer, rt_thread_fn fn, void *arg);
/* A thread that rt_threads_live() does not count (the watchdog). */
void rt_thread_spawn_daemon(const char *name, rt_thread_fn fn, void *arg);
/* Registers the calling thread (the main thread does this in rt_init). */
void rt_thread_adopt(const char *name, int peer);
int rt_threads_live(void);
/* Wait until no spawned thread is live; false if logical ms passed first. */
bool rt_threads_wait_quiet(int64_t ms);
/* The peer the calling thread works for, or -1. */
int rt_thread_peer(void);
const char *rt_thread_name(void);

/* ---- Schedule noise and randomness --------------------------------------- */

/* A noise point: with the configured probability, yield or sleep briefly. */
void rt_noise(void);
/* A longer hold-up, for where the world may move on while a thread is
 * away (a reply on its way back, an apply on its way to the service):
 * with the configured probability, a seeded delay in [1, max_ms] logical
 * ms, else 0. The caller does the waiting. */
int64_t rt_noise_hold_ms(int64_t max_ms);
/* Told of every long split-point pause (preempt.c), before the thread
 * sleeps it: a peer's own thread let go of a peer's lock and takes it
 * again at once, and will be away pause_us logical microseconds. The
 * harness uses it to crash that peer in the gap (config_split_crash.c).
 * Called from the pausing thread with no runtime lock held; it must not
 * block. NULL, the default, to stop. */
typedef void (*rt_split_pause_hook)(int lock_instance, int64_t pause_us);
void rt_set_split_pause_hook(rt_split_pause_hook hook);
/* Per-thread pseudo-random numbers, derived from the seed. No locking. */
uint64_t rt_rand(void);
/* Uniform in [lo, hi). */
int64_t rt_rand_range(int64_t lo, int64_t hi);

/* ---- Introspection for the watchdog -------------------------------------- */

enum rt_wait_kind {
	RT_WAIT_NONE,
	RT_WAIT_MUTEX,   /* blocked acquiring wait_lock */
	RT_WAIT_COND,    /* in a condition-variable wait */
	RT_WAIT_SLEEP,
	RT_WAIT_RPC,     /* in an RPC call; wait_thread is the handler thread slot or -1 */
	RT_WAIT_QUEUE,   /* on a queue; wait_thread is the thread that takes from it, or -1 */
};

/* Mark the calling thread as waiting (for waits the runtime cannot see
 * itself, such as an RPC). rt_wait_end clears it. */
void rt_wait_begin(enum rt_wait_kind kind, const char *what, int wait_thread, rt_site site);
void rt_wait_end(void);
/* The calling thread's slot number, used as wait_thread by others. */
int rt_thread_slot(void);

/* Print every live thread, the locks it holds (since when, taken where) and
 * what it waits on. Returns true if it found a wait-for cycle (a deadlock),
 * describing the cycle in *cycle (may be NULL). */
bool rt_dump_threads(FILE *out, char *cycle, size_t cycle_len);
/* The same, returning 0 for no cycle or else a number naming the cycle's
 * threads and the waits they are in: equal on two looks means the same
 * waits, none ended in between (a deadlock, not a torn read). */
uint64_t rt_dump_threads_signed(FILE *out, char *cycle, size_t cycle_len);
/* Where a thread is stuck: the wait of a thread in a wait-for cycle, else
 * the longest mutex wait. False if no thread waits in either way. */
bool rt_stuck_site(rt_site *site);
/* Where a peer's thread that outlived its peer is stuck: the longest wait
 * of any kind among live peer threads. False if none of them waits. */
bool rt_leftover_site(rt_site *site);
/* Where the thread in slot waits, of any kind. False if it does not. */
bool rt_wait_site_of(int slot, rt_site *site);
/* The longest wait for a mutex of any live thread: how long in logical ms,
 * which thread (slot, -1 if none waits) and since when. The same slot and
 * since_ms on two looks mean one wait seen twice. */
typedef struct rt_mutex_stall {
	int64_t ms;
	int slot;
	int64_t since_ms;
} rt_mutex_stall;
rt_mutex_stall rt_longest_mutex_wait(void);

#endif
