/*
 * The hunt profile: the runs that look for what only the invariants see.
 *
 * A split critical section, a check split from its act and a reply
 * trusted without checking the term break no data-race rule; only the
 * protocol oracles can see them, and only on a schedule that opens the
 * window. The hunt runs the plain build with strong schedule noise (lock
 * hand-offs, late replies, a slow service), over scenarios where
 * elections, agreement under concurrent Starts, crashes and an unreliable
 * network all happen. Its scenarios are split into lanes that run side by
 * side, so each kind of event comes early; a lane stops at its first
 * failed test, and a seed's lanes stop once one of them found something
 * (collect.c). Nothing in it knows any one bug.
 */
#ifndef CK_HUNT_H
#define CK_HUNT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The runner's -noise in the hunt: a hand-off, a late reply or a slow
 * apply at a fifth of the points where one can happen. The reference is
 * clean with it (docs/measurements.md). */
#define CK_HUNT_NOISE 0.2

typedef struct ck_hunt_lane {
	const char *name;      /* "elections": in file names and labels */
	const char *scenarios; /* the runner's -run */
	/* NULL: every check hunts in this lane. Else only a check whose own
	 * scenarios select a test whose name matches it: the 3D lanes need a
	 * peer that takes snapshots, which a 3A-3C submission need not be. */
	const char *only_with;
	const char *only_with_label; /* the same for people: "3D checks" */
	/* The runner's -split-crashes: a server may be crashed while one of
	 * its threads pauses between two critical sections. Only in lanes
	 * whose tests crash servers themselves and expect them back. */
	bool split_crashes;
} ck_hunt_lane;

extern const ck_hunt_lane ck_hunt_lanes[];
extern const size_t ck_hunt_nlanes;

/* One line for people: "noise 0.2; lanes elections (3A), ...". */
char *ck_hunt_describe(double noise);
/* The same for machines: {"noise": 0.2, "lanes": [{"name", "scenarios"}]}. */
json_t *ck_hunt_json(double noise);

#endif
