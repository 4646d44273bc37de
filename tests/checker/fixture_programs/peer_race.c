/*
 * A data race whose innermost frame is not in the peer's code: the racy
 * store happens in store.c, called from raft/ledger.c (a file the checker
 * counts as peer code because of its raft/ directory). The checker must
 * name raft/ledger.c, not store.c, as the primary location.
 */
#include <pthread.h>
#include <stdio.h>

#include "raft/ledger.h"

static struct ledger shared_ledger;

/* Two of these run at once and both reach the unlocked store. */
static void *client(void *arg)
{
	(void)arg;
	ledger_add(&shared_ledger, 5);
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, client, NULL);
	pthread_create(&b, NULL, client, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("total=%ld\n", shared_ledger.total);
	return 0;
}
