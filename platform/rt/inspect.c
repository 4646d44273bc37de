/*
 * Looking at every thread at once, for the watchdog: the locks each holds
 * and what each waits on, and whether the waits form a cycle.
 *
 * A thread waiting for a mutex waits for the thread holding it; a thread in
 * an RPC call waits for the handler thread running that call; a thread
 * putting on a full queue waits for the thread that takes from it. Each thread
 * waits for at most one other, so a deadlock is a cycle in a functional
 * graph, found by walking from each thread.
 */
#include <stdio.h>
#include <string.h>

#include "rt_internal.h"

static bool live(int slot)
{
	return atomic_load_explicit(&rt_threads[slot].in_use, memory_order_relaxed) != 0;
}

/* What slot waits on; read before the wait's details (see wait_kind). */
static enum rt_wait_kind wait_kind_of(int slot)
{
	return (enum rt_wait_kind)atomic_load_explicit(&rt_threads[slot].wait_kind,
						       memory_order_acquire);
}

static int holder_of(const rt_mutex *mu)
{
	for (int s = 0; s < RT_MAX_THREADS; s++) {
		if (!live(s))
			continue;
		const rt_thread_rec *r = &rt_threads[s];
		for (int i = 0; i < r->nheld && i < RT_MAX_HELD; i++)
			if (r->held[i].mu == mu)
				return s;
	}
	return -1;
}

/* The thread that slot waits for, or -1. */
static int waits_for(int slot)
{
	const rt_thread_rec *r = &rt_threads[slot];
	enum rt_wait_kind kind = wait_kind_of(slot);
	if (kind == RT_WAIT_MUTEX && r->wait_lock)
		return holder_of(r->wait_lock);
	if ((kind == RT_WAIT_RPC || kind == RT_WAIT_QUEUE) && r->wait_thread >= 0 &&
	    live(r->wait_thread) &&
	    rt_threads[r->wait_thread].id == r->wait_thread_id)
		return r->wait_thread;
	return -1;
}

static const char *wait_kind_name(enum rt_wait_kind k)
{
	switch (k) {
	case RT_WAIT_MUTEX: return "mutex";
	case RT_WAIT_COND: return "condition";
	case RT_WAIT_SLEEP: return "sleep";
	case RT_WAIT_RPC: return "rpc";
	case RT_WAIT_QUEUE: return "queue";
	default: return "running";
	}
}

static void describe_thread(int slot, char *buf, size_t len)
{
	const rt_thread_rec *r = &rt_threads[slot];
	if (r->peer >= 0)
		snprintf(buf, len, "#%d %s [peer %d]", slot, r->name, r->peer);
	else
		snprintf(buf, len, "#%d %s", slot, r->name);
}

static void dump_one(FILE *out, int slot, int64_t now)
{
	const rt_thread_rec *r = &rt_threads[slot];
	char who[96];
	describe_thread(slot, who, sizeof who);
	fprintf(out, "  thread %s\n", who);
	for (int i = 0; i < r->nheld && i < RT_MAX_HELD; i++) {
		char name[64];
		rt_describe_lock(r->held[i].mu, name, sizeof name);
		fprintf(out, "      holds %s for %lld ms, taken at %s:%d in %s()\n", name,
			(long long)(now - r->held[i].since_ms), r->held[i].site.file,
			r->held[i].site.line, r->held[i].site.func);
	}
	enum rt_wait_kind kind = wait_kind_of(slot);
	if (kind == RT_WAIT_NONE)
		return;
	char what[96] = "";
	if (kind == RT_WAIT_MUTEX && r->wait_lock)
		rt_describe_lock(r->wait_lock, what, sizeof what);
	else
		snprintf(what, sizeof what, "%s", r->wait_what);
	fprintf(out, "      waits (%s) for %s for %lld ms, at %s:%d in %s()",
		wait_kind_name(kind), what, (long long)(now - r->wait_since_ms),
		r->wait_site.file, r->wait_site.line, r->wait_site.func);
	int other = waits_for(slot);
	if (other >= 0) {
		char them[96];
		describe_thread(other, them, sizeof them);
		fprintf(out, " -> held up by %s", them);
	}
	fprintf(out, "\n");
}

/* One number for a cycle's waits: each member's thread and the wait it is
 * in. Two looks that agree saw the same waits, none of them ended between. */
static uint64_t cycle_signature(const int *slots, int n)
{
	uint64_t sig = 1469598103934665603ULL;
	for (int i = 0; i < n; i++) {
		const rt_thread_rec *r = &rt_threads[slots[i]];
		uint64_t parts[3] = {r->id, (uint64_t)r->wait_since_ms, (uint64_t)wait_kind_of(slots[i])};
		for (int p = 0; p < 3; p++)
			sig = (sig ^ parts[p]) * 1099511628211ULL;
	}
	return sig | 1; /* never 0, which means no cycle */
}

