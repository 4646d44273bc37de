/*
 * The history behind findings (see history.h): a ring of recent critical
 * sections per lock, a ring of recent notes per peer, and each peer's last
 * sections before it crashed.
 *
 * Many threads write a ring at once (the notes of one peer, or the
 * critical sections of two instances of one peer's lock after a restart),
 * so a writer claims its slot with an atomic increment. A record is marked
 * invalid while it is written and stamped valid afterwards; a reader keeps
 * it only if the stamp is the same before and after copying it. Like the
 * thread table, this file is built without TSan instrumentation and its
 * tables are hidden from Helgrind, so none of this synchronises anything
 * the detectors can see. Strings are copied with loops, not libc calls,
 * because TSan intercepts libc even from uninstrumented code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <valgrind/helgrind.h>

#include "history.h"
#include "rt_internal.h"

/* Lock classes beyond this many keep no history. */
#define HISTORY_CLASSES 32
/* Sections still held that one collection shows at most, per peer. */
#define RT_HISTORY_HELD 16
/* Each thread's own last sections, kept apart for the histories it collects. */
#define RT_HISTORY_OWN 4
/* Sections kept from before a peer's latest crash: the newest, and the
 * newest that saved its state (what the next instance starts from). */
#define RT_HISTORY_LAST_NEWEST 8
#define RT_HISTORY_LAST_SAVING 4
#define RT_HISTORY_LAST_WORDS (RT_HISTORY_LAST_NEWEST + RT_HISTORY_LAST_SAVING)

typedef struct cs_record {
	atomic_uint_least64_t valid; /* seq once written, 0 while being written */
	uint64_t release_seq;
	int64_t t_us, release_t_us;
	uint64_t thread_id;
	char thread[RT_HISTORY_THREAD];
	rt_site acquire, release;
	int nthrough;
	rt_site through[RT_THROUGH_MAX];
	bool saved;
} cs_record;

typedef struct cs_ring {
	atomic_uint_least64_t head;
	cs_record recs[RT_HISTORY_CS];
} cs_ring;

/* The last sections of one lock that saved the peer's state: kept apart,
 * so that a busy peer's other sections do not push them out. */
typedef struct saving_ring {
	atomic_uint_least64_t head;
	cs_record recs[RT_HISTORY_LAST_SAVING];
} saving_ring;

typedef struct note_record {
	atomic_uint_least64_t valid; /* seq once written, 0 while being written */
	int64_t t_us;
	uint64_t thread_id;
	char thread[RT_HISTORY_THREAD];
	char text[RT_HISTORY_TEXT];
} note_record;

typedef struct note_ring {
	atomic_uint_least64_t head;
	note_record recs[RT_HISTORY_NOTES];
} note_ring;

/* Each thread's own last sections of peers' locks, in its slot's ring:
 * written and read only by that thread (thread_id tells apart an earlier
 * thread of the same slot). */
typedef struct own_ring {
	atomic_uint_least64_t head;
	cs_record recs[RT_HISTORY_OWN];
	const char *lock[RT_HISTORY_OWN];
	int peer[RT_HISTORY_OWN];
} own_ring;

/* What a peer ran last before its latest crash, taken from the rings by
 * the one thread that crashes peers; version is odd while it writes. */
typedef struct last_words {
	atomic_uint_least64_t version;
	int n;
	rt_history_entry entries[RT_HISTORY_LAST_WORDS];
} last_words;

static cs_ring cs_rings[HISTORY_CLASSES][RT_HISTORY_PEERS];
static saving_ring saving_rings[HISTORY_CLASSES][RT_HISTORY_PEERS];
static note_ring note_rings[RT_HISTORY_PEERS];
static last_words last_words_of[RT_HISTORY_PEERS];
static own_ring own_rings[RT_MAX_THREADS];
static atomic_uint_least64_t history_clock;

/* Source directories of the trusted code: its critical sections are not
 * the peer's and would only crowd the peer's out. */
static const char *const trusted_dirs[] = {"platform/", "harness/"};

