/*
 * Instances, and terms that never go back (oracle.h: term-went-back).
 *
 * A server's current term only grows (Figure 2), and it saves the term
 * before it sends or answers anything in it, so a restarted instance, which
 * starts from what was saved, never sends a term older than one its earlier
 * instances sent. And a server that receives a request of a newer term
 * adopts it before it answers, so a reply never carries a term older than
 * its request's.
 *
 * Within one instance the order in which messages enter the network is not
 * the order the peer built them: arguments are built under the lock and
 * sent after it is released, by another thread, so an AppendEntries of
 * term 5 can enter the network after a RequestVote of term 6 from a
 * correct peer. Only the two checks above are exact.
 *
 * Each server has one word: the generation of its live instance and the
 * highest term that instance sent. A crash moves the generation on (before
 * the harness copies what the crashed instance saved) and adds the
 * instance's highest term to earlier_max. An event is counted only if its
 * instance is still the live one when it is recorded; since the event comes
 * after the save it depends on, and the copy after the generation moved,
 * anything counted was saved before the copy and reached the next
 * instance. What a crashed instance does later is lost, as on a real
 * crash, and is not counted.
 */
#include <stdio.h>

#include "oracle_internal.h"

#define GEN_SHIFT 40
#define TERM_MASK ((1ull << GEN_SHIFT) - 1)

static uint32_t gen_of(uint64_t word)
{
	return (uint32_t)(word >> GEN_SHIFT);
}

static bool server_ok(const oracle *o, int server)
{
	return server >= 0 && server < o->n;
}

uint32_t oracle_instance_started(oracle *o, int server)
{
	if (!server_ok(o, server))
		return 0;
	return gen_of(atomic_load_explicit(&o->instance[server], memory_order_relaxed));
}

void oracle_crashed(oracle *o, int server)
{
	if (!server_ok(o, server))
		return;
	uint64_t w = atomic_load_explicit(&o->instance[server], memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&o->instance[server], &w,
						      (uint64_t)(gen_of(w) + 1) << GEN_SHIFT,
						      memory_order_relaxed, memory_order_relaxed))
		;
	oracle_raise(&o->earlier_max[server], (int64_t)(w & TERM_MASK));
}

bool oracle_instance_live(oracle *o, int server, uint32_t gen)
{
	return server_ok(o, server) &&
	       gen_of(atomic_load_explicit(&o->instance[server], memory_order_relaxed)) == gen;
}

/* server's live instance `gen` sent a message of term. */
void oracle_check_sent_term(oracle *o, int server, uint32_t gen, int64_t term, const char *what)
{
	if (!server_ok(o, server) || term < 0 || (uint64_t)term > TERM_MASK)
		return;
	uint64_t w = atomic_load_explicit(&o->instance[server], memory_order_relaxed);
	if (gen_of(w) != gen)
		return;
	int64_t before = oracle_load(&o->earlier_max[server]);
	if (term < before)
		oracle_violation(o, RT_HERE, "term-went-back", (int[]){server}, 1, term, 0,
				 "server %d, restarted, sent %s with term %lld, but before it "
				 "crashed it had already sent term %lld: a server must save its "
				 "current term before it sends anything in that term, so that its "
				 "term never goes back",
				 server, what, (long long)term, (long long)before);
	while ((uint64_t)term > (w & TERM_MASK) && gen_of(w) == gen &&
	       !atomic_compare_exchange_weak_explicit(&o->instance[server], &w,
						      (w & ~TERM_MASK) | (uint64_t)term,
						      memory_order_relaxed, memory_order_relaxed))
		;
}

/* server's instance `gen` answered from's request of args_term. */
void oracle_check_reply_term(oracle *o, int server, uint32_t gen, int from, int64_t args_term,
			     int64_t reply_term, const char *what)
{
	if (!oracle_instance_live(o, server, gen))
		return;
	if (reply_term < args_term)
		oracle_violation(
		    o, RT_HERE, "term-went-back", (int[]){server, from}, 2, args_term, 0,
		    "server %d answered server %d's %s of term %lld with term %lld: a "
		    "server that receives a newer term must adopt it (Figure 2) before "
		    "it answers",
		    server, from, what, (long long)args_term, (long long)reply_term);
	char reply[48];
	snprintf(reply, sizeof reply, "a reply to %s", what);
	oracle_check_sent_term(o, server, gen, reply_term, reply);
}
