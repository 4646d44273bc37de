/*
 * Persister: saved bytes come back exactly, and every handover is a copy,
 * so neither a caller's buffer nor a crashed peer can change what a
 * restarted peer reads.
 */
#include <stdlib.h>
#include <string.h>

#include "persister.h"
#include "unit/unit.h"

/* A new persister is empty. */
static void test_new_persister_is_empty(void)
{
	persister *ps = persister_make();
	size_t len = 99;
	CU_ASSERT_PTR_NULL(persister_read_state(ps, &len));
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_PTR_NULL(persister_read_snapshot(ps, &len));
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(persister_state_size(ps), 0);
	CU_ASSERT_EQUAL(persister_snapshot_size(ps), 0);
	persister_free(ps);
}

/* State and snapshot are saved together and read back as saved. */
static void test_save_then_read(void)
{
	persister *ps = persister_make();
	persister_save(ps, "state", 5, "snap!!", 6);
	CU_ASSERT_EQUAL(persister_state_size(ps), 5);
	CU_ASSERT_EQUAL(persister_snapshot_size(ps), 6);

	size_t len = 0;
	char *s = persister_read_state(ps, &len);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_NSTRING_EQUAL(s, "state", 5);
	free(s);
	char *snap = persister_read_snapshot(ps, &len);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_NSTRING_EQUAL(snap, "snap!!", 6);
	free(snap);

	/* A later save replaces both, even with an empty snapshot. */
	persister_save(ps, "xy", 2, NULL, 0);
	CU_ASSERT_EQUAL(persister_state_size(ps), 2);
	CU_ASSERT_EQUAL(persister_snapshot_size(ps), 0);
	CU_ASSERT_PTR_NULL(persister_read_snapshot(ps, &len));
	persister_free(ps);
}

/* Changing the caller's buffer or the returned copy leaves the saved bytes alone. */
static void test_save_and_read_copy_bytes(void)
{
	persister *ps = persister_make();
	char buf[4] = "abc";
	persister_save(ps, buf, 4, buf, 4);
	buf[0] = 'X';

	size_t len;
	char *s = persister_read_state(ps, &len);
	CU_ASSERT_STRING_EQUAL(s, "abc");
	s[1] = 'Y';
	free(s);
	s = persister_read_state(ps, &len);
	CU_ASSERT_STRING_EQUAL(s, "abc");
	free(s);
	persister_free(ps);
}

/* A copy keeps what was saved before it was made and nothing after. */
static void test_copy_is_independent(void)
{
	persister *ps = persister_make();
	persister_save(ps, "before", 7, "snap", 5);
	persister *cp = persister_copy(ps);

	persister_save(ps, "after", 6, NULL, 0);
	size_t len;
	char *s = persister_read_state(cp, &len);
	CU_ASSERT_EQUAL(len, 7);
	CU_ASSERT_STRING_EQUAL(s, "before");
	free(s);
	CU_ASSERT_EQUAL(persister_snapshot_size(cp), 5);

	/* And the other way round: saving into the copy leaves the original alone. */
	persister_save(cp, "copy", 5, NULL, 0);
	s = persister_read_state(ps, &len);
	CU_ASSERT_STRING_EQUAL(s, "after");
	free(s);

	persister_free(ps);
	/* The copy outlives its source. */
	CU_ASSERT_EQUAL(persister_state_size(cp), 5);
	persister_free(cp);
}

/* Registers the persister tests. */
void add_persister_suite(void)
{
	CU_pSuite s = CU_add_suite("persister", NULL, NULL);
	CU_add_test(s, "a new persister is empty", test_new_persister_is_empty);
	CU_add_test(s, "state and snapshot read back as saved", test_save_then_read);
	CU_add_test(s, "save and read copy the bytes", test_save_and_read_copy_bytes);
	CU_add_test(s, "a copy is independent of its source", test_copy_is_independent);
}
