/*
 * What the parser tests share: reading the captured detector outputs in
 * tests/checker/fixtures/ (README.md there says how each was made) and
 * looking findings up by kind and location.
 *
 * Fixture paths hold absolute prefixes (/work/main/..., /tmp/...) that
 * differ between machines: the tests compare path suffixes only.
 */
#ifndef PARSER_FIXTURES_H
#define PARSER_FIXTURES_H

#include <CUnit/CUnit.h>
#include <stdbool.h>

#include "finding.h"

/* CU_ASSERT_STRING_EQUAL that fails, instead of crashing, on NULL. */
#define ASSERT_STR_EQ(actual, expected)                                                            \
	CU_ASSERT_STRING_EQUAL((actual) ? (actual) : "(null)", expected)

/* tests/checker/fixtures/<name> (or $CK_FIXTURES/<name>), malloc'd. */
char *fixture_path(const char *name);
/* The fixture's contents, malloc'd; an empty string (and a failed CUnit
 * assertion naming the file) if it cannot be read. */
char *fixture_text(const char *name);

/* Does s end with suffix? false for NULL. */
bool ends_with(const char *s, const char *suffix);
/* How many findings of this kind the list has. */
int count_kind(const ck_findings *list, const char *kind);
/* The first finding of kind whose primary location's file ends with
 * file_suffix at line (any line if 0), or NULL. */
const ck_finding *find_at(const ck_findings *list, const char *kind, const char *file_suffix,
			  int line);
/* The first stack of f whose title starts with prefix, or NULL. */
const ck_stack *stack_titled(const ck_finding *f, const char *prefix);
/* Has stack s a frame in function at a file ending with file_suffix, at
 * line (any line if 0)? */
bool has_frame(const ck_stack *s, const char *function, const char *file_suffix, int line);

#endif
