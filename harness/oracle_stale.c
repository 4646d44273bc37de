/*
 * Stale replies: the moment a held reply is most dangerous to its caller.
 *
 * A reply from an old term does harm when its caller has since come back
 * to the role it asked in: a leader re-elected, a candidate standing
 * again. A check of the role alone then passes, and only a check of the
 * term stops the old reply (rule 5). Under schedule noise the network
 * holds some replies until this says that moment has come, or for a
 * seeded time at most (platform/net_call.c), so a peer that trusts a reply
 * without its term gets one when it matters.
 *
 * The caller's role is read off what it sends, as the harness sees it: a
 * RequestVote of a later term means it stands again, an AppendEntries or
 * InstallSnapshot of a later term that it leads again. Each server has one word per kind of
 * request, like oracle_terms.c: the generation of its live instance and
 * the highest term that instance asked in.
 */
#include "oracle_internal.h"

#define GEN_SHIFT 40
#define TERM_MASK ((1ull << GEN_SHIFT) - 1)

static _Atomic uint64_t *asked_word(oracle *o, int server, oracle_request kind)
{
	return &o->asked[(size_t)server * ORACLE_NREQUESTS + kind];
}

void oracle_request_sent(oracle *o, int server, uint32_t gen, oracle_request kind, int64_t term)
{
	if (server < 0 || server >= o->n || term < 0 || (uint64_t)term > TERM_MASK)
		return;
	_Atomic uint64_t *p = asked_word(o, server, kind);
	uint64_t w = atomic_load_explicit(p, memory_order_relaxed);
	uint64_t mine = (uint64_t)gen << GEN_SHIFT | (uint64_t)term;
	/* A new instance starts its word afresh; the live one only raises it. */
	while (((w >> GEN_SHIFT) != gen || (w & TERM_MASK) < (uint64_t)term) &&
	       !atomic_compare_exchange_weak_explicit(p, &w, mine, memory_order_relaxed,
						      memory_order_relaxed))
		;
}

bool oracle_asked_again_later(oracle *o, int server, uint32_t gen, oracle_request kind,
			      int64_t term)
{
	if (server < 0 || server >= o->n)
		return false;
	if (!oracle_instance_live(o, server, gen))
		return true; /* the caller crashed: nothing is left to wait for */
	uint64_t w = atomic_load_explicit(asked_word(o, server, kind), memory_order_relaxed);
	return (w >> GEN_SHIFT) == gen && (int64_t)(w & TERM_MASK) > term;
}
