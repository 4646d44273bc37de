/*
 * The network's tap and the harness's hooks, turned into oracle events
 * (oracle.h) and history notes (rt/history.h).
 *
 * Messages are decoded with the trusted codec (rpc.h), from the bytes on
 * the network, and the sender and receiver are the instances the harness
 * wired the endpoints and servers to. Bytes that do not decode are skipped:
 * the receiving handler cannot read them either.
 *
 * The tap runs inside peers' RPCs. It takes no lock; the oracle and the
 * history use relaxed atomics and the runtime's invisible rings only.
 */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"
#include "oracle_tap.h"
#include "rt/history.h"

/* "[6:t3=101 7:t3=102]", or the first and last of many, or "no entries". */
static void describe_entries(const append_entries_args *a, char *buf, size_t len)
{
	if (a->entry_count == 0) {
		snprintf(buf, len, "no entries");
		return;
	}
	size_t used = (size_t)snprintf(buf, len, "%lld entries [", (long long)a->entry_count);
	for (int64_t i = 0; i < a->entry_count && used < len; i++) {
		if (a->entry_count > 3 && i == 1) {
			used += (size_t)snprintf(buf + used, len - used, " ...");
			i = a->entry_count - 1;
		}
		used += (size_t)snprintf(
		    buf + used, len - used, "%s%lld:t%lld=%lld", i ? " " : "",
		    (long long)(a->prev_log_index + 1 + i), (long long)a->entries[i].term,
		    (long long)cfg_cmd_value(a->entries[i].command, a->entries[i].command_len));
	}
	if (used < len)
		snprintf(buf + used, len - used, "]");
}

static bool is_method(const net_tap_call *call, const char *method)
{
	return strcmp(call->method, method) == 0;
}

/* ---- RequestVote --------------------------------------------------------- */

static void vote_sent(oracle *o, const cfg_instance *from, const net_tap_call *call)
{
	request_vote_args a;
	if (!request_vote_args_decode(&a, call->args))
		return;
	rt_history_note(from->server, "sent RequestVote to %d: term %lld, last log %lld/t%lld",
			call->to, (long long)a.term, (long long)a.last_log_index,
			(long long)a.last_log_term);
	oracle_request_vote_sent(o, from->server, from->gen, call->to, &a);
	oracle_request_sent(o, from->server, from->gen, ORACLE_ASK_VOTE, a.term);
}

static void vote_replied(oracle *o, const cfg_instance *to, const cfg_instance *from,
			 const net_tap_call *call, const codec_buf *reply)
{
	request_vote_args a;
	request_vote_reply r;
	if (!request_vote_args_decode(&a, call->args) || !request_vote_reply_decode(&r, reply))
		return;
	rt_history_note(to->server, "answered %d's RequestVote(term %lld): term %lld, %s",
			from->server, (long long)a.term, (long long)r.term,
			r.vote_granted ? "vote granted" : "vote refused");
	oracle_request_vote_replied(o, to->server, to->gen, from->server, &a, &r);
}

static void vote_returned(oracle *o, const cfg_instance *from, const net_tap_call *call,
			  const codec_buf *reply)
{
	request_vote_args a;
	request_vote_reply r;
	if (!request_vote_args_decode(&a, call->args))
		return;
	if (reply == NULL || !request_vote_reply_decode(&r, reply)) {
		rt_history_note(from->server, "RequestVote(term %lld) to %d: no answer",
				(long long)a.term, call->to);
		return;
	}
	rt_history_note(from->server, "got %d's answer to RequestVote(term %lld): term %lld, %s",
			call->to, (long long)a.term, (long long)r.term,
			r.vote_granted ? "vote granted" : "vote refused");
	oracle_request_vote_delivered(o, from->server, call->to, &a, &r);
}

/* ---- AppendEntries ------------------------------------------------------- */

static void append_sent(oracle *o, const cfg_instance *from, const net_tap_call *call)
{
	append_entries_args a;
	if (!append_entries_args_decode(&a, call->args))
		return;
	char entries[160];
	describe_entries(&a, entries, sizeof entries);
	rt_history_note(from->server,
			"sent AppendEntries to %d: term %lld, prev %lld/t%lld, %s, commit %lld",
			call->to, (long long)a.term, (long long)a.prev_log_index,
			(long long)a.prev_log_term, entries, (long long)a.leader_commit);
	oracle_append_entries_sent(o, from->server, from->gen, call->to, &a);
	oracle_request_sent(o, from->server, from->gen, ORACLE_ASK_AS_LEADER, a.term);
	append_entries_args_free(&a);
}

