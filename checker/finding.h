/*
 * One shape for every detector's report.
 *
 * Each parser (TSan text, Helgrind XML, clang warnings, the program's own
 * RRL-FINDING lines) turns what its detector printed into ck_finding
 * values; everything after that (de-duplication, grading, the JSON, JUnit
 * and terminal outputs) sees only this shape.
 */
#ifndef CK_FINDING_H
#define CK_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The detectors, in the order of the verdict's columns. */
typedef enum ck_detector {
	CK_STATIC,
	CK_TSAN,
	CK_HELGRIND,
	CK_LOCKDEP,
	CK_INVARIANTS,
	CK_WATCHDOG,
	CK_NDETECTORS
} ck_detector;

const char *ck_detector_name(ck_detector d);
/* -1 if name is not a detector. */
int ck_detector_from_name(const char *name);

/* The kinds of run a finding can come from: clang's analysis, the plain
 * build, the TSan build and the plain build under Helgrind. Lockdep, the
 * invariants and the watchdog live in every build, so any run but the
 * static one can report for them. */
typedef enum ck_run_kind {
	CK_RUN_STATIC,
	CK_RUN_PLAIN,
	CK_RUN_TSAN,
	CK_RUN_HELGRIND,
	CK_RUN_HUNT, /* the plain build under the hunt profile (hunt.h) */
	CK_NRUN_KINDS
} ck_run_kind;

/* "static", "plain", "tsan", "helgrind", "hunt": the names the reports use. */
const char *ck_run_kind_name(ck_run_kind k);
/* The bit of k in ck_finding.found_in. */
#define CK_FOUND_IN(k) (1u << (k))

/* A source location; any field may be missing (NULL / 0). */
typedef struct ck_frame {
	char *function;
	char *file; /* as the detector printed it (often absolute) */
	int line;
} ck_frame;

/* A stack: "Previous write of size 8 by thread T3" and its frames,
 * innermost first. A data race's stacks include its two sides, the
 * accesses themselves, beside where the memory was allocated, where a
 * lock was made or a thread started. */
typedef struct ck_stack {
	char *title;
	ck_frame *frames;
	size_t nframes;
	bool access;	 /* one side of a data race: the access's own stack */
	bool write;	 /* that access writes (else it reads) */
	int access_size; /* bytes accessed, 0 if not known */
	char *locks;	 /* the locks the accessing thread held, comma-separated:
			  * "" none, NULL not reported (Helgrind's XML says not) */
} ck_stack;

/* One event of a protocol oracle's history (docs/findings.md, "The
 * history"): a critical section a peer's thread ran, or a note the
 * harness made. The HTML report draws them as a timeline, one column per
 * thread; the SARIF as a thread flow. */
typedef struct ck_event {
	uint64_t seq;	   /* one global order: smaller happened before */
	double t;	   /* logical seconds since the start; < 0 unknown */
	int peer;	   /* -1 unknown */
	char *thread;	   /* the thread's name, "election ticker"; NULL unknown */
	long thread_id;	   /* tells apart threads of one name; 0 unknown */
	char *note;	   /* a note's text; NULL for a critical section */
	char *lock;	   /* a critical section's lock class, "raft.mu" */
	ck_frame acquire;  /* where the section began */
	ck_frame release;  /* where it ended; file NULL: still held */
	ck_frame *through; /* the _locked functions it ran */
	size_t nthrough;
	int repeats; /* earlier sections the thread ran at the same two lines */
	bool saved;  /* the peer's state was saved in it */
} ck_event;

typedef struct ck_finding {
	ck_detector detector;
	char *kind;	  /* detector-specific, lower-case with dashes:
			   * data-race, lock-order-inversion, thread-leak, ... */
	int rule;	  /* Raft locking rule 1..5, or 0 = other (checker/README.md) */
	char *message;	  /* one line for a student */
	ck_frame where;	  /* primary location: the first frame in the peer's code */
	ck_stack *stacks; /* every stack the report had, primary first */
	size_t nstacks;
	char *variable;	    /* variable, field or lock involved, when known */
	char *guard;	    /* the lock its struct declares guards that field
			     * (race_names.h), or NULL */
	unsigned long block_size;   /* the variable is in a heap block of this size */
	unsigned long block_offset; /* at this offset (both 0 when not a heap block) */
	char *details;	    /* several lines of detail (the watchdog's thread
			     * table), or NULL */
	uint64_t seed;	    /* of the run that produced it */
	uint64_t *seeds;    /* every seed whose runs reported it, ascending
			     * (NULL: only seed) */
	size_t nseeds;
	double seconds;	    /* into that run, when known; < 0 if unknown */
	bool points_at_bug; /* set by grading against exercise metadata */
	bool on_bug_line;   /* ...and it does so with a bug line, not only its function */
	int occurrences;    /* how many reports were folded into this one */
	unsigned found_in;  /* the kinds of run that reported it: CK_FOUND_IN bits */
	ck_event *history;  /* what led to it, oldest first (program findings) */
	size_t nhistory;
} ck_finding;

