/*
 * Lesson 04. A bank with two accounts and no lock.
 *
 * One thread moves money between the accounts; another, the auditor, adds
 * them up and expects the total to stay 100. Without a lock the auditor can
 * look between the two halves of a transfer, and nothing makes the
 * transfer thread's stores visible to it in any particular order.
 * ThreadSanitizer reports the lines marked RACE.
 *
 * expect: tsan-race
 */
#include <stdio.h>

#include "rt/rt.h"

#define TRANSFERS 2000
#define TOTAL 100

struct bank {
	long account1;
	long account2;
};

static struct bank bank = {.account1 = TOTAL, .account2 = 0};
static long wrong_totals;   /* written by the auditor only */

static void transfer(struct bank *b, long amount)
{
	b->account1 -= amount; /* RACE */
	b->account2 += amount;
}

/* noinline keeps the compiler from hoisting the loads out of the
 * auditor's loop, which it may do in a racy program: nothing tells it
 * another thread writes these fields. */
__attribute__((noinline)) static long total(struct bank *b)
{
	return b->account1 + b->account2; /* RACE */
}

static void mover(void *unused)
{
	for (int i = 0; i < TRANSFERS; i++)
		transfer(&bank, i % 2 == 0 ? 50 : -50);
}

static void auditor(void *unused)
{
	for (int i = 0; i < TRANSFERS; i++)
		if (total(&bank) != TOTAL)
			wrong_totals++;
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_thread_spawn("mover", -1, mover, NULL);
	rt_thread_spawn("auditor", -1, auditor, NULL);
	rt_threads_wait_quiet(60000);
	/* Reads after wait_quiet race too: the runtime adds no happens-before
	 * edge between a thread's end and the main thread. */
	printf("the auditor saw a wrong total %ld times\n", wrong_totals);
	return 0;
}
