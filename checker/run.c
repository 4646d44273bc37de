/*
 * The process pool. See run.h.
 *
 * The checker waits for three signals and nothing else: SIGCHLD (a run
 * ended), SIGINT and SIGTERM (the user gave up). They stay blocked and
 * are collected with sigtimedwait, so there are no signal handlers doing
 * work and no race between "check for children" and "go to sleep".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "progress.h"
#include "run.h"

static sigset_t waited_signals;
static sigset_t original_mask;
static bool interrupted;

/* How often the progress line is redrawn while nothing ends. */
#define TICK_S 0.5

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A blocked signal whose action is "ignore" may be dropped; with a
 * handler installed, SIGCHLD always stays pending for sigtimedwait. */
static void no_op(int sig)
{
	(void)sig;
}

void ck_run_init(void)
{
	struct sigaction sa = {.sa_handler = no_op};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&waited_signals);
	sigaddset(&waited_signals, SIGCHLD);
	sigaddset(&waited_signals, SIGINT);
	sigaddset(&waited_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &waited_signals, &original_mask);
}

bool ck_run_interrupted(void)
{
	return interrupted;
}

/* In the child, between fork and exec: a group of its own (so a
 * timeout can kill the run and every process it forked), the signal
 * mask the checker had at start, the output files, the environment. */
static void __attribute__((noreturn)) exec_child(const ck_job *j)
{
	setpgid(0, 0);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &original_mask, NULL);
	int in = open("/dev/null", O_RDONLY);
	const char *out_path = j->stdout_path ? j->stdout_path : "/dev/null";
	int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	int err =
	    j->stderr_path ? open(j->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0666) : dup(out);
	if (in < 0 || out < 0 || err < 0) {
		fprintf(stderr, "rrl-check: cannot open the output files of '%s': %s\n", j->label,
			strerror(errno));
		_exit(127);
	}
	dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	/* The runner's own channels (its -results-fd 3 and -findings-fd 4). */
	const char *channels[] = {j->results_path, j->findings_path};
	for (int k = 0; k < 2; k++) {
		if (channels[k] == NULL)
			continue;
		int fd = open(channels[k], O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0 || dup2(fd, 3 + k) < 0) {
			dprintf(STDERR_FILENO, "rrl-check: cannot open %s: %s\n", channels[k],
				strerror(errno));
			_exit(127);
		}
		if (fd != 3 + k)
			close(fd);
	}
	for (char **e = j->env; e && *e; e++)
		putenv(*e);
	execvp(j->argv[0], j->argv);
	dprintf(STDERR_FILENO, "rrl-check: cannot run %s: %s\n", j->argv[0], strerror(errno));
	_exit(127);
}

static void start(ck_job *j)
{
	fflush(stdout);
	fflush(stderr);
	j->started_s = clock_s(CLOCK_MONOTONIC);
	j->started_wall = clock_s(CLOCK_REALTIME);
	pid_t pid = fork();
	if (pid < 0) {
		perror("rrl-check: fork");
		exit(2);
	}
	if (pid == 0)
		exec_child(j);
	/* Also here, so the group exists before the parent could kill it. */
	setpgid(pid, pid);
	j->pid = pid;
}

/* Does job a start before job b? The waiting runs before the busy ones
 * (two phases, see ck_run_jobs), and within each the longest (Helgrind)
 * first, so they do not end up running alone while the other CPUs idle. */
static bool starts_before(const ck_job *a, const ck_job *b)
{
	if (a->busy != b->busy)
		return !a->busy;
	return a->estimate_s > b->estimate_s;
}

static size_t *start_order(ck_job **jobs, size_t n)
{
	size_t *order = ck_calloc(n > 0 ? n : 1, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && starts_before(jobs[order[k]], jobs[order[k - 1]]); k--) {
			size_t tmp = order[k];
			order[k] = order[k - 1];
			order[k - 1] = tmp;
		}
	return order;
}

typedef struct pool {
	ck_job **running;
	int nrunning;
	int nbusy; /* running jobs that keep a CPU busy (ck_job.busy) */
	int nstretched; /* running jobs on a stretched clock (ck_job.stretched) */
	ck_progress *progress;
	ck_job_done_fn done;
	void *arg;
} pool;

/* A run's leftovers (the test processes it forked) die with it. */
static void finish(pool *p, int slot, int status)
{
	ck_job *j = p->running[slot];
	j->status = status;
	j->elapsed_s = clock_s(CLOCK_MONOTONIC) - j->started_s;
	kill(-j->pid, SIGKILL);
	p->nbusy -= j->busy;
	p->nstretched -= j->stretched;
	p->running[slot] = p->running[--p->nrunning];
	j->outcome[0] = '\0';
	p->done(j, p->arg);
	ck_progress_finished(p->progress, j);
}

static void reap(pool *p)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (int i = 0; i < p->nrunning; i++)
			if (p->running[i]->pid == pid) {
				finish(p, i, status);
				break;
			}
}

/* The checker's last line of defence against a hang the program's own
 * watchdog cannot stop. Returns the seconds until the next deadline. */
static double enforce_timeouts(pool *p)
{
	double now = clock_s(CLOCK_MONOTONIC), next = TICK_S;
	for (int i = 0; i < p->nrunning; i++) {
		ck_job *j = p->running[i];
		double left = j->started_s + j->timeout_s - now;
		if (left <= 0 && !j->timed_out) {
			j->timed_out = true;
			kill(-j->pid, SIGKILL);
		} else if (left > 0 && left < next) {
			next = left;
		}
	}
	return next;
}

