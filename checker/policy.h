/*
 * What a submission's own code may call and define (checker/README.md,
 * "What a submission may call"). The sandbox contains what a submission
 * does to the machine; this keeps it from reaching, inside its own
 * process, what decides its grade: it may not end the process early,
 * write to a file or descriptor, make a system call, run code before
 * main, or take a name the C library, the sanitizers or the harness own.
 *
 * The check reads the objects the submission's raft/ files compiled to,
 * before any of its code runs.
 */
#ifndef CK_POLICY_H
#define CK_POLICY_H

#include <stddef.h>

typedef struct ck_policy_input {
	char **submission; /* the submission's objects, one per raft/<file>.c */
	size_t nsubmission;
	char **api; /* the project objects whose functions it may call (platform/) */
	size_t napi;
	char **trusted; /* every project object linked with it: names it may not define */
	size_t ntrusted;
	char **libraries; /* shared libraries whose names it may not define */
	size_t nlibraries;
	const char *calls_file; /* the C library functions it may call */
	const char *objdump;	/* objdump, to look for system call instructions */
} ck_policy_input;

/* NULL when the submission keeps to the policy; else a malloc'd text,
 * one line per breach, naming the file and what it did:
 *   raft/election.c calls exit(): a submission may not end the process; ...
 * An input that cannot be read is a breach too (it is said why). */
char *ck_policy_check(const ck_policy_input *in);

/* The same for a tree the checker built (rrl-check --sandbox), run from
 * the project root: the submission's objects in objects_dir
 * (build/check/<name>/plain/obj/raft), the project's from the trusted
 * build in build/plain/obj, the C library found through gcc, the calls
 * allowed in checker/submission-calls.txt. */
char *ck_policy_check_build(const char *objects_dir);

#endif
