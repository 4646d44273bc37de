/*
 * Building checker results in memory for the grading and output tests:
 * findings, stacks, exercises and targets, without running a detector.
 */
#ifndef REPORT_BUILDER_H
#define REPORT_BUILDER_H

#include <stdio.h>

#include "report.h"

/* A finding of detector d at file:line in function (any may be NULL / 0). */
ck_finding rb_finding(ck_detector d, const char *kind, int rule, const char *file, int line,
		      const char *function, const char *message);
/* Append a stack titled title with a copy of frames[0..nframes). */
void rb_add_stack(ck_finding *f, const char *title, int nframes, const ck_frame *frames);
/* An exercise with one bug line "file:line" and the given expected detectors. */
ck_exercise *rb_exercise(const char *id, const char *file, int line,
			 const bool expected[CK_NDETECTORS]);
/* A target with every detector enabled, one run each, nothing found. */
void rb_target(ck_target_result *t, const char *name, ck_variant v, ck_exercise *ex);
/* Add f to t's detector f.detector and count one detecting run taking s seconds. */
void rb_add_finding(ck_target_result *t, ck_finding f, double s);
void rb_target_free(ck_target_result *t);
/* The first finding of kind (any kind if NULL) among the finding lines of
 * the parser fixture named fixture; kind is NULL in the result if none is. */
ck_finding rb_fixture_line_finding(const char *fixture, const char *kind);
/* A new empty temporary file's path (malloc'd), ending in suffix. */
char *rb_temp_path(const char *suffix);
/* What print (ck_print_table, ck_print_student) writes of r to a file, as
 * text (malloc'd): a file, not a terminal, so 120 columns and no probing. */
char *rb_printed(void (*print)(const ck_report *, FILE *, bool), const ck_report *r, bool colour);
/* Free a report built with these helpers: its targets and strings. */
void rb_report_free(ck_report *r);
/* The exit status of tests/checker/schemas/validate.py SCHEMA path: 0
 * when the document keeps to the schema. Its errors go to stderr unless
 * quiet (for a document meant to fail). */
int rb_validate(const char *schema, const char *path, bool quiet);

#endif
