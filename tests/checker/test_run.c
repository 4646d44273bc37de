/*
 * Tests of the process pool (checker/run.c): a busy job (a hunt run,
 * which keeps a CPU busy) never runs beside more than busy_parallel - 1
 * others like it, while the jobs that mostly wait fill the other places.
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

static ck_job *timed_job(int i, bool busy)
{
	ck_job *j = ck_calloc(1, sizeof *j);
	j->argv = ck_calloc(4, sizeof *j->argv);
	j->argv[0] = ck_strdup("sh");
	j->argv[1] = ck_strdup("-c");
	j->argv[2] = ck_strdup("date +%s%N; sleep 0.3; date +%s%N");
	j->stdout_path = ck_strdup_printf(DIR "/job%d.out", i);
	j->label = ck_strdup_printf("job %d", i);
	j->timeout_s = 30;
	j->estimate_s = 1;
	j->busy = busy;
	return j;
}

/* How many of the jobs (only the busy ones, if busy_only) were running at
 * the moment job k started. */
static int running_at_start(long long (*span)[2], ck_job **jobs, int k, bool busy_only)
{
	int n = 0;
	for (int i = 0; i < NJOBS; i++)
		if ((!busy_only || jobs[i]->busy) && span[i][0] <= span[k][0] &&
		    span[k][0] < span[i][1])
			n++;
	return n;
}

static void test_busy_jobs_are_limited_the_others_are_not(void)
{
	ck_run_init();
	ck_mkdirs(DIR);
	ck_job *jobs[NJOBS];
	for (int i = 0; i < NJOBS; i++)
		jobs[i] = timed_job(i, i % 2 == 0); /* jobs 0, 2, 4 are busy */
	ck_progress progress;
	ck_progress_init(&progress, false, false, false);
	CU_ASSERT_EQUAL_FATAL(ck_run_jobs(jobs, NJOBS, 4, 1, &progress, nothing, NULL), 0);

	long long span[NJOBS][2] = {{0}};
	for (int i = 0; i < NJOBS; i++) {
		char *text = ck_read_file(jobs[i]->stdout_path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		CU_ASSERT_EQUAL(sscanf(text, "%lld %lld", &span[i][0], &span[i][1]), 2);
		free(text);
	}
	int most_busy = 0, most = 0;
	for (int k = 0; k < NJOBS; k++) {
		int b = running_at_start(span, jobs, k, true);
		int all = running_at_start(span, jobs, k, false);
		most_busy = b > most_busy ? b : most_busy;
		most = all > most ? all : most;
	}
	CU_ASSERT_EQUAL(most_busy, 1);
	/* Four places: the three waiting jobs run beside the busy one. */
	CU_ASSERT_TRUE(most >= 3);
	for (int i = 0; i < NJOBS; i++)
		ck_job_free(jobs[i]);
	ck_remove_tree(DIR);
}

void add_run_suite(void)
{
	CU_pSuite s = CU_add_suite("the process pool", NULL, NULL);
	CU_add_test(s, "busy jobs run at most busy_parallel at a time, the others fill -j",
		    test_busy_jobs_are_limited_the_others_are_not);
}
