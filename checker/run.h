/*
 * Running processes: each job is one command, started in a process group
 * of its own, with its output captured in files and a time limit after
 * which the whole group is killed. A few jobs run at a time (ck_run_limits);
 * the checker itself stays single-threaded (fork/exec, then waitpid).
 */
#ifndef CK_RUN_H
#define CK_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ck_progress;

typedef struct ck_job {
	/* What to run. */
	char **argv;	   /* NULL-terminated; argv[0] is looked up in PATH */
	char **env;	   /* extra "NAME=value" settings, NULL-terminated, or NULL */
	char *stdout_path; /* where the output goes (NULL: /dev/null) */
	char *stderr_path; /* NULL: the same file as stdout */
	char *results_path;  /* opened as descriptor 3 for the runner's verdicts, or NULL */
	char *findings_path; /* opened as descriptor 4 for its finding lines, or NULL */
	double timeout_s;
	char *label;	   /* for the progress line: "reference tsan seed 3" */
	double estimate_s; /* expected duration: longest jobs start first */
	bool busy;	   /* keeps a CPU busy most of its time (a hunt run, whose noise
			    * spins): such jobs run after all others, at most
			    * busy_parallel at once */
	bool stretched;	   /* sleeps most of its time on a stretched clock (a Helgrind
			    * run, at -scale 8): up to stretched_parallel at once */
	void *ctx;	   /* the caller's */

	/* Set by a done() callback for another job, when this one can no
	 * longer change the outcome: if it has not started it never does
	 * (outcome "skipped", done() is not called); if it runs it is
	 * stopped, and done() is called as for any job. */
	bool cancelled;

	/* How it ended (set by ck_run_jobs). */
	pid_t pid;
	double started_s;    /* monotonic clock */
	double started_wall; /* CLOCK_REALTIME, to compare with file times */
	double elapsed_s;
	int status;	  /* waitpid status */
	bool timed_out;	  /* killed by the checker */
	char outcome[80]; /* set by the done() callback: "clean", "2 findings" */
	char *sandbox_status; /* rrl-sandbox's status file, when it ran in one (sandboxed.h) */
} ck_job;

/* Called after each job ends, in the checker's only thread. */
typedef void (*ck_job_done_fn)(ck_job *job, void *arg);

/* How many jobs run at a time. */
typedef struct ck_run_limits {
	int parallel;		/* jobs at a time */
	int stretched_parallel; /* stretched jobs at a time (0: parallel) */
	int busy_parallel;	/* busy jobs at a time (0: parallel) */
} ck_run_limits;

/* Run jobs[0..n) in two phases, calling done() as each ends. First the
 * jobs that are not busy, longest estimate first: a stretched one while
 * fewer than `stretched_parallel` stretched ones run (it mostly sleeps, so
 * more of them than CPUs still leave the CPUs to spare), any other while
 * fewer than `parallel` jobs of any kind do. Then, once all of them have ended, the busy ones,
 * at most `busy_parallel` at a time and with the machine to themselves: a
 * busy job's time checks are what a loaded machine breaks.
 * Returns 0, or -1 if the checker was interrupted (SIGINT/SIGTERM): every
 * running group is then killed. */
int ck_run_jobs(ck_job **jobs, size_t n, const ck_run_limits *limits,
		struct ck_progress *progress, ck_job_done_fn done, void *arg);

/* The exit code, or 128 + signal; for messages and decisions. */
int ck_job_exit_code(const ck_job *job);

/* Block SIGINT, SIGTERM and SIGCHLD so ck_run_jobs can wait for them;
 * call once at start-up. */
void ck_run_init(void);
/* Was the checker interrupted? */
bool ck_run_interrupted(void);

void ck_job_free(ck_job *job);

#endif
