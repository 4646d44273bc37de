/*
 * Tests of rrl-check as a whole: they run build/checker/rrl-check the way
 * a user or a CI job does (from the project root) and read its JSON.
 */
#ifndef DRIVER_TESTS_H
#define DRIVER_TESTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RRL_CHECK "build/checker/rrl-check"

/* Run a command (argv[0] found in PATH), its stdout and stderr into
 * output_path; returns its exit status, or -1 if it could not run. */
int run_command(char *const argv[], const char *output_path);
/* The JSON report at path, or NULL (the reason printed). */
json_t *load_json(const char *path);
/* The numbers of the lines of a file that contain marker, in order;
 * returns how many, at most max. */
size_t lines_containing(const char *path, const char *marker, int *lines, size_t max);
/* results[i] of a report whose "target" ends with suffix, or NULL. */
json_t *result_for(json_t *report, const char *suffix);
/* A new directory in /tmp holding a copy of raft/ (malloc'd path), or NULL. */
char *copy_of_raft(void);
/* rm -rf dir and rrl-check's build of it, and free the path. */
void remove_copy(char *dir);
/* Give the copy in dir a candidate that keeps its term (the increment in
 * become_candidate_locked deleted): its elections never end. False, with
 * a message, when the line to delete is gone. */
bool keep_the_candidates_term(const char *dir);

void add_programs_suite(void);
void add_cli_suite(void);
void add_trees_suite(void);
void add_student_suite(void);
void add_check_all_suite(void);
void add_share_suite(void);
void add_sandboxed_suite(void);
void add_hostile_suite(void);

#endif
