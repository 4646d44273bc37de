/*
 * The detection matrix, from rrl-check's JSON report (read with jansson).
 * See matrix.h; `make matrix` writes docs/matrix.md with it.
 *
 * Rows are exercises, buggy then fixed; columns the six detectors. A
 * buggy cell says on how many seeds the detector reported something,
 * whether a finding names a bug line, and how soon; a fixed cell must be
 * clean. The design's table of which detector sees which rule
 * (shared/design.md) is written below as data, and every measurement that
 * contradicts it is listed, so the document says where the design is
 * wrong instead of a person noticing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "finding.h"
#include "matrix.h"

/* What shared/design.md, "Rules -> what can see them", says a detector
 * does with a bug that breaks a rule. */
typedef enum expectation {
	NOT_SAID, /* rule 0: the design's table has no row */
	SEES,	  /* it must catch every such bug */
	CANNOT,	  /* it cannot see such a bug at all */
	DEPENDS,  /* only some bugs of the rule (the design says which) */
} expectation;

typedef struct design_cell {
	expectation e;
	const char *text; /* as the design's table words it */
} design_cell;

#define YES(t)                                                                                     \
	{                                                                                          \
		SEES, t                                                                            \
	}
#define NO                                                                                         \
	{                                                                                          \
		CANNOT, "–"                                                                      \
	}
#define SOME(t)                                                                                    \
	{                                                                                          \
		DEPENDS, t                                                                         \
	}

/* Columns in the order of ck_detector: static, tsan, helgrind, lockdep,
 * invariants, watchdog. */
static const struct {
	const char *bug_class;
	design_cell cell[CK_NDETECTORS];
} design[6] = {
    [1] = {"data race",
	   {SOME("where a `_locked` call is missed"), YES("✓"), YES("✓"),
	    SOME("where a `_locked` call is missed"), SOME("sometimes"), NO}},
    [2] = {"atomicity violation (a write sequence split)", {NO, NO, NO, NO, YES("✓"), NO}},
    [3] = {"atomicity violation (a read-check-write split)", {NO, NO, NO, NO, YES("✓"), NO}},
    [4] = {"deadlock / liveness",
	   {YES("✓ (locks_excluded)"), SOME("lock cycles only"), SOME("lock cycles only"),
	    YES("✓ might_block"), NO, YES("✓")}},
    [5] = {"order/atomicity (stale assumptions)", {NO, NO, NO, NO, YES("✓"), NO}},
};

/* A detector "sees" a bug when a finding names a bug line on at least
 * this share of its seeds: 19 of 20, and all 5 of Helgrind's 5. */
#define CAUGHT_SHARE 0.95

/* ---- Reading the report ------------------------------------------------- */

typedef struct cell {
	const char *verdict; /* "clean", "caught", ..., or NULL when absent */
	int runs, detected, at_bug;
	double median_s; /* < 0: never detected */
} cell;

typedef struct row {
	const char *id;
	int rule, grade;
	bool expected[CK_NDETECTORS];
	bool has[2];		    /* [0] buggy, [1] fixed */
	cell det[2][CK_NDETECTORS]; /* [0] buggy, [1] fixed */
	int shared[2];		    /* runs made once with another tree of the same sources */
} row;

static int int_of(json_t *o, const char *key)
{
	return (int)json_integer_value(json_object_get(o, key));
}

/* Seeds on which a finding named a bug line: the report's count, or
 * counted from the findings of a report that lacks it. */
static int at_bug_of(json_t *det)
{
	json_t *n = json_object_get(det, "detected_at_bug");
	if (json_is_integer(n))
		return (int)json_integer_value(n);
	json_int_t seen[256];
	int nseen = 0;
	size_t i, k;
	json_t *f, *s;
	json_array_foreach(json_object_get(det, "findings"), i, f)
	{
		if (!json_is_true(json_object_get(f, "points_at_bug")))
			continue;
		json_t *seeds = json_object_get(f, "seeds");
		if (!json_is_array(seeds)) {
			seeds = json_array();
			json_array_append(seeds, json_object_get(f, "seed"));
		} else {
			json_incref(seeds);
		}
		json_array_foreach(seeds, k, s)
		{
			bool dup = false;
			for (int j = 0; j < nseen && !dup; j++)
				dup = seen[j] == json_integer_value(s);
			if (!dup && nseen < 256)
				seen[nseen++] = json_integer_value(s);
		}
		json_decref(seeds);
	}
	return nseen;
}