static double running_credit(const pool *p)
{
	double now = clock_s(CLOCK_MONOTONIC), credit = 0;
	for (int i = 0; i < p->nrunning; i++) {
		const ck_job *j = p->running[i];
		double ran = now - j->started_s;
		credit += ck_progress_wall_share(p->progress, j, ran < j->estimate_s ? ran : j->estimate_s);
	}
	return credit;
}

/* Sleep until a child ends, the user interrupts, a deadline passes or
 * the progress line is due, whichever comes first. */
static void wait_for_event(double max_s)
{
	struct timespec ts = {.tv_sec = (time_t)max_s,
			      .tv_nsec = (long)((max_s - (double)(time_t)max_s) * 1e9)};
	siginfo_t info;
	int sig = sigtimedwait(&waited_signals, &info, &ts);
	if (sig == SIGINT || sig == SIGTERM)
		interrupted = true;
}

/* A cancelled run is stopped like a timed-out one, without the blame:
 * finish() sees it end. */
static void stop_cancelled(pool *p)
{
	for (int i = 0; i < p->nrunning; i++)
		if (p->running[i]->cancelled)
			kill(-p->running[i]->pid, SIGKILL);
}

static void kill_all(pool *p)
{
	for (int i = 0; i < p->nrunning; i++) {
		kill(-p->running[i]->pid, SIGKILL);
		waitpid(p->running[i]->pid, NULL, 0);
	}
	p->nrunning = 0;
}

/* A limit of 0 means `parallel`. */
static int places(int limit, const ck_run_limits *limits)
{
	return limit > 0 ? limit : limits->parallel;
}

/* The most jobs that may ever run at once. */
static int capacity(const ck_run_limits *limits)
{
	int stretched = places(limits->stretched_parallel, limits);
	return stretched > limits->parallel ? stretched : limits->parallel;
}

/* May job j start now? A busy one only once no waiting run is left
 * running (the order put them all first), while fewer than busy_parallel
 * busy ones run; a stretched one while fewer than stretched_parallel
 * stretched ones run, whatever else runs beside them; any other while
 * fewer than `parallel` jobs run, stretched ones included. */
static bool may_start(const pool *p, const ck_run_limits *limits, const ck_job *j)
{
	if (j->busy)
		return p->nrunning == p->nbusy && p->nbusy < places(limits->busy_parallel, limits) &&
		       p->nrunning < limits->parallel;
	if (j->stretched)
		return p->nstretched < places(limits->stretched_parallel, limits) &&
		       p->nrunning < capacity(limits);
	return p->nrunning < limits->parallel;
}

/* The next job to start, in order, or NULL. *first is the first place of
 * order not yet taken. */
static ck_job *next_job(const pool *p, const ck_run_limits *limits, ck_job **jobs,
			const size_t *order, size_t n, bool *taken, size_t *first)
{
	for (size_t i = *first; i < n; i++) {
		ck_job *j = jobs[order[i]];
		if (taken[i] || !may_start(p, limits, j))
			continue;
		taken[i] = true;
		while (*first < n && taken[*first])
			(*first)++;
		return j;
	}
	return NULL;
}

int ck_run_jobs(ck_job **jobs, size_t n, const ck_run_limits *limits, ck_progress *progress,
		ck_job_done_fn done, void *arg)
{
	size_t *order = start_order(jobs, n);
	bool *taken = ck_calloc(n > 0 ? n : 1, sizeof *taken);
	int most = capacity(limits);
	pool p = {.running = ck_calloc((size_t)most, sizeof(ck_job *)),
		  .progress = progress,
		  .done = done,
		  .arg = arg};
	ck_progress_begin(progress, jobs, n, limits);
	size_t first = 0;
	while (!interrupted && (first < n || p.nrunning > 0)) {
		ck_job *j = NULL;
		while (p.nrunning < most &&
		       (j = next_job(&p, limits, jobs, order, n, taken, &first)) != NULL) {
			if (j->cancelled) {
				snprintf(j->outcome, sizeof j->outcome, "skipped");
				ck_progress_finished(progress, j);
				continue;
			}
			start(j);
			p.running[p.nrunning++] = j;
			p.nbusy += j->busy;
			p.nstretched += j->stretched;
			ck_progress_started(progress, j);
		}
		reap(&p);
		stop_cancelled(&p);
		double wait_s = enforce_timeouts(&p);
		ck_progress_tick(progress, p.nrunning, running_credit(&p));
		/* Nothing more could start: wait for one to end. */
		if (p.nrunning > 0 && (p.nrunning >= most || j == NULL))
			wait_for_event(wait_s);
	}
	if (interrupted)
		kill_all(&p);
	ck_progress_end(progress);
	free(p.running);
	free(taken);
	free(order);
	return interrupted ? -1 : 0;
}

int ck_job_exit_code(const ck_job *job)
{
	if (WIFEXITED(job->status))
		return WEXITSTATUS(job->status);
	if (WIFSIGNALED(job->status))
		return 128 + WTERMSIG(job->status);
	return -1;
}

void ck_job_free(ck_job *job)
{
	if (job == NULL)
		return;
	for (char **a = job->argv; a && *a; a++)
		free(*a);
	free(job->argv);
	for (char **e = job->env; e && *e; e++)
		free(*e);
	free(job->env);
	free(job->stdout_path);
	free(job->stderr_path);
	free(job->results_path);
	free(job->findings_path);
	free(job->label);
	free(job->sandbox_status);
	free(job);
}
