/*
 * Naming what a data race is about in the words of the code: the field
 * (rf->role, not "heap block of size 304, offset 208") and the locks each
 * side held (rf->mu, not TSan's M0).
 */
#ifndef CK_RACE_NAMES_H
#define CK_RACE_NAMES_H

#include "finding.h"

/*
 * For every data race in list:
 *   - a variable in a heap block becomes the field at its offset, read
 *     from binary's debug information (libdw): the struct of the block's
 *     size that the functions at the race's sides or its allocation site
 *     point to, and its member at that offset. The source line of a side
 *     gives the expression ("rf->role"); without one it is "role (in
 *     struct raft)". When the struct is not certain, the text stays.
 *     The field's guard is the lock member declared nearest above it in
 *     its struct ("rf->mu"), the convention the peer's lock protocol is
 *     written in; none when no lock is above it;
 *   - a lock TSan calls M0 becomes the expression its creation site
 *     passed to the call that made it ("rf->mu"), from the source line.
 * The message is then written again (ck_race_message). Source files are
 * read at the paths the detector printed. binary may be NULL: only the
 * locks are named.
 */
void ck_name_races(ck_findings *list, const char *binary);

/* The first argument of the call to callee on line, without a leading
 * '&' ("rf->mu" from "rt_mutex_init(&rf->mu, \"raft.mu\", me);"), or NULL. */
char *ck_call_argument(const char *line, const char *callee);
/* The expression on line that reaches field path through a pointer
 * ("rf->reported.term" for path "reported.term"), or NULL. */
char *ck_field_expression(const char *line, const char *path);

#endif
