/*
 * Codec: values come back as written, in order, and a reader that meets
 * bytes it cannot read says so instead of inventing values. The RPC
 * messages built on it (rpc.h) come back as written too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "rpc.h"
#include "unit/unit.h"

/* Write n ints, read them back, and check they match. */
static void check_int_round_trip(const int64_t *values, size_t n)
{
	codec_buf b;
	codec_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		codec_put_int(&b, values[i]);

	codec_reader r;
	codec_reader_init(&r, b.data, b.len);
	for (size_t i = 0; i < n; i++) {
		int64_t v = 12345;
		CU_ASSERT_TRUE(codec_get_int(&r, &v));
		CU_ASSERT_EQUAL(v, values[i]);
	}
	CU_ASSERT_TRUE(codec_reader_ok(&r));
	CU_ASSERT_TRUE(codec_reader_done(&r));
	codec_buf_free(&b);
}

/* Integers of every size and sign survive a round trip. */
static void test_int_round_trip(void)
{
	/* Around each boundary where msgpack switches to a longer encoding. */
	const int64_t small[] = {0, 1, -1, 127, 128, -32, -33, 255, 256, 65535, 65536, -65537};
	const int64_t large[] = {INT32_MAX, INT32_MIN, (int64_t)1 << 40, INT64_MAX, INT64_MIN};
	check_int_round_trip(small, sizeof small / sizeof small[0]);
	check_int_round_trip(large, sizeof large / sizeof large[0]);
}

/* Mixed kinds come back in the order they were written. */
static void test_mixed_values_keep_order(void)
{
	codec_buf b;
	codec_buf_init(&b);
	codec_put_bool(&b, true);
	codec_put_int(&b, -7);
	codec_put_bytes(&b, "hello", 5);
	codec_put_bool(&b, false);
	codec_put_bytes(&b, "", 0);
	codec_put_int(&b, 42);

	codec_reader r;
	codec_reader_init(&r, b.data, b.len);
	bool t = false, f = true;
	int64_t a = 0, c = 0;
	void *p = NULL, *empty = NULL;
	size_t np = 0, nempty = 99;
	CU_ASSERT_TRUE(codec_get_bool(&r, &t));
	CU_ASSERT_TRUE(codec_get_int(&r, &a));
	CU_ASSERT_TRUE(codec_get_bytes(&r, &p, &np));
	CU_ASSERT_FALSE(codec_reader_done(&r));
	CU_ASSERT_TRUE(codec_get_bool(&r, &f));
	CU_ASSERT_TRUE(codec_get_bytes(&r, &empty, &nempty));
	CU_ASSERT_TRUE(codec_get_int(&r, &c));

	CU_ASSERT_TRUE(t);
	CU_ASSERT_FALSE(f);
	CU_ASSERT_EQUAL(a, -7);
	CU_ASSERT_EQUAL(c, 42);
	CU_ASSERT_EQUAL(np, 5);
	CU_ASSERT_NSTRING_EQUAL(p, "hello", 5);
	CU_ASSERT_EQUAL(((char *)p)[5], '\0');
	CU_ASSERT_PTR_NOT_NULL(empty);
	CU_ASSERT_EQUAL(nempty, 0);
	CU_ASSERT_TRUE(codec_reader_done(&r));
	CU_ASSERT_TRUE(codec_reader_ok(&r));
	free(p);
	free(empty);
	codec_buf_free(&b);
}

/* Binary bytes, zeros included, come back unchanged and in a fresh copy. */
static void test_bytes_are_copied_exactly(void)
{
	unsigned char data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7);
	codec_buf b;
	codec_buf_init(&b);
	codec_put_bytes(&b, data, sizeof data);

	codec_reader r;
	codec_reader_init(&r, b.data, b.len);
	void *p = NULL;
	size_t n = 0;
	CU_ASSERT_TRUE(codec_get_bytes(&r, &p, &n));
	CU_ASSERT_EQUAL(n, sizeof data);
	CU_ASSERT_EQUAL(memcmp(p, data, sizeof data), 0);
	CU_ASSERT_TRUE((char *)p < b.data || (char *)p >= b.data + b.len);
	free(p);
	codec_buf_free(&b);
}

/* Reading past the end fails and keeps failing. */
static void test_read_past_end_fails(void)
{
	codec_buf b;
	codec_buf_init(&b);
	codec_put_int(&b, 5);
	codec_reader r;
	codec_reader_init(&r, b.data, b.len);
	int64_t v;
	bool flag;
	CU_ASSERT_TRUE(codec_get_int(&r, &v));
	CU_ASSERT_FALSE(codec_get_int(&r, &v));
	CU_ASSERT_FALSE(codec_reader_ok(&r));
	CU_ASSERT_FALSE(codec_get_bool(&r, &flag));
	codec_buf_free(&b);
}

