/*
 * A real deadlock (rule 4): two threads take two locks in opposite orders
 * at the same time.
 *
 * Each thread takes its first lock, waits until the other holds its own,
 * then asks for the other's lock. Neither can go on. The watchdog sees
 * the wait-for cycle, prints who holds which lock and who waits for
 * what, and ends the program with exit status 3.
 */
#include <sched.h>
#include <stdatomic.h>

#include "program.h"
#include "rt/rt.h"
#include "watchdog.h"

static rt_mutex lock_a;
static rt_mutex lock_b;
/* How many threads hold their first lock. Atomic, not locked: waiting
 * for it must not be a second lock-protocol problem. */
static atomic_int holding;

/* Why: makes the deadlock certain instead of likely, without a blocking
 * call (which lockdep would report as a different mistake). */
static void wait_for_partner(void)
{
	atomic_fetch_add(&holding, 1);
	while (atomic_load(&holding) < 2)
		sched_yield();
}

static void a_then_b(void *unused)
{
	(void)unused;
	rt_mutex_lock(&lock_a);
	wait_for_partner();
	rt_mutex_lock(&lock_b); /* BUG: waits for b_then_a, which waits for us */
	rt_mutex_unlock(&lock_b);
	rt_mutex_unlock(&lock_a);
}

static void b_then_a(void *unused)
{
	(void)unused;
	rt_mutex_lock(&lock_b);
	wait_for_partner();
	rt_mutex_lock(&lock_a); /* BUG: waits for a_then_b, which waits for us */
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
	watchdog_start("tests/programs/deadlock.c", 10000);

	rt_thread_spawn("a then b", -1, a_then_b, NULL);
	rt_thread_spawn("b then a", -1, b_then_a, NULL);
	/* Never returns true: the watchdog ends the process first. */
	rt_threads_wait_quiet(20000);

	watchdog_stop();
	printf("no deadlock this time\n");
	return 0;
}
