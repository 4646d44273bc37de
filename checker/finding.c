/*
 * The finding shape's helpers: detector names, the list and its
 * de-duplication, which files are the peer's code, the primary location,
 * and the string helpers the parsers share.
 *
 * Rule mapping: which Raft locking rule (shared/design.md) each report is
 * evidence against; 0 = not one rule (misuse, leak, crash).
 * checker/README.md copies this table.
 *
 *   detector  report                                          kind                  rule
 *   tsan      data race (also "on vptr")                      data-race             1
 *   tsan      lock-order-inversion (potential deadlock)       lock-order-inversion  4
 *   tsan      thread leak                                     thread-leak           0
 *   tsan      unlock of an unlocked mutex (or by a wrong ...) unlock-unlocked       0
 *   tsan      double lock of a mutex                          double-lock           0
 *   tsan      destroy of a locked mutex                       destroy-locked        0
 *   tsan      read (un)lock of a write locked mutex, ...      mutex-misuse          0
 *   tsan      use of an invalid mutex                         invalid-mutex         0
 *   tsan      heap-use-after-free                             heap-use-after-free   0
 *   tsan      signal-unsafe call inside of a signal           signal-unsafe-call    0
 *   tsan      anything else                                   its title, dashed     0
 *   helgrind  Race                                            data-race             1
 *   helgrind  LockOrder                                       lock-order-inversion  4
 *   helgrind  UnlockUnlocked / UnlockForeign / UnlockBogus    unlock-unlocked,
 *                                                             unlock-foreign,
 *                                                             unlock-bogus          0
 *   helgrind  PthAPIerror                                     pthread-api-error     0
 *   helgrind  Misc (re-lock, destroy locked, exit holding)    misc                  0
 *   static    ... requires holding mutex 'm'                  missing-lock          1
 *   static    cannot call function 'f' while mutex 'm' is held call-while-held     4
 *   static    mutex 'm' is still held at the end of function  lock-not-released     4
 *             (a lock never released blocks every later acquire)
 *   static    mutex 'm' is not held on every path through here,
 *             expecting mutex 'm' to be held at start of each loop
 *                                                             lock-on-some-paths    4
 *   static    acquiring mutex 'm' that is already held        double-lock           4
 *             (the second acquire waits for itself)
 *   static    releasing mutex 'm' that was not held           unlock-not-held       0
 *   static    any other -Wthread-safety warning               thread-safety         0
 *   lockdep, invariants, watchdog (RRL-FINDING lines): their own kind and rule
 *
 * The primary location (where): the first frame in peer code (a file in a
 * raft/ directory), the report's stacks taken in order, primary first; if no
 * stack reaches peer code (a small test program), the first frame outside
 * runtime code (libc, the sanitizer and Valgrind runtimes, system headers,
 * platform/rt/); if there is none, no location. clang's warnings and the
 * RRL-FINDING lines name their location themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "finding.h"

static const char *const detector_names[CK_NDETECTORS] = {
    [CK_STATIC] = "static",	    [CK_TSAN] = "tsan",
    [CK_HELGRIND] = "helgrind",	    [CK_LOCKDEP] = "lockdep",
    [CK_INVARIANTS] = "invariants", [CK_WATCHDOG] = "watchdog",
};

/* The name is what users type and what the JSON says. */
const char *ck_detector_name(ck_detector d)
{
	return (unsigned)d < CK_NDETECTORS ? detector_names[d] : "unknown";
}

/* RRL-FINDING lines and command-line flags name detectors as text. */
int ck_detector_from_name(const char *name)
{
	for (int d = 0; name != NULL && d < CK_NDETECTORS; d++)
		if (strcmp(name, detector_names[d]) == 0)
			return d;
	return -1;
}

const char *ck_run_kind_name(ck_run_kind k)
{
	static const char *const names[CK_NRUN_KINDS] = {
	    [CK_RUN_STATIC] = "static",
	    [CK_RUN_PLAIN] = "plain",
	    [CK_RUN_TSAN] = "tsan",
	    [CK_RUN_HELGRIND] = "helgrind",
	};
	return (unsigned)k < CK_NRUN_KINDS ? names[k] : "unknown";
}

/* ---- Strings ------------------------------------------------------------ */

/* Every text format here is recognised by how its lines begin. */
bool ck_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The text parsers read their input one line at a time, and a log
 * written on another system may end its lines with "\r\n". */
