/*
 * Runtime setup: the seed, the noise level and the time scale, fixed once
 * per process before any thread starts.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt_internal.h"
#include "track.h"

uint64_t rt_global_seed;
double rt_global_noise;
double rt_global_scale = 1.0;
int64_t rt_global_run_start_ns;
int rt_global_findings_fd = STDERR_FILENO;

void rt_clock_start(void);
void rt_crash_report_install(void);

void rt_init(const rt_options *opts)
{
	if (opts->time_scale <= 0) {
		fprintf(stderr, "rt_init: time scale must be > 0 (got %g)\n", opts->time_scale);
		exit(2);
	}
	if (opts->noise < 0 || opts->noise > 1) {
		fprintf(stderr, "rt_init: noise must be a probability in [0, 1] (got %g)\n",
			opts->noise);
		exit(2);
	}
	rt_global_seed = opts->seed;
	rt_global_noise = opts->noise;
	rt_global_scale = opts->time_scale;
	rt_clock_start();
	rt_global_run_start_ns = opts->run_start_ns > 0 ? opts->run_start_ns : rt_real_ns();
	rt_global_findings_fd = opts->findings_fd > 0 ? opts->findings_fd : STDERR_FILENO;
	/* jansson seeds its hash function on first use, from whichever thread
	 * reports a finding first, with atomics Helgrind cannot see; two
	 * threads reporting would look like a race. Seed it here, before any
	 * thread starts. */
	json_object_seed(0);
	rt_track_hide_from_helgrind();
	rt_thread_adopt("main", -1);
	rt_crash_report_install();
}

uint64_t rt_seed(void)
{
	return rt_global_seed;
}
