/*
 * Encoding of RPC messages and persistent state, in MessagePack
 * (Debian's libmsgpack). The network and the persister carry bytes only, so
 * peers never share memory: whatever a peer sends is encoded here and
 * decoded into fresh memory by the receiver.
 *
 * Values are written in order and read back in the same order.
 */
#ifndef CODEC_H
#define CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer that values are appended to. */
typedef struct codec_buf {
	char *data;
	size_t len;
	size_t cap;
} codec_buf;

void codec_buf_init(codec_buf *b);
void codec_buf_free(codec_buf *b);
void codec_buf_reset(codec_buf *b);
/* Replace dst's contents with a copy of src's. */
void codec_buf_copy(codec_buf *dst, const codec_buf *src);

void codec_put_int(codec_buf *b, int64_t v);
void codec_put_bool(codec_buf *b, bool v);
void codec_put_bytes(codec_buf *b, const void *p, size_t n);

/* Reads values back. After the first malformed or missing value every get
 * fails and codec_reader_ok() returns false. */
typedef struct codec_reader {
	const char *data;
	size_t len;
	size_t off;
	bool ok;
} codec_reader;

void codec_reader_init(codec_reader *r, const void *data, size_t len);
bool codec_get_int(codec_reader *r, int64_t *v);
bool codec_get_bool(codec_reader *r, bool *v);
/* Allocates *p (malloc, n + 1 bytes, zero-terminated for convenience);
 * the caller frees it. A zero-length value gives a non-NULL *p. */
bool codec_get_bytes(codec_reader *r, void **p, size_t *n);
bool codec_reader_ok(const codec_reader *r);
/* True when every byte has been consumed. */
bool codec_reader_done(const codec_reader *r);

#endif