char *ck_next_line(const char **cursor)
{
	const char *start = *cursor;
	if (start == NULL || *start == '\0')
		return NULL;
	const char *end = strchr(start, '\n');
	size_t len = end ? (size_t)(end - start) : strlen(start);
	*cursor = end ? end + 1 : start + len;
	if (len > 0 && start[len - 1] == '\r')
		len--;
	return ck_strndup(start, len);
}

/* ---- Which code is whose ------------------------------------------------ */

/* A peer file is "raft/<name>.c" (or .h) at the end of a path of any
 * prefix: the tree may live in /tmp, a student's home or build/. */
const char *ck_peer_relative(const char *file)
{
	if (file == NULL)
		return NULL;
	const char *base = strrchr(file, '/');
	if (base == NULL || base - file < 4 || strncmp(base - 4, "raft", 4) != 0)
		return NULL;
	const char *dir = base - 4;
	if (dir != file && dir[-1] != '/')
		return NULL; /* "myraft/x.c" is not raft/ */
	size_t len = strlen(base);
	if (len < 4 || (strcmp(base + len - 2, ".c") != 0 && strcmp(base + len - 2, ".h") != 0))
		return NULL;
	return dir;
}

/* Most callers only ask yes or no. */
bool ck_is_peer_file(const char *file)
{
	return ck_peer_relative(file) != NULL;
}

/* The primary location must skip the frames every report shares:
 * interceptors, libc's thread start, the project's lock wrappers. */
bool ck_is_runtime_file(const char *file)
{
	static const char *const runtime_parts[] = {
	    "libsanitizer/",
	    "compiler-rt/",
	    "sanitizer_common/",
	    "valgrind/",
	};
	if (file == NULL || *file == '\0' || strcmp(file, "<null>") == 0)
		return true;
	if (ck_is_peer_file(file))
		return false;
	/* glibc's and gcc's debug info name their sources relative to their
	 * own build directory: "./nptl/pthread_create.c", "../../../src/..." */
	if (ck_starts_with(file, "./") || ck_starts_with(file, "../") ||
	    ck_starts_with(file, "/usr/"))
		return true;
	if (ck_starts_with(file, "platform/rt/") || strstr(file, "/platform/rt/") != NULL)
		return true;
	for (size_t i = 0; i < sizeof runtime_parts / sizeof runtime_parts[0]; i++)
		if (strstr(file, runtime_parts[i]) != NULL)
			return true;
	return false;
}

/* Grading and de-duplication look at a stack's peer frame, not at the
 * interceptor or helper it went through. */
const ck_frame *ck_first_peer_frame(const ck_stack *s)
{
	for (size_t i = 0; s != NULL && i < s->nframes; i++)
		if (ck_is_peer_file(s->frames[i].file))
			return &s->frames[i];
	return NULL;
}

/* ---- Building findings -------------------------------------------------- */

/* "unknown" is -1 seconds, and a report counts once, not zero times. */
ck_finding ck_finding_new(ck_detector d, const char *kind, int rule, uint64_t seed)
{
	ck_finding f = {0};
	f.detector = d;
	f.kind = ck_strdup(kind);
	f.rule = rule;
	f.seed = seed;
	f.seconds = -1;
	f.occurrences = 1;
	return f;
}

/* Parsers meet a stack's title before its frames. */
ck_stack *ck_finding_add_stack(ck_finding *f, const char *title)
{
	f->stacks = ck_realloc_array(f->stacks, f->nstacks + 1, sizeof *f->stacks);
	ck_stack *s = &f->stacks[f->nstacks++];
	*s = (ck_stack){.title = ck_strdup(title)};
	return s;
}

/* Frames arrive one line (or one XML element) at a time. */
void ck_stack_add_frame(ck_stack *s, const char *function, const char *file, int line)
{
	s->frames = ck_realloc_array(s->frames, s->nframes + 1, sizeof *s->frames);
	s->frames[s->nframes++] =
	    (ck_frame){.function = ck_strdup(function), .file = ck_strdup(file), .line = line};
}

/* One search for both passes of ck_finding_set_where. */
static const ck_frame *first_frame(const ck_finding *f, bool peer)
{
	for (size_t i = 0; i < f->nstacks; i++) {
		const ck_stack *s = &f->stacks[i];
		for (size_t j = 0; j < s->nframes; j++) {
			const char *file = s->frames[j].file;
			if (peer ? ck_is_peer_file(file) : !ck_is_runtime_file(file))
				return &s->frames[j];
		}
	}
	return NULL;
}

/* A student wants to see the line in their code, not the top of a
 * stack that starts in pthread_mutex_lock or a helper library. */
