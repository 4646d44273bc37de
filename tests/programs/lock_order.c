/*
 * A lock-order inversion (rule 4) that does not deadlock this time.
 *
 * One thread takes A then B; a later thread takes B then A. The second
 * starts only after the first has finished, so this run never hangs, but
 * had they overlapped, each could hold one lock and wait for the other.
 * ThreadSanitizer, Helgrind and lockdep report the inversion from the two
 * orders alone; no hang is needed.
 */
#include "program.h"
#include "rt/rt.h"
#include "watchdog.h"

static rt_mutex lock_a;
static rt_mutex lock_b;

/* Why: establishes the order A -> B. */
static void a_then_b(void *unused)
{
	(void)unused;
	rt_mutex_lock(&lock_a);
	rt_mutex_lock(&lock_b); /* BUG: A -> B here ... */
	rt_mutex_unlock(&lock_b);
	rt_mutex_unlock(&lock_a);
}

/* Why: takes the same two locks in the opposite order, B -> A. */
static void b_then_a(void *unused)
{
	(void)unused;
	rt_mutex_lock(&lock_b);
	rt_mutex_lock(&lock_a); /* BUG: ... and B -> A here */
	rt_mutex_unlock(&lock_a);
	rt_mutex_unlock(&lock_b);
}

int main(int argc, char **argv)
{
	rt_options o = program_options(argc, argv);
	rt_init(&o);
	rt_mutex_init(&lock_a, "lock_a", 0);
	rt_mutex_init(&lock_b, "lock_b", 0);
	/* After the locks exist: the watchdog thread reads them. */
	watchdog_start("tests/programs/lock_order.c", 10000);

	/* One after the other: the gap is why this run cannot deadlock. */
	rt_thread_spawn("a then b", -1, a_then_b, NULL);
	rt_threads_wait_quiet(10000);
	rt_thread_spawn("b then a", -1, b_then_a, NULL);
	rt_threads_wait_quiet(10000);

	watchdog_stop();
	printf("no hang this time\n");
	return 0;
}
