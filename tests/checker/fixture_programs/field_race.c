/*
 * Races on heap memory, for the tests that name a race's field from the
 * binary's debug information (checker/race_names.c). A teller updates an
 * account under its lock; an auditor reads it without the lock. Both also
 * touch memory whose field is found another way, or cannot be named for
 * certain.
 *
 *   acct->balance      both lines spell it; the teller holds acct->mu. main,
 *                      the allocation site, also points to a struct ledger
 *                      of the same size: the sides' functions decide
 *   acct->last.term    a member of a member
 *   deposits           reached through a pointer: no side's line spells
 *                      acct->deposits, so it is "deposits (in struct account)"
 *   hits               bump(long *) points to no struct: the allocation site
 *                      (main) decides, "hits (in struct tally)"
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

/* As large as struct account. */
struct ledger {
	char note[sizeof(struct account)];
};

struct tally {
	long hits, misses, total;
};

struct pair_a {
	long x, y;
};

struct pair_b {
	long u, v;
};

struct shared {
	struct account *acct;
	struct tally *tally;
	struct pair_a *a;
	struct pair_b *b;
	long *counts;
};

static void bump(long *counter)
{
	*counter += 1;
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
	long *deposits = &acct->deposits;
	pthread_mutex_lock(&acct->mu);
	acct->balance += 10;
	acct->last.term = 7;
	*deposits += 1;
	pthread_mutex_unlock(&acct->mu);
	bump(&s->tally->hits);
	swap_into(s->a, s->b);
	count(s->counts);
	return NULL;
}

static void *auditor(void *arg)
{
	struct shared *s = arg;
	struct account *acct = s->acct;
	const long *deposits = &acct->deposits;
	long seen = acct->balance + acct->last.term;
	seen += *deposits;
	bump(&s->tally->hits);
	swap_into(s->a, s->b);
	count(s->counts);
	return (void *)seen;
}

int main(void)
{
	struct account *acct = calloc(1, sizeof *acct);
	struct ledger *ledger = calloc(1, sizeof *ledger);
	struct tally *tally = calloc(1, sizeof *tally);
	pthread_mutex_init(&acct->mu, NULL);
	struct shared s = {acct, tally, calloc(1, sizeof(struct pair_a)),
			   calloc(1, sizeof(struct pair_b)), calloc(4, sizeof(long))};
	pthread_t t, a;
	pthread_create(&t, NULL, teller, &s);
	pthread_create(&a, NULL, auditor, &s);
	pthread_join(t, NULL);
	pthread_join(a, NULL);
	printf("balance=%ld ledger=%d\n", acct->balance, ledger->note[0]);
	pthread_mutex_destroy(&acct->mu);
	free(s.a);
	free(s.b);
	free(s.counts);
	free(tally);
	free(ledger);
	free(acct);
	return 0;
}
