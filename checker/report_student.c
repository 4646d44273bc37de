/*
 * The report a student reads while hunting a bug (rrl-check --student,
 * make check EX=id): what each detector found, in the code's own words,
 * and nothing that gives the answer away. No rule numbers, no bug lines,
 * no exercise metadata, no "expected" or "unexpected": every detector is
 * simply clean or found problems.
 *
 *   build/exercises/get-state/student, seeds 1-2
 *
 *     static      clean
 *     tsan        found 4 problems (in 2 of 2 runs)
 *     ...
 *
 *   tsan found 4 problems:
 *
 *     1. data race on rf->role
 *          read   raft/raft.c:95  raft_get_state          holding no lock
 *          write  raft/role.c:22  become_follower_locked  holding rf->mu
 *        seen 6 times, in seeds 1 2
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "clean_text.h"
#include "finding_line.h"
#include "report.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* The most lines of a build error or a thread table shown. */
#define MAX_TEXT_LINES 20

typedef struct printer {
	FILE *out;
	bool colour;
	const ck_report *report; /* its seeds and its command */
} printer;

static void coloured(const printer *p, const char *c, const char *s)
{
	fprintf(p->out, "%s%s%s", p->colour ? c : "", s, p->colour ? RESET : "");
}

/* Text from a detector on our lines: no escapes, no stray newlines. */
static void print_clean(FILE *out, const char *s)
{
	char *clean = ck_clean_text(s ? s : "", CK_TEXT_LINE);
	fputs(clean, out);
	free(clean);
}

static void print_indented(const printer *p, const char *indent, const char *text)
{
	int lines = 0;
	const char *s = text;
	while (*s != '\0' && lines < MAX_TEXT_LINES) {
		size_t len = strcspn(s, "\n");
		char *line = ck_strndup(s, len);
		fputs(indent, p->out);
		print_clean(p->out, line);
		fputc('\n', p->out);
		free(line);
		lines++;
		s += len + (s[len] == '\n');
	}
	if (*s != '\0')
		fprintf(p->out, "%s...\n", indent);
}

/* One word or phrase per detector; the student needs to know only
 * whether it saw something. */
static void print_verdict(const printer *p, const ck_target_result *t, ck_detector d)
{
	const ck_detector_result *r = &t->det[d];
	fprintf(p->out, "  %-11s ", ck_detector_name(d));
	if (!r->enabled) {
		coloured(p, DIM, "not run");
	} else if (r->error != NULL || t->build_error != NULL) {
		coloured(p, YELLOW, "could not run");
	} else if (r->findings.n == 0) {
		coloured(p, GREEN, "clean");
		if (r->runs > 1)
			fprintf(p->out, " (%d runs)", r->runs);
	} else {
		char *found = ck_strdup_printf("found %zu problem%s", r->findings.n,
					       r->findings.n == 1 ? "" : "s");
		coloured(p, RED, found);
		free(found);
		if (d != CK_STATIC)
			fprintf(p->out, " (in %d of %d run%s)", r->detected, r->runs,
				r->runs == 1 ? "" : "s");
	}
	fputc('\n', p->out);
}

/* Sides holding no lock first: the contrast with the other side is
 * usually the bug. */
static int side_rank(const ck_stack *s)
{
	return s->locks == NULL ? 1 : s->locks[0] == '\0' ? 0 : 2;
}

/* The two sides of a race, one line each, in aligned columns. */
static void print_sides(const printer *p, const ck_finding *f)
{
	const ck_frame *side[2];
	const ck_stack *stack[2];
	size_t n = ck_race_sides(f, side, stack, 2);
	if (n == 2 && side_rank(stack[1]) < side_rank(stack[0])) {
		const ck_frame *sf = side[0];
		const ck_stack *ss = stack[0];
		side[0] = side[1], stack[0] = stack[1];
		side[1] = sf, stack[1] = ss;
	}
	char *loc[2] = {NULL, NULL};
	int loc_w = 0, fn_w = 0;
	for (size_t i = 0; i < n; i++) {
		loc[i] = side[i] ? ck_frame_location(side[i]) : ck_strdup("(not recorded)");
		int lw = (int)strlen(loc[i]);
		int fw = side[i] && side[i]->function ? (int)strlen(side[i]->function) : 0;
		loc_w = lw > loc_w ? lw : loc_w;
		fn_w = fw > fn_w ? fw : fn_w;
	}
	for (size_t i = 0; i < n; i++) {
		const char *fn = side[i] && side[i]->function ? side[i]->function : "";
		bool locks = stack[i]->locks != NULL;
		fprintf(p->out, "          %-5s  %-*s  %-*s", stack[i]->write ? "write" : "read",
			loc_w, loc[i], locks ? fn_w : 0, fn);
		if (locks) {
			fputs("  holding ", p->out);
			print_clean(p->out, stack[i]->locks[0] ? stack[i]->locks : "no lock");
		}
		char thread[64];
		ck_stack_thread(stack[i], thread, sizeof thread);
		if (thread[0] != '\0') {
			fputs("  [", p->out);
			print_clean(p->out, thread);
			fputc(']', p->out);
		}
		fputc('\n', p->out);
		free(loc[i]);
	}
	if (n == 1)
		fputs("          (the other access was not recorded)\n", p->out);
}

/* "seen in 2 of 3 seeds (1 3), 6 times; seed 1 alone: rrl-check ... -s
 * 1-1 ...": how often, and how to see it again. */
