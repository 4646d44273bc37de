/*
 * Lockdep: each thread's held locks, checked for five kinds of mistake.
 *
 *   missing-lock        a _locked function was entered without its lock
 *                       (rule 1: shared data used without the lock);
 *   blocking-with-lock  a blocking operation (RPC call, sleep, queue,
 *                       condition wait) ran while a lock was held (rule 4);
 *   lock-order          two lock classes were taken in both orders, or two
 *                       locks of one class were held at once: a deadlock
 *                       waiting for the right schedule (rule 4);
 *   double-lock         a thread acquired a lock it already holds (rule 4);
 *   unlock-not-held     a thread released a lock it does not hold.
 *
 * The lock-order graph is over classes ("raft.mu"), not instances, as in
 * the Linux kernel's lockdep: one bad order anywhere means a deadlock is
 * possible between any two instances.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "history.h"
#include "rt_internal.h"

#define MAX_CLASSES 64

static _Atomic(const char *) class_names[MAX_CLASSES];
/* Bit j of rt_lock_after[i]: a lock of class j was taken while holding class i. */
atomic_uint_least64_t rt_lock_after[MAX_CLASSES];
size_t rt_lock_after_size = sizeof rt_lock_after;

int rt_lock_class_id(const char *class_name)
{
	for (int i = 0; i < MAX_CLASSES; i++) {
		const char *name = atomic_load_explicit(&class_names[i], memory_order_relaxed);
		if (name == NULL) {
			const char *expected = NULL;
			if (atomic_compare_exchange_strong_explicit(&class_names[i], &expected,
								    class_name,
								    memory_order_relaxed,
								    memory_order_relaxed))
				return i;
			name = expected;
		}
		if (strcmp(name, class_name) == 0)
			return i;
	}
	fprintf(stderr, "rt: more than %d lock classes\n", MAX_CLASSES);
	abort();
}

const char *rt_lock_class_name(int id)
{
	return atomic_load_explicit(&class_names[id], memory_order_relaxed);
}

void rt_describe_lock(const rt_mutex *mu, char *buf, size_t len)
{
	if (mu->instance >= 0)
		snprintf(buf, len, "%s (peer %d)", mu->class_name, mu->instance);
	else
		snprintf(buf, len, "%s", mu->class_name);
}

/* ---- Reporting, once per kind and place ---------------------------------- */

#define SEEN_SLOTS 512
static atomic_uint_least64_t seen[SEEN_SLOTS];

static bool first_time(const char *kind, rt_site site, const rt_held_lock *h)
{
	uint64_t key = 1469598103934665603ULL;
	const char *parts[] = {kind, site.file ? site.file : "", h ? h->site.file : ""};
	for (size_t p = 0; p < 3; p++)
		for (const char *c = parts[p]; *c; c++)
			key = (key ^ (uint8_t)*c) * 1099511628211ULL;
	key = (key ^ (uint64_t)site.line) * 1099511628211ULL;
	if (h)
		key = (key ^ (uint64_t)h->site.line) * 1099511628211ULL;
	key |= 1;

	for (int i = 0; i < SEEN_SLOTS; i++) {
		atomic_uint_least64_t *slot = &seen[(key + (uint64_t)i) % SEEN_SLOTS];
		uint64_t expected = 0;
		if (atomic_compare_exchange_strong_explicit(slot, &expected, key,
							    memory_order_relaxed,
							    memory_order_relaxed))
			return true;
		if (expected == key)
			return false;
	}
	return false;
}

static void report(const char *kind, enum rt_rule rule, int peer, rt_site site, const char *msg)
{
	rt_finding_info info = {
		.detector = "lockdep",
		.kind = kind,
		.rule = rule,
		.peer = peer,
		.term = FINDING_NO_TERM,
		.site = site,
	};
	/* Skip this function and the rt_ entry point that called it. */
	rt_finding_with_stack(&info, 2, "%s", msg);
}

static void describe_held(const rt_held_lock *h, char *buf, size_t len)
{
	char name[64];
	rt_describe_lock(h->mu, name, sizeof name);
	snprintf(buf, len, "%s, taken at %s:%d in %s()", name, h->site.file, h->site.line,
		 h->site.func);
}

/* ---- Held-lock tracking -------------------------------------------------- */

static rt_held_lock *find_held(rt_thread_rec *self, const rt_mutex *mu)
{
	for (int i = self->nheld - 1; i >= 0; i--)
		if (self->held[i].mu == mu)
			return &self->held[i];
	return NULL;
}

void rt_lockdep_acquired(rt_mutex *mu, rt_site site)
{
	rt_thread_rec *self = rt_self();
	if (self->nheld == RT_MAX_HELD) {
		fprintf(stderr, "rt: thread %s holds more than %d locks\n", self->name, RT_MAX_HELD);
		abort();
	}
	int64_t now_us = rt_now_us();
	/* Field by field: a whole-struct store of this size becomes a memset
	 * or memcpy call, which TSan intercepts even from this uninstrumented
	 * file, and would report against the peer's lock call. */
	rt_held_lock *h = &self->held[self->nheld++];
	h->mu = mu;
	h->since_ms = now_us / 1000;
	h->since_us = now_us;
	h->seq = rt_history_wants(mu) ? rt_history_stamp() : 0;
	h->instance = mu->instance;
	h->class_name = mu->class_name;
	h->site = site;
	h->nthrough = 0;
	h->saved = false;
}

