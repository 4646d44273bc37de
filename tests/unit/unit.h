/*
 * CUnit unit tests. Each tests/unit/test_<name>.c defines one
 * add_<name>_suite() that registers its suite; main.c calls them all.
 */
#ifndef UNIT_H
#define UNIT_H

#include <CUnit/CUnit.h>

void add_codec_suite(void);
void add_net_suite(void);
void add_persister_suite(void);
void add_applied_suite(void);
void add_apply_queue_suite(void);
void add_log_suite(void);
void add_lockdep_suite(void);
void add_watchdog_suite(void);
void add_protocol_election_suite(void);
void add_protocol_append_suite(void);
void add_protocol_leader_suite(void);
void add_protocol_snapshot_suite(void);
void add_oracle_election_suite(void);
void add_oracle_log_suite(void);
void add_oracle_commit_suite(void);
void add_oracle_terms_suite(void);
void add_oracle_history_suite(void);
void add_preempt_suite(void);

/* The watchdog tests run each case in a fresh copy of the unit runner,
 * started as `unit-tests --watchdog-child NAME`; this runs case NAME. */
#define WATCHDOG_CHILD_FLAG "--watchdog-child"
int watchdog_child_main(const char *name);

#endif
