/*
 * What a report shows of a finding beyond its one line, the same in the
 * terminal (report_student.c) and the HTML page (report_html.c):
 *   - an excerpt of the source around a location, read from the checked
 *     tree (a race's two sides, a finding's place);
 *   - the history that led to an invariant finding as a timeline: one
 *     column per thread, in the order each thread first appears.
 */
#ifndef CK_FINDING_VIEW_H
#define CK_FINDING_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

/* Lines first..first+n-1 of a file, hit the one the frame names. */
typedef struct ck_excerpt {
	int first, hit;
	char **lines; /* without their newlines */
	size_t n;
} ck_excerpt;

/* The frame's line and up to context lines either side, read from the
 * checked tree at tree_path for a peer file (raft/...), else from where
 * the detector said (relative to the project root); false (and x empty)
 * when the file cannot be read or has no such line. */
bool ck_excerpt_read(ck_excerpt *x, const char *tree_path, const ck_frame *f, int context);
void ck_excerpt_free(ck_excerpt *x);

/* An event's thread as a column heading: "peer 2, election ticker". */
char *ck_event_thread(const ck_event *e);
/* What an event says in its column, over several lines:
 *   raft.mu held
 *   from raft/election.c:42 election_ticker()
 *   to raft/election.c:45
 *   through start_election_locked(), persist_locked()
 * or a note's text. */
char *ck_event_text(const ck_event *e);
/* What every view says of a section in which the peer saved its state. */
#define CK_SAVED_NOTE "saving the peer's state"
/* The same on one line, file names without their directories:
 * "raft.mu held, election.c:42-45, election_ticker(), through
 * start_election_locked(), persist_locked()". */
char *ck_event_brief(const ck_event *e);

/* The threads of events, in the order each first appears: at most max
 * malloc'd headings into columns; returns how many. */
size_t ck_timeline_columns(const ck_event *events, size_t n, char **columns, size_t max);
/* The column of e's thread, or -1 when it has none (more threads than
 * columns). */
int ck_timeline_column(char *const *columns, size_t ncolumns, const ck_event *e);

#endif