/* dst = src without a libc call (see rt_lockdep_acquired). */
static void copy_held(rt_held_lock *dst, const rt_held_lock *src)
{
	const char *s = (const char *)src;
	volatile char *d = (volatile char *)dst;
	for (size_t i = 0; i < sizeof *dst; i++)
		d[i] = s[i];
}

void rt_lockdep_released(rt_mutex *mu, rt_site site)
{
	rt_thread_rec *self = rt_self();
	rt_held_lock *h = find_held(self, mu);
	if (h == NULL) {
		char name[64], msg[160];
		rt_describe_lock(mu, name, sizeof name);
		snprintf(msg, sizeof msg, "released %s, which this thread does not hold", name);
		if (first_time("unlock-not-held", (rt_site){0}, NULL))
			report("unlock-not-held", RULE_OTHER, mu->instance, (rt_site){0}, msg);
		return;
	}
	rt_history_cs(mu, h, site);
	rt_preempt_released(mu);
	int i = (int)(h - self->held);
	for (; i + 1 < self->nheld; i++) /* not memmove: see copy_str in thread.c */
		copy_held(&self->held[i], &self->held[i + 1]);
	self->nheld--;
}

void rt_assert_held_at(rt_mutex *mu, rt_site site)
{
	rt_held_lock *h = find_held(rt_self(), mu);
	if (h != NULL) {
		rt_history_through(h, site);
		return;
	}
	if (!first_time("missing-lock", site, NULL))
		return;
	char name[64], msg[256];
	rt_describe_lock(mu, name, sizeof name);
	snprintf(msg, sizeof msg, "%s() requires %s, but the calling thread does not hold it",
		 site.func, name);
	report("missing-lock", RULE_SHARED_DATA_UNLOCKED, mu->instance, site, msg);
}

void rt_might_block_at(const char *what, rt_site site)
{
	rt_thread_rec *self = rt_self();
	/* A thread that let go of a lock to do something that may wait is
	 * doing what it should, even if this time it did not wait: its split
	 * point pauses only briefly (preempt.c). */
	self->may_have_waited_since_release = true;
	if (self->nheld <= self->callers_held)
		return; /* no lock, or only the caller's (rt_callers_locks_begin) */
	rt_held_lock *h = &self->held[self->nheld - 1];
	if (!first_time("blocking-with-lock", site, h))
		return;
	char held[192], msg[320];
	describe_held(h, held, sizeof held);
	snprintf(msg, sizeof msg, "%s in %s() while holding %s", what, site.func, held);
	report("blocking-with-lock", RULE_LOCK_HELD_WHILE_WAITING, h->mu->instance, site, msg);
}

int rt_callers_locks_begin(void)
{
	rt_thread_rec *self = rt_self();
	int saved = self->callers_held;
	self->callers_held = self->nheld;
	return saved;
}

void rt_callers_locks_end(int saved)
{
	rt_self()->callers_held = saved;
}

/* ---- Lock order ---------------------------------------------------------- */

/* Is there a path from class `from` to class `to` in the order graph? */
static bool reachable(int from, int to)
{
	uint64_t visited = 0, frontier = 1ULL << from;
	while (frontier) {
		int c = __builtin_ctzll(frontier);
		frontier &= frontier - 1;
		if (c == to)
			return true;
		if (visited & (1ULL << c))
			continue;
		visited |= 1ULL << c;
		frontier |= atomic_load_explicit(&rt_lock_after[c], memory_order_relaxed) & ~visited;
	}
	return false;
}

static void check_order(const rt_held_lock *h, rt_mutex *mu, rt_site site)
{
	int held_class = h->mu->class_id, new_class = mu->class_id;
	char held[192], msg[448];
	describe_held(h, held, sizeof held);

	if (held_class == new_class) {
		if (first_time("lock-order", site, h)) {
			snprintf(msg, sizeof msg,
				 "two locks of class %s held at once: acquiring peer %d's in %s() "
				 "while holding %s",
				 mu->class_name, mu->instance, site.func, held);
			report("lock-order", RULE_LOCK_HELD_WHILE_WAITING, mu->instance, site, msg);
		}
		return;
	}
	uint64_t bit = 1ULL << new_class;
	uint64_t old = atomic_fetch_or_explicit(&rt_lock_after[held_class], bit,
						memory_order_relaxed);
	if ((old & bit) == 0 && reachable(new_class, held_class) &&
	    first_time("lock-order", site, h)) {
		snprintf(msg, sizeof msg,
			 "lock-order inversion: %s acquired in %s() while holding %s, "
			 "but elsewhere %s is taken before %s",
			 mu->class_name, site.func, held, mu->class_name, h->mu->class_name);
		report("lock-order", RULE_LOCK_HELD_WHILE_WAITING, mu->instance, site, msg);
	}
}

void rt_lockdep_before_acquire(rt_mutex *mu, rt_site site)
{
	rt_thread_rec *self = rt_self();
	for (int i = 0; i < self->nheld; i++) {
		rt_held_lock *h = &self->held[i];
		if (h->mu == mu) {
			char held[192], msg[320];
			describe_held(h, held, sizeof held);
			snprintf(msg, sizeof msg,
				 "%s() acquires a lock the thread already holds (%s): "
				 "it will wait for itself forever",
				 site.func, held);
			if (first_time("double-lock", site, h))
				report("double-lock", RULE_LOCK_HELD_WHILE_WAITING, mu->instance, site, msg);
			continue;
		}
		check_order(h, mu, site);
	}
}