static cell cell_of(json_t *det)
{
	json_t *median = json_object_get(det, "median_detect_s");
	return (cell){.verdict = json_string_value(json_object_get(det, "verdict")),
		      .runs = int_of(det, "runs"),
		      .detected = int_of(det, "detected"),
		      .at_bug = at_bug_of(det),
		      .median_s = json_is_number(median) ? json_number_value(median) : -1};
}

static row *row_for(row **rows, size_t *n, const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*rows)[i].id, id) == 0)
			return &(*rows)[i];
	*rows = ck_realloc_array(*rows, *n + 1, sizeof **rows);
	row *r = &(*rows)[(*n)++];
	*r = (row){.id = id};
	return r;
}

/* One row per exercise, its buggy and fixed results side by side; a
 * variant already read from an earlier report is replaced. Returns the
 * number of rows in *rows (of capacity grown as needed). */
static size_t read_rows(json_t *report, row **rows, size_t n)
{
	size_t i;
	json_t *res;
	json_array_foreach(json_object_get(report, "results"), i, res)
	{
		json_t *ex = json_object_get(res, "exercise");
		const char *id = json_string_value(json_object_get(ex, "id"));
		const char *variant = json_string_value(json_object_get(res, "variant"));
		if (id == NULL || variant == NULL)
			continue;
		int v = strcmp(variant, "buggy") == 0 ? 0 : strcmp(variant, "fixed") == 0 ? 1 : -1;
		if (v < 0)
			continue;
		row *r = row_for(rows, &n, id);
		r->rule = int_of(ex, "rule");
		r->grade = int_of(ex, "grade");
		size_t k;
		json_t *name;
		memset(r->expected, 0, sizeof r->expected);
		json_array_foreach(json_object_get(ex, "expected"), k, name)
		{
			int d = ck_detector_from_name(json_string_value(name));
			if (d >= 0)
				r->expected[d] = true;
		}
		r->has[v] = true;
		r->shared[v] = int_of(res, "shared_runs");
		json_t *dets = json_object_get(res, "detectors");
		for (int d = 0; d < CK_NDETECTORS; d++)
			r->det[v][d] =
			    cell_of(json_object_get(dets, ck_detector_name((ck_detector)d)));
	}
	return n;
}

static int by_rule_then_id(const void *a, const void *b)
{
	const row *x = a, *y = b;
	if (x->rule != y->rule)
		return x->rule - y->rule;
	return strcmp(x->id, y->id);
}

/* ---- Judging ------------------------------------------------------------ */

static bool ran(const cell *c)
{
	return c->verdict != NULL && strcmp(c->verdict, "skipped") != 0 &&
	       strcmp(c->verdict, "error") != 0;
}

static int needed(const cell *c)
{
	return (int)ceil(CAUGHT_SHARE * c->runs);
}

/* Caught on enough seeds to say the detector sees this bug. */
static bool sees(const cell *c)
{
	return ran(c) && c->runs > 0 && c->at_bug >= needed(c);
}

/* ---- Writing ------------------------------------------------------------- */

static void seconds(FILE *out, double s)
{
	if (s < 10)
		fprintf(out, "%.1f s", s);
	else
		fprintf(out, "%.0f s", s);
}

static void buggy_cell(FILE *out, const cell *c, bool expected)
{
	if (!ran(c)) {
		fputs(c->verdict && strcmp(c->verdict, "error") == 0 ? "error" : "–", out);
		return;
	}
	fprintf(out, expected ? "**%d/%d**" : "%d/%d", c->detected, c->runs);
	if (c->at_bug > 0) {
		fputs(" ◀", out);
		if (c->at_bug < c->detected)
			fprintf(out, " %d", c->at_bug);
	}
	if (c->detected > 0 && c->median_s >= 0) {
		fputc(' ', out);
		seconds(out, c->median_s);
	}
}

