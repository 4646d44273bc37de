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
 * of that made the reference miss it on 4 seeds of 100. */
const ck_hunt_lane ck_hunt_lanes[] = {
    /* Elections: partitions, many candidates, split votes. */
    {"elections", "^Test(InitialElection|ReElection|ManyElections)3A$"},
    /* Agreement: concurrent Starts, followers that leave and come back,
     * leaders that back up over long wrong logs, bursts of commits. */
    {"agreement", "^Test(BasicAgree|FailAgree|ConcurrentStarts|Rejoin|Backup|Count)3B$"},
    /* Crashes: servers that crash and restart, Figure 8's leaders. */
    {"crashes", "^Test(Persist1|Persist2|Figure8)3C$"},
    /* An unreliable network: lost and late messages, with concurrent
     * Starts all the while. */
    {"unreliable", "^TestUnreliableAgree3C$"},
};
const size_t ck_hunt_nlanes = sizeof ck_hunt_lanes / sizeof ck_hunt_lanes[0];

char *ck_hunt_describe(double noise)
{
	char *text = ck_strdup_printf("noise %g, lanes", noise);
	for (size_t i = 0; i < ck_hunt_nlanes; i++) {
		char *more = ck_strdup_printf("%s%s %s", text, i == 0 ? "" : ",",
					      ck_hunt_lanes[i].name);
		free(text);
		text = more;
	}
	return text;
}

json_t *ck_hunt_json(double noise)
{
	json_t *lanes = json_array();
	for (size_t i = 0; i < ck_hunt_nlanes; i++)
		json_array_append_new(lanes, json_pack("{s:s, s:s}", "name", ck_hunt_lanes[i].name,
						       "scenarios", ck_hunt_lanes[i].scenarios));
	return json_pack("{s:f, s:o}", "noise", noise, "lanes", lanes);
}
