/*
 * Grading: does a finding name the bug, what is each detector's verdict
 * on a target, and what should the process exit with.
 *
 * The ground truth is line-level (shared/design.md): a report counts as
 * catching the bug only if it names one of the exercise's bug lines.
 * The verdicts are defined in checker/README.md, "Verdicts".
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "files.h"
#include "report.h"

/* Names in reports and outputs are lower-case, like the detectors'. */
const char *ck_variant_name(ck_variant v)
{
	switch (v) {
	case CK_REFERENCE:
		return "reference";
	case CK_BUGGY:
		return "buggy";
	case CK_FIXED:
		return "fixed";
	case CK_SUBMISSION:
		return "submission";
	case CK_PROGRAM:
		return "program";
	}
	return "unknown";
}

/* The same words appear in the JSON, the JUnit type and the table. */
const char *ck_verdict_name(ck_verdict v)
{
	switch (v) {
	case CK_CLEAN:
		return "clean";
	case CK_CAUGHT:
		return "caught";
	case CK_MISSED:
		return "missed";
	case CK_UNEXPECTED:
		return "unexpected";
	case CK_ERROR:
		return "error";
	case CK_SKIPPED:
		return "skipped";
	}
	return "unknown";
}

/* A detector prints "/tmp/build/x/raft/election.c" or
 * "../raft/election.c" where the metadata says "raft/election.c". Peer
 * files are compared by their raft/<file> suffix; other files (the small
 * programs) by a suffix that starts at a directory boundary. */
static bool same_file(const char *reported, const char *bug_file)
{
	if (reported == NULL || bug_file == NULL)
		return false;
	const char *a = ck_peer_relative(reported);
	const char *b = ck_peer_relative(bug_file);
	if (a != NULL || b != NULL)
		return a != NULL && b != NULL && strcmp(a, b) == 0;
	size_t n = strlen(reported), m = strlen(bug_file);
	if (m > n || strcmp(reported + n - m, bug_file) != 0)
		return false;
	return n == m || reported[n - m - 1] == '/';
}

/* One frame names the bug when it is on one of the bug lines. */
static bool frame_on_bug_line(const ck_frame *f, const ck_exercise *ex)
{
	if (f == NULL || f->file == NULL || f->line <= 0)
		return false;
	for (size_t i = 0; i < ex->nbug_lines; i++)
		if (f->line == ex->bug_lines[i].line && same_file(f->file, ex->bug_lines[i].file))
			return true;
	return false;
}

/* A stack is judged by its first frame in the code under test — the peer's
 * raft/ for a tree; for a small program, the files its bug lines name.
 * Frames below it (callers) would make every report "at the bug". */
static const ck_frame *first_frame_under_test(const ck_stack *s, const ck_exercise *ex,
					      bool peer_tree)
{
	if (peer_tree)
		return ck_first_peer_frame(s);
	for (size_t i = 0; i < s->nframes; i++)
		for (size_t j = 0; j < ex->nbug_lines; j++)
			if (same_file(s->frames[i].file, ex->bug_lines[j].file))
				return &s->frames[i];
	return NULL;
}

/*
 * The peer's files that take no lock anywhere: a data structure's own
 * module, such as raft/log.c, whose functions change what their caller's
 * lock guards. Read from the tree being graded, once per grading; a file
 * that cannot be read counts as one that locks.
 */
#define MAX_PEER_FILES 64

typedef struct lock_free_files {
	const char *tree; /* the target's directory; NULL for a program */
	size_t n;
	struct {
		char *name; /* "raft/log.c" */
		bool lock_free;
	} files[MAX_PEER_FILES];
} lock_free_files;

static bool file_takes_no_lock(lock_free_files *c, const char *file)
{
	const char *name = file != NULL ? ck_peer_relative(file) : NULL;
	if (c->tree == NULL || name == NULL)
		return false;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->files[i].name, name) == 0)
			return c->files[i].lock_free;
	char *path = ck_strdup_printf("%s/%s", c->tree, name);
	char *text = ck_read_file(path);
	bool lock_free = text != NULL && strstr(text, "rt_mutex_lock") == NULL;
	free(text);
	free(path);
	if (c->n < MAX_PEER_FILES) {
		c->files[c->n].name = ck_strdup(name);
		c->files[c->n++].lock_free = lock_free;
	}
	return lock_free;
}

