/*
 * What led to a finding: each peer's recent critical sections, as the
 * runtime saw them, and recent notes about it (the messages it sent and
 * received, its Starts and applies), merged into one interleaving.
 *
 * The runtime records a critical section when its lock is released: which
 * thread held it, where it was taken and released, when, and the _locked
 * functions it ran on the way (each one's rt_assert_held, the first
 * RT_THROUGH_MAX of them): a section taken in the ticker that went through
 * become_candidate_locked() says so. Only the
 * locks the peers made themselves are kept (not those made in platform/ or
 * harness/), for instances 0..RT_HISTORY_PEERS-1, the last RT_HISTORY_CS
 * of each lock, and the last sections a peer ran before its latest crash
 * (rt_history_crashed). The harness adds notes with rt_history_note.
 *
 * A collected history also shows the sections that threads hold at the
 * moment it is read (not released yet), and the last few sections of the
 * thread collecting it, which each thread keeps apart: an oracle reports
 * from the thread that did the deed, and the first half of its split
 * section is what the story turns on, however busy the others were.
 *
 * A collected history shows, of the critical sections a thread ran at the
 * same two lines, only the newest, with the number of earlier ones: a
 * ticker's hundred identical sections say less than the one handler that
 * released its lock in the middle of a decision.
 *
 * Every event gets a number from one global counter, so events of
 * different threads and peers can be put in one order: if one event
 * happened before another, its number is smaller.
 *
 * Like the rest of the runtime's bookkeeping, the records are invisible to
 * ThreadSanitizer and Helgrind (see track.c): keeping them adds no
 * happens-before edge between threads. A history read while threads run
 * is a snapshot; a record being overwritten at that moment is skipped.
 */
#ifndef RT_HISTORY_H
#define RT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt.h"

#define RT_HISTORY_PEERS 16
#define RT_HISTORY_CS 32
#define RT_HISTORY_NOTES 64
#define RT_HISTORY_TEXT 200
#define RT_HISTORY_THREAD 32
#define RT_THROUGH_MAX 6
/* Entries one collected history holds at most. */
#define RT_HISTORY_MAX 96

typedef struct rt_history_entry {
	uint64_t seq; /* the event; for a critical section, the acquire */
	int64_t t_us; /* logical microseconds since rt_init */
	int peer;
	char thread[RT_HISTORY_THREAD];
	uint64_t thread_id; /* tells apart threads of the same name */
	bool is_cs;
	/* A critical section: */
	const char *lock;     /* its lock's class name ("raft.mu") */
	uint64_t release_seq; /* 0: still held when the history was read */
	int64_t release_t_us;
	rt_site acquire;
	rt_site release;
	int nthrough;
	rt_site through[RT_THROUGH_MAX];
	int repeats; /* earlier ones of this thread at the same lines */
	bool saved;  /* the peer's state was saved in it (rt_history_saving) */
	/* A note: */
	char text[RT_HISTORY_TEXT];
} rt_history_entry;

typedef struct rt_history {
	int n;
	rt_history_entry entries[RT_HISTORY_MAX];
} rt_history;

/* Add a note to peer's history; printf-style. Ignored for peers outside
 * 0..RT_HISTORY_PEERS-1. Never blocks. */
void rt_history_note(int peer, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The next number of the global event order. */
uint64_t rt_history_stamp(void);

/*
 * The last per_peer critical sections and the last per_peer notes of each
 * of the given peers, oldest first (by seq). Fills h, which the caller
 * allocates (it is large: malloc it).
 */
void rt_history_collect(rt_history *h, const int *peers, int npeers, int per_peer);

/*
 * The calling thread is saving its peer's state (the persister calls
 * this): the sections of peers' locks it holds are marked as saving it.
 */
void rt_history_saving(void);

/*
 * peer has crashed: keep the last sections it ran (folded, as a collection
 * shows them) and the last ones that saved its state, until it crashes
 * again, and show them in every collection.
 * A bug in what a peer saves shows only after its restart, by when those
 * sections have long left the rings. Called by the one thread that
 * crashes peers.
 */
void rt_history_crashed(int peer);

/* h as text, one event per line, oldest first; returns the length. */
size_t rt_history_format(const rt_history *h, char *buf, size_t len);

/* Forget every record (for tests that check one history). */
void rt_history_reset(void);

#endif
