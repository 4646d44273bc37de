/*
 * The hunt profile's lanes (see hunt.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "hunt.h"

/* About 4, 12, 20 and 6 s each on a clean tree (natively, scale 0.25);
 * each begins with its shortest scenarios. Figure8Unreliable3C is not
 * here: its last agreement must be reached within 10 s after a storm of
 * long reordering, and the hunt's held replies and slow applies on top
 * of that made the reference miss it on 4 seeds of 100. The two snapshot
 * lanes, about 30 and 40 s, hunt only in a check of 3D scenarios. */
const ck_hunt_lane ck_hunt_lanes[] = {
    /* Elections: partitions, many candidates, split votes. */
    {"elections", "^Test(InitialElection|ReElection|ManyElections)3A$", NULL, NULL, false},
    /* Agreement: concurrent Starts, followers that leave and come back,
     * leaders that back up over long wrong logs, bursts of commits. */
    {"agreement", "^Test(BasicAgree|FailAgree|ConcurrentStarts|Rejoin|Backup|Count)3B$", NULL, NULL,
     false},
    /* Crashes: servers that crash and restart, Figure 8's leaders, and
     * split crashes: a server crashed between two critical sections. */
    {"crashes", "^Test(Persist1|Persist2|Figure8)3C$", NULL, NULL, true},
    /* An unreliable network: lost and late messages, with concurrent
     * Starts all the while. */
    {"unreliable", "^TestUnreliableAgree3C$", NULL, NULL, false},
    /* Snapshots across crashes: services that snapshot while servers
     * crash and restart, one at a time or all at once, and split
     * crashes. */
    {"snapshot-crashes", "^TestSnapshot(Basic|Init|AllCrash|InstallCrash|InstallUnCrash)3D$",
     "3D$", "3D checks", true},
    /* Snapshots installed: followers cut off while the leader compacts,
     * then brought back by InstallSnapshot, on a reliable and an
     * unreliable network, and while a slow service still applies. */
    {"snapshot-installs", "^TestSnapshot(Install|InstallUnreliable|InstallWhileApplying)3D$", "3D$",
     "3D checks", false},
};
const size_t ck_hunt_nlanes = sizeof ck_hunt_lanes / sizeof ck_hunt_lanes[0];

char *ck_hunt_describe(double noise)
{
	char *text = ck_strdup_printf("noise %g, lanes", noise);
	for (size_t i = 0; i < ck_hunt_nlanes; i++) {
		const ck_hunt_lane *l = &ck_hunt_lanes[i];
		char *more = l->only_with_label
				     ? ck_strdup_printf("%s%s %s (%s)", text, i == 0 ? "" : ",",
							l->name, l->only_with_label)
				     : ck_strdup_printf("%s%s %s", text, i == 0 ? "" : ",", l->name);
		free(text);
		text = more;
	}
	return text;
}

json_t *ck_hunt_json(double noise)
{
	json_t *lanes = json_array();
	for (size_t i = 0; i < ck_hunt_nlanes; i++) {
		const ck_hunt_lane *l = &ck_hunt_lanes[i];
		json_t *lane = json_pack("{s:s, s:s}", "name", l->name, "scenarios", l->scenarios);
		if (l->only_with != NULL)
			json_object_set_new(lane, "only_with", json_string(l->only_with));
		if (l->split_crashes)
			json_object_set_new(lane, "split_crashes", json_true());
		json_array_append_new(lanes, lane);
	}
	return json_pack("{s:f, s:o}", "noise", noise, "lanes", lanes);
}
