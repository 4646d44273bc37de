/*
 * Lab 3C: persistence. The scenarios and limits of 6.5840's 3C tests:
 * crashes and restarts, Figure 8, and unreliable networks.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "config.h"
#include "runner.h"
#include "test_group.h"

/* Restarted servers remember their log: single servers, then all at once. */
static void test_persist1(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3C): basic persistence");

	cfg_one_int(cfg, 11, servers, true);

	/* Crash and restart every server. */
	for (int i = 0; i < servers; i++)
		cfg_start1(cfg, i);
	for (int i = 0; i < servers; i++) {
		cfg_disconnect(cfg, i);
		cfg_connect(cfg, i);
	}

	cfg_one_int(cfg, 12, servers, true);

	int leader1 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, leader1);
	cfg_start1(cfg, leader1);
	cfg_connect(cfg, leader1);

	cfg_one_int(cfg, 13, servers, true);

	int leader2 = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, leader2);
	cfg_one_int(cfg, 14, servers - 1, true);
	cfg_start1(cfg, leader2);
	cfg_connect(cfg, leader2);

	/* Let leader2 catch up before the next server goes down. */
	cfg_wait(cfg, 4, servers, -1, NULL);

	int i3 = (cfg_check_one_leader(cfg) + 1) % servers;
	cfg_disconnect(cfg, i3);
	cfg_one_int(cfg, 15, servers - 1, true);
	cfg_start1(cfg, i3);
	cfg_connect(cfg, i3);

	cfg_one_int(cfg, 16, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Partitions and restarts in rounds: a majority made of restarted servers
 * must still know what was committed. */
static void test_persist2(void)
{
	int servers = 5;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3C): more persistence");

	int index = 1;
	for (int iters = 0; iters < 5; iters++) {
		cfg_one_int(cfg, 10 + index, servers, true);
		index++;

		int leader1 = cfg_check_one_leader(cfg);

		cfg_disconnect(cfg, (leader1 + 1) % servers);
		cfg_disconnect(cfg, (leader1 + 2) % servers);

		cfg_one_int(cfg, 10 + index, servers - 2, true);
		index++;

		cfg_disconnect(cfg, (leader1 + 0) % servers);
		cfg_disconnect(cfg, (leader1 + 3) % servers);
		cfg_disconnect(cfg, (leader1 + 4) % servers);

		cfg_start1(cfg, (leader1 + 1) % servers);
		cfg_start1(cfg, (leader1 + 2) % servers);
		cfg_connect(cfg, (leader1 + 1) % servers);
		cfg_connect(cfg, (leader1 + 2) % servers);

		rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);

		cfg_start1(cfg, (leader1 + 3) % servers);
		cfg_connect(cfg, (leader1 + 3) % servers);

		cfg_one_int(cfg, 10 + index, servers - 2, true);
		index++;

		cfg_connect(cfg, (leader1 + 4) % servers);
		cfg_connect(cfg, (leader1 + 0) % servers);
	}

	cfg_one_int(cfg, 1000, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* A partitioned leader and a follower crash; the restarted leader and the
 * server that was cut off form a majority. */
static void test_persist3(void)
{
	int servers = 3;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3C): partitioned leader and one follower crash, leader restarts");

	cfg_one_int(cfg, 101, 3, true);

	int leader = cfg_check_one_leader(cfg);
	cfg_disconnect(cfg, (leader + 2) % servers);

	cfg_one_int(cfg, 102, 2, true);

	cfg_crash1(cfg, (leader + 0) % servers);
	cfg_crash1(cfg, (leader + 1) % servers);
	cfg_connect(cfg, (leader + 2) % servers);
	cfg_start1(cfg, (leader + 0) % servers);
	cfg_connect(cfg, (leader + 0) % servers);

	cfg_one_int(cfg, 103, 2, true);

	cfg_start1(cfg, (leader + 1) % servers);
	cfg_connect(cfg, (leader + 1) % servers);

	cfg_one_int(cfg, 104, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Sleep like the Figure 8 tests: usually under 13 ms, sometimes up to half
 * an election timeout. */
static void figure8_pause(void)
{
	if (cfg_rand_int() % 1000 < 100)
		rt_sleep_ms(cfg_rand_int() % (RAFT_ELECTION_TIMEOUT_MS / 2));
	else
		rt_sleep_ms(cfg_rand_int() % 13);
}

/* The situation of the Raft paper's Figure 8: leaders crash soon after
 * appending, and a new leader must not commit an old term's entry by
 * counting replicas. */
static void test_figure8(void)
{
	int servers = 5;
	config *cfg = cfg_make(servers, false, false);
	cfg_begin(cfg, "Test (3C): Figure 8");

	cfg_one_int(cfg, cfg_rand_int(), 1, true);

	int nup = servers;
	for (int iters = 0; iters < 1000; iters++) {
		int leader = -1;
		for (int i = 0; i < servers; i++)
			if (cfg_raft_start_int(cfg, i, cfg_rand_int(), NULL, NULL))
				leader = i;

		figure8_pause();

		if (leader != -1) {
			cfg_crash1(cfg, leader);
			nup--;
		}
		if (nup < 3) {
			int s = (int)(cfg_rand_int() % servers);
			if (!cfg_is_up(cfg, s)) {
				cfg_start1(cfg, s);
				cfg_connect(cfg, s);
				nup++;
			}
		}
	}

	for (int i = 0; i < servers; i++) {
		if (!cfg_is_up(cfg, i)) {
			cfg_start1(cfg, i);
			cfg_connect(cfg, i);
		}
	}

	cfg_one_int(cfg, cfg_rand_int(), servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* One agreement made by a helper thread of UnreliableAgree3C. */
typedef struct agreement {
	config *cfg;
	int64_t cmd;
} agreement;

/* The helper thread body. */
static void agree_one(void *arg)
{
	agreement *a = arg;
	cfg_one_int(a->cfg, a->cmd, 1, true);
}

/* Many concurrent agreements over a network that drops and delays. */
static void test_unreliable_agree(void)
{
	int servers = 5;
	config *cfg = cfg_make(servers, true, false);
	cfg_begin(cfg, "Test (3C): unreliable agreement");

	enum { iters = 50, per_iter = 4 };
	agreement *work = calloc(iters * per_iter, sizeof(*work));
	test_group group;
	test_group_init(&group);
	for (int it = 1; it < iters; it++) {
		for (int j = 0; j < per_iter; j++) {
			agreement *a = &work[it * per_iter + j];
			*a = (agreement){.cfg = cfg, .cmd = 100 * it + j};
			test_group_go(&group, "test-agree", agree_one, a);
		}
		cfg_one_int(cfg, it, 1, true);
	}

	cfg_set_unreliable(cfg, false);
	test_group_wait(&group);
	test_group_destroy(&group);
	free(work);

	cfg_one_int(cfg, 100, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Figure 8 with disconnections instead of crashes, over an unreliable
 * network that, after a while, also delivers replies very late. */
static void test_figure8_unreliable(void)
{
	int servers = 5;
	config *cfg = cfg_make(servers, true, false);
	cfg_begin(cfg, "Test (3C): Figure 8 (unreliable)");

	cfg_one_int(cfg, cfg_rand_int() % 10000, 1, true);

	int nup = servers;
	for (int iters = 0; iters < 1000; iters++) {
		if (iters == 200)
			cfg_set_long_reordering(cfg, true);
		int leader = -1;
		for (int i = 0; i < servers; i++) {
			bool ok = cfg_raft_start_int(cfg, i, cfg_rand_int() % 10000, NULL, NULL);
			if (ok && cfg_is_connected(cfg, i))
				leader = i;
		}

		figure8_pause();

		if (leader != -1 && cfg_rand_int() % 1000 < RAFT_ELECTION_TIMEOUT_MS / 2) {
			cfg_disconnect(cfg, leader);
			nup--;
		}
		if (nup < 3) {
			int s = (int)(cfg_rand_int() % servers);
			if (!cfg_is_connected(cfg, s)) {
				cfg_connect(cfg, s);
				nup++;
			}
		}
	}

	for (int i = 0; i < servers; i++)
		if (!cfg_is_connected(cfg, i))
			cfg_connect(cfg, i);

	cfg_one_int(cfg, cfg_rand_int() % 10000, servers, true);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* A client of the churn tests: keeps starting commands on whoever leads and
 * remembers those it saw committed. */
typedef struct churn_client {
	config *cfg;
	int me;
	int servers;
	atomic_bool *stop;
	int64_t *values;   /* result: commands seen committed */
	int n_values, cap_values;
} churn_client;

/* Remember a committed command. */
static void churn_remember(churn_client *c, int64_t x)
{
	if (c->n_values == c->cap_values) {
		c->cap_values = c->cap_values ? 2 * c->cap_values : 64;
		c->values = realloc(c->values, c->cap_values * sizeof(int64_t));
		if (c->values == NULL)
			abort();
	}
	c->values[c->n_values++] = x;
}

/* The client thread body. */
static void churn_client_run(void *arg)
{
	static const int backoff_ms[] = {10, 20, 50, 100, 200};
	churn_client *c = arg;
	while (!atomic_load(c->stop)) {
		int64_t x = cfg_rand_int();
		int64_t index = -1;
		bool ok = false;
		/* Try them all: one of them may be the leader. */
		for (int i = 0; i < c->servers; i++) {
			int64_t index1;
			if (cfg_raft_start_int(c->cfg, i, x, &index1, NULL)) {
				ok = true;
				index = index1;
			}
		}
		if (!ok) {
			rt_sleep_ms(79 + c->me * 17);
			continue;
		}
		/* It may or may not commit; wait a little, not forever. */
		for (size_t k = 0; k < sizeof(backoff_ms) / sizeof(backoff_ms[0]); k++) {
			uint64_t cmd;
			if (cfg_n_committed(c->cfg, index, &cmd) > 0) {
				if (cmd == (uint64_t)x)
					churn_remember(c, x);
				break;
			}
			rt_sleep_ms(backoff_ms[k]);
		}
	}
}

/* True if x is among the n values. */
static bool contains(const uint64_t *values, int64_t n, uint64_t x)
{
	for (int64_t k = 0; k < n; k++)
		if (values[k] == x)
			return true;
	return false;
}

/* Servers crash, restart and disconnect at random while clients submit
 * commands; every command a client saw committed must be in the final log. */
static void churn(bool unreliable)
{
	int servers = 5;
	config *cfg = cfg_make(servers, unreliable, false);
	cfg_begin(cfg, unreliable ? "Test (3C): unreliable churn" : "Test (3C): churn");

	enum { ncli = 3 };
	atomic_bool stop = false;
	churn_client clients[ncli];
	test_group group;
	test_group_init(&group);
	for (int i = 0; i < ncli; i++) {
		clients[i] = (churn_client){.cfg = cfg, .me = i, .servers = servers, .stop = &stop};
		test_group_go(&group, "test-client", churn_client_run, &clients[i]);
	}

	for (int iters = 0; iters < 20; iters++) {
		if (cfg_rand_int() % 1000 < 200) {
			int i = (int)(cfg_rand_int() % servers);
			cfg_disconnect(cfg, i);
		}
		if (cfg_rand_int() % 1000 < 500) {
			int i = (int)(cfg_rand_int() % servers);
			if (!cfg_is_up(cfg, i))
				cfg_start1(cfg, i);
			cfg_connect(cfg, i);
		}
		if (cfg_rand_int() % 1000 < 200) {
			int i = (int)(cfg_rand_int() % servers);
			if (cfg_is_up(cfg, i))
				cfg_crash1(cfg, i);
		}
		/* Often enough that the cluster rarely settles between changes,
		 * rarely enough that it can keep up: below an election timeout. */
		rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS * 7 / 10);
	}

	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);
	cfg_set_unreliable(cfg, false);
	for (int i = 0; i < servers; i++) {
		if (!cfg_is_up(cfg, i))
			cfg_start1(cfg, i);
		cfg_connect(cfg, i);
	}

	/* Sequentially consistent, not relaxed: Helgrind takes a relaxed store
	 * for a plain write and would report a race on the flag. */
	atomic_store(&stop, true);
	test_group_wait(&group);
	test_group_destroy(&group);

	rt_sleep_ms(RAFT_ELECTION_TIMEOUT_MS);

	int64_t last_index = cfg_one_int(cfg, cfg_rand_int(), servers, true);

	uint64_t *really = calloc(last_index + 1, sizeof(uint64_t));
	for (int64_t index = 1; index <= last_index; index++)
		cfg_wait(cfg, index, servers, -1, &really[index]);

	for (int i = 0; i < ncli; i++) {
		for (int k = 0; k < clients[i].n_values; k++) {
			uint64_t v = (uint64_t)clients[i].values[k];
			if (!contains(really + 1, last_index, v))
				cfg_fatalf("client %d saw command %llu committed, but it is not in "
					   "the final log (indexes 1..%lld)",
					   i, (unsigned long long)v, (long long)last_index);
		}
		free(clients[i].values);
	}
	free(really);

	cfg_end(cfg);
	cfg_cleanup(cfg);
}

/* Churn over a reliable network. */
static void test_reliable_churn(void)
{
	churn(false);
}

/* Churn over an unreliable network. */
static void test_unreliable_churn(void)
{
	churn(true);
}

const test_case tests_3c[] = {
	{"TestPersist13C", test_persist1, 0},
	{"TestPersist23C", test_persist2, 0},
	{"TestPersist33C", test_persist3, 0},
	{"TestFigure83C", test_figure8, 0},
	{"TestUnreliableAgree3C", test_unreliable_agree, 0},
	{"TestFigure8Unreliable3C", test_figure8_unreliable, 0},
	{"TestReliableChurn3C", test_reliable_churn, 0},
	{"TestUnreliableChurn3C", test_unreliable_churn, 0},
	{NULL, NULL, 0},
};
