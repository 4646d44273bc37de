/*
 * The harness's table of applied commands: the first server to apply an
 * index fixes the command there, and every later server, or a snapshot
 * covering the index, must agree with it.
 */
#include <string.h>

#include "config_internal.h"
#include "unit/unit.h"

/* A config holding only an applied table for n servers (one at a time). */
static config *table_of(int n)
{
	static config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.n = n;
	cfg_applied_init(&cfg.applied, n);
	return &cfg;
}

/* Agreeing servers are all recorded; the first one fixes the index. */
static void test_agreeing_servers_are_recorded(void)
{
	config *cfg = table_of(3);
	uint64_t fixed = 0, got = 0;
	CU_ASSERT_TRUE(cfg_applied_record(cfg, 0, 1, 42, &fixed));
	CU_ASSERT_EQUAL(fixed, 42);
	CU_ASSERT_TRUE(cfg_applied_record(cfg, 2, 1, 42, &fixed));
	CU_ASSERT_EQUAL(fixed, 42);
	CU_ASSERT_TRUE(cfg_applied_get(cfg, 2, 1, &got));
	CU_ASSERT_EQUAL(got, 42);
	CU_ASSERT_FALSE(cfg_applied_get(cfg, 1, 1, &got));
	CU_ASSERT_EQUAL(cfg_applied_max_index(cfg), 1);
	cfg_applied_free(&cfg->applied);
}

/* A different command at a fixed index is refused and names the first. */
static void test_disagreeing_server_is_refused(void)
{
	config *cfg = table_of(3);
	uint64_t fixed = 0, got = 0;
	CU_ASSERT_TRUE(cfg_applied_record(cfg, 0, 5, 7, &fixed));
	CU_ASSERT_FALSE(cfg_applied_record(cfg, 1, 5, 8, &fixed));
	CU_ASSERT_EQUAL(fixed, 7);
	/* What the server applied is still recorded, for the message. */
	CU_ASSERT_TRUE(cfg_applied_get(cfg, 1, 5, &got));
	CU_ASSERT_EQUAL(got, 8);
	CU_ASSERT_EQUAL(cfg_applied_max_index(cfg), 5);
	cfg_applied_free(&cfg->applied);
}

/* Zero is a command like any other, not "nothing applied". */
static void test_zero_is_a_command(void)
{
	config *cfg = table_of(2);
	uint64_t fixed = 99, got = 99;
	CU_ASSERT_TRUE(cfg_applied_record(cfg, 0, 3, 0, &fixed));
	CU_ASSERT_EQUAL(fixed, 0);
	CU_ASSERT_TRUE(cfg_applied_get(cfg, 0, 3, &got));
	CU_ASSERT_EQUAL(got, 0);
	CU_ASSERT_FALSE(cfg_applied_record(cfg, 1, 3, 1, &fixed));
	CU_ASSERT_EQUAL(fixed, 0);
	cfg_applied_free(&cfg->applied);
}

/* Registers the applied-table tests. */
void add_applied_suite(void)
{
	CU_pSuite s = CU_add_suite("applied commands", NULL, NULL);
	CU_add_test(s, "agreeing servers are recorded", test_agreeing_servers_are_recorded);
	CU_add_test(s, "a server that disagrees is refused", test_disagreeing_server_is_refused);
	CU_add_test(s, "zero is a command like any other", test_zero_is_a_command);
}
