/*
 * Seeded randomness and schedule noise.
 *
 * Every thread has its own random stream derived from the run's seed, so
 * drawing a number never synchronises threads. Schedule noise uses the same
 * streams: at each noise point (lock acquire/release, RPC send/receive) a
 * thread yields or sleeps briefly with the configured probability, which
 * makes rare interleavings common. Print the seed with every failure and
 * the same noise decisions come back (the OS scheduler adds its own).
 * Where a thread waits for the world anyway (a reply, the service taking
 * an apply), a hold-up of many milliseconds lets whole events (an
 * election, a new entry, a commit) happen meanwhile.
 */
#include <sched.h>

#include "rt_internal.h"

/* splitmix64: a good 64-bit mixer, used to turn (seed, stream) into state. */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rt_rng_seed_thread(rt_thread_rec *rec, uint64_t stream)
{
	uint64_t x = rt_global_seed ^ (stream * 0xd1342543de82ef95ULL);
	rec->rng = splitmix64(&x);
}

uint64_t rt_rand(void)
{
	return splitmix64(&rt_self()->rng);
}

int64_t rt_rand_range(int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(rt_rand() % (uint64_t)(hi - lo));
}

/* True with the run's noise probability. */
static bool noise_fires(void)
{
	if (rt_global_noise <= 0)
		return false;
	double p = (double)(rt_rand() >> 11) / (double)(1ULL << 53);
	return p < rt_global_noise;
}

int64_t rt_noise_hold_ms(int64_t max_ms)
{
	if (max_ms < 1 || !noise_fires())
		return 0;
	return rt_rand_range(1, max_ms + 1);
}

void rt_noise(void)
{
	if (!noise_fires())
		return;
	if (rt_rand() & 1)
		sched_yield();
	else /* up to one logical millisecond */
		rt_real_sleep_ns((int64_t)((double)rt_rand_range(1, 1000) * 1e3 * rt_global_scale));
}
