/*
 * Runtime internals shared by the files in platform/rt/.
 *
 * Each live thread owns one record in a fixed table. The owner writes its
 * record without locks; the watchdog reads every record to print who holds
 * what. Those reads race with the writes on purpose: they are a diagnostic
 * snapshot taken when something is already stuck. This file's code is built
 * without TSan instrumentation and the table is excluded from Helgrind, so
 * neither detector sees (or is disturbed by) the bookkeeping.
 */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "history.h"
#include "rt.h"

#define RT_MAX_THREADS 4096
#define RT_MAX_HELD 8
#define RT_NAME_LEN 48
#define RT_WHAT_LEN 80

typedef struct rt_held_lock {
	rt_mutex *mu;
	int64_t since_ms;
	int64_t since_us;
	uint64_t seq;    /* its place in the history's order, 0 if not recorded */
	/* Copied from mu, so the history can show a section still held
	 * without touching the lock. */
	int instance;
	const char *class_name;
	rt_site site;
	/* The rt_assert_held sites reached while it is held: the entries of
	 * the _locked functions this section ran, first ones first. */
	int nthrough;
	rt_site through[RT_THROUGH_MAX];
	bool saved; /* the peer's state was saved while it was held */
} rt_held_lock;

typedef struct rt_thread_rec {
	atomic_int in_use;

	uint64_t id;        /* unique for the process's life (slots are reused) */
	char name[RT_NAME_LEN];
	int peer;
	uint64_t rng;

	/* The lock this thread released last, when, and whether the thread
	 * has waited for anything but a mutex since (preempt.c). */
	const rt_mutex *last_released;
	int64_t last_release_us;
	bool waited_since_release;
	/* Whether it has called anything that may wait (rt_might_block)
	 * since, even if the call did not have to wait. */
	bool may_have_waited_since_release;
	/* When this thread's last split-point pause ended (logical). */
	int64_t split_pause_end_us;

	/* Locks this thread holds, in acquisition order. The first
	 * callers_held of them are a caller's outside the code under test
	 * (rt_callers_locks_begin): no wait is charged to them. */
	rt_held_lock held[RT_MAX_HELD];
	int nheld;
	int callers_held;

	/* What this thread is blocked on, if anything (the outermost of
	 * wait_depth nested waits). The watchdog reads these from another
	 * thread without a lock: wait_kind (an enum rt_wait_kind) is written
	 * last with release order and read first with acquire order, so a
	 * reader that sees a wait also sees when and where it began. */
	int wait_depth;
	atomic_int wait_kind;
	const rt_mutex *wait_lock;
	int wait_thread;
	uint64_t wait_thread_id; /* its id: the slot may be reused once it ends */
	char wait_what[RT_WHAT_LEN];
	int64_t wait_since_ms;
	rt_site wait_site;
} rt_thread_rec;

extern rt_thread_rec rt_threads[RT_MAX_THREADS];

/* The calling thread's record (adopting the thread if it has none). */
rt_thread_rec *rt_self(void);

/* Clock in real nanoseconds, unscaled. */
int64_t rt_real_ns(void);
/* Logical microseconds since rt_init. */
int64_t rt_now_us(void);
/* Sleep for real nanoseconds, unscaled, with no bookkeeping. */
void rt_real_sleep_ns(int64_t ns);

/* Record that the calling thread waits to acquire mu. */
void rt_wait_begin_lock(const rt_mutex *mu, rt_site site);

/* Lockdep hooks called by the mutex and condition-variable code. */
void rt_lockdep_acquired(rt_mutex *mu, rt_site site);
void rt_lockdep_released(rt_mutex *mu, rt_site site);
void rt_lockdep_before_acquire(rt_mutex *mu, rt_site site);
int rt_lock_class_id(const char *class_name);
const char *rt_lock_class_name(int id);

/* "raft.mu (peer 2)" into buf. */
void rt_describe_lock(const rt_mutex *mu, char *buf, size_t len);

/* history.c: is a lock made at site one whose critical sections go into
 * the history (not trusted code's)? Does mu keep history? Record one
 * critical section, just before mu is released at release. Note that the
 * section h passed an rt_assert_held at site. */
bool rt_history_site_kept(rt_site site);
bool rt_history_wants(const rt_mutex *mu);
void rt_history_cs(const rt_mutex *mu, const rt_held_lock *h, rt_site release);
void rt_history_through(rt_held_lock *h, rt_site site);
void rt_history_hide_from_helgrind(void);

/* preempt.c: the preemption points (a scheduler can later own them).
 * init: a new mutex; waiting: delta threads start or stop trying to take
 * mu; released: the calling thread released mu. The two decisions return
 * how long to step aside (real ns, 0 for not at all): reacquire, before
 * the calling thread takes mu; release, before it releases mu (decided
 * while mu is still valid; the thread steps aside after releasing). */
void rt_preempt_init(rt_mutex *mu);
void rt_preempt_waiting(rt_mutex *mu, int delta);
void rt_preempt_released(rt_mutex *mu);
int64_t rt_preempt_reacquire(rt_mutex *mu);
int64_t rt_preempt_release(rt_mutex *mu);

/* Seeds the calling thread's random stream. */
void rt_rng_seed_thread(rt_thread_rec *rec, uint64_t stream);

/* Set by rt_init. */
extern uint64_t rt_global_seed;
extern double rt_global_noise;
extern double rt_global_scale;
extern int64_t rt_global_run_start_ns;
extern int rt_global_findings_fd; /* rt_options.findings_fd, or stderr */

#endif
