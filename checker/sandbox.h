/*
 * The sandbox a submission's build and runs happen in (rrl-sandbox;
 * checker/README.md, "The sandbox"): untrusted C gets no network, a
 * read-only root, a private /tmp and one writable directory, under CPU,
 * process, file-size and open-file limits, with its memory capped by a
 * cgroup. The trusted side learns what happened from the status this
 * side writes after every process of the command is dead.
 *
 * Two ways to build it:
 *   bwrap      bubblewrap namespaces, run as an unprivileged user
 *   fallback   where bwrap cannot run (inside unprivileged Docker): the
 *              unprivileged user, the limits and the timeout only; the
 *              status says so
 */
#ifndef CK_SANDBOX_H
#define CK_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sb_options {
	char **argv;		  /* the command, NULL-terminated */
	const char *write_dir;	  /* the one directory it may write; NULL: none */
	const char **hide;	  /* directories it may not even read (empty in the sandbox) */
	size_t nhide;
	const char **read;	  /* directories it may read even where they are hidden
				   * (under /tmp, or under a hidden one) */
	size_t nread;
	double wall_s;		  /* killed after this long (0: no limit) */
	long cpu_s;		  /* RLIMIT_CPU, per process (0: none) */
	long memory_mb;		  /* memory cgroup cap (0: none) */
	long procs;		  /* processes and threads: pids cgroup, and RLIMIT_NPROC */
	long file_mb;		  /* RLIMIT_FSIZE: the largest file it may write */
	long open_files;	  /* RLIMIT_NOFILE */
	const char *user;	  /* run as this user when started as root ("nobody") */
	int keep_fds[8];	  /* descriptors above 2 the command keeps (its channels) */
	size_t nkeep_fds;
	bool no_bwrap;		  /* use the fallback even where bwrap works */
} sb_options;

/* What happened, for the trusted side (the status file). */
typedef struct sb_result {
	const char *mode;    /* "bwrap" or "fallback" */
	char *why_fallback;  /* why bwrap was not used, or NULL */
	int exit_code;	     /* the command's exit code, or -1 */
	int signal;	     /* the signal that ended it, or 0 */
	double wall_s;	     /* how long it took */
	bool timed_out;	     /* killed at the wall-clock limit */
	bool out_of_memory;  /* the memory cgroup killed a process */
	bool procs_limit;    /* a fork or thread start was refused at the limit */
	bool cpu_limit;	     /* ended by SIGXCPU / RLIMIT_CPU */
	bool file_limit;     /* ended by SIGXFSZ / RLIMIT_FSIZE */
	bool memory_capped;  /* the memory cap was in force */
	char *memory_cap;    /* how: "cgroup v1 memory", or why not */
	bool leftovers;	     /* processes outlived the command and were killed */
	char *error;	     /* the sandbox itself failed: the command did not run */
} sb_result;

/* Run o->argv in the sandbox and wait until it and everything it started
 * are gone. Returns 0 with *r filled, or -1 with r->error set. */
int sb_run(const sb_options *o, sb_result *r);
void sb_result_free(sb_result *r);

/* The exit status rrl-sandbox gives for r: the command's own, 128 +
 * signal, 124 for the wall-clock limit (as timeout(1)), 125 when the
 * sandbox failed. */
int sb_exit_status(const sb_result *r);

/* The memory and pids cgroups of one sandboxed command (sandbox_cgroup.c). */
typedef struct sb_cgroup {
	int version;	 /* 1 or 2; 0: no cgroup */
	char *memory;	 /* the memory cgroup's directory, or NULL */
	char *pids;	 /* the pids cgroup's directory (v2: the same), or NULL */
	char *why_not;	 /* why there is no memory cap, or NULL */
} sb_cgroup;

/* Make a cgroup for this command under the caller's own, with the caps
 * set; a missing controller leaves its field NULL and says why. */
void sb_cgroup_create(sb_cgroup *cg, long memory_mb, long procs);
/* In the child, before exec: move the calling process into it. */
int sb_cgroup_enter(const sb_cgroup *cg);
/* After the command: did the memory cap kill something, did the pids cap
 * refuse a fork? */
bool sb_cgroup_oom(const sb_cgroup *cg);
bool sb_cgroup_pids_hit(const sb_cgroup *cg);
/* Kill whatever is left in it; true if anything was. */
bool sb_cgroup_kill_all(const sb_cgroup *cg);
/* Remove the cgroups (after kill_all) and free cg. */
void sb_cgroup_destroy(sb_cgroup *cg);

#endif
