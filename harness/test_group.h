/*
 * A group of helper threads a test starts and then waits for, like Go's
 * sync.WaitGroup with `go func()`. Built on the runtime only.
 */
#ifndef TEST_GROUP_H
#define TEST_GROUP_H

#include "rt/rt.h"

typedef struct test_group {
	rt_mutex mu;
	rt_cond all_done;
	/* mu guards running. */
	int running;
} test_group;

void test_group_init(test_group *g);
void test_group_destroy(test_group *g);
/* Start fn(arg) on a new thread that belongs to the group. */
void test_group_go(test_group *g, const char *name, rt_thread_fn fn, void *arg);
/* Wait until every thread of the group has returned. */
void test_group_wait(test_group *g);

#endif
