/*
 * The progress line. See progress.h.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "run.h"

#define REDRAW_S 0.5
/* Not on a terminal (a CI log, a file), a new line this often. */
#define LOG_LINE_S 60

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ck_progress_init(ck_progress *p, bool enabled, bool tty, bool every_run)
{
	*p =
	    (ck_progress){.enabled = enabled, .tty = tty, .every_run = every_run, .phase = "check"};
}

void ck_progress_phase(ck_progress *p, const char *phase)
{
	p->phase = phase;
}

/* "3m20s" reads faster than "200 s" in a line that keeps changing. */
static void format_duration(char *buf, size_t len, double s)
{
	if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

/* The runs' own estimates give a first guess; once work has been done,
 * the measured pace (which includes this machine's speed and load)
 * replaces it. */
static double seconds_left(const ck_progress *p, double credit)
{
	double elapsed = now_s() - p->started_s;
	double done = p->work_done + credit;
	double left = p->work_total - done;
	if (left < 0)
		left = 0;
	if (elapsed > 5 && done > 0)
		return elapsed * left / done;
	return left;
}

static void clear_line(ck_progress *p)
{
	if (p->tty && p->line_shown)
		fputs("\r\033[K", stderr);
	p->line_shown = false;
}

/* A line longer than the terminal wraps, and \r then rewrites only its
 * last part. */
static int terminal_width(void)
{
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void draw(ck_progress *p, double credit)
{
	char left[32], line[512];
	format_duration(left, sizeof left, seconds_left(p, credit));
	snprintf(line, sizeof line, "rrl-check: %s %zu/%zu done, %d running (%s), ~%s left",
		 p->phase, p->done, p->total, p->running, p->current, left);
	if (!p->tty) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
		p->last_draw_s = now_s();
		return;
	}
	int width = terminal_width() - 1;
	if ((int)strlen(line) > width)
		line[width] = '\0';
	clear_line(p);
	fputs(line, stderr);
	fflush(stderr);
	p->line_shown = true;
	p->last_draw_s = now_s();
}

double ck_progress_wall_share(const ck_progress *p, const ck_job *job, double seconds)
{
	int places = p->parallel;
	if (job->busy && p->busy_parallel > 0 && p->busy_parallel < places)
		places = p->busy_parallel;
	if (job->stretched && p->stretched_parallel > 0)
		places = p->stretched_parallel;
	return seconds / (places > 0 ? places : 1);
}

void ck_progress_begin(ck_progress *p, ck_job **jobs, size_t n, const ck_run_limits *limits)
{
	p->total = n;
	p->done = 0;
	p->parallel = limits->parallel;
	p->stretched_parallel = limits->stretched_parallel;
	p->busy_parallel = limits->busy_parallel;
	p->work_total = 0;
	p->work_done = 0;
	for (size_t i = 0; i < n; i++)
		p->work_total += ck_progress_wall_share(p, jobs[i], jobs[i]->estimate_s);
	p->started_s = now_s();
	p->last_draw_s = p->tty ? 0 : p->started_s; /* a log's first line after a minute */
	p->current[0] = '\0';
}

void ck_progress_started(ck_progress *p, const ck_job *job)
{
	snprintf(p->current, sizeof p->current, "%s", job->label);
}

void ck_progress_finished(ck_progress *p, const ck_job *job)
{
	p->done++;
	p->work_done += ck_progress_wall_share(p, job, job->estimate_s);
	if (!p->enabled || !p->every_run)
		return;
	clear_line(p);
	fprintf(stderr, "rrl-check: [%zu/%zu] %s: %.1f s%s%s\n", p->done, p->total, job->label,
		job->elapsed_s, job->outcome[0] ? ", " : "", job->outcome);
	fflush(stderr);
}

void ck_progress_tick(ck_progress *p, int running, double credit)
{
	p->running = running;
	if (!p->enabled || (p->every_run && !p->tty))
		return; /* a log with -v has a line per run already */
	if (now_s() - p->last_draw_s >= (p->tty ? REDRAW_S : LOG_LINE_S))
		draw(p, credit);
}

void ck_progress_end(ck_progress *p)
{
	if (p->enabled)
		clear_line(p);
	fflush(stderr);
}
