/*
 * Findings: one structured line per problem, for people and for the checker.
 *
 * Every detector inside the program (lockdep, the invariant checks, the
 * harness's checks, the watchdog) reports through rt_finding(). Each call
 * writes exactly one line to stderr:
 *
 *   RRL-FINDING {"detector":"lockdep","kind":"missing-lock",...}
 *
 * The JSON object's fields are documented in docs/findings.md.
 */
#ifndef RT_FINDING_H
#define RT_FINDING_H

#include <stdint.h>

#include "history.h"
#include "rt.h"

#define RT_FINDING_PREFIX "RRL-FINDING "

/* The Raft locking rule a finding breaks (the numbering of the locking
 * advice); RULE_OTHER for a bug no rule names. */
enum rt_rule {
	RULE_OTHER = 0,
	RULE_SHARED_DATA_UNLOCKED = 1,   /* shared data used without the lock */
	RULE_WRITES_SPLIT = 2,           /* a write sequence split across sections */
	RULE_CHECK_THEN_ACT_SPLIT = 3,   /* a read-check-write split across sections */
	RULE_LOCK_HELD_WHILE_WAITING = 4,/* a lock held over an RPC, queue or sleep */
	RULE_STALE_AFTER_REACQUIRE = 5,  /* trusting state read before re-locking */
};

/* For peer and term when a finding is about no one peer or term. */
#define FINDING_NO_PEER (-1)
#define FINDING_NO_TERM (-1)

typedef struct rt_finding_info {
	const char *detector;  /* lockdep | invariants | watchdog */
	const char *kind;      /* e.g. missing-lock, blocking-with-lock, lock-order */
	enum rt_rule rule;
	int peer;              /* FINDING_NO_PEER if unknown */
	int64_t term;          /* FINDING_NO_TERM if unknown */
	rt_site site;          /* primary location; file may be NULL */
	char **stack;          /* optional raw frames ("binary(+0x1a2b) [0x..]") */
	int nstack;
	/* Optional, for findings about the protocol (the invariants): */
	int64_t index;         /* the log index involved; 0 if none */
	const int *peers;      /* every peer involved */
	int npeers;
	const rt_history *history; /* what led to it; also written into "details" */
} rt_finding_info;

/* Report one finding; message is printf-style. Safe from any thread. */
void rt_finding(const rt_finding_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like rt_finding, with extra lines of detail (a lock table, a cycle) kept
 * in the JSON as "details". */
void rt_finding_details(const rt_finding_info *info, const char *details,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like rt_finding, with the calling thread's stack in info->stack, less
 * the innermost `skip` frames of the caller's own (the reporting code). */
void rt_finding_with_stack(rt_finding_info *info, int skip, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Number of findings reported so far by this process. */
int rt_findings_count(void);

#endif