/* A growable list of findings. */
typedef struct ck_findings {
	ck_finding *items;
	size_t n, cap;
} ck_findings;

void ck_findings_init(ck_findings *list);
void ck_findings_free(ck_findings *list);
/* Append a finding; the list takes ownership of its strings and stacks. */
void ck_findings_push(ck_findings *list, ck_finding f);
/* Add f unless a finding with the same detector, kind and locations (the
 * primary and the first peer frame of every stack) is already there, in
 * which case that one's occurrences grows, it takes f's found_in bits and
 * seeds too, and f is freed. A data race is known by its sides (the first
 * frame in the code under test of each access stack), in either order,
 * whatever thread made them: a report that lost one side's stack joins
 * the race it is a side of. */
void ck_findings_add_unique(ck_findings *list, ck_finding f);
void ck_finding_free(ck_finding *f);

/* A finding's seeds: f->seeds, or just f->seed; *n gets how many. */
const uint64_t *ck_finding_seeds(const ck_finding *f, size_t *n);

/* The sides of a data race: the first frame in the code under test (the
 * peer's, else any outside the runtime) of each access stack, in stack
 * order; out[i] is NULL for a side whose frames were not recorded.
 * stacks_out (may be NULL) gets each side's stack. Returns how many
 * access stacks f has (at most max). */
size_t ck_race_sides(const ck_finding *f, const ck_frame **out, const ck_stack **stacks_out,
		     size_t max);
/* "data race on rf->role: read in raft_get_state() holding no lock,
 * against a write in become_follower_locked() at raft/role.c:22 holding
 * rf->mu": the message of a data race, from its sides and variable. */
char *ck_race_message(const ck_finding *f);
/* Read "Read of size 4", "Previous atomic write of size 8", "Possible data
 * race during read of size 4", "This conflicts with a previous write of
 * size 4" into s's access fields; false (s unchanged) if it is no access. */
bool ck_stack_read_access(ck_stack *s, const char *title);

/* Whose thread a stack is, from its title: "main thread", the name the
 * runtime gave it ("p0 send Request": peer 0, its RequestVote sender),
 * or "" when the title does not say. Writes at most len bytes to buf. */
void ck_stack_thread(const ck_stack *s, char *buf, size_t len);

/* Is this file part of the peer's code (the tree's raft/ directory)?
 * Paths are compared by their "raft/<file>.c" suffix. */
bool ck_is_peer_file(const char *file);
/* "raft/election.c" from "/tmp/x/raft/election.c"; NULL if not peer code. */
const char *ck_peer_relative(const char *file);
/* The first frame of s in peer code, or NULL. */
const ck_frame *ck_first_peer_frame(const ck_stack *s);
/* The title of the stack that holds a protocol oracle's history: the
 * sites of the critical sections that led to the finding (locked, the
 * _locked functions run, unlocked), oldest first. Grading reads every
 * frame of it (grade.c). */
#define CK_HISTORY_STACK_TITLE "history: critical sections, their sites"
bool ck_stack_is_history(const ck_stack *s);

/* Is this frame's file outside the code anyone here wrote or fixes: no
 * file at all, the C library, a sanitizer or Valgrind runtime, a system
 * header, or the project's runtime (platform/rt/)? */
bool ck_is_runtime_file(const char *file);

/* Building findings (the parsers share these). */

/* An empty finding: no location, seconds -1, one occurrence. */
ck_finding ck_finding_new(ck_detector d, const char *kind, int rule, uint64_t seed);
/* Append an empty stack titled title (copied) to f and return it. */
ck_stack *ck_finding_add_stack(ck_finding *f, const char *title);
/* Append a frame (strings copied; any may be NULL) to s. */
void ck_stack_add_frame(ck_stack *s, const char *function, const char *file, int line);
/* Set f->where from f's stacks: the first frame in peer code, the stacks
 * taken in order (primary first); if none, the first frame that is not
 * runtime code (ck_is_runtime_file); if none, no location. */
void ck_finding_set_where(ck_finding *f);

/* String helpers for the parsers (allocation: alloc.h). */
bool ck_starts_with(const char *s, const char *prefix);
/* The next line of the text at *cursor, malloc'd, without its "\n" or
 * "\r\n"; *cursor moves past it. NULL at the end of the text. */
char *ck_next_line(const char **cursor);

#endif