/* "success", or why the follower refused. */
static void describe_append_reply(const append_entries_reply *r, char *buf, size_t len)
{
	if (r->success)
		snprintf(buf, len, "success");
	else
		snprintf(buf, len, "refused (conflict term %lld, index %lld)",
			 (long long)r->conflict_term, (long long)r->conflict_index);
}

static void append_replied(oracle *o, const cfg_instance *to, const cfg_instance *from,
			   const net_tap_call *call, const codec_buf *reply)
{
	append_entries_args a;
	append_entries_reply r;
	if (!append_entries_reply_decode(&r, reply) || !append_entries_args_decode(&a, call->args))
		return;
	char result[80];
	describe_append_reply(&r, result, sizeof result);
	rt_history_note(to->server,
			"answered %d's AppendEntries(term %lld, prev %lld/t%lld, %lld entries): "
			"term %lld, %s",
			from->server, (long long)a.term, (long long)a.prev_log_index,
			(long long)a.prev_log_term, (long long)a.entry_count, (long long)r.term,
			result);
	oracle_append_entries_replied(o, to->server, to->gen, from->server, &a, &r);
	append_entries_args_free(&a);
}

static void append_returned(oracle *o, const cfg_instance *from, const net_tap_call *call,
			    const codec_buf *reply)
{
	append_entries_args a;
	append_entries_reply r;
	if (!append_entries_args_decode(&a, call->args))
		return;
	if (reply == NULL || !append_entries_reply_decode(&r, reply)) {
		rt_history_note(from->server,
				"AppendEntries(term %lld, prev %lld/t%lld, %lld entries) to %d: "
				"no answer",
				(long long)a.term, (long long)a.prev_log_index,
				(long long)a.prev_log_term, (long long)a.entry_count, call->to);
	} else {
		char result[80];
		describe_append_reply(&r, result, sizeof result);
		rt_history_note(from->server,
				"got %d's answer to AppendEntries(term %lld, prev %lld/t%lld, "
				"%lld entries): term %lld, %s",
				call->to, (long long)a.term, (long long)a.prev_log_index,
				(long long)a.prev_log_term, (long long)a.entry_count,
				(long long)r.term, result);
		oracle_append_entries_delivered(o, from->server, call->to, &a, &r);
	}
	append_entries_args_free(&a);
}

/* ---- InstallSnapshot ----------------------------------------------------- */

static void install_sent(oracle *o, const cfg_instance *from, const net_tap_call *call)
{
	install_snapshot_args a;
	if (!install_snapshot_args_decode(&a, call->args))
		return;
	rt_history_note(from->server,
			"sent InstallSnapshot to %d: term %lld, through %lld/t%lld, %zu bytes",
			call->to, (long long)a.term, (long long)a.last_included_index,
			(long long)a.last_included_term, a.data_len);
	oracle_install_snapshot_sent(o, from->server, from->gen, call->to, &a);
	oracle_request_sent(o, from->server, from->gen, ORACLE_ASK_AS_LEADER, a.term);
	install_snapshot_args_free(&a);
}

static void install_replied(oracle *o, const cfg_instance *to, const cfg_instance *from,
			    const net_tap_call *call, const codec_buf *reply)
{
	install_snapshot_args a;
	install_snapshot_reply r;
	if (!install_snapshot_reply_decode(&r, reply) || !install_snapshot_args_decode(&a, call->args))
		return;
	rt_history_note(to->server, "answered %d's InstallSnapshot(term %lld, through %lld/t%lld): "
			"term %lld",
			from->server, (long long)a.term, (long long)a.last_included_index,
			(long long)a.last_included_term, (long long)r.term);
	oracle_install_snapshot_replied(o, to->server, to->gen, from->server, &a, &r);
	install_snapshot_args_free(&a);
}

