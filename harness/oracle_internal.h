/*
 * The oracle's state, shared by harness/oracle*.c (oracle.h says what each
 * file checks).
 *
 * Every field below is written and read by peers' threads and the test's
 * threads at once, with relaxed atomics and nothing else: a lock, or even
 * an acquire load, would order the peers' threads and hide their data
 * races from TSan. Each fact is one atomic word, set once or raised by
 * compare-and-swap, so two threads recording at once cannot both win. The
 * arrays are hidden from Helgrind, which does not understand atomics (an
 * atomic access cannot race).
 */
#ifndef ORACLE_INTERNAL_H
#define ORACLE_INTERNAL_H

#include <stdatomic.h>

#include "oracle.h"

/* A stored command value is value ^ ORACLE_TAG, so 0 means "none". */
#define ORACLE_TAG 0x9e3779b97f4a7c15ull
/* Critical sections, and notes, shown per peer in a finding: at least
 * this many, and more when fewer peers share the room. */
#define ORACLE_HISTORY_PER_PEER 10
#define ORACLE_HISTORY_EVENTS 30

/*
 * What was first seen at each (term, index): a hash table with open
 * addressing. A slot's key is set once, then its value once; whoever sets
 * the value also sets who. A full table stops recording (checks are
 * skipped, never guessed).
 */
typedef struct oracle_slot {
	_Atomic uint64_t key;	/* term << 32 | index; 0 = free */
	_Atomic uint64_t value; /* command value ^ ORACLE_TAG; 0 = not yet */
	_Atomic int32_t who;	/* 1 + the server that set value */
} oracle_slot;

#define ORACLE_TABLE_SLOTS (1 << 16)

typedef struct oracle_table {
	oracle_slot *slots;
} oracle_table;

struct oracle {
	/* Set by oracle_make; read-only afterwards. */
	int n;
	oracle_report_fn report;
	void *report_ctx;

	atomic_int violations;

	/* Instances and terms (oracle_terms.c), per server. */
	_Atomic uint64_t *instance;   /* generation << 40 | highest term its live
				       * instance sent */
	_Atomic int64_t *earlier_max; /* highest term its crashed instances sent */

	/* Stale replies (oracle_stale.c): [server * ORACLE_NREQUESTS + kind],
	 * generation << 40 | highest term its live instance asked in. */
	_Atomic uint64_t *asked;

	/* Elections (oracle_election.c). */
	_Atomic int32_t *vote_of;    /* [server * MAX_TERM + term]: 1 + whom it voted for */
	_Atomic uint64_t *votes_got; /* [server * MAX_TERM + term]: the voters whose
				      * granted replies were delivered to server */
	_Atomic int32_t *leader_of;  /* [term]: 1 + the server that sent AppendEntries */
	_Atomic int64_t *last_led;   /* [server]: the highest term it led */

	/* Commits (oracle_commit.c). */
	_Atomic int64_t *acked;		 /* [term * n + server]: the highest index server
					  * acknowledged to term's leader, with an entry
					  * of that term there */
	_Atomic int64_t committed;	 /* the highest index known to be committed */
	_Atomic int64_t *commit_term;	 /* [index]: a term by which it was committed */
	_Atomic uint64_t *committed_cmd; /* [index]: the first command applied there */

	/* Entries (oracle_log.c), by (term, index). */
	oracle_table started; /* the command Start returned the key for */
	oracle_table sent;    /* the command first sent at the key */
};

/* oracle.c: report one violation, with the history of the peers involved. */
void oracle_violation(oracle *o, rt_site site, const char *kind, const int *peers, int npeers,
		      int64_t term, int64_t index, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* oracle_terms.c */
bool oracle_instance_live(oracle *o, int server, uint32_t gen);
void oracle_check_sent_term(oracle *o, int server, uint32_t gen, int64_t term, const char *what);
void oracle_check_reply_term(oracle *o, int server, uint32_t gen, int from, int64_t args_term,
			     int64_t reply_term, const char *what);

/* oracle_election.c */
void oracle_check_leader(oracle *o, int leader, int64_t term, const char *what);

/* oracle_log.c */
void oracle_check_entries(oracle *o, int leader, const append_entries_args *args);
uint64_t oracle_entry_value(const log_entry *e);

/* oracle_commit.c */
void oracle_check_announced(oracle *o, int leader, const append_entries_args *args);
void oracle_check_complete(oracle *o, int leader, const append_entries_args *args);

/* Helpers. */
static inline bool oracle_term_ok(int64_t term)
{
	return term >= 1 && term < ORACLE_MAX_TERM;
}

static inline bool oracle_index_ok(int64_t index)
{
	return index >= 1 && index < ORACLE_MAX_INDEX;
}

static inline int64_t oracle_load(_Atomic int64_t *p)
{
	return atomic_load_explicit(p, memory_order_relaxed);
}

/* Raise *p to at least v. */
static inline void oracle_raise(_Atomic int64_t *p, int64_t v)
{
	int64_t cur = atomic_load_explicit(p, memory_order_relaxed);
	while (v > cur && !atomic_compare_exchange_weak_explicit(p, &cur, v, memory_order_relaxed,
								 memory_order_relaxed))
		;
}

#endif