static void lock_free_files_free(lock_free_files *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->files[i].name);
}

/* A _locked function takes no lock of its own: it runs on its caller's
 * (the project's naming rule, raft/raft_internal.h). So does every
 * function of a file that takes no lock at all (the log's module). Reached
 * without the lock, such a function is where the report lands (its
 * unlocked read, its rt_assert_held), but the mistake is the call: so the
 * callers out to the first function that may lock count as well. */
static bool runs_on_callers_lock(const ck_frame *f, lock_free_files *c)
{
	size_t n = f->function != NULL ? strlen(f->function) : 0;
	return (n > 7 && strcmp(f->function + n - 7, "_locked") == 0) ||
	       file_takes_no_lock(c, f->file);
}

static bool caller_on_bug_line(const ck_stack *s, const ck_frame *first, const ck_exercise *ex,
			       lock_free_files *c)
{
	if (first == NULL)
		return false;
	for (size_t k = (size_t)(first - s->frames);
	     k + 1 < s->nframes && runs_on_callers_lock(&s->frames[k], c); k++)
		if (frame_on_bug_line(&s->frames[k + 1], ex))
			return true;
	return false;
}

/* A history site in the function that holds a bug line: the section ran
 * that function (it was locked, unlocked or passed an rt_assert_held
 * there). A step left out of a _locked function has no line of its own
 * to show, only its function. */
static bool frame_in_bug_function(const ck_frame *f, const ck_exercise *ex)
{
	if (f == NULL || f->function == NULL)
		return false;
	for (size_t i = 0; i < ex->nbug_functions; i++)
		if (strcmp(f->function, ex->bug_functions[i].name) == 0 &&
		    same_file(f->file, ex->bug_functions[i].file))
			return true;
	return false;
}

typedef enum { NOT_AT_BUG, AT_BUG_FUNCTION, AT_BUG_LINE } at_bug;

/* A race has two sides; the bug line may be either access, so every
 * stack's first frame in the code under test counts, not just the
 * primary location. */
static at_bug where_it_points(const ck_finding *f, const ck_exercise *ex, bool peer_tree,
			      lock_free_files *c)
{
	if (frame_on_bug_line(&f->where, ex))
		return AT_BUG_LINE;
	at_bug best = NOT_AT_BUG;
	for (size_t i = 0; i < f->nstacks; i++) {
		const ck_stack *s = &f->stacks[i];
		const ck_frame *first = first_frame_under_test(s, ex, peer_tree);
		if (frame_on_bug_line(first, ex) || caller_on_bug_line(s, first, ex, c))
			return AT_BUG_LINE;
		/* A history is not a call stack: each of its sites is a place the
		 * peer took or released the lock, or entered a _locked function,
		 * and any of them may be the bug (a split section shows its own
		 * unlock and re-lock there). */
		for (size_t k = 0; ck_stack_is_history(s) && k < s->nframes; k++) {
			if (frame_on_bug_line(&s->frames[k], ex))
				return AT_BUG_LINE;
			if (frame_in_bug_function(&s->frames[k], ex))
				best = AT_BUG_FUNCTION;
		}
	}
	return best;
}

/* The verdicts need each finding's relation to the bug; computing it once
 * keeps every output consistent. */
void ck_grade(ck_target_result *t)
{
	const ck_exercise *ex = t->exercise;
	bool peer_tree = t->variant != CK_PROGRAM;
	lock_free_files lock_free = {.tree = peer_tree ? t->target : NULL};
	for (int d = 0; d < CK_NDETECTORS; d++) {
		ck_findings *list = &t->det[d].findings;
		for (size_t i = 0; i < list->n; i++) {
			at_bug at = ex != NULL
					? where_it_points(&list->items[i], ex, peer_tree, &lock_free)
					: NOT_AT_BUG;
			list->items[i].points_at_bug = at != NOT_AT_BUG;
			list->items[i].on_bug_line = at == AT_BUG_LINE;
		}
	}
	lock_free_files_free(&lock_free);
}

