/*
 * Lesson 13 (rule 3). Atomics do not compose.
 *
 * The commit index is an atomic, so every single load and store is safe
 * and ThreadSanitizer has nothing to report. But "raise it if the new value
 * is higher" is a load, a comparison and a store: two reply handlers can
 * both load 3, and the one with the lower index can store last. The
 * commit index goes from 7 back to 4. The step_ calls force that schedule
 * (schedule.h). The repair is the lock (or a compare-and-swap loop), and in
 * a Raft peer the lock is there already.
 *
 * expect: broken
 */
#include <stdatomic.h>
#include <stdio.h>

#include "rt/rt.h"
#include "schedule.h"

static _Atomic long commit_index = 3;
static _Atomic long highest_commit = 3;   /* for the example's check */
static schedule sched;

static void set_commit_index(long index, int turn)
{
	step_wait(&sched, turn);
	bool higher = index > atomic_load(&commit_index);
	step_next(&sched);
	step_wait(&sched, turn + 2);
	if (higher) {
		atomic_store(&commit_index, index); /* BUG: the check above may be stale */
		if (index > atomic_load(&highest_commit))
			atomic_store(&highest_commit, index);
	}
	step_next(&sched);
}

static void reply_handler_7(void *unused)
{
	set_commit_index(7, 0);
}

static void reply_handler_4(void *unused)
{
	set_commit_index(4, 1);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	step_init(&sched);
	rt_thread_spawn("reply AppendEntries (7)", 0, reply_handler_7, NULL);
	rt_thread_spawn("reply AppendEntries (4)", 0, reply_handler_4, NULL);
	rt_threads_wait_quiet(10000);

	long now = atomic_load(&commit_index), highest = atomic_load(&highest_commit);
	printf("commit index %ld, highest it had %ld\n", now, highest);
	if (now < highest) {
		printf("BROKEN: the commit index went back from %ld to %ld\n", highest, now);
		return 1;
	}
	return 0;
}