uint64_t rt_history_stamp(void)
{
	return atomic_fetch_add_explicit(&history_clock, 1, memory_order_relaxed) + 1;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < cap; i++)
		((volatile char *)dst)[i] = src[i];
	((volatile char *)dst)[i] = '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (*s != *prefix)
			return false;
	return true;
}

static bool trusted_site(rt_site site)
{
	if (site.file == NULL)
		return true;
	for (size_t i = 0; i < sizeof trusted_dirs / sizeof trusted_dirs[0]; i++)
		if (starts_with(site.file, trusted_dirs[i]))
			return true;
	return false;
}

bool rt_history_site_kept(rt_site site)
{
	return !trusted_site(site);
}

bool rt_history_wants(const rt_mutex *mu)
{
	return mu->history && mu->instance >= 0 && mu->instance < RT_HISTORY_PEERS &&
	       mu->class_id < HISTORY_CLASSES;
}

/* Write section h, released at site as event release_seq, into the ring
 * whose head is head and whose records are recs[size]; returns the record. */
static cs_record *write_cs(atomic_uint_least64_t *head, cs_record *recs, size_t size,
		     const rt_held_lock *h, rt_site release, uint64_t release_seq,
		     int64_t release_t_us)
{
	uint64_t k = atomic_fetch_add_explicit(head, 1, memory_order_relaxed);
	cs_record *r = &recs[k % size];
	atomic_store_explicit(&r->valid, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	r->release_seq = release_seq;
	r->t_us = h->since_us;
	r->release_t_us = release_t_us;
	r->thread_id = rt_self()->id;
	copy_text(r->thread, sizeof r->thread, rt_self()->name);
	r->acquire = h->site;
	r->release = release;
	r->nthrough = h->nthrough;
	for (int i = 0; i < h->nthrough; i++)
		r->through[i] = h->through[i];
	r->saved = h->saved;
	atomic_store_explicit(&r->valid, h->seq, memory_order_release);
	return r;
}

/* Called with mu still held, just before it is released at site. */
void rt_history_cs(const rt_mutex *mu, const rt_held_lock *h, rt_site release)
{
	if (h->seq == 0 || !rt_history_wants(mu))
		return;
	uint64_t release_seq = rt_history_stamp();
	int64_t release_t_us = rt_now_us();
	cs_ring *ring = &cs_rings[mu->class_id][mu->instance];
	write_cs(&ring->head, ring->recs, RT_HISTORY_CS, h, release, release_seq, release_t_us);
	if (h->saved) {
		saving_ring *saving = &saving_rings[mu->class_id][mu->instance];
		write_cs(&saving->head, saving->recs, RT_HISTORY_LAST_SAVING, h, release,
			 release_seq, release_t_us);
	}
	own_ring *own = &own_rings[rt_thread_slot()];
	cs_record *r =
	    write_cs(&own->head, own->recs, RT_HISTORY_OWN, h, release, release_seq, release_t_us);
	own->lock[r - own->recs] = mu->class_name;
	own->peer[r - own->recs] = mu->instance;
}

static bool same_site(rt_site a, rt_site b)
{
	return a.line == b.line && a.file == b.file;
}

/* Called by the thread that holds h, so no other writer; the history
 * reads it racily, like the rest of a held section (read_held). */
void rt_history_through(rt_held_lock *h, rt_site site)
{
	if (h->seq == 0 || h->nthrough == RT_THROUGH_MAX)
		return;
	for (int i = 0; i < h->nthrough; i++)
		if (same_site(h->through[i], site))
			return;
	h->through[h->nthrough] = site;
	h->nthrough++;
}

void rt_history_saving(void)
{
	rt_thread_rec *self = rt_self();
	for (int i = 0; i < self->nheld && i < RT_MAX_HELD; i++)
		if (self->held[i].seq != 0)
			self->held[i].saved = true;
}

void rt_history_note(int peer, const char *fmt, ...)
{
	if (peer < 0 || peer >= RT_HISTORY_PEERS)
		return;
	char text[RT_HISTORY_TEXT];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);

	note_ring *ring = &note_rings[peer];
	uint64_t k = atomic_fetch_add_explicit(&ring->head, 1, memory_order_relaxed);
	note_record *r = &ring->recs[k % RT_HISTORY_NOTES];
	atomic_store_explicit(&r->valid, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	r->t_us = rt_now_us();
	r->thread_id = rt_self()->id;
	copy_text(r->thread, sizeof r->thread, rt_self()->name);
	copy_text(r->text, sizeof r->text, text);
	atomic_store_explicit(&r->valid, rt_history_stamp(), memory_order_release);
}

/* ---- Reading ------------------------------------------------------------- */

/* Copy a record's fields into e; false if it changed meanwhile. */
static bool read_cs(const cs_record *r, int peer, const char *lock, rt_history_entry *e)
{
	uint64_t seq = atomic_load_explicit(&r->valid, memory_order_acquire);
	if (seq == 0)
		return false;
	e->seq = seq;
	e->t_us = r->t_us;
	e->peer = peer;
	e->thread_id = r->thread_id;
	copy_text(e->thread, sizeof e->thread, r->thread);
	e->is_cs = true;
	e->repeats = 0;
	e->lock = lock;
	e->release_seq = r->release_seq;
	e->release_t_us = r->release_t_us;
	e->acquire = r->acquire;
	e->release = r->release;
	e->nthrough = r->nthrough < RT_THROUGH_MAX ? r->nthrough : RT_THROUGH_MAX;
	for (int i = 0; i < e->nthrough; i++)
		e->through[i] = r->through[i];
	e->saved = r->saved;
	e->text[0] = '\0';
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&r->valid, memory_order_relaxed) == seq;
}

