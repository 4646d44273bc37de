/*
 * Time: one monotonic clock and one time scale for every duration.
 *
 * Code above the runtime speaks in logical milliseconds. A time scale of 2
 * makes every sleep and timeout twice as long in real time and the clock
 * run half as fast, so a slow detector (Helgrind) sees the same protocol
 * as a fast native run.
 */
#include <errno.h>
#include <time.h>

#include "rt_internal.h"

static int64_t start_ns;

int64_t rt_real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void rt_real_sleep_ns(int64_t ns)
{
	if (ns <= 0)
		return;
	struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void rt_clock_start(void)
{
	start_ns = rt_real_ns();
}

double rt_time_scale(void)
{
	return rt_global_scale;
}

int64_t rt_now_ms(void)
{
	return (int64_t)((double)(rt_real_ns() - start_ns) / 1e6 / rt_global_scale);
}

int64_t rt_now_us(void)
{
	return (int64_t)((double)(rt_real_ns() - start_ns) / 1e3 / rt_global_scale);
}

double rt_now_s(void)
{
	return (double)(rt_real_ns() - start_ns) / 1e9 / rt_global_scale;
}

void rt_sleep_ms_at(int64_t ms, rt_site site)
{
	rt_might_block_at("sleep", site);
	rt_wait_begin(RT_WAIT_SLEEP, "sleep", -1, site);
	rt_real_sleep_ns((int64_t)((double)ms * 1e6 * rt_global_scale));
	rt_wait_end();
}
