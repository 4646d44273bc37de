/*
 * The checker's results: for each target (a Raft tree or a small program)
 * and each detector, the runs made, the findings, and how they compare
 * with what was expected. Written out as a terminal table, JSON and JUnit.
 */
#ifndef CK_REPORT_H
#define CK_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "finding.h"

typedef enum ck_variant {
	CK_REFERENCE,
	CK_BUGGY,
	CK_FIXED,
	CK_SUBMISSION,
	CK_PROGRAM, /* one of the small pthread programs in tests/programs */
} ck_variant;

const char *ck_variant_name(ck_variant v);

/* A line the exercise's bug is on: "raft/election.c" and a line number. */
typedef struct ck_bug_line {
	char *file;
	int line;
} ck_bug_line;

/* A function that holds a bug line: "raft/role.c" and its name. */
typedef struct ck_bug_function {
	char *file;
	char *name;
} ck_bug_function;

/* Exercise metadata (exercise.json beside the tree's raft/ directory;
 * format in checker/README.md). */
typedef struct ck_exercise {
	char *id;
	char *title;
	int rule;
	int grade;
	char *bug_class;
	char *source; /* its entry in shared/real-bugs.md ("R3-02"), or NULL */
	bool expected[CK_NDETECTORS]; /* detectors that must catch the bug */
	ck_bug_line *bug_lines;
	size_t nbug_lines;
	ck_bug_function *bug_functions; /* optional: derived from bug_lines by the build */
	size_t nbug_functions;
	char *scenarios; /* -run regex for the runs, or NULL */
	char *helgrind_scenarios; /* -run regex under Helgrind, or NULL: scenarios */
} ck_exercise;

/* Load exercise metadata; NULL with a message in err (size errlen) if the
 * file is missing fields or is not valid JSON. */
ck_exercise *ck_exercise_load(const char *path, char *err, size_t errlen);
void ck_exercise_free(ck_exercise *ex);

typedef struct ck_detector_result {
	bool enabled;
	int runs;	      /* runs made (1 for static) */
	int detected;	      /* runs with at least one finding */
	ck_findings findings; /* de-duplicated across runs */
	double *detect_s;     /* per detecting run: seconds to the first finding */
	size_t ndetect_s;
	char *error; /* the detector could not run (build failed, ...) */
} ck_detector_result;

typedef enum ck_verdict {
	CK_CLEAN,      /* nothing found, nothing expected */
	CK_CAUGHT,     /* found, and expected (pointing at the bug when lines are known) */
	CK_MISSED,     /* expected, not found (or found elsewhere than the bug) */
	CK_UNEXPECTED, /* found, not expected */
	CK_ERROR,      /* could not run */
	CK_SKIPPED,    /* not enabled */
} ck_verdict;

const char *ck_verdict_name(ck_verdict v);

/* A scenario a sandboxed check's plain runs were to run, and in how many
 * of them it passed (the runner's verdicts, from their own channel). */
typedef struct ck_scenario {
	char *name;
	int runs;
	int passed;
} ck_scenario;

typedef struct ck_target_result {
	char *target; /* path or name as the user gave it */
	char *path;   /* absolute: the tree, or the program's .c file */
	ck_variant variant;
	ck_exercise *exercise; /* NULL when no metadata */
	char *build_error;     /* compiler output if the build failed */
	ck_detector_result det[CK_NDETECTORS];
	/* Runs that were the same run as another target's (share.h), made
	 * once for both; and those targets, as given. */
	int shared_runs;
	char **shared_with;
	size_t nshared_with;
	/* Hunt tests that failed only a time check (a too-slow finding): not
	 * judged, since the hunt's own pauses take part of that time. */
	int hunt_too_slow;
	ck_scenario *scenarios; /* sandboxed checks only; else none */
	char *sandbox;		/* how it was sandboxed ("bwrap"), or NULL: it was not */
	size_t nscenarios;
} ck_target_result;

typedef struct ck_report {
	ck_target_result *targets;
	size_t ntargets;
	/* How the check was made, for the outputs to state. */
	uint64_t seed_first, seed_last; /* 0 when not known */
	int helgrind_seeds;		/* Helgrind ran only the first this many (0: all) */
	double hunt_noise;		/* the hunt's noise (hunt.h); 0: no hunt ran */
	char *started;			/* UTC, "2025-11-22T04:11:22", or NULL */
	double seconds;			/* how long the check took, 0 if not known */
	char *command;			/* the checker's command line, or NULL */
	/* The same command for one seed: repeat_head, then "-s S-S", then
	 * repeat_tail (ck_repeat_command); NULL when not known. */
	char *repeat_head, *repeat_tail;
	bool student; /* show only what a student may see before solving: no rule,
		       * no bug line, no metadata, no expected/unexpected */
} ck_report;

/* Set points_at_bug and on_bug_line on every finding of t from its
 * exercise's bug lines and their functions. */
void ck_grade(ck_target_result *t);
ck_verdict ck_detector_verdict(const ck_target_result *t, ck_detector d);
/* Median of d's detect_s, or -1 when it never detected. */
double ck_median_detect_s(const ck_detector_result *d);
/* How many seeds reported a finding that points at the bug (after
 * ck_grade). */
int ck_detected_at_bug(const ck_detector_result *d);
int ck_detected_on_bug_line(const ck_detector_result *d);

/* The command that runs seed alone, as the report's command did
 * (malloc'd), or NULL. */
char *ck_repeat_command(const ck_report *r, uint64_t seed);

/* The process exit status: 0 clean or as expected, 1 findings or
 * unexpected results, 2 a usage or build error. */
int ck_exit_status(const ck_report *r);

/* Outputs. Each returns 0, or -1 with a message on stderr. */
int ck_write_json(const ck_report *r, const char *path);
int ck_write_junit(const ck_report *r, const char *path);
/* SARIF 2.1.0, for code scanning: report_sarif.c. */
int ck_write_sarif(const ck_report *r, const char *path);
/* One self-contained HTML page for a student: report_html.c. */
int ck_write_html(const ck_report *r, const char *path);
void ck_print_table(const ck_report *r, FILE *out, bool colour);
/* The student's report (r->student): see report_student.c. */
void ck_print_student(const ck_report *r, FILE *out, bool colour);

#endif