static bool read_note(const note_record *r, int peer, rt_history_entry *e)
{
	uint64_t seq = atomic_load_explicit(&r->valid, memory_order_acquire);
	if (seq == 0)
		return false;
	e->seq = seq;
	e->t_us = r->t_us;
	e->peer = peer;
	e->thread_id = r->thread_id;
	copy_text(e->thread, sizeof e->thread, r->thread);
	e->is_cs = false;
	e->repeats = 0;
	e->lock = NULL;
	e->release_seq = 0;
	e->release_t_us = 0;
	e->acquire = e->release = (rt_site){0};
	e->nthrough = 0;
	e->saved = false;
	copy_text(e->text, sizeof e->text, r->text);
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&r->valid, memory_order_relaxed) == seq;
}

/* The sections of peer's locks that live threads hold right now: the
 * newest part of the story, not yet recorded in any ring. Racy reads of
 * other threads' records, like the watchdog's: a snapshot. */
static int read_held(int peer, rt_history_entry *e, int cap)
{
	int n = 0;
	for (int s = 0; s < RT_MAX_THREADS && n < cap; s++) {
		const rt_thread_rec *r = &rt_threads[s];
		if (atomic_load_explicit(&r->in_use, memory_order_relaxed) == 0)
			continue;
		int nheld = r->nheld < RT_MAX_HELD ? r->nheld : RT_MAX_HELD;
		for (int i = 0; i < nheld && n < cap; i++) {
			const rt_held_lock *h = &r->held[i];
			if (h->seq == 0 || h->instance != peer)
				continue;
			rt_history_entry *x = &e[n++];
			x->seq = h->seq;
			x->t_us = h->since_us;
			x->peer = peer;
			x->thread_id = r->id;
			copy_text(x->thread, sizeof x->thread, r->name);
			x->is_cs = true;
			x->lock = h->class_name;
			x->release_seq = 0;
			x->release_t_us = 0;
			x->acquire = h->site;
			x->release = (rt_site){0};
			x->nthrough = h->nthrough < RT_THROUGH_MAX ? h->nthrough : RT_THROUGH_MAX;
			for (int t = 0; t < x->nthrough; t++)
				x->through[t] = h->through[t];
			x->saved = h->saved;
			x->repeats = 0;
			x->text[0] = '\0';
		}
	}
	return n;
}

static void copy_entry(rt_history_entry *dst, const rt_history_entry *src)
{
	const char *s = (const char *)src;
	char *d = (char *)dst;
	for (size_t i = 0; i < sizeof *dst; i++)
		d[i] = s[i];
}

