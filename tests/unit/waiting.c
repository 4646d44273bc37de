/*
 * Reading the runtime's thread table for tests. See waiting.h.
 *
 * The table is the text rt_dump_threads prints, one block per thread:
 *
 *   thread #3 test put
 *       holds ...
 *       waits (queue) for apply queue full for 12 ms, at ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "waiting.h"

/* Does one thread's block (from "thread #", len bytes) match? */
static bool block_matches(const char *block, size_t len, const char *name, const char *kind,
			  const char *what)
{
	/* The heading: "thread #<slot> <name>", maybe followed by " [peer N]". */
	const char *p = block + strlen("thread #");
	p += strspn(p, "0123456789");
	size_t name_len = strlen(name);
	if (*p++ != ' ' || strncmp(p, name, name_len) != 0)
		return false;
	if (p[name_len] != '\n' && p[name_len] != ' ')
		return false;

	const char *wait = strstr(block, "waits (");
	if (wait == NULL || wait >= block + len)
		return false;
	char want[160];
	if (kind == NULL)
		return true;
	if (what == NULL)
		snprintf(want, sizeof want, "waits (%s)", kind);
	else
		snprintf(want, sizeof want, "waits (%s) for %s", kind, what);
	return strncmp(wait, want, strlen(want)) == 0;
}

bool thread_shows_wait(const char *name, const char *kind, const char *what)
{
	char *table = NULL;
	size_t table_len = 0;
	FILE *mem = open_memstream(&table, &table_len);
	if (mem == NULL)
		return false;
	rt_dump_threads(mem, NULL, 0);
	fclose(mem);

	bool found = false;
	for (const char *block = strstr(table, "thread #"); block && !found;) {
		const char *next = strstr(block + 1, "  thread #");
		size_t len = next ? (size_t)(next - block) : strlen(block);
		found = block_matches(block, len, name, kind, what);
		block = next ? next + 2 : NULL;
	}
	free(table);
	return found;
}

bool wait_until_thread_waits(const char *name, const char *kind, const char *what,
			     bool (*gave_up)(void *arg), void *arg)
{
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	while (rt_now_ms() < deadline) {
		if (thread_shows_wait(name, kind, what))
			return true;
		if (gave_up && gave_up(arg))
			return false;
		rt_sleep_ms(1);
	}
	return false;
}

bool wait_until_deadlock(char *cycle, size_t len)
{
	uint64_t before = 0;
	int64_t deadline = rt_now_ms() + UNIT_PATIENCE_MS;
	while (rt_now_ms() < deadline) {
		uint64_t now = rt_dump_threads_signed(NULL, cycle, len);
		if (now != 0 && now == before)
			return true;
		before = now;
		/* A plain sleep: the caller may hold a lock, and rt_sleep_ms
		 * would report that. */
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
	return false;
}