/* Follow waits-for edges from slot; if they return to a thread already on
 * the path, write the cycle into buf, set *member to a thread on it and
 * *signature to its cycle_signature, and return true. */
static bool find_cycle_from(int slot, char *buf, size_t len, int *member, uint64_t *signature)
{
	int path[64], n = 0;
	for (int s = slot; s >= 0 && n < 64; s = waits_for(s)) {
		for (int i = 0; i < n; i++) {
			if (path[i] != s)
				continue;
			*member = s;
			*signature = cycle_signature(path + i, n - i);
			size_t used = 0;
			for (int j = i; j < n && used < len; j++) {
				char who[96];
				describe_thread(path[j], who, sizeof who);
				used += (size_t)snprintf(buf + used, len - used, "%s -> ", who);
			}
			if (used < len) {
				char who[96];
				describe_thread(s, who, sizeof who);
				snprintf(buf + used, len - used, "%s", who);
			}
			return true;
		}
		path[n++] = s;
	}
	return false;
}

bool rt_dump_threads(FILE *out, char *cycle, size_t cycle_len)
{
	return rt_dump_threads_signed(out, cycle, cycle_len) != 0;
}

uint64_t rt_dump_threads_signed(FILE *out, char *cycle, size_t cycle_len)
{
	int64_t now = rt_now_ms();
	uint64_t deadlock = 0;
	char local[512];
	if (!cycle) {
		cycle = local;
		cycle_len = sizeof local;
	}
	cycle[0] = '\0';
	int member;
	for (int s = 0; s < RT_MAX_THREADS; s++) {
		if (!live(s))
			continue;
		if (out)
			dump_one(out, s, now);
		if (!deadlock)
			find_cycle_from(s, cycle, cycle_len, &member, &deadlock);
	}
	return deadlock;
}

/* A report of a hang is most useful pointing at the line that is stuck:
 * a wait inside the cycle if there is one, else the longest mutex wait. */
bool rt_stuck_site(rt_site *site)
{
	char cycle[512];
	int member = -1, longest = -1;
	int64_t now = rt_now_ms(), longest_ms = -1;
	for (int s = 0; s < RT_MAX_THREADS && member < 0; s++) {
		if (!live(s))
			continue;
		uint64_t signature;
		if (find_cycle_from(s, cycle, sizeof cycle, &member, &signature))
			break;
		const rt_thread_rec *r = &rt_threads[s];
		if (wait_kind_of(s) == RT_WAIT_MUTEX && now - r->wait_since_ms > longest_ms) {
			longest_ms = now - r->wait_since_ms;
			longest = s;
		}
	}
	int slot = member >= 0 ? member : longest;
	if (slot < 0 || rt_threads[slot].wait_site.file == NULL)
		return false;
	*site = rt_threads[slot].wait_site;
	return true;
}

/* After every peer was killed, a peer thread still alive is stuck in a
 * wait nobody will end: its line is the one to fix (the harness's own
 * threads, peer -1, are not the peer's). */
bool rt_leftover_site(rt_site *site)
{
	int longest = -1;
	int64_t now = rt_now_ms(), longest_ms = -1;
	for (int s = 0; s < RT_MAX_THREADS; s++) {
		if (!live(s) || rt_threads[s].peer < 0 || wait_kind_of(s) == RT_WAIT_NONE)
			continue;
		if (now - rt_threads[s].wait_since_ms > longest_ms) {
			longest_ms = now - rt_threads[s].wait_since_ms;
			longest = s;
		}
	}
	if (longest < 0 || rt_threads[longest].wait_site.file == NULL)
		return false;
	*site = rt_threads[longest].wait_site;
	return true;
}

bool rt_wait_site_of(int slot, rt_site *site)
{
	if (slot < 0 || slot >= RT_MAX_THREADS || !live(slot) || wait_kind_of(slot) == RT_WAIT_NONE ||
	    rt_threads[slot].wait_site.file == NULL)
		return false;
	*site = rt_threads[slot].wait_site;
	return true;
}

rt_mutex_stall rt_longest_mutex_wait(void)
{
	rt_mutex_stall longest = {.ms = 0, .slot = -1};
	int64_t now = rt_now_ms();
	for (int s = 0; s < RT_MAX_THREADS; s++) {
		if (!live(s) || wait_kind_of(s) != RT_WAIT_MUTEX)
			continue;
		int64_t since = rt_threads[s].wait_since_ms;
		if (now - since > longest.ms)
			longest = (rt_mutex_stall){.ms = now - since, .slot = s, .since_ms = since};
	}
	return longest;
}