static void print_seen(const printer *p, const ck_finding *f, const char *indent)
{
	const ck_report *r = p->report;
	size_t n;
	const uint64_t *seeds = ck_finding_seeds(f, &n);
	fputs(indent, p->out);
	if (r->seed_first > 0 && r->seed_last >= r->seed_first)
		fprintf(p->out, "seen in %zu of %llu seeds (", n,
			(unsigned long long)(r->seed_last - r->seed_first + 1));
	else
		fputs("seen in seeds (", p->out);
	for (size_t i = 0; i < n; i++)
		fprintf(p->out, "%s%llu", i ? " " : "", (unsigned long long)seeds[i]);
	fputc(')', p->out);
	if (f->occurrences > 1)
		fprintf(p->out, ", %d times", f->occurrences);
	fputc('\n', p->out);
	char *again = n > 0 ? ck_repeat_command(r, seeds[0]) : NULL;
	if (again != NULL) {
		fprintf(p->out, "%sseed %llu alone: ", indent, (unsigned long long)seeds[0]);
		print_clean(p->out, again);
		fputc('\n', p->out);
	}
	free(again);
}

static void print_problem(const printer *p, const ck_finding *f, size_t number)
{
	const ck_frame *side[1];
	bool race =
	    f->kind && strcmp(f->kind, "data-race") == 0 && ck_race_sides(f, side, NULL, 1) > 0;
	fprintf(p->out, "\n  %2zu. ", number);
	if (race) {
		fputs("data race", p->out);
		if (f->variable != NULL) {
			fputs(" on ", p->out);
			if (p->colour)
				fputs(BOLD, p->out);
			print_clean(p->out, f->variable);
			if (p->colour)
				fputs(RESET, p->out);
		}
		fputc('\n', p->out);
		print_sides(p, f);
	} else {
		char *loc = ck_frame_location(&f->where);
		fprintf(p->out, "%s%s%s: ", loc, f->where.function ? " " : "",
			f->where.function ? f->where.function : "");
		print_clean(p->out, f->message ? f->message : f->kind);
		fputc('\n', p->out);
		free(loc);
		if (f->details != NULL)
			print_indented(p, "          ", f->details);
	}
	print_seen(p, f, "      ");
}

static int by_place(const void *a, const void *b)
{
	const ck_finding *x = *(const ck_finding *const *)a, *y = *(const ck_finding *const *)b;
	int c = strcmp(x->kind ? x->kind : "", y->kind ? y->kind : "");
	if (c == 0)
		c = strcmp(x->variable ? x->variable : "", y->variable ? y->variable : "");
	if (c == 0)
		c = strcmp(x->where.file ? x->where.file : "", y->where.file ? y->where.file : "");
	if (c == 0)
		c = x->where.line - y->where.line;
	return c;
}

/* A detector's problems, in an order that does not change from one
 * check to the next: by kind, variable and place. */
static void print_problems(const printer *p, const ck_target_result *t, ck_detector d)
{
	const ck_detector_result *r = &t->det[d];
	if (!r->enabled)
		return;
	if (r->error != NULL && t->build_error == NULL) {
		fprintf(p->out, "\n%s could not run:\n", ck_detector_name(d));
		print_indented(p, "    ", r->error);
	}
	if (r->findings.n == 0)
		return;
	const ck_finding **sorted = ck_calloc(r->findings.n, sizeof *sorted);
	for (size_t i = 0; i < r->findings.n; i++)
		sorted[i] = &r->findings.items[i];
	qsort(sorted, r->findings.n, sizeof *sorted, by_place);
	fprintf(p->out, "\n%s%s found %zu problem%s:%s\n", p->colour ? BOLD : "",
		ck_detector_name(d), r->findings.n, r->findings.n == 1 ? "" : "s",
		p->colour ? RESET : "");
	for (size_t i = 0; i < r->findings.n; i++)
		print_problem(p, sorted[i], i + 1);
	free(sorted);
}

static void print_target(const printer *p, const ck_report *r, const ck_target_result *t)
{
	if (p->colour)
		fputs(BOLD, p->out);
	print_clean(p->out, t->target);
	if (p->colour)
		fputs(RESET, p->out);
	if (r->seed_last > 0 && r->seed_first == r->seed_last)
		fprintf(p->out, ", seed %llu", (unsigned long long)r->seed_first);
	else if (r->seed_last > 0)
		fprintf(p->out, ", seeds %llu-%llu", (unsigned long long)r->seed_first,
			(unsigned long long)r->seed_last);
	fputs("\n\n", p->out);
	for (int d = 0; d < CK_NDETECTORS; d++)
		print_verdict(p, t, (ck_detector)d);
	if (t->build_error != NULL) {
		fputs("\n", p->out);
		coloured(p, YELLOW, "!");
		fputs(" your code did not build:\n", p->out);
		print_indented(p, "    ", t->build_error);
	}
	for (int d = 0; d < CK_NDETECTORS; d++)
		print_problems(p, t, (ck_detector)d);
}

void ck_print_student(const ck_report *r, FILE *out, bool colour)
{
	printer p = {.out = out, .colour = colour, .report = r};
	for (size_t i = 0; i < r->ntargets; i++) {
		if (i > 0)
			fputs("\n\n", out);
		print_target(&p, r, &r->targets[i]);
	}
}
