/*
 * A data race (rule 1): two threads add to one counter with no lock.
 *
 * `counter++` is a read, an add and a write; nothing orders one thread's
 * accesses against the other's, so updates can be lost. ThreadSanitizer
 * and Helgrind both report the line marked BUG.
 */
#include "program.h"
#include "rt/rt.h"
#include "watchdog.h"

#define ADDS_PER_THREAD 1000

/* Shared by both threads, and no lock guards it: that is the bug. */
static long counter;

/* Why: each thread does the same unsynchronised read-modify-writes. */
static void add_many(void *unused)
{
	(void)unused;
	for (int i = 0; i < ADDS_PER_THREAD; i++)
		counter++; /* BUG: read-modify-write without a lock */
}

int main(int argc, char **argv)
{
	rt_options o = program_options(argc, argv);
	rt_init(&o);
	watchdog_start("tests/programs/race.c", 10000);

	rt_thread_spawn("adder 1", -1, add_many, NULL);
	rt_thread_spawn("adder 2", -1, add_many, NULL);
	rt_threads_wait_quiet(10000);

	watchdog_stop();
	printf("counter = %ld (expected %d)\n", counter, 2 * ADDS_PER_THREAD);
	return 0;
}
