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
#include <unistd.h>

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
	    [CK_RUN_HUNT] = "hunt",
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

bool ck_stack_is_history(const ck_stack *s)
{
	return s != NULL && s->title != NULL && strcmp(s->title, CK_HISTORY_STACK_TITLE) == 0;
}

/* Grading and de-duplication look at a stack's peer frame, not at the
 * interceptor or helper it went through. */
void ck_stack_thread(const ck_stack *s, char *buf, size_t len)
{
	buf[0] = '\0';
	const char *t = s->title;
	if (t == NULL || len == 0)
		return;
	if (strstr(t, "by main thread") != NULL) {
		snprintf(buf, len, "main thread");
		return;
	}
	const char *by = strstr(t, "by thread T");
	if (by == NULL)
		return;
	const char *after = by + strlen("by thread T");
	after += strspn(after, "0123456789");
	if (strncmp(after, " '", 2) == 0)
		snprintf(buf, len, "%.*s", (int)strcspn(after + 2, "'"), after + 2);
	else /* "T3": a thread the runtime did not start */
		snprintf(buf, len, "%.*s", (int)(after - by - 10), by + 10);
}

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

static void frame_free(ck_frame *f)
{
	free(f->function);
	free(f->file);
}

static void event_free(ck_event *e)
{
	free(e->thread);
	free(e->note);
	free(e->lock);
	frame_free(&e->acquire);
	frame_free(&e->release);
	for (size_t i = 0; i < e->nthrough; i++)
		frame_free(&e->through[i]);
	free(e->through);
}

/* A finding owns every string, stack and event in it; zeroed after, so a
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
		free(s->locks);
	}
	free(f->stacks);
	free(f->variable);
	free(f->guard);
	free(f->details);
	free(f->seeds);
	for (size_t i = 0; i < f->nhistory; i++)
		event_free(&f->history[i]);
	free(f->history);
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

/* A failed check (check-failed or too-slow) is known by its file, test
 * function and message, not by its line: gcc and clang give a check whose
 * call spans lines different line numbers, and the plain build is gcc's,
 * the TSan build clang's. A test stops at its first failed check, so
 * nothing else is lost. */
static bool same_failed_check(const ck_finding *a, const ck_finding *b)
{
	bool test_check = same_string(a->kind, "check-failed") || same_string(a->kind, "too-slow");
	return a->detector == CK_INVARIANTS && b->detector == CK_INVARIANTS && test_check &&
	       same_string(a->kind, b->kind) &&
	       same_string(a->where.file, b->where.file) &&
	       same_string(a->where.function, b->where.function) &&
	       same_string(a->message, b->message);
}

/* ---- Data races: the sides ---------------------------------------------- */

/* A small program has no peer code; then a side is its first frame
 * outside the runtime. */
static bool has_peer_frame(const ck_finding *f)
{
	for (size_t i = 0; i < f->nstacks; i++)
		if (ck_first_peer_frame(&f->stacks[i]) != NULL)
			return true;
	return false;
}

static const ck_frame *first_user_frame(const ck_stack *s)
{
	for (size_t i = 0; i < s->nframes; i++)
		if (!ck_is_runtime_file(s->frames[i].file))
			return &s->frames[i];
	return NULL;
}

size_t ck_race_sides(const ck_finding *f, const ck_frame **out, const ck_stack **stacks_out,
		     size_t max)
{
	bool peer = has_peer_frame(f);
	size_t n = 0;
	for (size_t i = 0; i < f->nstacks && n < max; i++) {
		const ck_stack *s = &f->stacks[i];
		if (!s->access)
			continue;
		out[n] = peer ? ck_first_peer_frame(s) : first_user_frame(s);
		if (stacks_out != NULL)
			stacks_out[n] = s;
		n++;
	}
	return n;
}

/* "Read of size 4 at 0x.. by thread T1", "Previous atomic write of size
 * 8 ...", Helgrind's "Possible data race during read of size 4 ..." and
 * "This conflicts with a previous write of size 4 ...". */
bool ck_stack_read_access(ck_stack *s, const char *title)
{
	static const char *const openings[] = {"Read ",	    "Write ",	 "Atomic ",
					       "Previous ", "Possible data race during ",
					       "This conflicts with a previous "};
	bool opens = false;
	for (size_t i = 0; title != NULL && i < sizeof openings / sizeof openings[0]; i++)
		opens = opens || ck_starts_with(title, openings[i]);
	if (!opens)
		return false;
	const char *w = strcasestr(title, "write of size ");
	const char *r = strcasestr(title, "read of size ");
	const char *at = w != NULL ? w : r;
	if (at == NULL)
		return false;
	s->access = true;
	s->write = w != NULL;
	s->access_size = atoi(strstr(at, " of size ") + strlen(" of size "));
	return true;
}

/* Paths in a message read like the table's: raft/<file> for peer code,
 * else relative to the project root the checker runs in. */
static const char *short_path(const char *file, char *cwd, size_t cwdlen)
{
	const char *rel = ck_peer_relative(file);
	if (rel != NULL || file == NULL)
		return rel;
	if (getcwd(cwd, cwdlen) != NULL) {
		size_t n = strlen(cwd);
		if (strncmp(file, cwd, n) == 0 && file[n] == '/')
			return file + n + 1;
	}
	return file;
}

/* " holding rf->mu", " holding no lock", or nothing when the detector
 * does not say. */
