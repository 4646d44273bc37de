/*
 * The terminal report: a table with one row per target and one column per
 * detector, then what each target's results mean and one line per
 * finding. Written for a student reading it after `rrl-check`.
 *
 *   target           variant  static tsan  helgrind lockdep invariants watchdog
 *   buggy/r1-votes   buggy    ✓ 0    ✓ 1   ✗ 0      ✓ 0     ✓ 0        -
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

/* The most build-error lines shown under a target. */
#define MAX_ERROR_LINES 20

/* The symbol is what the eye scans for; its colour says the same
 * thing again for those who see colour. */
static const char *symbol(ck_verdict v)
{
	switch (v) {
	case CK_CLEAN:
	case CK_CAUGHT:
		return "✓";
	case CK_MISSED:
	case CK_UNEXPECTED:
		return "✗";
	case CK_ERROR:
		return "!";
	case CK_SKIPPED:
		return "-";
	}
	return "?";
}

static const char *colour_of(ck_verdict v)
{
	switch (v) {
	case CK_CLEAN:
	case CK_CAUGHT:
		return GREEN;
	case CK_MISSED:
	case CK_UNEXPECTED:
		return RED;
	case CK_ERROR:
		return YELLOW;
	case CK_SKIPPED:
		return DIM;
	}
	return "";
}

/* Columns line up by characters on screen, not bytes ("✓" is 3). */
static int screen_width(const char *s)
{
	int n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void pad(FILE *out, int n)
{
	for (; n > 0; n--)
		fputc(' ', out);
}

static void print_coloured(FILE *out, bool colour, const char *c, const char *s)
{
	fprintf(out, "%s%s%s", colour ? c : "", s, colour ? RESET : "");
}

static int detector_width(ck_detector d)
{
	int n = (int)strlen(ck_detector_name(d));
	return n < 5 ? 5 : n;
}

/* One cell: the verdict's symbol and, for detectors that ran, how many
 * distinct findings they made. */
static void print_cell(FILE *out, bool colour, const ck_target_result *t, ck_detector d)
{
	ck_verdict v = ck_detector_verdict(t, d);
	char cell[32];
	if (v == CK_ERROR || v == CK_SKIPPED)
		snprintf(cell, sizeof cell, "%s", symbol(v));
	else
		snprintf(cell, sizeof cell, "%s %zu", symbol(v), t->det[d].findings.n);
	print_coloured(out, colour, colour_of(v), cell);
	pad(out, detector_width(d) + 2 - screen_width(cell));
}

static void print_header(FILE *out, bool colour, int target_w)
{
	if (colour)
		fputs(BOLD, out);
	fprintf(out, "%-*s  %-10s  ", target_w, "target", "variant");
	for (int d = 0; d < CK_NDETECTORS; d++)
		fprintf(out, "%-*s", detector_width((ck_detector)d) + 2,
			ck_detector_name((ck_detector)d));
	fprintf(out, "%s\n", colour ? RESET : "");
}

/* The table itself: one glance says which detector saw what. */
static void print_grid(const ck_report *r, FILE *out, bool colour)
{
	int target_w = (int)strlen("target");
	for (size_t i = 0; i < r->ntargets; i++) {
		char *name = ck_clean_text(r->targets[i].target, CK_TEXT_LINE);
		int w = screen_width(name);
		target_w = w > target_w ? w : target_w;
		free(name);
	}
	print_header(out, colour, target_w);
	for (size_t i = 0; i < r->ntargets; i++) {
		const ck_target_result *t = &r->targets[i];
		char *name = ck_clean_text(t->target, CK_TEXT_LINE);
		fprintf(out, "%s", name);
		pad(out, target_w - screen_width(name) + 2);
		fprintf(out, "%-10s  ", ck_variant_name(t->variant));
		for (int d = 0; d < CK_NDETECTORS; d++)
			print_cell(out, colour, t, (ck_detector)d);
		fputc('\n', out);
		free(name);
	}
	fprintf(out, "\n✓ clean or caught   ✗ missed or unexpected   ! could not run"
		     "   - not run   (the number counts distinct findings)\n");
}

/* The heading names what the target was graded against, so "missed" can
 * be read as "missed raft/election.c:88". */
static void print_target_heading(FILE *out, bool colour, const ck_target_result *t)
{
	char *name = ck_clean_text(t->target, CK_TEXT_LINE);
	fprintf(out, "\n%s%s%s (%s", colour ? BOLD : "", name, colour ? RESET : "",
		ck_variant_name(t->variant));
	free(name);
	const ck_exercise *ex = t->exercise;
	if (ex != NULL) {
		char *id = ck_clean_text(ex->id, CK_TEXT_LINE);
		fprintf(out, ", exercise %s, rule %d", id, ex->rule);
		free(id);
		for (size_t i = 0; i < ex->nbug_lines; i++)
			fprintf(out, "%s%s:%d", i == 0 ? ", bug at " : " ", ex->bug_lines[i].file,
				ex->bug_lines[i].line);
		fputs(", expected:", out);
		bool any = false;
		for (int d = 0; d < CK_NDETECTORS; d++)
			if (ex->expected[d]) {
				fprintf(out, " %s", ck_detector_name((ck_detector)d));
				any = true;
			}
		fputs(any ? "" : " none", out);
	}
	fputs(")\n", out);
}

/* Long compiler output (or a long thread table) is cut, but the
 * first lines, where the first error is, are always shown. */
static void print_indented(FILE *out, const char *indent, const char *text)
{
	int lines = 0;
	const char *p = text;
	while (*p != '\0' && lines < MAX_ERROR_LINES) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *line = ck_strndup(p, len);
		char *clean = ck_clean_text(line, CK_TEXT_LINE);
		fprintf(out, "%s%s\n", indent, clean);
		free(clean);
		free(line);
		lines++;
		p += len + (nl != NULL);
	}
	if (*p != '\0')
		fprintf(out, "%s... (more in the JSON report)\n", indent);
}

