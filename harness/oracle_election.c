/*
 * Elections (oracle.h): one vote per term, leaders are elected, one leader
 * per term.
 *
 * A vote is counted from the voter's side when its handler returns a
 * granted reply while its instance is live (oracle_terms.c says why such a
 * vote was saved and binds the next instance), whether or not the network
 * then delivers the reply. A candidate's RequestVote is its vote for
 * itself (Figure 2: on becoming candidate it votes for itself, and saves
 * that before sending). The candidate is the server whose endpoint sent
 * the request, as the harness wired it, not the id the message claims.
 *
 * A vote is counted toward a candidate's majority only when the network
 * delivered the granted reply to it: a reply lost on the way elects no
 * one. The check runs when the candidate sends its first AppendEntries:
 * it reads the delivered votes of that term, which its own thread
 * recorded before the call returned, so the peer's lock (taken to count
 * the vote and to become leader) orders the record before the check.
 */
#include <stdio.h>

#include "oracle_internal.h"

static _Atomic int32_t *vote_slot(oracle *o, int server, int64_t term)
{
	return &o->vote_of[(size_t)server * ORACLE_MAX_TERM + (size_t)term];
}

static bool server_ok(const oracle *o, int server)
{
	return server >= 0 && server < o->n;
}

static void report_second_vote(oracle *o, int voter, int earlier, int candidate, int64_t term)
{
	if (candidate == voter)
		oracle_violation(
		    o, RT_HERE, "vote-twice", (int[]){voter, earlier}, 2, term, 0,
		    "server %d asked for votes in term %lld after granting its vote in "
		    "that term to server %d: a candidate votes for itself, and a server "
		    "votes at most once per term",
		    voter, (long long)term, earlier);
	else if (earlier == voter)
		oracle_violation(
		    o, RT_HERE, "vote-twice", (int[]){voter, candidate}, 2, term, 0,
		    "server %d granted its vote in term %lld to server %d after asking "
		    "for votes itself in that term: as a candidate it had voted for "
		    "itself, and a server votes at most once per term",
		    voter, (long long)term, candidate);
	else
		oracle_violation(
		    o, RT_HERE, "vote-twice", (int[]){voter, earlier, candidate}, 3, term, 0,
		    "server %d granted its vote in term %lld to server %d and then to "
		    "server %d: a server votes at most once per term, and saves its vote "
		    "before the reply leaves so that a restart cannot vote again",
		    voter, (long long)term, earlier, candidate);
}

/* voter voted for candidate in term: the first vote of the term stands. */
static void record_vote(oracle *o, int voter, int candidate, int64_t term)
{
	_Atomic int32_t *slot = vote_slot(o, voter, term);
	int32_t expected = 0;
	if (atomic_compare_exchange_strong_explicit(slot, &expected, candidate + 1,
						    memory_order_relaxed, memory_order_relaxed) ||
	    expected == candidate + 1)
		return;
	report_second_vote(o, voter, expected - 1, candidate, term);
}

void oracle_request_vote_sent(oracle *o, int from, uint32_t gen, int to,
			      const request_vote_args *args)
{
	oracle_check_sent_term(o, from, gen, args->term, "RequestVote");
	if (oracle_term_ok(args->term) && oracle_instance_live(o, from, gen))
		record_vote(o, from, from, args->term);
}

void oracle_request_vote_replied(oracle *o, int to, uint32_t gen, int from,
				 const request_vote_args *args, const request_vote_reply *reply)
{
	oracle_check_reply_term(o, to, gen, from, args->term, reply->term, "RequestVote");
	if (reply->vote_granted && oracle_term_ok(args->term) && server_ok(o, from) &&
	    oracle_instance_live(o, to, gen))
		record_vote(o, to, from, args->term);
}

void oracle_request_vote_delivered(oracle *o, int from, int to, const request_vote_args *args,
				   const request_vote_reply *reply)
{
	if (!reply->vote_granted || !oracle_term_ok(args->term) || !server_ok(o, from) ||
	    !server_ok(o, to))
		return;
	atomic_fetch_or_explicit(&o->votes_got[(size_t)from * ORACLE_MAX_TERM + (size_t)args->term],
				 1ull << to, memory_order_relaxed);
}

/* Voters as text: "2, 4". */
static void list_voters(uint64_t votes, int n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++)
		if (votes & (1ull << i))
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s%d", used ? ", " : "", i);
}

static uint64_t votes_got(oracle *o, int server, int64_t term)
{
	return atomic_load_explicit(&o->votes_got[(size_t)server * ORACLE_MAX_TERM + (size_t)term],
				    memory_order_relaxed);
}

/* Votes delivered to server in its last few elections before term, as
 * text ("; ... term 3: 1, 2"), or "" if none: the likely culprit when a
 * leader lacks votes of its own term. */
static void list_older_votes(oracle *o, int server, int64_t term, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int64_t t = term - 1; t >= 1 && t >= term - 8 && used < len; t--) {
		uint64_t votes = votes_got(o, server, t);
		if (votes == 0)
			continue;
		char voters[160];
		list_voters(votes, o->n, voters, sizeof voters);
		used += (size_t)snprintf(buf + used, len - used, "%s term %lld: %s",
					 used ? ";"
					      : "; votes of its earlier elections were "
						"delivered too (",
					 (long long)t, voters);
	}
	if (used > 0 && used < len)
		snprintf(buf + used, len - used, ")");
}

/* leader sent what (AppendEntries or InstallSnapshot) of term: it must be
 * the only leader of term, and elected by a majority. */
void oracle_check_leader(oracle *o, int leader, int64_t term, const char *what)
{
	if (!server_ok(o, leader))
		return;
	int32_t expected = 0;
	if (!atomic_compare_exchange_strong_explicit(&o->leader_of[term], &expected, leader + 1,
						     memory_order_relaxed, memory_order_relaxed) &&
	    expected != leader + 1)
		oracle_violation(o, RT_HERE, "two-leaders", (int[]){expected - 1, leader}, 2, term,
				 0,
				 "servers %d and %d both acted as leader in term %lld (server %d "
				 "sent %s): at most one server can win a term's election "
				 "(Election Safety)",
				 expected - 1, leader, (long long)term, leader, what);
	oracle_raise(&o->last_led[leader], term);

	uint64_t votes = votes_got(o, leader, term) | 1ull << leader;
	int count = __builtin_popcountll(votes);
	if (count > o->n / 2)
		return;
	char voters[256];
	list_voters(votes, o->n, voters, sizeof voters);
	char older[256];
	list_older_votes(o, leader, term, older, sizeof older);
	oracle_violation(o, RT_HERE, "leader-not-elected", (int[]){leader}, 1, term, 0,
			 "server %d acts as leader of term %lld (it sent %s) with the "
			 "votes of only %d of %d servers (%s, itself included) delivered to it in "
			 "that term%s: a leader needs a majority of votes from its own election",
			 leader, (long long)term, what, count, o->n, voters, older);
}