/* Insertion sort by seq: the lists are short. */
static void sort_by_seq(rt_history_entry *e, int n)
{
	rt_history_entry tmp;
	for (int i = 1; i < n; i++) {
		copy_entry(&tmp, &e[i]);
		int j = i - 1;
		for (; j >= 0 && e[j].seq > tmp.seq; j--)
			copy_entry(&e[j + 1], &e[j]);
		copy_entry(&e[j + 1], &tmp);
	}
}

/* The same lines and the same functions on the way: a ticker's idle
 * sections fold together, the one that started an election does not. */
static bool same_section(const rt_history_entry *a, const rt_history_entry *b)
{
	if (!(a->is_cs && b->is_cs && a->thread_id == b->thread_id && a->lock == b->lock &&
	      same_site(a->acquire, b->acquire) && same_site(a->release, b->release) &&
	      a->nthrough == b->nthrough && a->saved == b->saved))
		return false;
	for (int i = 0; i < a->nthrough; i++)
		if (!same_site(a->through[i], b->through[i]))
			return false;
	return true;
}

/* Of the sections one thread ran at the same lines, keep the newest and
 * count the others; tmp is sorted by seq. Returns the new count. */
static int fold_repeats(rt_history_entry *tmp, int n)
{
	int kept = 0; /* tmp[n - kept .. n) are kept, newest last */
	for (int i = n - 1; i >= 0; i--) {
		int j = n - kept;
		for (; j < n && !same_section(&tmp[j], &tmp[i]); j++)
			;
		if (j < n) {
			tmp[j].repeats += 1 + tmp[i].repeats;
			continue;
		}
		kept++;
		copy_entry(&tmp[n - kept], &tmp[i]);
	}
	for (int i = 0; i < kept; i++)
		copy_entry(&tmp[i], &tmp[n - kept + i]);
	return kept;
}

/* Append to h the newest `keep` of the n entries in tmp. Leaves tmp
 * sorted and folded; returns how many entries that left. */
static int keep_newest(rt_history *h, rt_history_entry *tmp, int n, int keep)
{
	sort_by_seq(tmp, n);
	n = fold_repeats(tmp, n);
	for (int i = n > keep ? n - keep : 0; i < n && h->n < RT_HISTORY_MAX; i++)
		copy_entry(&h->entries[h->n++], &tmp[i]);
	return n;
}

/* Every recorded section of peer's locks into e, or (saving) only the
 * last ones that saved its state; returns how many. */
static int read_sections(int peer, bool saving, rt_history_entry *e)
{
	int n = 0;
	for (int c = 0; c < HISTORY_CLASSES; c++) {
		const char *lock = rt_lock_class_name(c);
		if (lock == NULL)
			break;
		const cs_record *recs = saving ? saving_rings[c][peer].recs : cs_rings[c][peer].recs;
		int size = saving ? RT_HISTORY_LAST_SAVING : RT_HISTORY_CS;
		for (int i = 0; i < size; i++)
			if (read_cs(&recs[i], peer, lock, &e[n]))
				n++;
	}
	return n;
}

/* The calling thread's own last sections of peer's locks into e (room for
 * RT_HISTORY_OWN); returns how many. */
static int read_own(int peer, rt_history_entry *e)
{
	const own_ring *own = &own_rings[rt_thread_slot()];
	uint64_t me = rt_self()->id;
	int n = 0;
	for (int i = 0; i < RT_HISTORY_OWN; i++)
		if (own->peer[i] == peer && own->lock[i] != NULL &&
		    read_cs(&own->recs[i], peer, own->lock[i], &e[n]) && e[n].thread_id == me)
			n++;
	return n;
}

/* Does h show e already: the same event, or a newer section of the same
 * thread at the same lines (which e was folded into)? */
static bool already_shown(const rt_history *h, const rt_history_entry *e)
{
	for (int i = 0; i < h->n; i++)
		if (h->entries[i].seq == e->seq || same_section(&h->entries[i], e))
			return true;
	return false;
}

