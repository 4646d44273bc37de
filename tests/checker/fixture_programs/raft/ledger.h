/* A stand-in for peer code: its path contains raft/. */
#ifndef FIXTURE_LEDGER_H
#define FIXTURE_LEDGER_H

#include <pthread.h>

struct ledger {
	pthread_mutex_t mu; /* should guard total, but ledger_add forgets it */
	long total;
};

void ledger_add(struct ledger *l, long amount);

#endif
