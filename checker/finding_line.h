/*
 * One finding as one line of text, the same in the terminal table and in
 * the JUnit failure text:
 *   tsan data-race rule 1 raft/election.c:88 count_vote — message
 *   invariants check-failed rule 0 tests/test_3a.c:23 test_initial_election — message (in
 *   the plain and tsan runs)
 * A finding of lockdep, the invariants or the watchdog says which runs
 * reported it.
 */
#ifndef CK_FINDING_LINE_H
#define CK_FINDING_LINE_H

#include "finding.h"

/* A malloc'd line (no newline; the message's newlines become spaces). */
char *ck_finding_line(const ck_finding *f);
/* The same without the rule, for a student (rrl-check --student):
 *   tsan data-race raft/election.c:88 count_vote — message */
char *ck_finding_line_for_student(const ck_finding *f);
/* "raft/election.c:88" for a frame: peer files relative, other files
 * relative to the current directory (the project root) when under it, the
 * line when known; "(no location)" when the file is unknown. malloc'd. */
char *ck_frame_location(const ck_frame *f);

#endif
