/*
 * Encoding and decoding with msgpack-c: a msgpack_packer appends to a
 * codec_buf through a write callback, and a reader unpacks one object at a
 * time from an offset with msgpack_unpack_next.
 *
 * Integers are MessagePack ints, booleans are true/false, byte strings are
 * the bin type. A reader checks the type of every value it takes, so a
 * value read back as the wrong kind makes the reader fail.
 */
#include "codec.h"
#include "xalloc.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An empty buffer that owns no memory yet. */
void codec_buf_init(codec_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Give the memory back; the buffer is empty and reusable after. */
void codec_buf_free(codec_buf *b)
{
	free(b->data);
	codec_buf_init(b);
}

/* Forget the contents but keep the memory for the next message. */
void codec_buf_reset(codec_buf *b)
{
	b->len = 0;
}

/* Make room for n more bytes, doubling so appends stay cheap. */
static void codec_buf_reserve(codec_buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

/* Append n bytes from p. */
static void codec_buf_append(codec_buf *b, const void *p, size_t n)
{
	codec_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* dst gets its own copy of the bytes, so the two never share memory. */
void codec_buf_copy(codec_buf *dst, const codec_buf *src)
{
	if (dst == src)
		return;
	codec_buf_reset(dst);
	codec_buf_append(dst, src->data, src->len);
}

/* The packer's write callback: msgpack hands us encoded bytes to append. */
static int codec_write(void *data, const char *buf, size_t len)
{
	codec_buf_append(data, buf, len);
	return 0;
}

/* A packer is two pointers, so making one per value costs nothing. */
static void codec_packer(msgpack_packer *pk, codec_buf *b)
{
	msgpack_packer_init(pk, b, codec_write);
}

/* msgpack picks the shortest encoding for the value. */
void codec_put_int(codec_buf *b, int64_t v)
{
	msgpack_packer pk;
	codec_packer(&pk, b);
	msgpack_pack_int64(&pk, v);
}

/* A MessagePack true or false. */
void codec_put_bool(codec_buf *b, bool v)
{
	msgpack_packer pk;
	codec_packer(&pk, b);
	if (v)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
}

/* A bin header with the length, then the bytes themselves. */
void codec_put_bytes(codec_buf *b, const void *p, size_t n)
{
	msgpack_packer pk;
	codec_packer(&pk, b);
	msgpack_pack_bin(&pk, n);
	msgpack_pack_bin_body(&pk, p, n);
}

/* A reader over len bytes at data, which must outlive it. */
void codec_reader_init(codec_reader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->off = 0;
	r->ok = true;
}

/*
 * Unpack the next value into *out, which the caller destroys. Fails when
 * the reader already failed, or when the bytes run out or do not parse.
 * The offset only moves on success.
 */
static bool codec_next(codec_reader *r, msgpack_unpacked *out)
{
	msgpack_unpacked_init(out);
	if (!r->ok)
		return false;
	size_t off = r->off;
	if (msgpack_unpack_next(out, r->data, r->len, &off) != MSGPACK_UNPACK_SUCCESS)
		return r->ok = false;
	r->off = off;
	return true;
}

/* A value of the wrong kind means reader and writer disagree: fail for good. */
static bool codec_expect(codec_reader *r, bool right_kind)
{
	if (!right_kind)
		r->ok = false;
	return r->ok;
}

/* Takes either MessagePack integer type, as long as it fits int64. */
bool codec_get_int(codec_reader *r, int64_t *v)
{
	msgpack_unpacked u;
	if (codec_next(r, &u)) {
		msgpack_object o = u.data;
		/* msgpack stores non-negative ints as unsigned; ours all fit int64. */
		if (o.type == MSGPACK_OBJECT_POSITIVE_INTEGER && o.via.u64 <= (uint64_t)INT64_MAX)
			*v = (int64_t)o.via.u64;
		else if (o.type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
			*v = o.via.i64;
		else
			codec_expect(r, false);
	}
	msgpack_unpacked_destroy(&u);
	return r->ok;
}

/* Takes a MessagePack true or false. */
bool codec_get_bool(codec_reader *r, bool *v)
{
	msgpack_unpacked u;
	if (codec_next(r, &u) && codec_expect(r, u.data.type == MSGPACK_OBJECT_BOOLEAN))
		*v = u.data.via.boolean;
	msgpack_unpacked_destroy(&u);
	return r->ok;
}

/* Takes a bin value into a fresh, zero-terminated allocation. */
bool codec_get_bytes(codec_reader *r, void **p, size_t *n)
{
	msgpack_unpacked u;
	if (codec_next(r, &u) && codec_expect(r, u.data.type == MSGPACK_OBJECT_BIN)) {
		/* The value points into msgpack's memory: copy it out. */
		size_t size = u.data.via.bin.size;
		char *copy = xrealloc(NULL, size + 1);
		if (size > 0)
			memcpy(copy, u.data.via.bin.ptr, size);
		copy[size] = '\0';
		*p = copy;
		*n = size;
	}
	msgpack_unpacked_destroy(&u);
	return r->ok;
}

/* False once any get has failed. */
bool codec_reader_ok(const codec_reader *r)
{
	return r->ok;
}

/* Bytes left over mean reader and writer disagree about the message. */
bool codec_reader_done(const codec_reader *r)
{
	return r->off == r->len;
}
