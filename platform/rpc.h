/*
 * The three Raft RPCs (figures 2 and 13 of the Raft paper) and their
 * encoding.
 *
 * The network carries bytes only: a sender encodes its args into a
 * codec_buf, the receiver decodes them into fresh memory, and the reply
 * travels back the same way. Peers never share a pointer.
 */
#ifndef RAFT_RPC_H
#define RAFT_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"

/*
 * One log entry as it travels in AppendEntries: the term in which a leader
 * created it and an opaque command. The peer's log (raft/log.h) stores
 * entries of this same shape.
 */
typedef struct log_entry {
	int64_t term;
	void *command;        /* malloc'd, owned by the entry */
	size_t command_len;
} log_entry;

#define RPC_REQUEST_VOTE "Raft.RequestVote"
#define RPC_APPEND_ENTRIES "Raft.AppendEntries"
#define RPC_INSTALL_SNAPSHOT "Raft.InstallSnapshot"

typedef struct request_vote_args {
	int64_t term;             /* the candidate's term */
	int64_t candidate_id;
	int64_t last_log_index;   /* the candidate's last entry, for §5.4.1 */
	int64_t last_log_term;
} request_vote_args;

typedef struct request_vote_reply {
	int64_t term;             /* the voter's current term */
	bool vote_granted;
} request_vote_reply;

typedef struct append_entries_args {
	int64_t term;             /* the leader's term */
	int64_t leader_id;
	int64_t prev_log_index;   /* the entry just before entries[0] */
	int64_t prev_log_term;
	log_entry *entries;       /* owned by the args: append_entries_args_free */
	int64_t entry_count;
	int64_t leader_commit;
} append_entries_args;

/*
 * When success is false because the follower's log does not match at
 * prev_log_index, the conflict fields let the leader skip back a whole term
 * per round trip instead of one entry (the lecture's XTerm/XIndex/XLen):
 *   conflict_term   the follower's term at prev_log_index, or -1 when its
 *                   log is too short to have that entry;
 *   conflict_index  the follower's first index of conflict_term, or, when
 *                   conflict_term is -1, its last index + 1.
 */
typedef struct append_entries_reply {
	int64_t term;             /* the follower's current term */
	bool success;
	int64_t conflict_term;
	int64_t conflict_index;
} append_entries_reply;

/*
 * Lab 3D: a leader whose log no longer holds the entries a follower needs
 * sends its snapshot instead, whole (no offset or done fields: 6.5840 sends
 * it in one piece). It stands for every entry up to last_included_index.
 */
typedef struct install_snapshot_args {
	int64_t term;                 /* the leader's term */
	int64_t leader_id;
	int64_t last_included_index;  /* the snapshot replaces the log up to here */
	int64_t last_included_term;   /* ... whose last entry had this term */
	void *data;                   /* owned by the args: install_snapshot_args_free */
	size_t data_len;
} install_snapshot_args;

typedef struct install_snapshot_reply {
	int64_t term;                 /* the follower's current term */
} install_snapshot_reply;

/* Encoders append to buf; decoders return false on malformed bytes. */
/* Every request begins with the caller's term; read it alone. */
bool rpc_request_term(const codec_buf *args, int64_t *term);

void request_vote_args_encode(const request_vote_args *args, codec_buf *buf);
bool request_vote_args_decode(request_vote_args *args, const codec_buf *buf);
void request_vote_reply_encode(const request_vote_reply *reply, codec_buf *buf);
bool request_vote_reply_decode(request_vote_reply *reply, const codec_buf *buf);

void append_entries_args_encode(const append_entries_args *args, codec_buf *buf);
/* On success args->entries is malloc'd: free with append_entries_args_free. */
bool append_entries_args_decode(append_entries_args *args, const codec_buf *buf);
void append_entries_args_free(append_entries_args *args);
void append_entries_reply_encode(const append_entries_reply *reply, codec_buf *buf);
bool append_entries_reply_decode(append_entries_reply *reply, const codec_buf *buf);

void install_snapshot_args_encode(const install_snapshot_args *args, codec_buf *buf);
/* On success args->data is malloc'd: free with install_snapshot_args_free. */
bool install_snapshot_args_decode(install_snapshot_args *args, const codec_buf *buf);
void install_snapshot_args_free(install_snapshot_args *args);
void install_snapshot_reply_encode(const install_snapshot_reply *reply, codec_buf *buf);
bool install_snapshot_reply_decode(install_snapshot_reply *reply, const codec_buf *buf);

#endif