/* A ✗ or ! in the grid needs a sentence: missed what, unexpected
 * where, failed why. Clean and skipped cells need none. */
static void print_verdict_line(FILE *out, bool colour, const ck_target_result *t, ck_detector d)
{
	ck_verdict v = ck_detector_verdict(t, d);
	const ck_detector_result *r = &t->det[d];
	const char *name = ck_detector_name(d);
	if (v == CK_CLEAN || v == CK_SKIPPED || (v == CK_ERROR && r->error == NULL))
		return;
	fputs("  ", out);
	print_coloured(out, colour, colour_of(v), symbol(v));
	if (v == CK_CAUGHT)
		fprintf(out, " %s caught the bug\n", name);
	else if (v == CK_MISSED && r->findings.n == 0)
		fprintf(out, " %s missed the bug: no findings\n", name);
	else if (v == CK_MISSED)
		fprintf(out,
			" %s missed the bug: %zu finding(s), none at a bug line or its function\n",
			name, r->findings.n);
	else if (v == CK_UNEXPECTED)
		fprintf(out, " %s: %zu unexpected finding(s)\n", name, r->findings.n);
	else {
		fprintf(out, " %s could not run:\n", name);
		print_indented(out, "    ", r->error);
	}
}

/* The same report can reach a detector's list twice with different
 * stacks; a student needs to read it once. */