void rt_history_crashed(int peer)
{
	if (peer < 0 || peer >= RT_HISTORY_PEERS)
		return;
	rt_history_entry *tmp = malloc(sizeof *tmp * HISTORY_CLASSES * RT_HISTORY_CS);
	rt_history *newest = malloc(sizeof *newest);
	rt_history *saving = malloc(sizeof *saving);
	if (tmp != NULL && newest != NULL && saving != NULL) {
		newest->n = saving->n = 0;
		keep_newest(newest, tmp, read_sections(peer, false, tmp), RT_HISTORY_LAST_NEWEST);
		keep_newest(saving, tmp, read_sections(peer, true, tmp), RT_HISTORY_LAST_SAVING);
		for (int i = 0; i < saving->n; i++)
			if (!already_shown(newest, &saving->entries[i]))
				copy_entry(&newest->entries[newest->n++], &saving->entries[i]);
		last_words *w = &last_words_of[peer];
		atomic_fetch_add_explicit(&w->version, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_release);
		w->n = newest->n;
		for (int i = 0; i < newest->n; i++)
			copy_entry(&w->entries[i], &newest->entries[i]);
		atomic_fetch_add_explicit(&w->version, 1, memory_order_release);
	}
	free(saving);
	free(newest);
	free(tmp);
}

/* peer's last words into e (room for RT_HISTORY_LAST_WORDS); returns how
 * many, 0 if they were being written meanwhile. */
static int read_last_words(int peer, rt_history_entry *e)
{
	const last_words *w = &last_words_of[peer];
	uint64_t version = atomic_load_explicit(&w->version, memory_order_acquire);
	if (version % 2 != 0)
		return 0;
	int n = w->n < RT_HISTORY_LAST_WORDS ? w->n : RT_HISTORY_LAST_WORDS;
	for (int i = 0; i < n; i++)
		copy_entry(&e[i], &w->entries[i]);
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&w->version, memory_order_relaxed) == version ? n : 0;
}

void rt_history_collect(rt_history *h, const int *peers, int npeers, int per_peer)
{
	h->n = 0;
	int cap = HISTORY_CLASSES * RT_HISTORY_CS + RT_HISTORY_NOTES + RT_HISTORY_HELD;
	rt_history_entry *tmp = malloc(sizeof *tmp * (size_t)cap);
	if (tmp == NULL)
		return;
	for (int k = 0; k < npeers; k++) {
		int p = peers[k];
		if (p < 0 || p >= RT_HISTORY_PEERS)
			continue;
		int n = read_sections(p, false, tmp);
		n += read_held(p, &tmp[n], RT_HISTORY_HELD);
		n = keep_newest(h, tmp, n, per_peer);
		/* The collecting thread's own last sections, however busy the
		 * others were: an oracle reports from the thread that did the
		 * deed, and a split section's first half is what the story
		 * turns on. */
		n = read_own(p, tmp);
		for (int i = 0; i < n && h->n < RT_HISTORY_MAX; i++)
			if (!already_shown(h, &tmp[i]))
				copy_entry(&h->entries[h->n++], &tmp[i]);
		n = 0;
		for (int i = 0; i < RT_HISTORY_NOTES; i++)
			if (read_note(&note_rings[p].recs[i], p, &tmp[n]))
				n++;
		keep_newest(h, tmp, n, per_peer);
		/* What it ran before it last crashed, however much it ran since. */
		n = read_last_words(p, tmp);
		for (int i = 0; i < n && h->n < RT_HISTORY_MAX; i++)
			if (!already_shown(h, &tmp[i]))
				copy_entry(&h->entries[h->n++], &tmp[i]);
	}
	free(tmp);
	sort_by_seq(h->entries, h->n);
}

static const char *func_or(const rt_site *s)
{
	return s->func ? s->func : "?";
}

/* ", through f() file:line, g() file:line" for the _locked functions a
 * section ran, or "". */
