/*
 * Lesson 04, repaired. One lock guards both accounts; the transfer and the
 * audit are critical sections. The lock gives both things a transfer needs:
 * atomicity (nobody sees half a transfer) and visibility (whoever takes the
 * lock next sees every store made before the last unlock).
 *
 * expect: clean
 */
#include <stdio.h>

#include "rt/rt.h"

#define TRANSFERS 2000
#define TOTAL 100

struct bank {
	rt_mutex mu;
	/* mu guards both accounts */
	long account1;
	long account2;
};

static struct bank bank = {.account1 = TOTAL, .account2 = 0};

static void transfer(struct bank *b, long amount) EXCLUDES(b->mu)
{
	rt_mutex_lock(&b->mu);
	b->account1 -= amount;
	b->account2 += amount;
	rt_mutex_unlock(&b->mu);
}

static long total(struct bank *b) EXCLUDES(b->mu)
{
	rt_mutex_lock(&b->mu);
	long sum = b->account1 + b->account2;
	rt_mutex_unlock(&b->mu);
	return sum;
}

static void mover(void *unused)
{
	for (int i = 0; i < TRANSFERS; i++)
		transfer(&bank, i % 2 == 0 ? 50 : -50);
}

static long wrong_totals;   /* the auditor's own; main reads it under bank.mu */

static void auditor(void *unused)
{
	long wrong = 0;
	for (int i = 0; i < TRANSFERS; i++)
		if (total(&bank) != TOTAL)
			wrong++;
	rt_mutex_lock(&bank.mu);
	wrong_totals = wrong;
	rt_mutex_unlock(&bank.mu);
}

int main(void)
{
	rt_init(&(rt_options){.seed = 1, .time_scale = 1});
	rt_mutex_init(&bank.mu, "bank.mu", 0);
	rt_thread_spawn("mover", -1, mover, NULL);
	rt_thread_spawn("auditor", -1, auditor, NULL);
	rt_threads_wait_quiet(60000);

	rt_mutex_lock(&bank.mu);
	long wrong = wrong_totals;
	rt_mutex_unlock(&bank.mu);
	printf("the auditor saw a wrong total %ld times\n", wrong);
	if (wrong != 0) {
		printf("BROKEN: a transfer was seen half done\n");
		return 1;
	}
	return 0;
}
