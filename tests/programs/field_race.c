/*
 * A data race on a field of a struct on the heap (rule 1), the shape of
 * most Raft races: a teller updates an account's balance holding the
 * account's lock; an auditor reads the balance without it.
 *
 * The checker names the field as the code does, acct->balance, from the
 * binary's debug information, and the locks each side held: the teller
 * acct->mu, the auditor none. ThreadSanitizer and Helgrind both report the
 * line marked BUG.
 */
#include <stdlib.h>

#include "program.h"
#include "rt/rt.h"
#include "watchdog.h"

#define ROUNDS 1000

struct account {
	/* mu must be held when reading or writing the fields below it. */
	rt_mutex mu;
	long deposits;
	long balance;
};

/* Each deposit holds the lock, as the comment at the struct asks. */
static void teller(void *arg)
{
	struct account *acct = arg;
	for (int i = 0; i < ROUNDS; i++) {
		rt_mutex_lock(&acct->mu);
		acct->deposits++;
		acct->balance += 10;
		rt_mutex_unlock(&acct->mu);
	}
}

/* Reads the balance without the lock: that is the bug. One read, on the
 * line that uses it: an optimiser may move a load to where its value is
 * used, and the line with it. */
static void auditor(void *arg)
{
	struct account *acct = arg;
	printf("the auditor saw %ld\n", acct->balance); /* BUG: read without acct->mu */
}

int main(int argc, char **argv)
{
	rt_options o = program_options(argc, argv);
	rt_init(&o);
	struct account *acct = calloc(1, sizeof *acct);
	if (acct == NULL)
		return 1;
	rt_mutex_init(&acct->mu, "account.mu", 0);
	watchdog_start("tests/programs/field_race.c", 10000);

	rt_thread_spawn("teller", -1, teller, acct);
	rt_thread_spawn("auditor", -1, auditor, acct);
	rt_threads_wait_quiet(10000);

	watchdog_stop();
	printf("balance = %ld\n", acct->balance);
	free(acct);
	return 0;
}
