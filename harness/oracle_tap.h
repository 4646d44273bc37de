/*
 * Feeding the oracle (oracle.h) with what the harness sees: the network's
 * tap, and the harness's own Start, apply, crash and restart. Each event
 * also becomes a note in the history of the peer it belongs to
 * (rt/history.h), so a finding shows the messages that led to it.
 */
#ifndef ORACLE_TAP_H
#define ORACLE_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "oracle.h"

/*
 * A tap for the network, feeding o. Endpoint and server owners must be
 * the cfg_instance they belong to (config_internal.h).
 */
net_tap oracle_net_tap(oracle *o);

/* raft_start on server returned ok, and if so index and term. */
void oracle_tap_start(oracle *o, int server, const void *cmd, size_t len, bool ok, int64_t index,
		      int64_t term);
/* server applied cmd at index. */
void oracle_tap_apply(oracle *o, int server, int64_t index, const void *cmd, size_t len);
/* server crashed (was_up: an instance was running): call before its saved
 * state is copied. */
void oracle_tap_crash(oracle *o, int server, bool was_up);
/* A new instance of server: its generation (oracle_instance_started). */
uint32_t oracle_tap_restart(oracle *o, int server);

#endif