static void fixed_cell(FILE *out, const cell *c)
{
	if (!ran(c))
		fputs(c->verdict && strcmp(c->verdict, "error") == 0 ? "error" : "–", out);
	else if (c->detected == 0)
		fputs("clean", out);
	else
		fprintf(out, "**%d/%d ✗**", c->detected, c->runs);
}

static void table_header(FILE *out, const char *first, const char *more)
{
	fprintf(out, "| %s |%s", first, more);
	for (int d = 0; d < CK_NDETECTORS; d++)
		fprintf(out, " %s |", ck_detector_name((ck_detector)d));
	fputs("\n|---|", out);
	for (const char *p = more; *p; p++)
		if (*p == '|')
			fputs("---|", out);
	for (int d = 0; d < CK_NDETECTORS; d++)
		fputs("---|", out);
	fputc('\n', out);
}

static void write_buggy(FILE *out, const row *rows, size_t n)
{
	fputs("## Buggy variants\n\n", out);
	table_header(out, "exercise", " rule | grade |");
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].has[0])
			continue;
		fprintf(out, "| %s | %d | %d |", rows[i].id, rows[i].rule, rows[i].grade);
		for (int d = 0; d < CK_NDETECTORS; d++) {
			fputc(' ', out);
			buggy_cell(out, &rows[i].det[0][d], rows[i].expected[d]);
			fputs(" |", out);
		}
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void write_fixed(FILE *out, const row *rows, size_t n)
{
	fputs("## Fixed variants\n\nEvery cell must say `clean`: the fix leaves nothing for any "
	      "detector to find.\n\n",
	      out);
	table_header(out, "exercise", "");
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].has[1])
			continue;
		fprintf(out, "| %s |", rows[i].id);
		for (int d = 0; d < CK_NDETECTORS; d++) {
			fputc(' ', out);
			fixed_cell(out, &rows[i].det[1][d]);
			fputs(" |", out);
		}
		fputc('\n', out);
	}
	int shared = 0;
	for (size_t i = 0; i < n; i++)
		shared += rows[i].has[1] && rows[i].shared[1] > 0;
	if (shared > 0)
		fprintf(out,
			"\nFixed variants with the same peer sources as another tree of their check: "
			"%d (a fix that is the bug's plain reversal leaves the reference byte for "
			"byte). A run planned for several such trees, of the same kind, seed and "
			"scenarios, was made once and counts for each (checker/share.h): their cells "
			"are not independent samples.\n",
			shared);
	fputc('\n', out);
}

/* The acceptance: every expected detector catches its bug on
 * enough seeds, every fixed variant is clean, nothing failed to run. */
static void write_acceptance(FILE *out, const row *rows, size_t n)
{
	fputs("## Acceptance\n\n", out);
	int problems = 0;
	for (size_t i = 0; i < n; i++) {
		const row *r = &rows[i];
		for (int d = 0; d < CK_NDETECTORS; d++) {
			const char *name = ck_detector_name((ck_detector)d);
			const cell *b = &r->det[0][d], *f = &r->det[1][d];
			if (r->has[0] && r->expected[d] && !sees(b)) {
				fprintf(
				    out,
				    "- `%s` buggy: %s is expected but named a bug line on %d of "
				    "%d seeds (needs %d).\n",
				    r->id, name, b->at_bug, b->runs, needed(b));
				problems++;
			}
			if (r->has[1] && ran(f) && f->detected > 0) {
				fprintf(out,
					"- `%s` fixed: %s reported something on %d of %d seeds; "
					"it must be clean.\n",
					r->id, name, f->detected, f->runs);
				problems++;
			}
			for (int v = 0; v < 2; v++)
				if (r->has[v] && r->det[v][d].verdict &&
				    strcmp(r->det[v][d].verdict, "error") == 0) {
					fprintf(out, "- `%s` %s: %s could not run.\n", r->id,
						v ? "fixed" : "buggy", name);
					problems++;
				}
		}
	}
	if (problems == 0)
		fputs("Every expected detector named a bug line on at least 19 of 20 seeds (all of "
		      "Helgrind's), and every fixed variant is clean under every detector.\n",
		      out);
	fputc('\n', out);
}

