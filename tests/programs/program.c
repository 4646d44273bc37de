/*
 * Command-line flags for the small programs. See program.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

/* Why: the checker passes a seed (and may stretch time for Helgrind) the
 * same way for every program and for the scenario runner. */
rt_options program_options(int argc, char **argv)
{
	rt_options o = {.seed = 1, .noise = 0, .time_scale = 1.0};
	for (int i = 1; i < argc; i += 2) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (value == NULL) {
			fprintf(stderr, "%s: flag %s needs a value\n", argv[0], argv[i]);
			exit(2);
		}
		if (strcmp(argv[i], "-seed") == 0)
			o.seed = strtoull(value, NULL, 10);
		else if (strcmp(argv[i], "-scale") == 0)
			o.time_scale = strtod(value, NULL);
		else if (strcmp(argv[i], "-noise") == 0)
			o.noise = strtod(value, NULL);
		else {
			fprintf(stderr, "usage: %s [-seed N] [-scale X] [-noise P]\n", argv[0]);
			exit(2);
		}
	}
	return o;
}
