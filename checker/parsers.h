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
 * thread leak, mutex misuse, use after free, signal-unsafe call, ...). */
int ck_parse_tsan(const char *text, uint64_t seed, ck_findings *out);

/* Helgrind's XML (--xml=yes), read with libxml2. text_log, if not NULL,
 * is Helgrind's plain-text output of the same run, used for details the
 * XML lacks (the lock-order inversion's second stack). */
int ck_parse_helgrind_xml(const char *xml_path, const char *text_log, uint64_t seed,
			  ck_findings *out);

/* clang's -Wthread-safety warnings, as printed on stderr. */
int ck_parse_clang_warnings(const char *text, ck_findings *out);

/* The program's own RRL-FINDING lines (docs/findings.md), read with
 * jansson: detectors lockdep, invariants and watchdog. */
int ck_parse_finding_lines(const char *text, ck_findings *out);

#endif
