/*
 * Scripts of events for the oracle tests: a cluster's messages, Starts,
 * applies and crashes written as calls, the way etcd's raft tests read.
 * The oracle's findings are recorded, not printed, so a test can say which
 * finding an event sequence must raise (exactly one) or that it raises none.
 */
#ifndef TEST_ORACLE_SCRIPT_H
#define TEST_ORACLE_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "oracle.h"

#define SCRIPT_MAX_FINDINGS 8

typedef struct script_finding {
	char kind[40];
	int64_t term;
	int64_t index;
	int peers[4];
	int npeers;
	char message[512];
} script_finding;

typedef struct script {
	oracle *o;
	int n;
	uint32_t gen[16];
	int nfindings;
	script_finding findings[SCRIPT_MAX_FINDINGS];
} script;

/* n servers, each with a running instance. */
void script_start(script *s, int n);
void script_end(script *s);

/* The test fails unless exactly one finding was raised, of this kind. */
#define script_expect_one(s, kind) script_expect_one_at((s), (kind), __FILE__, __LINE__)
const script_finding *script_expect_one_at(script *s, const char *kind, const char *file, int line);
/* The test fails if any finding was raised. */
#define script_expect_none(s) script_expect_none_at((s), __FILE__, __LINE__)
void script_expect_none_at(script *s, const char *file, int line);
/* Does f name peer among its peers? */
bool script_names_peer(const script_finding *f, int peer);

/* ---- Elections ----------------------------------------------------------- */

/* candidate's RequestVote of term leaves for voter. */
void script_ask_vote(script *s, int candidate, int voter, int64_t term);
/* voter's handler grants (or refuses) candidate's RequestVote of term; with
 * delivered, the network brings the answer back to the candidate. */
void script_grant_vote(script *s, int voter, int candidate, int64_t term, bool delivered);
void script_refuse_vote(script *s, int voter, int candidate, int64_t term, int64_t voter_term);
/* candidate asks every other server and each of voters (a list ending in
 * -1) grants, delivered. */
void script_win_election(script *s, int candidate, int64_t term, const int *voters);

/* ---- Replication --------------------------------------------------------- */

/* An AppendEntries: entries are (term, command) pairs, count of them. */
typedef struct script_entry {
	int64_t term;
	int64_t cmd;
} script_entry;

typedef struct script_append {
	int64_t term;
	int64_t prev_index;
	int64_t prev_term;
	const script_entry *entries;
	int count;
	int64_t commit;
} script_append;

/* leader sends a to follower. */
void script_send(script *s, int leader, int follower, script_append a);
/* follower's successful (or refused) reply to a reaches leader. */
void script_ack(script *s, int leader, int follower, script_append a, bool success);
/* follower's handler answers a with reply_term (the network may lose it). */
void script_answer(script *s, int follower, int leader, script_append a, int64_t reply_term,
		   bool success);

/* ---- Start, apply, crash ------------------------------------------------- */

void script_start_returned(script *s, int server, int64_t index, int64_t term, int64_t cmd);
void script_apply(script *s, int server, int64_t index, int64_t cmd);
/* server crashes; its old instance's generation stays in s->gen until
 * script_restart gives it a new one. */
void script_crash(script *s, int server);
void script_restart(script *s, int server);

#endif
