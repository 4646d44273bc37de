/*
 * Parsers: each turns one detector's own output into findings.
 * All of them append to *out (de-duplicating with ck_findings_add_unique)
 * and return the number of reports they read, or -1 if the input was not
 * in the expected format at all (the caller reports that as an error).
 */
#ifndef CK_PARSERS_H
#define CK_PARSERS_H

#include "finding.h"

/* ThreadSanitizer's text reports (clang's and gcc's runtimes), as written
 * to its log_path file: every report kind (data race, lock-order inversion,
 * thread leak, mutex misuse, use after free, signal-unsafe call, ...).
 * Other output mixed in is ignored. -1 also when TSan could not start
 * (FATAL) or announced reports the text does not hold. */
int ck_parse_tsan(const char *text, uint64_t seed, ck_findings *out);

/* Helgrind's XML (--xml=yes), read with libxml2. text_log, if not NULL,
 * is Helgrind's plain-text output of a run of the same program, used for
 * what the XML lacks: a lock-order inversion's first acquisition in the
 * observed order, and the locks' names. A file cut short yields the errors
 * written before the cut; -1 if it is not Helgrind's XML at all. */
int ck_parse_helgrind_xml(const char *xml_path, const char *text_log, uint64_t seed,
			  ck_findings *out);

/* clang's -Wthread-safety warnings, as printed on stderr. -1 also when
 * clang reported a compile error (the analysis did not cover the file). */
int ck_parse_clang_warnings(const char *text, ck_findings *out);

/* The program's own RRL-FINDING lines (docs/findings.md), read with
 * jansson: detectors lockdep, invariants and watchdog. */
int ck_parse_finding_lines(const char *text, ck_findings *out);

#endif
