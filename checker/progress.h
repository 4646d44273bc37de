/*
 * The progress line on stderr: which run, how many are done, how long
 * the rest should take. On a terminal it is one line rewritten in place;
 * elsewhere (a CI log) a plain line every minute, or with -v one per
 * finished run.
 */
#ifndef CK_PROGRESS_H
#define CK_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct ck_job;
struct ck_run_limits;

typedef struct ck_progress {
	bool enabled;	   /* print anything */
	bool tty;	   /* rewrite one line with \r */
	bool every_run;	   /* a line per finished run (-v) */
	const char *phase; /* "build", "check" */
	size_t total, done;
	int parallel;	   /* runs at a time */
	int stretched_parallel; /* stretched runs at a time */
	int busy_parallel; /* busy runs at a time, in a phase of their own */
	double work_total; /* the runs' estimates, each divided by its phase's
			    * places, summed: seconds of wall time */
	double work_done;
	double started_s;
	double last_draw_s;
	char current[96]; /* the last run that started */
	int running;	  /* runs going on now */
	bool line_shown;  /* a progress line is on the screen */
} ck_progress;

void ck_progress_init(ck_progress *p, bool enabled, bool tty, bool every_run);
/* A new set of runs; ck_run_jobs calls these four. */
void ck_progress_begin(ck_progress *p, struct ck_job **jobs, size_t n,
		       const struct ck_run_limits *limits);
void ck_progress_started(ck_progress *p, const struct ck_job *job);
void ck_progress_finished(ck_progress *p, const struct ck_job *job);
/* The wall time `seconds` of job's work takes, shared with the other
 * runs of its phase (see ck_run_jobs). */
double ck_progress_wall_share(const ck_progress *p, const struct ck_job *job, double seconds);
/* Redraw if due; running = runs going on now, credit = their wall shares
 * of the work they have already done. */
void ck_progress_tick(ck_progress *p, int running, double credit);
void ck_progress_end(ck_progress *p);
/* Set the word shown before the counts ("build", "check"). */
void ck_progress_phase(ck_progress *p, const char *phase);

#endif