/* How the measured exercises of one rule bear on one design cell:
 * "✓ → 1/1", "– → ⚠ 1/2", "sometimes → 0/1 (elsewhere: 1)". A detector
 * predicted to see the rule counts an exercise whose bug line it named on
 * enough seeds; the others, one whose bug line it named at all.
 * "elsewhere": exercises where it found something, never at a bug line. */
static void design_against(FILE *out, const row *rows, size_t n, int rule, int d)
{
	const design_cell *dc = &design[rule].cell[d];
	int measured = 0, seen = 0, elsewhere = 0;
	for (size_t i = 0; i < n; i++) {
		const cell *c = &rows[i].det[0][d];
		if (rows[i].rule != rule || !rows[i].has[0] || !ran(c))
			continue;
		measured++;
		seen += dc->e == SEES ? sees(c) : c->at_bug > 0;
		elsewhere += c->detected > 0 && c->at_bug == 0;
	}
	bool wrong =
	    measured > 0 && ((dc->e == SEES && seen < measured) || (dc->e == CANNOT && seen > 0));
	fprintf(out, " %s → %s", dc->text, wrong ? "⚠ " : "");
	if (measured == 0)
		fputs("not measured", out);
	else
		fprintf(out, "%d/%d", seen, measured);
	if (elsewhere > 0)
		fprintf(out, " (elsewhere: %d)", elsewhere);
}

/* One line per exercise and detector where the measurement says
 * otherwise than the design. */
static int write_contradictions(FILE *out, const row *rows, size_t n)
{
	int count = 0;
	for (size_t i = 0; i < n; i++) {
		const row *r = &rows[i];
		if (r->rule < 1 || r->rule > 5 || !r->has[0])
			continue;
		for (int d = 0; d < CK_NDETECTORS; d++) {
			const cell *c = &r->det[0][d];
			const design_cell *dc = &design[r->rule].cell[d];
			const char *name = ck_detector_name((ck_detector)d);
			if (!ran(c))
				continue;
			if (dc->e == SEES && !sees(c))
				fprintf(out,
					"- Rule %d, %s: the design says it sees every such bug; on "
					"`%s` it named a bug line on %d of %d seeds.\n",
					r->rule, name, r->id, c->at_bug, c->runs);
			else if (dc->e == CANNOT && c->at_bug > 0)
				fprintf(out,
					"- Rule %d, %s: the design says it cannot see such a bug; "
					"on `%s` it named a bug line on %d of %d seeds.\n",
					r->rule, name, r->id, c->at_bug, c->runs);
			else
				continue;
			count++;
		}
	}
	return count;
}

static void write_design(FILE *out, const row *rows, size_t n)
{
	fputs("## The design's table against the measurement\n\n"
	      "shared/design.md predicts which detector sees a bug of each rule. Each cell here is "
	      "that prediction, then how many of the rule's exercises bear it out: for ✓, those "
	      "whose bug line the detector named on at least 19 of 20 seeds (all of Helgrind's); "
	      "for the others, those whose bug line it named at all. \"elsewhere\" counts the "
	      "exercises where it found something but never named a bug line (an invariant "
	      "broken in a test, a hang). ⚠ marks a contradiction. Rule 0 (a bug outside the "
	      "five rules) has no prediction.\n\n",
	      out);
	table_header(out, "rule", " bug class |");
	for (int rule = 1; rule <= 5; rule++) {
		bool measured = false;
		for (size_t i = 0; i < n; i++)
			measured = measured || (rows[i].rule == rule && rows[i].has[0]);
		fprintf(out, "| %d | %s%s |", rule, design[rule].bug_class,
			measured ? "" : " (no exercise yet)");
		for (int d = 0; d < CK_NDETECTORS; d++) {
			if (measured)
				design_against(out, rows, n, rule, d);
			else
				fprintf(out, " %s", design[rule].cell[d].text);
			fputs(" |", out);
		}
		fputc('\n', out);
	}
	fputs("\n### Where the measurement disagrees with the design\n\n", out);
	if (write_contradictions(out, rows, n) == 0)
		fputs("Nowhere: every measured exercise behaves as the design's table predicts.\n",
		      out);
	fputc('\n', out);
}

/* Source, command, date, length and seeds of one check-all run, as list
 * items (prefix: "- " for the only check, "     - " under a numbered list
 * of them). */
