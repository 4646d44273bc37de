/*
 * Encoding the Raft RPCs: each message is its fields in declaration order.
 * A decoder accepts a message only if every field parsed and no bytes are
 * left over.
 */
#include "rpc.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/* Every field read, nothing left: the message is what the sender wrote. */
static bool decode_finished(const codec_reader *r)
{
	return codec_reader_ok(r) && codec_reader_done(r);
}

bool rpc_request_term(const codec_buf *args, int64_t *term)
{
	codec_reader r;
	codec_reader_init(&r, args->data, args->len);
	return codec_get_int(&r, term);
}

void request_vote_args_encode(const request_vote_args *args, codec_buf *buf)
{
	codec_put_int(buf, args->term);
	codec_put_int(buf, args->candidate_id);
	codec_put_int(buf, args->last_log_index);
	codec_put_int(buf, args->last_log_term);
}

bool request_vote_args_decode(request_vote_args *args, const codec_buf *buf)
{
	codec_reader r;
	codec_reader_init(&r, buf->data, buf->len);
	codec_get_int(&r, &args->term);
	codec_get_int(&r, &args->candidate_id);
	codec_get_int(&r, &args->last_log_index);
	codec_get_int(&r, &args->last_log_term);
	return decode_finished(&r);
}

void request_vote_reply_encode(const request_vote_reply *reply, codec_buf *buf)
{
	codec_put_int(buf, reply->term);
	codec_put_bool(buf, reply->vote_granted);
}

bool request_vote_reply_decode(request_vote_reply *reply, const codec_buf *buf)
{
	codec_reader r;
	codec_reader_init(&r, buf->data, buf->len);
	codec_get_int(&r, &reply->term);
	codec_get_bool(&r, &reply->vote_granted);
	return decode_finished(&r);
}

void append_entries_args_encode(const append_entries_args *args, codec_buf *buf)
{
	codec_put_int(buf, args->term);
	codec_put_int(buf, args->leader_id);
	codec_put_int(buf, args->prev_log_index);
	codec_put_int(buf, args->prev_log_term);
	codec_put_int(buf, args->leader_commit);
	codec_put_int(buf, args->entry_count);
	for (int64_t i = 0; i < args->entry_count; i++) {
		codec_put_int(buf, args->entries[i].term);
		codec_put_bytes(buf, args->entries[i].command, args->entries[i].command_len);
	}
}

/* The entry count comes from the wire, so it is checked before it sizes
 * an allocation: each entry takes at least two bytes. */
bool append_entries_args_decode(append_entries_args *args, const codec_buf *buf)
{
	codec_reader r;
	codec_reader_init(&r, buf->data, buf->len);
	codec_get_int(&r, &args->term);
	codec_get_int(&r, &args->leader_id);
	codec_get_int(&r, &args->prev_log_index);
	codec_get_int(&r, &args->prev_log_term);
	codec_get_int(&r, &args->leader_commit);
	args->entry_count = 0;
	args->entries = NULL;
	int64_t count = 0;
	if (!codec_get_int(&r, &count) || count < 0 || (uint64_t)count > buf->len / 2)
		return false;
	args->entries = xcalloc((size_t)count + 1, sizeof(log_entry));
	for (; args->entry_count < count; args->entry_count++) {
		log_entry *e = &args->entries[args->entry_count];
		if (!codec_get_int(&r, &e->term) ||
		    !codec_get_bytes(&r, &e->command, &e->command_len))
			break;
	}
	if (decode_finished(&r))
		return true;
	append_entries_args_free(args);
	return false;
}

void append_entries_args_free(append_entries_args *args)
{
	for (int64_t i = 0; i < args->entry_count; i++)
		free(args->entries[i].command);
	free(args->entries);
	args->entries = NULL;
	args->entry_count = 0;
}

void append_entries_reply_encode(const append_entries_reply *reply, codec_buf *buf)
{
	codec_put_int(buf, reply->term);
	codec_put_bool(buf, reply->success);
	codec_put_int(buf, reply->conflict_term);
	codec_put_int(buf, reply->conflict_index);
}

bool append_entries_reply_decode(append_entries_reply *reply, const codec_buf *buf)
{
	codec_reader r;
	codec_reader_init(&r, buf->data, buf->len);
	codec_get_int(&r, &reply->term);
	codec_get_bool(&r, &reply->success);
	codec_get_int(&r, &reply->conflict_term);
	codec_get_int(&r, &reply->conflict_index);
	return decode_finished(&r);
}

void install_snapshot_args_encode(const install_snapshot_args *args, codec_buf *buf)
{
	codec_put_int(buf, args->term);
	codec_put_int(buf, args->leader_id);
	codec_put_int(buf, args->last_included_index);
	codec_put_int(buf, args->last_included_term);
	codec_put_bytes(buf, args->data, args->data_len);
}

bool install_snapshot_args_decode(install_snapshot_args *args, const codec_buf *buf)
{
	codec_reader r;
	codec_reader_init(&r, buf->data, buf->len);
	codec_get_int(&r, &args->term);
	codec_get_int(&r, &args->leader_id);
	codec_get_int(&r, &args->last_included_index);
	codec_get_int(&r, &args->last_included_term);
	args->data = NULL;
	args->data_len = 0;
	codec_get_bytes(&r, &args->data, &args->data_len);
	if (decode_finished(&r))
		return true;
	install_snapshot_args_free(args);
	return false;
}

void install_snapshot_args_free(install_snapshot_args *args)
{
	free(args->data);
	args->data = NULL;
	args->data_len = 0;
}

void install_snapshot_reply_encode(const install_snapshot_reply *reply, codec_buf *buf)
{
	codec_put_int(buf, reply->term);
}

bool install_snapshot_reply_decode(install_snapshot_reply *reply, const codec_buf *buf)
{
	codec_reader r;
	codec_reader_init(&r, buf->data, buf->len);
	codec_get_int(&r, &reply->term);
	return decode_finished(&r);
}
