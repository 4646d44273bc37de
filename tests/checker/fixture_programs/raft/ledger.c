/* The bug a student would fix: total is updated without l->mu. */
#include "ledger.h"

#include "../store.h"

/* The peer's update path, missing its lock. */
__attribute__((noinline)) void ledger_add(struct ledger *l, long amount)
{
	add_long(&l->total, amount);
}