void ck_finding_set_where(ck_finding *f)
{
	const ck_frame *w = first_frame(f, true);
	if (w == NULL)
		w = first_frame(f, false);
	free(f->where.function);
	free(f->where.file);
	f->where = (ck_frame){0};
	if (w != NULL)
		f->where = (ck_frame){.function = ck_strdup(w->function),
				      .file = ck_strdup(w->file),
				      .line = w->line};
}

/* ---- The list ----------------------------------------------------------- */

/* An empty list needs no allocation until the first finding. */
void ck_findings_init(ck_findings *list)
{
	*list = (ck_findings){0};
}

/* A finding owns every string and stack in it; zeroed after, so a
 * second free is harmless. */
void ck_finding_free(ck_finding *f)
{
	free(f->kind);
	free(f->message);
	free(f->where.function);
	free(f->where.file);
	for (size_t i = 0; i < f->nstacks; i++) {
		ck_stack *s = &f->stacks[i];
		for (size_t j = 0; j < s->nframes; j++) {
			free(s->frames[j].function);
			free(s->frames[j].file);
		}
		free(s->frames);
		free(s->title);
	}
	free(f->stacks);
	free(f->variable);
	free(f->details);
	*f = (ck_finding){0};
}

/* The list owns its findings. */
void ck_findings_free(ck_findings *list)
{
	for (size_t i = 0; i < list->n; i++)
		ck_finding_free(&list->items[i]);
	free(list->items);
	*list = (ck_findings){0};
}

/* Doubling keeps appending cheap however many reports a run has. */
void ck_findings_push(ck_findings *list, ck_finding f)
{
	if (list->n == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 8;
		list->items = ck_realloc_array(list->items, list->cap, sizeof *list->items);
	}
	list->items[list->n++] = f;
}

/* ---- De-duplication ----------------------------------------------------- */

/* An unknown field (NULL) equals only another unknown one. */
static bool same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The same line seen from two trees (/tmp/a/raft/x.c, /tmp/b/raft/x.c) is
 * the same place. */
static bool same_frame(const ck_frame *a, const ck_frame *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	const char *fa = ck_peer_relative(a->file) ? ck_peer_relative(a->file) : a->file;
	const char *fb = ck_peer_relative(b->file) ? ck_peer_relative(b->file) : b->file;
	return a->line == b->line && same_string(fa, fb) && same_string(a->function, b->function);
}

/* Is every peer location of a's stacks also one of b's? Stacks that never
 * reach peer code (thread creation in the harness) do not count. */
static bool peer_frames_within(const ck_finding *a, const ck_finding *b)
{
	for (size_t i = 0; i < a->nstacks; i++) {
		const ck_frame *fa = ck_first_peer_frame(&a->stacks[i]);
		if (fa == NULL)
			continue;
		bool found = false;
		for (size_t j = 0; j < b->nstacks && !found; j++)
			found = same_frame(fa, ck_first_peer_frame(&b->stacks[j]));
		if (!found)
			return false;
	}
	return true;
}

/* A failed check is known by its file, test function and message, not by
 * its line: gcc and clang give a check whose call spans lines different
 * line numbers, and the plain build is gcc's, the TSan build clang's. A
 * test stops at its first failed check, so nothing else is lost. */
static bool same_failed_check(const ck_finding *a, const ck_finding *b)
{
	return a->detector == CK_INVARIANTS && b->detector == CK_INVARIANTS &&
	       same_string(a->kind, "check-failed") && same_string(b->kind, "check-failed") &&
	       same_string(a->where.file, b->where.file) &&
	       same_string(a->where.function, b->where.function) &&
	       same_string(a->message, b->message);
}

/* TSan reports one race once per pair of stacks, Helgrind once per
 * access, a run many times over: a student needs each bug once. */
static bool same_report(const ck_finding *a, const ck_finding *b)
{
	if (same_failed_check(a, b))
		return true;
	return a->detector == b->detector && same_string(a->kind, b->kind) &&
	       same_frame(&a->where, &b->where) && peer_frames_within(a, b) &&
	       peer_frames_within(b, a);
}

/* Every parser adds through here, so no parser de-duplicates alone. */
void ck_findings_add_unique(ck_findings *list, ck_finding f)
{
	for (size_t i = 0; i < list->n; i++) {
		ck_finding *seen = &list->items[i];
		if (same_report(seen, &f)) {
			/* The first report keeps its seed and time: they go together. */
			seen->occurrences += f.occurrences > 0 ? f.occurrences : 1;
			seen->found_in |= f.found_in;
			ck_finding_free(&f);
			return;
		}
	}
	ck_findings_push(list, f);
}