static void describe_check(FILE *out, const ck_matrix_input *in, const char *prefix)
{
	json_t *check = json_object_get(in->report, "check");
	const char *started = json_string_value(json_object_get(check, "started"));
	const char *cmd = json_string_value(json_object_get(check, "command"));
	double secs = json_number_value(json_object_get(check, "seconds"));
	int first = int_of(check, "seed_first"), last = int_of(check, "seed_last");
	json_t *hg = json_object_get(check, "helgrind_seeds");
	if (in->source != NULL)
		fprintf(out, "%sFrom: `%s`\n", prefix, in->source);
	if (cmd != NULL)
		fprintf(out, "%sThe check: `%s`\n", prefix, cmd);
	if (started != NULL) {
		fprintf(out, "%sDate: %.10s %s UTC", prefix, started,
			strlen(started) > 11 ? started + 11 : "");
		if (secs > 0)
			fprintf(out, "; the check took %.0f min", secs / 60);
		fputs("\n", out);
	}
	if (last > 0) {
		fprintf(out,
			"%sSeeds: %d–%d for tsan, lockdep, invariants and watchdog (static runs "
			"once)",
			prefix, first, last);
		if (json_is_integer(hg))
			fprintf(out, "; helgrind on the first %d", (int)json_integer_value(hg));
		fputs("\n", out);
	}
}

/* Both variants of the exercise are in the rows. */
static bool measured(const row *rows, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].id, id) == 0)
			return rows[i].has[0] && rows[i].has[1];
	return false;
}

static bool in_catalog(const ck_matrix_options *o, const char *id)
{
	for (size_t c = 0; c < o->ncatalog; c++)
		if (strcmp(o->catalog[c], id) == 0)
			return true;
	return false;
}

/* Move the rows of exercises the catalog does not hold (drafts a check
 * measured, or exercises since taken out) behind the others, in order;
 * returns how many rows are the catalog's. */
static size_t catalog_rows_first(row *rows, size_t n, const ck_matrix_options *o)
{
	if (o->catalog == NULL)
		return n;
	row *sorted = ck_calloc(n, sizeof *sorted);
	size_t kept = 0, left = n;
	for (size_t i = n; i-- > 0;)
		if (!in_catalog(o, rows[i].id))
			sorted[--left] = rows[i];
	for (size_t i = 0; i < n; i++)
		if (in_catalog(o, rows[i].id))
			sorted[kept++] = rows[i];
	memcpy(rows, sorted, n * sizeof *rows);
	free(sorted);
	return kept;
}

/* Which of the catalog's exercises the checks measured, and which not;
 * and what they measured that is not in the catalog (rows n to n + nout). */
static void describe_coverage(FILE *out, const row *rows, size_t n, size_t nout,
			      const ck_matrix_options *o)
{
	if (o->catalog == NULL)
		return;
	size_t done = 0, missing = 0;
	for (size_t c = 0; c < o->ncatalog; c++)
		done += measured(rows, n, o->catalog[c]);
	fprintf(out, "- Measured: %zu of the catalog's %zu exercises, buggy and fixed", done,
		o->ncatalog);
	for (size_t c = 0; c < o->ncatalog; c++)
		if (!measured(rows, n, o->catalog[c]))
			fprintf(out, "%s`%s`", missing++ == 0 ? "; not yet: " : ", ",
				o->catalog[c]);
	fputs("\n", out);
	for (size_t i = n; i < n + nout; i++)
		fprintf(out, "%s`%s`", i == n ? "- Left out, measured but not in the catalog: " : ", ",
			rows[i].id);
	if (nout > 0)
		fputs("\n", out);
}

