/*
 * Races on heap memory, for the tests that name a race's field from the
 * binary's debug information (checker/race_names.c). A teller updates an
 * account under its lock; an auditor reads it without the lock. Both also
 * touch memory whose field cannot be named for certain.
 *
 *   acct->balance      both lines spell it; the teller holds acct->mu
 *   acct->last.term    a member of a member
 *   deposits           reached through a pointer parameter (bump, peek):
 *                      no side's line spells acct->deposits, so the field is
 *                      "deposits (in struct account)", found through the
 *                      allocation site (main)
 *   a->y               swap_into points to two structs of the same size:
 *                      not certain, the text stays
 *   counts[2]          an array of longs: no struct, the text stays
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
	pthread_mutex_t mu;
	long deposits; /* guarded by mu */
	long balance;  /* guarded by mu */
	struct {
		long term;
		int who;
	} last; /* guarded by mu */
};

struct pair_a {
	long x, y;
};

struct pair_b {
	long u, v;
};

struct shared {
	struct account *acct;
	struct pair_a *a;
	struct pair_b *b;
	long *counts;
};

static void bump(long *counter)
{
	*counter += 1;
}

static long peek(const long *value)
{
	return *value;
}

static void swap_into(struct pair_a *a, struct pair_b *b)
{
	a->y = b->v;
}

static void count(long *counts)
{
	counts[2]++;
}

static void *teller(void *arg)
{
	struct shared *s = arg;
	struct account *acct = s->acct;
	pthread_mutex_lock(&acct->mu);
	acct->balance += 10;
	acct->last.term = 7;
	bump(&acct->deposits);
	pthread_mutex_unlock(&acct->mu);
	swap_into(s->a, s->b);
	count(s->counts);
	return NULL;
}

static void *auditor(void *arg)
{
	struct shared *s = arg;
	struct account *acct = s->acct;
	long seen = acct->balance + acct->last.term + peek(&acct->deposits);
	swap_into(s->a, s->b);
	count(s->counts);
	return (void *)seen;
}

int main(void)
{
	struct account *acct = calloc(1, sizeof *acct);
	pthread_mutex_init(&acct->mu, NULL);
	struct shared s = {acct, calloc(1, sizeof(struct pair_a)), calloc(1, sizeof(struct pair_b)),
			   calloc(4, sizeof(long))};
	pthread_t t, a;
	pthread_create(&t, NULL, teller, &s);
	pthread_create(&a, NULL, auditor, &s);
	pthread_join(t, NULL);
	pthread_join(a, NULL);
	printf("balance=%ld\n", acct->balance);
	pthread_mutex_destroy(&acct->mu);
	free(s.a);
	free(s.b);
	free(s.counts);
	free(acct);
	return 0;
}
