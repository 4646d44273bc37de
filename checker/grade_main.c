/*
 * rrl-grade: grade a class's submissions (grader.h; docs/grading.md).
 *
 *   build/checker/rrl-grade --submissions DIR --out DIR [--exercise ID]
 *       [--seeds N] [--policy FILE] [-j N] [--regrade] [-q]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "grader.h"
#include "tools.h"

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: rrl-grade --submissions DIR --out DIR [OPTION]...\n"
		"Grade each student's tree in DIR (one directory per student, holding raft/ or\n"
		"its .c and .h files) in the sandbox, against an exercise or the reference suite.\n"
		"\n"
		"      --submissions DIR  the students' trees\n"
		"      --out DIR          grades.csv, grades.json and a folder per student\n"
		"      --exercise ID      grade against the exercise's scenarios (make list)\n"
		"      --seeds N          seeds 1..N (default 2)\n"
		"      --policy FILE      points per detector and scenario (default\n"
		"                         checker/score-policy.json)\n"
		"  -j, --jobs N           runs at a time within one submission\n"
		"      --regrade          grade again what an earlier batch already graded\n"
		"  -q, --quiet            no progress lines\n"
		"  -h, --help             this help\n"
		"\n"
		"A batch that is interrupted goes on where it stopped when run again: a\n"
		"submission graded with the same sources, policy and settings is not graded\n"
		"again. Exit status: 0 every submission graded, 2 the grader could not.\n");
}

/* The grader works from the project root; paths given are made absolute
 * first. */
static char *absolute(const char *path)
{
	if (path == NULL)
		return NULL;
	char *abs = realpath(path, NULL);
	if (abs == NULL) {
		fprintf(stderr, "rrl-grade: %s: no such file or directory\n", path);
		exit(2);
	}
	return abs;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"submissions", required_argument, NULL, 'S'},
	    {"out", required_argument, NULL, 'O'},
	    {"exercise", required_argument, NULL, 'E'},
	    {"seeds", required_argument, NULL, 's'},
	    {"policy", required_argument, NULL, 'P'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"regrade", no_argument, NULL, 'R'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	ck_grader_options o = {.seeds = 2};
	const char *submissions = NULL, *out = NULL, *policy = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "j:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'S':
			submissions = optarg;
			break;
		case 'O':
			out = optarg;
			break;
		case 'E':
			o.exercise = optarg;
			break;
		case 's':
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 || v > 1000) {
				fprintf(stderr, "rrl-grade: -%c wants a number from 1, not '%s'\n", c,
					optarg);
				return 2;
			}
			*(c == 's' ? &o.seeds : &o.jobs) = (int)v;
			break;
		}
		case 'P':
			policy = optarg;
			break;
		case 'R':
			o.regrade = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (submissions == NULL || out == NULL || optind < argc) {
		usage(stderr);
		return 2;
	}
	char *root = ck_find_root(argv[0]);
	if (root == NULL) {
		fprintf(stderr, "rrl-grade: cannot find the project root; run it from a checkout\n");
		return 2;
	}
	o.submissions = absolute(submissions);
	if (access(out, F_OK) != 0 && mkdir(out, 0755) != 0) {
		perror("rrl-grade: cannot make the output directory");
		return 2;
	}
	o.out = absolute(out);
	if (policy != NULL)
		o.policy = absolute(policy);
	if (chdir(root) != 0) {
		perror("rrl-grade: cannot enter the project root");
		return 2;
	}
	if (o.policy == NULL)
		o.policy = ck_strdup("checker/score-policy.json");
	if (access("build/checker/rrl-check", X_OK) != 0 ||
	    access("build/checker/rrl-sandbox", X_OK) != 0 ||
	    access("build/plain/raft-tests", X_OK) != 0) {
		fprintf(stderr, "rrl-grade: build the checker and the harness first: make grade does, "
				"or make checker build/plain/raft-tests\n");
		return 2;
	}
	return ck_grade_class(&o);
}
