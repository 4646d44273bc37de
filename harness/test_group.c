/*
 * Helper threads for tests (see test_group.h).
 */
#include <stdlib.h>

#include "test_group.h"

/* What a group thread runs: the test's function, then the bookkeeping. */
typedef struct group_task {
	test_group *g;
	rt_thread_fn fn;
	void *arg;
} group_task;

/* An empty group. */
void test_group_init(test_group *g)
{
	rt_mutex_init(&g->mu, "test_group.mu", -1);
	rt_cond_init(&g->all_done);
	g->running = 0;
}

/* Only after test_group_wait. */
void test_group_destroy(test_group *g)
{
	rt_cond_destroy(&g->all_done);
	rt_mutex_destroy(&g->mu);
}

/* Run the task, then tell the waiter if it was the last one. */
static void group_thread(void *arg)
{
	group_task *task = arg;
	test_group *g = task->g;
	task->fn(task->arg);
	free(task);
	rt_mutex_lock(&g->mu);
	if (--g->running == 0)
		rt_cond_broadcast(&g->all_done);
	rt_mutex_unlock(&g->mu);
}

/* Count the thread before it starts, so a wait cannot miss it. */
void test_group_go(test_group *g, const char *name, rt_thread_fn fn, void *arg)
{
	group_task *task = malloc(sizeof(*task));
	if (task == NULL)
		abort();
	*task = (group_task){.g = g, .fn = fn, .arg = arg};
	rt_mutex_lock(&g->mu);
	g->running++;
	rt_mutex_unlock(&g->mu);
	rt_thread_spawn(name, -1, group_thread, task);
}

/* Block until the group is empty. */
void test_group_wait(test_group *g)
{
	rt_mutex_lock(&g->mu);
	while (g->running > 0)
		rt_cond_wait(&g->all_done, &g->mu);
	rt_mutex_unlock(&g->mu);
}