/* Only a buggy tree or a program carries a bug to catch; the
 * reference, a fixed tree and a submission must be clean whatever the
 * metadata says. */
static bool has_expectations(const ck_target_result *t)
{
	return t->exercise != NULL && (t->variant == CK_BUGGY || t->variant == CK_PROGRAM);
}

/* An expected detector catches the bug only with a report that names a
 * bug line; when the metadata lists no lines, any report counts. */
static bool any_at_bug(const ck_target_result *t, const ck_findings *list)
{
	if (list->n > 0 && t->exercise->nbug_lines == 0)
		return true;
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].points_at_bug)
			return true;
	return false;
}

/* One word per target x detector is what a student and a CI job read
 * first; the rules are in checker/README.md, "Verdicts". */
ck_verdict ck_detector_verdict(const ck_target_result *t, ck_detector d)
{
	const ck_detector_result *r = &t->det[d];
	if (!r->enabled)
		return CK_SKIPPED;
	if (r->error != NULL || t->build_error != NULL)
		return CK_ERROR;
	if (has_expectations(t) && t->exercise->expected[d])
		return any_at_bug(t, &r->findings) ? CK_CAUGHT : CK_MISSED;
	return r->findings.n > 0 ? CK_UNEXPECTED : CK_CLEAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median, not the mean, says how soon a detector usually sees a bug;
 * one slow unlucky run does not move it. */
double ck_median_detect_s(const ck_detector_result *d)
{
	if (d->ndetect_s == 0 || d->detect_s == NULL)
		return -1;
	double *v = ck_calloc(d->ndetect_s, sizeof *v);
	memcpy(v, d->detect_s, d->ndetect_s * sizeof *v);
	qsort(v, d->ndetect_s, sizeof *v, cmp_double);
	size_t mid = d->ndetect_s / 2;
	double m = d->ndetect_s % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
	free(v);
	return m;
}

/* A seed counts once however many of its findings point at the bug (with
 * a bug line, when on_line). */
static int seeds_at_bug(const ck_detector_result *d, bool on_line)
{
	uint64_t *seen = NULL;
	size_t nseen = 0;
	for (size_t i = 0; i < d->findings.n; i++) {
		const ck_finding *f = &d->findings.items[i];
		if (!(on_line ? f->on_bug_line : f->points_at_bug))
			continue;
		size_t n;
		const uint64_t *seeds = ck_finding_seeds(f, &n);
		for (size_t k = 0; k < n; k++) {
			bool dup = false;
			for (size_t j = 0; j < nseen && !dup; j++)
				dup = seen[j] == seeds[k];
			if (!dup) {
				seen = ck_realloc_array(seen, nseen + 1, sizeof *seen);
				seen[nseen++] = seeds[k];
			}
		}
	}
	free(seen);
	return (int)nseen;
}

int ck_detected_at_bug(const ck_detector_result *d)
{
	return seeds_at_bug(d, false);
}

int ck_detected_on_bug_line(const ck_detector_result *d)
{
	return seeds_at_bug(d, true);
}

/* CI needs three outcomes: 0 everything as it should be, 1 the code (or
 * the detector matrix) is wrong, 2 the checker could not do its job. 2
 * wins over 1: a result that could not be computed is not a pass. */
int ck_exit_status(const ck_report *r)
{
	int status = 0;
	for (size_t i = 0; i < r->ntargets; i++) {
		const ck_target_result *t = &r->targets[i];
		if (t->build_error != NULL)
			return 2;
		for (int d = 0; d < CK_NDETECTORS; d++) {
			ck_verdict v = ck_detector_verdict(t, (ck_detector)d);
			if (v == CK_ERROR)
				return 2;
			if (v == CK_MISSED || v == CK_UNEXPECTED)
				status = 1;
		}
	}
	return status;
}

char *ck_repeat_command(const ck_report *r, uint64_t seed)
{
	if (r->repeat_head == NULL)
		return NULL;
	return ck_strdup_printf("%s -s %llu-%llu%s%s", r->repeat_head, (unsigned long long)seed,
				(unsigned long long)seed, r->repeat_tail[0] ? " " : "",
				r->repeat_tail);
}
