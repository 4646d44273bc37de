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

/* Rule numbers from the Raft locking advice; 0 = other. */
enum { RULE_OTHER = 0 };

typedef struct rt_finding_info {
	const char *detector;  /* lockdep | invariants | watchdog */
	const char *kind;      /* e.g. missing-lock, blocking-with-lock, lock-order */
	int rule;              /* 1..5, or 0 */
	int peer;              /* -1 if unknown */
	int64_t term;          /* -1 if unknown */
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

/* Number of findings reported so far by this process. */
int rt_findings_count(void);

#endif
