/*
 * The oracle: its state, reporting a violation with the history behind it,
 * and AppendEntries, the message most properties look at (oracle.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <valgrind/helgrind.h>

#include "oracle_internal.h"
#include "rt/history.h"

/* calloc that stops the test when memory runs out; hidden from Helgrind
 * (oracle_internal.h). */
static void *oracle_alloc(size_t count, size_t size)
{
	void *p = calloc(count, size);
	if (p == NULL) {
		fprintf(stderr, "oracle: out of memory\n");
		abort();
	}
	VALGRIND_HG_DISABLE_CHECKING(p, count * size);
	return p;
}

/* Everything starts empty: no votes, no leaders, nothing committed. */
oracle *oracle_make(int n, oracle_report_fn report, void *report_ctx)
{
	if (n < 1 || n > 64) {
		fprintf(stderr, "oracle_make: %d servers; the oracle handles 1 to 64\n", n);
		abort();
	}
	oracle *o = oracle_alloc(1, sizeof *o);
	o->n = n;
	o->report = report;
	o->report_ctx = report_ctx;
	o->instance = oracle_alloc((size_t)n, sizeof *o->instance);
	o->earlier_max = oracle_alloc((size_t)n, sizeof *o->earlier_max);
	o->asked = oracle_alloc((size_t)n * ORACLE_NREQUESTS, sizeof *o->asked);
	o->vote_of = oracle_alloc((size_t)n * ORACLE_MAX_TERM, sizeof *o->vote_of);
	o->votes_got = oracle_alloc((size_t)n * ORACLE_MAX_TERM, sizeof *o->votes_got);
	o->leader_of = oracle_alloc(ORACLE_MAX_TERM, sizeof *o->leader_of);
	o->last_led = oracle_alloc((size_t)n, sizeof *o->last_led);
	o->acked = oracle_alloc((size_t)n * ORACLE_MAX_TERM, sizeof *o->acked);
	o->commit_term = oracle_alloc(ORACLE_MAX_INDEX, sizeof *o->commit_term);
	o->committed_cmd = oracle_alloc(ORACLE_MAX_INDEX, sizeof *o->committed_cmd);
	o->started.slots = oracle_alloc(ORACLE_TABLE_SLOTS, sizeof(oracle_slot));
	o->sent.slots = oracle_alloc(ORACLE_TABLE_SLOTS, sizeof(oracle_slot));
	return o;
}

void oracle_free(oracle *o)
{
	if (o == NULL)
		return;
	free(o->instance);
	free(o->earlier_max);
	free(o->asked);
	free(o->vote_of);
	free(o->votes_got);
	free(o->leader_of);
	free(o->last_led);
	free(o->acked);
	free(o->commit_term);
	free(o->committed_cmd);
	free(o->started.slots);
	free(o->sent.slots);
	free(o);
}

int oracle_violations(const oracle *o)
{
	return atomic_load_explicit(&o->violations, memory_order_relaxed);
}

/* One finding, with the recent history of every peer involved. */
void oracle_violation(oracle *o, rt_site site, const char *kind, const int *peers, int npeers,
		      int64_t term, int64_t index, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);

	rt_history *history = malloc(sizeof *history);
	if (history != NULL)
		rt_history_collect(history, peers, npeers,
				   npeers > 0 && ORACLE_HISTORY_EVENTS / npeers > ORACLE_HISTORY_PER_PEER
					   ? ORACLE_HISTORY_EVENTS / npeers
					   : ORACLE_HISTORY_PER_PEER);
	rt_finding_info info = {
	    .detector = "invariants",
	    .kind = kind,
	    .rule = RULE_OTHER,
	    .peer = npeers > 0 ? peers[0] : -1,
	    .term = term,
	    .site = site,
	    .index = index,
	    .peers = peers,
	    .npeers = npeers,
	    .history = history,
	};
	atomic_fetch_add_explicit(&o->violations, 1, memory_order_relaxed);
	if (o->report != NULL)
		o->report(o->report_ctx, &info, message);
	else
		rt_finding(&info, "%s", message);
	free(history);
}

/* ---- AppendEntries ------------------------------------------------------- */

/*
 * Only a leader sends AppendEntries, so this one message says: `from`
 * leads args->term (oracle_election.c), these are the entries of its log
 * (oracle_log.c), and everything up to leader_commit is committed
 * (oracle_commit.c). A crashed instance's messages are judged too: its
 * threads run the same code, and one of its messages may still arrive.
 */
void oracle_append_entries_sent(oracle *o, int from, uint32_t gen, int to,
				const append_entries_args *args)
{
	oracle_check_sent_term(o, from, gen, args->term, "AppendEntries");
	if (!oracle_term_ok(args->term))
		return;
	oracle_check_leader(o, from, args->term, "AppendEntries");
	oracle_check_entries(o, from, args);
	oracle_check_complete(o, from, args);
	oracle_check_announced(o, from, args);
}

/* The reply leaves the follower. */
void oracle_append_entries_replied(oracle *o, int to, uint32_t gen, int from,
				   const append_entries_args *args,
				   const append_entries_reply *reply)
{
	oracle_check_reply_term(o, to, gen, from, args->term, reply->term, "AppendEntries");
}

/* ---- InstallSnapshot ----------------------------------------------------- */

/*
 * Only a leader sends InstallSnapshot too, so it says `from` leads
 * args->term, as an AppendEntries would. What the snapshot holds is judged
 * where it is taken in (harness/config_snapshot.c): the service, not the
 * network, knows the commands it covers.
 */
void oracle_install_snapshot_sent(oracle *o, int from, uint32_t gen, int to,
				  const install_snapshot_args *args)
{
	(void)to;
	oracle_check_sent_term(o, from, gen, args->term, "InstallSnapshot");
	if (oracle_term_ok(args->term))
		oracle_check_leader(o, from, args->term, "InstallSnapshot");
}

void oracle_install_snapshot_replied(oracle *o, int to, uint32_t gen, int from,
				     const install_snapshot_args *args,
				     const install_snapshot_reply *reply)
{
	oracle_check_reply_term(o, to, gen, from, args->term, reply->term, "InstallSnapshot");
}