static void install_returned(const cfg_instance *from, const net_tap_call *call,
			     const codec_buf *reply)
{
	install_snapshot_args a;
	install_snapshot_reply r;
	if (!install_snapshot_args_decode(&a, call->args))
		return;
	if (reply == NULL || !install_snapshot_reply_decode(&r, reply))
		rt_history_note(from->server,
				"InstallSnapshot(term %lld, through %lld/t%lld) to %d: no answer",
				(long long)a.term, (long long)a.last_included_index,
				(long long)a.last_included_term, call->to);
	else
		rt_history_note(from->server,
				"got %d's answer to InstallSnapshot(term %lld, through %lld/t%lld): "
				"term %lld",
				call->to, (long long)a.term, (long long)a.last_included_index,
				(long long)a.last_included_term, (long long)r.term);
	install_snapshot_args_free(&a);
}

/* ---- The tap ------------------------------------------------------------- */

static void tap_sent(void *ctx, const net_tap_call *call)
{
	const cfg_instance *from = call->from;
	if (from == NULL)
		return;
	if (is_method(call, RPC_REQUEST_VOTE))
		vote_sent(ctx, from, call);
	else if (is_method(call, RPC_APPEND_ENTRIES))
		append_sent(ctx, from, call);
	else if (is_method(call, RPC_INSTALL_SNAPSHOT))
		install_sent(ctx, from, call);
}

static void tap_replied(void *ctx, const net_tap_call *call, const codec_buf *reply)
{
	const cfg_instance *from = call->from, *to = call->to_owner;
	if (from == NULL || to == NULL)
		return;
	if (is_method(call, RPC_REQUEST_VOTE))
		vote_replied(ctx, to, from, call, reply);
	else if (is_method(call, RPC_APPEND_ENTRIES))
		append_replied(ctx, to, from, call, reply);
	else if (is_method(call, RPC_INSTALL_SNAPSHOT))
		install_replied(ctx, to, from, call, reply);
}

static void tap_returned(void *ctx, const net_tap_call *call, const codec_buf *reply)
{
	const cfg_instance *from = call->from;
	if (from == NULL)
		return;
	if (is_method(call, RPC_REQUEST_VOTE))
		vote_returned(ctx, from, call, reply);
	else if (is_method(call, RPC_APPEND_ENTRIES))
		append_returned(ctx, from, call, reply);
	else if (is_method(call, RPC_INSTALL_SNAPSHOT))
		install_returned(from, call, reply);
}

/* A held reply is handed over when its caller asks again, in the same
 * role, in a later term (oracle_stale.c). Asked often: reads the term
 * alone. */
static bool tap_caller_moved_on(void *ctx, const net_tap_call *call)
{
	const cfg_instance *from = call->from;
	int64_t term;
	if (from == NULL || !rpc_request_term(call->args, &term))
		return false;
	if (is_method(call, RPC_REQUEST_VOTE))
		return oracle_asked_again_later(ctx, from->server, from->gen, ORACLE_ASK_VOTE, term);
	if (is_method(call, RPC_APPEND_ENTRIES) || is_method(call, RPC_INSTALL_SNAPSHOT))
		return oracle_asked_again_later(ctx, from->server, from->gen, ORACLE_ASK_AS_LEADER,
						term);
	return false;
}

net_tap oracle_net_tap(oracle *o)
{
	return (net_tap){.ctx = o,
			 .sent = tap_sent,
			 .replied = tap_replied,
			 .returned = tap_returned,
			 .caller_moved_on = tap_caller_moved_on};
}

/* ---- The harness's own events -------------------------------------------- */

void oracle_tap_start(oracle *o, int server, const void *cmd, size_t len, bool ok, int64_t index,
		      int64_t term)
{
	if (!ok)
		return;
	uint64_t value = cfg_cmd_value(cmd, len);
	rt_history_note(server, "Start(%lld) returned index %lld, term %lld", (long long)value,
			(long long)index, (long long)term);
	oracle_start_returned(o, server, index, term, value);
}

void oracle_tap_apply(oracle *o, int server, int64_t index, const void *cmd, size_t len)
{
	uint64_t value = cfg_cmd_value(cmd, len);
	rt_history_note(server, "applied index %lld: %lld", (long long)index, (long long)value);
	oracle_applied(o, server, index, value);
}

void oracle_tap_crash(oracle *o, int server, bool was_up)
{
	if (was_up) {
		/* What it saved last is what its next instance starts from. */
		rt_history_crashed(server);
		rt_history_note(server, "crashed (what this instance does from now on is lost)");
	}
	oracle_crashed(o, server);
}

uint32_t oracle_tap_restart(oracle *o, int server)
{
	uint32_t gen = oracle_instance_started(o, server);
	rt_history_note(server, "started (instance %u)", gen);
	return gen;
}
