/*
 * Tests of the process pool (checker/run.c): the jobs that mostly wait
 * run side by side, -j of them; the busy jobs (hunt runs, which keep a
 * CPU busy) run after them, never beside one, and never more than
 * busy_parallel at a time; the stretched ones (Helgrind runs, which
 * sleep most of the time) run more than -j at once.
 *
 * Each job is a shell printing the time it started and ended, in
 * nanoseconds, around a short sleep; the overlaps are counted from those.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "checker_tests.h"
#include "files.h"
#include "progress.h"
#include "run.h"

#define NJOBS 6
#define DIR "build/checker/pool-test"

static void nothing(ck_job *j, void *arg)
{
	(void)j;
	(void)arg;
}

static ck_job *timed_job(int i, bool busy, bool stretched)
{
	ck_job *j = ck_calloc(1, sizeof *j);
	j->argv = ck_calloc(4, sizeof *j->argv);
	j->argv[0] = ck_strdup("sh");
	j->argv[1] = ck_strdup("-c");
	j->argv[2] = ck_strdup("date +%s%N; sleep 0.3; date +%s%N");
	j->stdout_path = ck_strdup_printf(DIR "/job%d.out", i);
	j->label = ck_strdup_printf("job %d", i);
	j->timeout_s = 30;
	j->busy = busy;
	j->stretched = stretched;
	j->estimate_s = stretched ? 2 : 1; /* the longest start first */
	return j;
}

/* Each job's start and end, as it printed them. */
static void read_spans(ck_job **jobs, int n, long long span[][2])
{
	for (int i = 0; i < n; i++) {
		char *text = ck_read_file(jobs[i]->stdout_path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		CU_ASSERT_EQUAL(sscanf(text, "%lld %lld", &span[i][0], &span[i][1]), 2);
		free(text);
	}
}

/* How many jobs were running when job k started, k included. */
static int running_at_start(int k, int n, long long span[][2])
{
	int running = 0;
	for (int i = 0; i < n; i++)
		running += span[i][0] <= span[k][0] && span[k][0] < span[i][1];
	return running;
}

static bool overlap(const long long a[2], const long long b[2])
{
	return a[0] < b[1] && b[0] < a[1];
}

static void test_busy_jobs_run_alone_after_the_others(void)
{
	ck_run_init();
	ck_mkdirs(DIR);
	ck_job *jobs[NJOBS];
	for (int i = 0; i < NJOBS; i++)
		jobs[i] = timed_job(i, i % 2 == 0, false); /* jobs 0, 2, 4 are busy */
	ck_progress progress;
	ck_progress_init(&progress, false, false, false);
	ck_run_limits limits = {.parallel = 4, .busy_parallel = 2};
	CU_ASSERT_EQUAL_FATAL(ck_run_jobs(jobs, NJOBS, &limits, &progress, nothing, NULL), 0);

	long long span[NJOBS][2] = {{0}};
	read_spans(jobs, NJOBS, span);
	int busy_beside_waiting = 0, waiting_together = 0, most_busy = 0;
	for (int k = 0; k < NJOBS; k++) {
		int busy_at_start = 0; /* busy jobs running when k started, k too */
		for (int i = 0; i < NJOBS; i++) {
			bool both_busy = jobs[i]->busy && jobs[k]->busy;
			if (both_busy && span[i][0] <= span[k][0] && span[k][0] < span[i][1])
				busy_at_start++;
			if (i == k || !overlap(span[i], span[k]))
				continue;
			busy_beside_waiting += jobs[i]->busy != jobs[k]->busy;
			waiting_together += !jobs[i]->busy && !jobs[k]->busy;
		}
		most_busy = busy_at_start > most_busy ? busy_at_start : most_busy;
	}
	CU_ASSERT_EQUAL(busy_beside_waiting, 0);
	/* Three waiting jobs in four places: each pair overlaps, counted twice. */
	CU_ASSERT_EQUAL(waiting_together, 6);
	/* Three busy jobs, two places: two run together, never three. */
	CU_ASSERT_EQUAL(most_busy, 2);
	for (int i = 0; i < NJOBS; i++)
		ck_job_free(jobs[i]);
	ck_remove_tree(DIR);
}

static void test_stretched_jobs_run_beyond_parallel(void)
{
	ck_run_init();
	ck_mkdirs(DIR);
	ck_job *jobs[NJOBS];
	for (int i = 0; i < NJOBS; i++)
		jobs[i] = timed_job(i, false, i < 4); /* jobs 0-3 are stretched */
	ck_progress progress;
	ck_progress_init(&progress, false, false, false);
	ck_run_limits limits = {.parallel = 2, .stretched_parallel = 4};
	CU_ASSERT_EQUAL_FATAL(ck_run_jobs(jobs, NJOBS, &limits, &progress, nothing, NULL), 0);

	long long span[NJOBS][2] = {{0}};
	read_spans(jobs, NJOBS, span);
	/* The four stretched jobs ran all at once, twice -j... */
	int most_stretched = 0;
	for (int k = 0; k < 4; k++) {
		int running = running_at_start(k, 4, span);
		most_stretched = running > most_stretched ? running : most_stretched;
	}
	CU_ASSERT_EQUAL(most_stretched, 4);
	/* ...and each of the others started only while fewer than -j ran. */
	for (int k = 4; k < NJOBS; k++)
		CU_ASSERT(running_at_start(k, NJOBS, span) <= 2);
	for (int i = 0; i < NJOBS; i++)
		ck_job_free(jobs[i]);
	ck_remove_tree(DIR);
}

void add_run_suite(void)
{
	CU_pSuite s = CU_add_suite("the process pool", NULL, NULL);
	CU_add_test(s, "busy jobs run after the others, alone, at most busy_parallel at a time",
		    test_busy_jobs_run_alone_after_the_others);
	CU_add_test(s, "stretched jobs run beyond -j, up to stretched_parallel; the others within -j",
		    test_stretched_jobs_run_beyond_parallel);
}