static void write_heading(FILE *out, const ck_matrix_input *in, size_t nin, const row *rows,
			  size_t n, size_t nout, const ck_matrix_options *o)
{
	fputs("# The detection matrix\n\n"
	      "Which detector sees which bug, measured on every exercise of the catalog: the buggy "
	      "variant must be caught by the detectors its exercise expects, the fixed one must be "
	      "clean under all six. At the end, the design's prediction of which detector sees "
	      "which rule is set against the measurement.\n\n"
	      "This file is generated by `make matrix` (checker/matrix.c) from the JSON reports "
	      "of `make check-all` runs (checker/README.md, \"The whole catalog\"); do not edit "
	      "it by hand.\n\n",
	      out);
	if (o->command != NULL)
		fprintf(out, "- Made by: `%s`\n", o->command);
	describe_coverage(out, rows, n, nout, o);
	if (nin == 1) {
		describe_check(out, &in[0], "- ");
	} else {
		fprintf(out,
			"- From %zu checks, oldest first, each over a slice of the catalog (a tree "
			"in two is taken from the later):\n",
			nin);
		for (size_t i = 0; i < nin; i++) {
			fprintf(out, "  %zu.\n", i + 1);
			describe_check(out, &in[i], "     - ");
		}
	}
	fputs(
	    "\n## Reading a cell\n\n"
	    "`19/20 ◀ 0.4 s`: the detector reported something on 19 of its 20 seeds, a finding "
	    "names a bug line (◀; `◀ 17` when that holds on only 17 of the 19), and the median "
	    "time from a run's start to its first finding is 0.4 s (for static and helgrind, whose "
	    "reports carry no time, the length of the run). **Bold**: the exercise "
	    "expects this detector. `0/20`: nothing found. `error`: the detector could not run; "
	    "`–`: not run. Lockdep, the invariants and the watchdog hear from every run (plain, "
	    "TSan and Helgrind) of a seed.\n\n",
	    out);
}

/* The matrix of the reports, given oldest check first. */
static int write_in_order(const ck_matrix_input *in, size_t nin, const ck_matrix_options *o,
			  FILE *out, char *err, size_t errlen)
{
	row *rows = NULL;
	size_t n = 0;
	for (size_t i = 0; i < nin; i++) {
		if (!json_is_array(json_object_get(in[i].report, "results"))) {
			free(rows);
			snprintf(err, errlen, "%s: not an rrl-check JSON report (no \"results\" array)",
				 in[i].source ? in[i].source : "a report");
			return -1;
		}
		n = read_rows(in[i].report, &rows, n);
	}
	if (n == 0) {
		free(rows);
		snprintf(err, errlen,
			 "the report%s hold%s no buggy or fixed exercise tree; make %s with make "
			 "check-all",
			 nin == 1 ? "" : "s", nin == 1 ? "s" : "", nin == 1 ? "it" : "them");
		return -1;
	}
	qsort(rows, n, sizeof *rows, by_rule_then_id);
	size_t kept = catalog_rows_first(rows, n, o);
	write_heading(out, in, nin, rows, kept, n - kept, o);
	n = kept;
	write_buggy(out, rows, n);
	write_fixed(out, rows, n);
	write_acceptance(out, rows, n);
	write_design(out, rows, n);
	free(rows);
	return 0;
}

/* A report and the place it was given in. */
typedef struct given_report {
	ck_matrix_input in;
	size_t place;
} given_report;

/* When a check started ("2026-12-05T07:00:12"), or "" if its report does
 * not say. */
static const char *started_of(const given_report *g)
{
	json_t *check = json_object_get(g->in.report, "check");
	const char *s = json_string_value(json_object_get(check, "started"));
	return s != NULL ? s : "";
}

/* Oldest check first; checks that started together keep their order. */
static int by_start(const void *a, const void *b)
{
	const given_report *x = a, *y = b;
	int c = strcmp(started_of(x), started_of(y));
	if (c != 0)
		return c;
	return (x->place > y->place) - (x->place < y->place);
}

int ck_matrix_write(const ck_matrix_input *in, size_t nin, const ck_matrix_options *o, FILE *out,
		    char *err, size_t errlen)
{
	/* A tree measured twice is taken from the check that started later,
	 * whatever order the files were named in. */
	given_report *g = ck_calloc(nin > 0 ? nin : 1, sizeof *g);
	for (size_t i = 0; i < nin; i++)
		g[i] = (given_report){.in = in[i], .place = i};
	qsort(g, nin, sizeof *g, by_start);
	ck_matrix_input *ordered = ck_calloc(nin > 0 ? nin : 1, sizeof *ordered);
	for (size_t i = 0; i < nin; i++)
		ordered[i] = g[i].in;
	int rc = write_in_order(ordered, nin, o, out, err, errlen);
	free(ordered);
	free(g);
	return rc;
}