static void print_locks(FILE *m, const ck_stack *s)
{
	if (s->locks == NULL)
		return;
	fprintf(m, " holding %s", s->locks[0] ? s->locks : "no lock");
}

char *ck_race_message(const ck_finding *f)
{
	const ck_frame *side[2];
	const ck_stack *stack[2];
	size_t n = ck_race_sides(f, side, stack, 2);
	if (n == 0)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (m == NULL)
		ck_out_of_memory();
	char cwd[4096];
	fprintf(m, "data race%s%s", f->variable ? " on " : "", f->variable ? f->variable : "");
	if (f->variable != NULL && f->guard != NULL)
		fprintf(m, " (guarded by %s)", f->guard);
	fputs(": ", m);
	for (size_t i = 0; i < n; i++) {
		const char *what = stack[i]->write ? "write" : "read";
		if (i > 0)
			fprintf(m, ", against a %s", what);
		else
			fprintf(m, "%s", what);
		if (side[i] == NULL) {
			fputs(" whose stack was not recorded", m);
			continue;
		}
		if (side[i]->function != NULL)
			fprintf(m, " in %s()", side[i]->function);
		if (i > 0 && side[i]->file != NULL)
			fprintf(m, " at %s:%d", short_path(side[i]->file, cwd, sizeof cwd),
				side[i]->line);
		print_locks(m, stack[i]);
	}
	if (n == 1)
		fputs(" (the other access was not recorded)", m);
	fclose(m);
	return text;
}

/* ---- Folding repeats ----------------------------------------------------- */

/* Is side x one of the n sides in ys? */
static bool side_among(const ck_frame *x, const ck_frame *const *ys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (same_frame(x, ys[i]))
			return true;
	return false;
}

/* The recorded sides of a race (NULL sides dropped); how many. */
static size_t known_sides(const ck_finding *f, const ck_frame **out)
{
	const ck_frame *all[2];
	size_t n = ck_race_sides(f, all, NULL, 2), k = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i] != NULL)
			out[k++] = all[i];
	return k;
}

/* One race is one pair of sides, whichever came first and whichever
 * threads made them; a report with one side recorded is the race whose
 * sides include it. Returns -1 when a or b is not a race with sides (the
 * general rule decides), else whether they are the same race. */
static int same_race(const ck_finding *a, const ck_finding *b)
{
	if (!same_string(a->kind, "data-race") || !same_string(b->kind, "data-race"))
		return -1;
	const ck_frame *sa[2], *sb[2];
	size_t na = known_sides(a, sa), nb = known_sides(b, sb);
	if (na == 0 || nb == 0)
		return -1;
	if (a->detector != b->detector)
		return 0;
	if (a->variable != NULL && b->variable != NULL && strcmp(a->variable, b->variable) != 0)
		return 0;
	if (na <= nb) {
		for (size_t i = 0; i < na; i++)
			if (!side_among(sa[i], sb, nb))
				return 0;
		return na == nb || na == 1;
	}
	for (size_t i = 0; i < nb; i++)
		if (!side_among(sb[i], sa, na))
			return 0;
	return 1;
}

/* TSan reports one race once per pair of stacks, Helgrind once per
 * access, a run many times over: a student needs each bug once. */
static bool same_report(const ck_finding *a, const ck_finding *b)
{
	if (same_failed_check(a, b))
		return true;
	int race = same_race(a, b);
	if (race >= 0)
		return race == 1;
	return a->detector == b->detector && same_string(a->kind, b->kind) &&
	       same_frame(&a->where, &b->where) && peer_frames_within(a, b) &&
	       peer_frames_within(b, a);
}

const uint64_t *ck_finding_seeds(const ck_finding *f, size_t *n)
{
	if (f->nseeds > 0) {
		*n = f->nseeds;
		return f->seeds;
	}
	*n = 1;
	return &f->seed;
}

/* seen's seeds grow by f's, kept ascending and without repeats. */
static void merge_seeds(ck_finding *seen, const ck_finding *f)
{
	size_t na, nb;
	const uint64_t *a = ck_finding_seeds(seen, &na);
	const uint64_t *b = ck_finding_seeds(f, &nb);
	uint64_t *out = ck_calloc(na + nb, sizeof *out);
	size_t i = 0, j = 0, k = 0;
	while (i < na || j < nb) {
		uint64_t next = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
		if (i < na && a[i] == next)
			i++;
		if (j < nb && b[j] == next)
			j++;
		out[k++] = next;
	}
	free(seen->seeds);
	seen->seeds = out;
	seen->nseeds = k;
}

/* A race first seen with one side takes the stacks (and so the message
 * and the variable) of a later report that has both. */
static void take_fuller_race(ck_finding *seen, ck_finding *f)
{
	const ck_frame *s1[2], *s2[2];
	if (same_race(seen, f) != 1 || known_sides(f, s2) <= known_sides(seen, s1))
		return;
	ck_finding keep = *seen;
	seen->stacks = f->stacks;
	seen->nstacks = f->nstacks;
	seen->where = f->where;
	seen->message = f->message;
	seen->variable = f->variable;
	seen->block_size = f->block_size;
	seen->block_offset = f->block_offset;
	f->stacks = keep.stacks;
	f->nstacks = keep.nstacks;
	f->where = keep.where;
	f->message = keep.message;
	f->variable = keep.variable;
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
			merge_seeds(seen, &f);
			take_fuller_race(seen, &f);
			ck_finding_free(&f);
			return;
		}
	}
	ck_findings_push(list, f);
}