static void format_through(const rt_history_entry *e, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < e->nthrough && used < len; i++) {
		const rt_site *s = &e->through[i];
		int w =
		    snprintf(buf + used, len - used, "%s %s() %s:%d", i == 0 ? ", through" : ",",
			     func_or(s), s->file ? s->file : "?", s->line);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

size_t rt_history_format(const rt_history *h, char *buf, size_t len)
{
	size_t used = 0;
	if (len > 0)
		buf[0] = '\0';
	for (int i = 0; i < h->n && used < len; i++) {
		const rt_history_entry *e = &h->entries[i];
		char through[RT_THROUGH_MAX * 256];
		format_through(e, through, sizeof through);
		const char *saving = e->saved ? ", saving the peer's state" : "";
		int w;
		if (e->is_cs && e->release_seq == 0) {
			w = snprintf(buf + used, len - used,
				     "#%llu t=%.6f peer %d [%s, thread %llu] %s held, not released "
				     "yet: locked at %s:%d %s()%s%s\n",
				     (unsigned long long)e->seq, (double)e->t_us / 1e6, e->peer,
				     e->thread, (unsigned long long)e->thread_id, e->lock,
				     e->acquire.file ? e->acquire.file : "?", e->acquire.line,
				     func_or(&e->acquire), through, saving);
		} else if (e->is_cs) {
			char repeats[64] = "";
			if (e->repeats > 0)
				snprintf(repeats, sizeof repeats,
					 " (and %d time%s before at these lines)", e->repeats,
					 e->repeats > 1 ? "s" : "");
			w = snprintf(buf + used, len - used,
				     "#%llu t=%.6f peer %d [%s, thread %llu] %s held until #%llu "
				     "(%.6f s): locked at %s:%d %s()%s%s, unlocked at %s:%d %s()%s\n",
				     (unsigned long long)e->seq, (double)e->t_us / 1e6, e->peer,
				     e->thread, (unsigned long long)e->thread_id, e->lock,
				     (unsigned long long)e->release_seq,
				     (double)(e->release_t_us - e->t_us) / 1e6,
				     e->acquire.file ? e->acquire.file : "?", e->acquire.line,
				     func_or(&e->acquire), through, saving,
				     e->release.file ? e->release.file : "?", e->release.line,
				     func_or(&e->release), repeats);
		} else
			w = snprintf(buf + used, len - used,
				     "#%llu t=%.6f peer %d [%s, thread %llu] %s\n",
				     (unsigned long long)e->seq, (double)e->t_us / 1e6, e->peer,
				     e->thread, (unsigned long long)e->thread_id, e->text);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return used < len ? used : (len > 0 ? len - 1 : 0);
}

void rt_history_reset(void)
{
	for (int c = 0; c < HISTORY_CLASSES; c++)
		for (int p = 0; p < RT_HISTORY_PEERS; p++) {
			for (int i = 0; i < RT_HISTORY_CS; i++)
				atomic_store_explicit(&cs_rings[c][p].recs[i].valid, 0,
						      memory_order_relaxed);
			atomic_store_explicit(&cs_rings[c][p].head, 0, memory_order_relaxed);
			for (int i = 0; i < RT_HISTORY_LAST_SAVING; i++)
				atomic_store_explicit(&saving_rings[c][p].recs[i].valid, 0,
						      memory_order_relaxed);
			atomic_store_explicit(&saving_rings[c][p].head, 0, memory_order_relaxed);
		}
	for (int p = 0; p < RT_HISTORY_PEERS; p++) {
		for (int i = 0; i < RT_HISTORY_NOTES; i++)
			atomic_store_explicit(&note_rings[p].recs[i].valid, 0,
					      memory_order_relaxed);
		atomic_store_explicit(&note_rings[p].head, 0, memory_order_relaxed);
		last_words_of[p].n = 0;
	}
	for (int t = 0; t < RT_MAX_THREADS; t++)
		for (int i = 0; i < RT_HISTORY_OWN; i++)
			atomic_store_explicit(&own_rings[t].recs[i].valid, 0, memory_order_relaxed);
}

void rt_history_hide_from_helgrind(void)
{
	VALGRIND_HG_DISABLE_CHECKING(cs_rings, sizeof cs_rings);
	VALGRIND_HG_DISABLE_CHECKING(saving_rings, sizeof saving_rings);
	VALGRIND_HG_DISABLE_CHECKING(own_rings, sizeof own_rings);
	VALGRIND_HG_DISABLE_CHECKING(note_rings, sizeof note_rings);
	VALGRIND_HG_DISABLE_CHECKING(last_words_of, sizeof last_words_of);
	VALGRIND_HG_DISABLE_CHECKING(&history_clock, sizeof history_clock);
}