static void print_findings(FILE *out, bool colour, const ck_target_result *t)
{
	char **seen = NULL;
	size_t nseen = 0;
	for (int d = 0; d < CK_NDETECTORS; d++) {
		const ck_findings *list = &t->det[d].findings;
		for (size_t i = 0; i < list->n; i++) {
			const ck_finding *f = &list->items[i];
			char *line = ck_finding_line(f);
			bool dup = false;
			for (size_t j = 0; j < nseen && !dup; j++)
				dup = strcmp(seen[j], line) == 0;
			if (dup) {
				free(line);
				continue;
			}
			if (nseen == 0)
				fputs("  findings:\n", out);
			fprintf(out, "    %s", line);
			if (f->occurrences > 1)
				fprintf(out, " (%d times)", f->occurrences);
			if (f->on_bug_line)
				print_coloured(out, colour, GREEN BOLD, "  ◀ points at the bug");
			else if (f->points_at_bug)
				print_coloured(out, colour, GREEN BOLD,
					       "  ◀ points at the bug's function");
			fputc('\n', out);
			if (f->details != NULL)
				print_indented(out, "      ", f->details);
			seen = ck_realloc_array(seen, nseen + 1, sizeof *seen);
			seen[nseen++] = line;
		}
	}
	for (size_t j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
}

static bool has_news(const ck_target_result *t)
{
	if (t->build_error != NULL)
		return true;
	for (int d = 0; d < CK_NDETECTORS; d++) {
		ck_verdict v = ck_detector_verdict(t, (ck_detector)d);
		if (v != CK_CLEAN && v != CK_SKIPPED)
			return true;
	}
	return false;
}

/* Below the grid, only the targets with something to say. */
static void print_details(const ck_report *r, FILE *out, bool colour)
{
	for (size_t i = 0; i < r->ntargets; i++) {
		const ck_target_result *t = &r->targets[i];
		if (!has_news(t))
			continue;
		print_target_heading(out, colour, t);
		if (t->build_error != NULL) {
			fputs("  ", out);
			print_coloured(out, colour, YELLOW, "!");
			fputs(" the build failed:\n", out);
			print_indented(out, "    ", t->build_error);
		}
		for (int d = 0; d < CK_NDETECTORS; d++)
			print_verdict_line(out, colour, t, (ck_detector)d);
		print_findings(out, colour, t);
	}
}

/* Hunt tests that failed only a time check were not judged (collect.c):
 * the reader is told how many, since such a test looked no further. */
static void print_hunt_too_slow(const ck_report *r, FILE *out)
{
	bool first = true;
	for (size_t i = 0; i < r->ntargets; i++) {
		const ck_target_result *t = &r->targets[i];
		if (t->hunt_too_slow == 0)
			continue;
		if (first)
			fputs("\nHunt tests that failed only a time check, not judged (the hunt's pauses "
			      "take part of that time):\n",
			      out);
		first = false;
		char *name = ck_clean_text(t->target, CK_TEXT_LINE);
		fprintf(out, "  %s: %d\n", name, t->hunt_too_slow);
		free(name);
	}
}

/* A run made once for several targets counts for each (share.h); the
 * reader is told, since those targets' results are not independent. */
static void print_shared(const ck_report *r, FILE *out)
{
	bool first = true;
	for (size_t i = 0; i < r->ntargets; i++) {
		const ck_target_result *t = &r->targets[i];
		if (t->shared_runs == 0)
			continue;
		if (first)
			fputs("\nThe same runs, made once (the same peer sources, kind of run, seed "
			      "and scenarios):\n",
			      out);
		first = false;
		char *name = ck_clean_text(t->target, CK_TEXT_LINE);
		fprintf(out, "  %s: %d run%s, made for", name, t->shared_runs,
			t->shared_runs == 1 ? "" : "s");
		free(name);
		for (size_t k = 0; k < t->nshared_with; k++) {
			char *with = ck_clean_text(t->shared_with[k], CK_TEXT_LINE);
			fprintf(out, "%s %s", k == 0 ? "" : ",", with);
			free(with);
		}
		fputc('\n', out);
	}
}

/* The table first (the overview), then the details. */
void ck_print_table(const ck_report *r, FILE *out, bool colour)
{
	print_grid(r, out, colour);
	print_details(r, out, colour);
	print_shared(r, out);
	print_hunt_too_slow(r, out);
}
