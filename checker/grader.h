/*
 * rrl-grade: a class's submissions graded one after another, each in the
 * sandbox (rrl-check --sandbox), each given a score by the policy, with a
 * folder of reports per student and the class's grades.csv and
 * grades.json. docs/grading.md is the instructor's guide.
 */
#ifndef CK_GRADER_H
#define CK_GRADER_H

#include <stdbool.h>

typedef struct ck_grader_options {
	const char *submissions; /* one directory per student */
	const char *out;	 /* the grades and a folder per student */
	const char *exercise;	 /* grade against this exercise's scenarios, or NULL */
	const char *policy;	 /* the score policy file */
	int seeds;		 /* seeds 1..seeds */
	int jobs;		 /* rrl-check -j; 0: its default */
	bool regrade;		 /* grade again even what is already graded */
	bool quiet;
} ck_grader_options;

/* Grade every submission (from the project root); 0 when every one was
 * graded (whatever its grade), 2 when the grader itself could not. */
int ck_grade_class(const ck_grader_options *o);

#endif