/* A value cut short is not read as something shorter. */
static void test_truncated_input_fails(void)
{
	codec_buf b;
	codec_buf_init(&b);
	codec_put_bytes(&b, "abcdefgh", 8);
	codec_put_int(&b, INT64_MAX);

	/* Every proper prefix of the bytes value must fail. */
	for (size_t cut = 0; cut < 10; cut++) {
		codec_reader r;
		codec_reader_init(&r, b.data, cut);
		void *p = NULL;
		size_t n;
		CU_ASSERT_FALSE(codec_get_bytes(&r, &p, &n));
		CU_ASSERT_FALSE(codec_reader_ok(&r));
		free(p);
	}
	/* The int after it, cut by one byte. */
	codec_reader r;
	codec_reader_init(&r, b.data, b.len - 1);
	void *p = NULL;
	size_t n;
	int64_t v;
	CU_ASSERT_TRUE(codec_get_bytes(&r, &p, &n));
	CU_ASSERT_FALSE(codec_get_int(&r, &v));
	CU_ASSERT_FALSE(codec_reader_ok(&r));
	free(p);
	codec_buf_free(&b);
}

/* Reading a value as the wrong kind fails, and so does every later get. */
static void test_wrong_kind_fails(void)
{
	codec_buf b;
	codec_buf_init(&b);
	codec_put_bool(&b, true);
	codec_put_int(&b, 1);
	codec_reader r;
	codec_reader_init(&r, b.data, b.len);
	int64_t v;
	CU_ASSERT_FALSE(codec_get_int(&r, &v));
	CU_ASSERT_FALSE(codec_reader_ok(&r));
	/* The int that follows is well formed, but the reader stays failed. */
	CU_ASSERT_FALSE(codec_get_int(&r, &v));
	codec_buf_free(&b);
}

/* Garbage bytes are rejected. */
static void test_garbage_fails(void)
{
	/* 0xc1 is never used in MessagePack; 0xa2 "ab" is a string, not bytes. */
	const char never_used[] = {(char)0xc1};
	const char str[] = {(char)0xa2, 'a', 'b'};
	codec_reader r;
	int64_t v;
	void *p = NULL;
	size_t n;

	codec_reader_init(&r, never_used, sizeof never_used);
	CU_ASSERT_FALSE(codec_get_int(&r, &v));
	CU_ASSERT_FALSE(codec_reader_ok(&r));

	codec_reader_init(&r, str, sizeof str);
	CU_ASSERT_FALSE(codec_get_bytes(&r, &p, &n));
	CU_ASSERT_FALSE(codec_reader_ok(&r));

	codec_reader_init(&r, NULL, 0);
	CU_ASSERT_TRUE(codec_reader_done(&r));
	CU_ASSERT_FALSE(codec_get_int(&r, &v));
	CU_ASSERT_FALSE(codec_reader_ok(&r));
}

/* A copy is independent of its source; reset empties a buffer. */
static void test_buf_copy_and_reset(void)
{
	codec_buf a, b;
	codec_buf_init(&a);
	codec_buf_init(&b);
	codec_put_int(&b, 999); /* replaced by the copy */
	for (int i = 0; i < 100; i++)
		codec_put_int(&a, i);
	codec_buf_copy(&b, &a);
	CU_ASSERT_EQUAL(b.len, a.len);
	CU_ASSERT_PTR_NOT_EQUAL(b.data, a.data);
	CU_ASSERT_EQUAL(memcmp(a.data, b.data, a.len), 0);

	codec_buf_reset(&a);
	CU_ASSERT_EQUAL(a.len, 0);
	codec_put_int(&a, -1);
	codec_reader r;
	codec_reader_init(&r, b.data, b.len);
	int64_t v = -5;
	CU_ASSERT_TRUE(codec_get_int(&r, &v));
	CU_ASSERT_EQUAL(v, 0); /* b still starts with the old first value */
	codec_buf_free(&a);
	codec_buf_free(&b);
	CU_ASSERT_PTR_NULL(a.data);
}

/* ---- RPC messages ---------------------------------------------------------- */

