/*
 * Event scripts for the oracle tests (test_oracle_script.h).
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "test_oracle_script.h"

/* The oracle's report function: remember the finding. */
static void record(void *ctx, const rt_finding_info *info, const char *message)
{
	script *s = ctx;
	if (s->nfindings == SCRIPT_MAX_FINDINGS)
		return;
	script_finding *f = &s->findings[s->nfindings++];
	snprintf(f->kind, sizeof f->kind, "%s", info->kind);
	snprintf(f->message, sizeof f->message, "%s", message);
	f->term = info->term;
	f->index = info->index;
	f->npeers = info->npeers < 4 ? info->npeers : 4;
	for (int i = 0; i < f->npeers; i++)
		f->peers[i] = info->peers[i];
}

void script_start(script *s, int n)
{
	memset(s, 0, sizeof *s);
	s->n = n;
	s->o = oracle_make(n, record, s);
	for (int i = 0; i < n; i++)
		s->gen[i] = oracle_instance_started(s->o, i);
}

void script_end(script *s)
{
	oracle_free(s->o);
}

static void show_findings(const script *s)
{
	for (int i = 0; i < s->nfindings; i++)
		fprintf(stderr, "    finding %d: %s (term %lld, index %lld)\n", i,
			s->findings[i].kind, (long long)s->findings[i].term,
			(long long)s->findings[i].index);
}

const script_finding *script_expect_one_at(script *s, const char *kind, const char *file, int line)
{
	bool ok = s->nfindings == 1 && strcmp(s->findings[0].kind, kind) == 0;
	if (!ok) {
		fprintf(stderr, "\n    %s:%d: expected one %s finding, got %d\n", file, line, kind,
			s->nfindings);
		show_findings(s);
	}
	CU_ASSERT_FATAL(ok);
	return &s->findings[0];
}

void script_expect_none_at(script *s, const char *file, int line)
{
	if (s->nfindings != 0) {
		fprintf(stderr, "\n    %s:%d: expected no finding, got %d\n", file, line,
			s->nfindings);
		show_findings(s);
	}
	CU_ASSERT_EQUAL_FATAL(s->nfindings, 0);
}

bool script_names_peer(const script_finding *f, int peer)
{
	for (int i = 0; i < f->npeers; i++)
		if (f->peers[i] == peer)
			return true;
	return false;
}

/* ---- Elections ----------------------------------------------------------- */

static request_vote_args vote_args(int candidate, int64_t term)
{
	return (request_vote_args){.term = term, .candidate_id = candidate};
}

void script_ask_vote(script *s, int candidate, int voter, int64_t term)
{
	request_vote_args a = vote_args(candidate, term);
	oracle_request_vote_sent(s->o, candidate, s->gen[candidate], voter, &a);
}

void script_grant_vote(script *s, int voter, int candidate, int64_t term, bool delivered)
{
	request_vote_args a = vote_args(candidate, term);
	request_vote_reply r = {.term = term, .vote_granted = true};
	oracle_request_vote_replied(s->o, voter, s->gen[voter], candidate, &a, &r);
	if (delivered)
		oracle_request_vote_delivered(s->o, candidate, voter, &a, &r);
}

void script_refuse_vote(script *s, int voter, int candidate, int64_t term, int64_t voter_term)
{
	request_vote_args a = vote_args(candidate, term);
	request_vote_reply r = {.term = voter_term, .vote_granted = false};
	oracle_request_vote_replied(s->o, voter, s->gen[voter], candidate, &a, &r);
	oracle_request_vote_delivered(s->o, candidate, voter, &a, &r);
}

void script_win_election(script *s, int candidate, int64_t term, const int *voters)
{
	for (int v = 0; v < s->n; v++)
		if (v != candidate)
			script_ask_vote(s, candidate, v, term);
	for (; *voters >= 0; voters++)
		script_grant_vote(s, *voters, candidate, term, true);
}

/* ---- Replication --------------------------------------------------------- */

/* The wire form of a: 8-byte integer commands, as the tests send them. */
static append_entries_args wire_args(int leader, script_append a)
{
	append_entries_args args = {
	    .term = a.term,
	    .leader_id = leader,
	    .prev_log_index = a.prev_index,
	    .prev_log_term = a.prev_term,
	    .entry_count = a.count,
	    .leader_commit = a.commit,
	};
	args.entries = calloc((size_t)a.count + 1, sizeof(log_entry));
	for (int i = 0; i < a.count; i++) {
		unsigned char *bytes = malloc(8);
		for (int k = 0; k < 8; k++)
			bytes[k] = (unsigned char)((uint64_t)a.entries[i].cmd >> (8 * k));
		args.entries[i] =
		    (log_entry){.term = a.entries[i].term, .command = bytes, .command_len = 8};
	}
	return args;
}

void script_send(script *s, int leader, int follower, script_append a)
{
	append_entries_args args = wire_args(leader, a);
	oracle_append_entries_sent(s->o, leader, s->gen[leader], follower, &args);
	append_entries_args_free(&args);
}

void script_ack(script *s, int leader, int follower, script_append a, bool success)
{
	append_entries_args args = wire_args(leader, a);
	append_entries_reply r = {
	    .term = a.term, .success = success, .conflict_term = -1, .conflict_index = -1};
	oracle_append_entries_replied(s->o, follower, s->gen[follower], leader, &args, &r);
	oracle_append_entries_delivered(s->o, leader, follower, &args, &r);
	append_entries_args_free(&args);
}

void script_answer(script *s, int follower, int leader, script_append a, int64_t reply_term,
		   bool success)
{
	append_entries_args args = wire_args(leader, a);
	append_entries_reply r = {
	    .term = reply_term, .success = success, .conflict_term = -1, .conflict_index = -1};
	oracle_append_entries_replied(s->o, follower, s->gen[follower], leader, &args, &r);
	append_entries_args_free(&args);
}

/* ---- Start, apply, crash ------------------------------------------------- */

void script_start_returned(script *s, int server, int64_t index, int64_t term, int64_t cmd)
{
	oracle_start_returned(s->o, server, index, term, (uint64_t)cmd);
}

void script_apply(script *s, int server, int64_t index, int64_t cmd)
{
	oracle_applied(s->o, server, index, (uint64_t)cmd);
}

void script_crash(script *s, int server)
{
	oracle_crashed(s->o, server);
}

void script_restart(script *s, int server)
{
	s->gen[server] = oracle_instance_started(s->o, server);
}
