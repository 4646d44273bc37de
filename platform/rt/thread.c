/*
 * Threads: every thread the program starts goes through here, so the
 * runtime can name it, give it a random stream, track its locks and count
 * it until it finishes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "track.h"
#include "xalloc.h"

#if defined(__SANITIZE_THREAD__)
#define RT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RT_TSAN 1
#endif
#endif

rt_thread_rec rt_threads[RT_MAX_THREADS];

static atomic_int live_threads;
static atomic_uint_least64_t spawn_sequence;
static atomic_int next_slot_hint;
static _Thread_local int my_slot = -1;

struct start_args {
	rt_thread_fn fn;
	void *arg;
	char name[RT_NAME_LEN];
	int peer;
	uint64_t stream;
	bool counted;
};

/* Copy a string into the thread table. Not snprintf: TSan intercepts libc
 * calls even from uninstrumented code, and the table must stay invisible. */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < cap; i++)
		((volatile char *)dst)[i] = src[i];
	((volatile char *)dst)[i] = '\0';
}

static int claim_slot(void)
{
	int start = atomic_fetch_add_explicit(&next_slot_hint, 1, memory_order_relaxed);
	for (int i = 0; i < RT_MAX_THREADS; i++) {
		int slot = (start + i) % RT_MAX_THREADS;
		int expected = 0;
		if (atomic_compare_exchange_strong_explicit(&rt_threads[slot].in_use, &expected, 1,
							    memory_order_relaxed,
							    memory_order_relaxed))
			return slot;
	}
	fprintf(stderr, "rt: more than %d live threads; is a thread loop not exiting?\n",
		RT_MAX_THREADS);
	abort();
}

static void register_self(const char *name, int peer, uint64_t stream)
{
	int slot = claim_slot();
	rt_thread_rec *rec = &rt_threads[slot];
	copy_str(rec->name, sizeof rec->name, name);
	rec->id = stream;
	rec->peer = peer;
	rec->nheld = 0;
	rec->callers_held = 0;
	rec->last_released = NULL;
	rec->split_pause_end_us = INT64_MIN / 2; /* long ago: it may pause at once */
	atomic_store_explicit(&rec->wait_kind, RT_WAIT_NONE, memory_order_relaxed);
	rec->wait_depth = 0;
	rt_rng_seed_thread(rec, stream);
	my_slot = slot;
}

static void unregister_self(void)
{
	atomic_store_explicit(&rt_threads[my_slot].in_use, 0, memory_order_relaxed);
	my_slot = -1;
}

void rt_thread_adopt(const char *name, int peer)
{
	if (my_slot < 0)
		register_self(name, peer,
			      atomic_fetch_add_explicit(&spawn_sequence, 1, memory_order_relaxed));
}

rt_thread_rec *rt_self(void)
{
	if (my_slot < 0)
		rt_thread_adopt("unnamed", -1);
	return &rt_threads[my_slot];
}

int rt_thread_slot(void)
{
	rt_self();
	return my_slot;
}

int rt_thread_peer(void)
{
	return rt_self()->peer;
}

const char *rt_thread_name(void)
{
	return rt_self()->name;
}

/*
 * The names a thread goes by. The system's, which a debugger shows, is cut
 * to the 15 characters a thread name may have: the peer and the role,
 * "p2 election tic". ThreadSanitizer keeps the name it sees set, up to 63
 * characters, and prints it in its reports; so a TSan build sets the whole
 * name afterwards, "peer 2, election ticker", as the reports' timelines
 * say it. The system refuses that one (ERANGE) and keeps the short name.
 */
static void name_os_thread(const char *name, int peer)
{
	char full[80], os_name[16];
	if (peer >= 0)
		snprintf(full, sizeof full, "p%d %s", peer, name);
	else
		snprintf(full, sizeof full, "%s", name);
	memcpy(os_name, full, sizeof os_name - 1);
	os_name[sizeof os_name - 1] = '\0';
	pthread_setname_np(pthread_self(), os_name);
#ifdef RT_TSAN
	if (peer >= 0)
		snprintf(full, sizeof full, "peer %d, %s", peer, name);
	pthread_setname_np(pthread_self(), full);
#endif
}

static void *thread_main(void *p)
{
	struct start_args a = *(struct start_args *)p;
	free(p);
	register_self(a.name, a.peer, a.stream);
	name_os_thread(a.name, a.peer);
	a.fn(a.arg);
	unregister_self();
	if (a.counted) {
		rt_track_thread_finished();
		atomic_fetch_sub_explicit(&live_threads, 1, memory_order_relaxed);
	}
	return NULL;
}

static void spawn(const char *name, int peer, rt_thread_fn fn, void *arg, bool counted)
{
	struct start_args *a = xcalloc(1, sizeof *a);
	a->fn = fn;
	a->arg = arg;
	snprintf(a->name, sizeof a->name, "%s", name);
	a->peer = peer;
	a->stream = atomic_fetch_add_explicit(&spawn_sequence, 1, memory_order_relaxed);
	a->counted = counted;

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (counted)
		atomic_fetch_add_explicit(&live_threads, 1, memory_order_relaxed);
	pthread_t t;
	int err = pthread_create(&t, &attr, thread_main, a);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		fprintf(stderr, "rt_thread_spawn(%s): pthread_create failed: %s\n", name,
			strerror(err));
		abort();
	}
}

void rt_thread_spawn(const char *name, int peer, rt_thread_fn fn, void *arg)
{
	spawn(name, peer, fn, arg, true);
}

void rt_thread_spawn_daemon(const char *name, rt_thread_fn fn, void *arg)
{
	spawn(name, -1, fn, arg, false);
}

int rt_threads_live(void)
{
	return atomic_load_explicit(&live_threads, memory_order_relaxed);
}

bool rt_threads_wait_quiet(int64_t ms)
{
	int64_t deadline = rt_now_ms() + ms;
	while (rt_threads_live() > 0) {
		if (rt_now_ms() >= deadline)
			return false;
		rt_real_sleep_ns(1000000);
	}
	rt_track_all_finished();
	return true;
}

/* Waits nest (an RPC call waits on a condition variable inside); the
 * outermost one says best what the thread is blocked on, so it is kept.
 * Its details are written before wait_kind publishes them. */
static void begin_wait(enum rt_wait_kind kind, const char *what, int wait_thread,
		       const rt_mutex *lock, rt_site site)
{
	rt_thread_rec *rec = rt_self();
	if (kind != RT_WAIT_MUTEX)
		rec->waited_since_release = true;
	if (rec->wait_depth++ > 0)
		return;
	copy_str(rec->wait_what, sizeof rec->wait_what, what);
	rec->wait_thread = wait_thread;
	rec->wait_thread_id = wait_thread >= 0 ? rt_threads[wait_thread].id : 0;
	rec->wait_lock = lock;
	rec->wait_since_ms = rt_now_ms();
	rec->wait_site = site;
	atomic_store_explicit(&rec->wait_kind, kind, memory_order_release);
}

void rt_wait_begin(enum rt_wait_kind kind, const char *what, int wait_thread, rt_site site)
{
	begin_wait(kind, what, wait_thread, NULL, site);
}

void rt_wait_begin_lock(const rt_mutex *mu, rt_site site)
{
	begin_wait(RT_WAIT_MUTEX, mu->class_name, -1, mu, site);
}

void rt_wait_end(void)
{
	rt_thread_rec *rec = rt_self();
	if (--rec->wait_depth == 0)
		atomic_store_explicit(&rec->wait_kind, RT_WAIT_NONE, memory_order_relaxed);
}