/* A snapshot is the service's bytes, zeros included. */
static void test_install_snapshot_args_come_back_as_written(void)
{
	unsigned char data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7);
	install_snapshot_args sent = {.term = 7, .leader_id = 2, .last_included_index = 1000,
				      .last_included_term = 6, .data = data,
				      .data_len = sizeof data};
	codec_buf b;
	codec_buf_init(&b);
	install_snapshot_args_encode(&sent, &b);

	install_snapshot_args got;
	CU_ASSERT_TRUE_FATAL(install_snapshot_args_decode(&got, &b));
	CU_ASSERT_EQUAL(got.term, 7);
	CU_ASSERT_EQUAL(got.leader_id, 2);
	CU_ASSERT_EQUAL(got.last_included_index, 1000);
	CU_ASSERT_EQUAL(got.last_included_term, 6);
	CU_ASSERT_EQUAL(got.data_len, sizeof data);
	CU_ASSERT_EQUAL(memcmp(got.data, data, sizeof data), 0);
	CU_ASSERT_PTR_NOT_EQUAL(got.data, data);
	int64_t term = -1;   /* read alone, as the harness's oracles do */
	CU_ASSERT_TRUE(rpc_request_term(&b, &term));
	CU_ASSERT_EQUAL(term, 7);
	install_snapshot_args_free(&got);
	CU_ASSERT_PTR_NULL(got.data);
	codec_buf_free(&b);
}

static void test_install_snapshot_args_with_an_empty_snapshot_come_back(void)
{
	install_snapshot_args sent = {.term = 1, .leader_id = 0, .last_included_index = 3,
				      .last_included_term = 1, .data = NULL, .data_len = 0};
	codec_buf b;
	codec_buf_init(&b);
	install_snapshot_args_encode(&sent, &b);
	install_snapshot_args got;
	CU_ASSERT_TRUE_FATAL(install_snapshot_args_decode(&got, &b));
	CU_ASSERT_EQUAL(got.last_included_index, 3);
	CU_ASSERT_EQUAL(got.data_len, 0);
	install_snapshot_args_free(&got);
	codec_buf_free(&b);
}

/* Every proper prefix fails, and a failed decode leaves nothing to free. */
static void test_install_snapshot_args_cut_short_do_not_decode(void)
{
	install_snapshot_args sent = {.term = 300, .leader_id = 1, .last_included_index = 70000,
				      .last_included_term = 299, .data = "snapshot",
				      .data_len = 8};
	codec_buf b;
	codec_buf_init(&b);
	install_snapshot_args_encode(&sent, &b);
	for (size_t cut = 0; cut < b.len; cut++) {
		codec_buf prefix = {.data = b.data, .len = cut, .cap = cut};
		install_snapshot_args got;
		CU_ASSERT_FALSE(install_snapshot_args_decode(&got, &prefix));
		CU_ASSERT_PTR_NULL(got.data);
	}
	codec_buf_free(&b);
}

static void test_install_snapshot_reply_comes_back_as_written(void)
{
	codec_buf b;
	codec_buf_init(&b);
	install_snapshot_reply_encode(&(install_snapshot_reply){.term = INT64_MAX}, &b);
	install_snapshot_reply got = {.term = 0};
	CU_ASSERT_TRUE(install_snapshot_reply_decode(&got, &b));
	CU_ASSERT_EQUAL(got.term, INT64_MAX);
	codec_buf_reset(&b);
	install_snapshot_reply_encode(&(install_snapshot_reply){.term = 4}, &b);
	codec_put_int(&b, 0);   /* a byte too many is malformed too */
	CU_ASSERT_FALSE(install_snapshot_reply_decode(&got, &b));
	codec_buf_free(&b);
}

/* Registers the codec tests. */
void add_codec_suite(void)
{
	CU_pSuite s = CU_add_suite("codec", NULL, NULL);
	CU_add_test(s, "ints of every size and sign come back as written", test_int_round_trip);
	CU_add_test(s, "mixed values come back in order", test_mixed_values_keep_order);
	CU_add_test(s, "bytes come back exactly, in a fresh copy", test_bytes_are_copied_exactly);
	CU_add_test(s, "reading past the end fails for good", test_read_past_end_fails);
	CU_add_test(s, "a value cut short fails", test_truncated_input_fails);
	CU_add_test(s, "reading a value as the wrong kind fails for good", test_wrong_kind_fails);
	CU_add_test(s, "bytes that are not ours fail", test_garbage_fails);
	CU_add_test(s, "a buffer copy is independent; reset empties", test_buf_copy_and_reset);
	CU_add_test(s, "InstallSnapshot args come back as written",
		    test_install_snapshot_args_come_back_as_written);
	CU_add_test(s, "InstallSnapshot args with an empty snapshot come back",
		    test_install_snapshot_args_with_an_empty_snapshot_come_back);
	CU_add_test(s, "InstallSnapshot args cut short do not decode",
		    test_install_snapshot_args_cut_short_do_not_decode);
	CU_add_test(s, "an InstallSnapshot reply comes back as written",
		    test_install_snapshot_reply_comes_back_as_written);
}
