/*
 * rrl-grade's outputs. See grade_outputs.h; the formats are in
 * docs/grading.md. JSON through jansson, CSV through libcsv: no quoting
 * by hand.
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "grade_outputs.h"
#include "json_file.h"
#include "report.h"

/* A detector's verdict, as the class's table shows it: an invariants
 * verdict that kept its points because it only saw too-slow checks says
 * so, not "unexpected" beside full points. */
static const char *verdict_of(const json_t *result, ck_detector d)
{
	const json_t *det =
	    json_object_get(json_object_get(result, "detectors"), ck_detector_name(d));
	const char *v = json_string_value(json_object_get(det, "verdict"));
	if (v == NULL)
		return "none";
	if (d == CK_INVARIANTS && strcmp(v, "unexpected") == 0 && ck_only_too_slow(det))
		return "too-slow";
	return v;
}

json_t *ck_grade_row(const ck_student_grade *g)
{
	json_t *row = json_pack("{s:o}", "student", ck_json_text(g->student));
	json_object_set_new(row, "build", json_string(g->score->problem == NULL ? "ok"
						      : strncmp(g->score->problem, "refused", 7) == 0
							  ? "refused"
							  : "failed"));
	json_t *detectors = json_object();
	for (int d = 0; d < CK_NDETECTORS; d++)
		json_object_set_new(detectors, ck_detector_name((ck_detector)d),
				    json_string(verdict_of(g->result, (ck_detector)d)));
	json_object_set_new(row, "detectors", detectors);
	int passed = 0, total = 0;
	for (size_t i = 0; i < g->score->n; i++)
		if (strncmp(g->score->items[i].name, "scenario ", 9) == 0) {
			total++;
			passed += g->score->items[i].passed;
		}
	json_object_set_new(row, "scenarios_passed", json_integer(passed));
	json_object_set_new(row, "scenarios", json_integer(total));
	json_object_set_new(row, "score", json_real(g->score->score));
	json_object_set_new(row, "max_score", json_real(g->score->max));
	json_object_set_new(row, "seconds", json_real(g->seconds));
	json_object_set_new(row, "sandbox", ck_json_text(g->sandbox));
	json_object_set_new(row, "fingerprint", ck_json_text(g->fingerprint));
	return row;
}

static int dump(json_t *root, const char *path)
{
	return ck_dump_json(root, path, "grade", JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

/* What every page starts with: the total, how it ran, what kept it from
 * running. */
static char *header_md(const ck_student_grade *g)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	fprintf(f, "**%g of %g points.** Graded in the %s sandbox in %.0f s.\n\n", g->score->score,
		g->score->max, g->sandbox, g->seconds);
	if (g->score->problem != NULL)
		fprintf(f, "**Nothing of the submission ran:**\n\n```\n%s\n```\n\n", g->score->problem);
	fclose(f);
	return s;
}

int ck_write_gradescope(const ck_student_grade *g, const char *path)
{
	json_t *tests = json_array();
	for (size_t i = 0; i < g->score->n; i++) {
		const ck_score_item *it = &g->score->items[i];
		char number[24];
		snprintf(number, sizeof number, "%zu", i + 1);
		json_array_append_new(
		    tests, json_pack("{s:o, s:s, s:f, s:f, s:s, s:o, s:s, s:s}", "name", ck_json_text(it->name),
				     "number", number, "score", it->score, "max_score", it->max,
				     "status", it->passed ? "passed" : "failed", "output",
				     ck_json_text(it->output), "output_format", "md", "visibility", "visible"));
	}
	char *header = header_md(g);
	json_t *root = json_pack("{s:f, s:f, s:o, s:s, s:s, s:s, s:s, s:o}", "score", g->score->score,
				 "execution_time", g->seconds, "output", ck_json_text(header), "output_format",
				 "md", "test_output_format", "md", "visibility", "visible",
				 "stdout_visibility", "hidden", "tests", tests);
	free(header);
	return dump(root, path);
}

int ck_write_classroom(const ck_student_grade *g, const char *path)
{
	json_t *tests = json_array();
	for (size_t i = 0; i < g->score->n; i++) {
		const ck_score_item *it = &g->score->items[i];
		json_array_append_new(tests, json_pack("{s:o, s:s, s:f, s:o, s:i}", "name",
						       ck_json_text(it->name), "status",
						       it->passed ? "pass" : "fail", "score",
						       it->score, "message", ck_json_text(it->output),
						       "line_no", 0));
	}
	const char *status = g->score->problem != NULL			? "error"
			     : g->score->score < g->score->max ? "fail"
								: "pass";
	return dump(json_pack("{s:i, s:s, s:f, s:o}", "version", 1, "status", status, "max_score",
			      g->score->max, "tests", tests),
		    path);
}

int ck_write_grade_markdown(const ck_student_grade *g, const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "rrl-grade: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *header = header_md(g);
	fprintf(f, "# %s\n\n%s| | points | what it checks |\n|---|---|---|\n", g->student, header);
	free(header);
	for (size_t i = 0; i < g->score->n; i++) {
		const ck_score_item *it = &g->score->items[i];
		fprintf(f, "| %s | %g / %g | %s |\n", it->passed ? "✓" : "✗", it->score, it->max,
			it->name);
	}
	for (size_t i = 0; i < g->score->n; i++) {
		const ck_score_item *it = &g->score->items[i];
		if (!it->passed && it->output[0] != '\0')
			fprintf(f, "\n## ✗ %s\n\n%s", it->name, it->output);
	}
	fprintf(f, "\nEvery finding, with both sides of each race and the interleaving behind each "
		   "invariant: report.html, findings.sarif.\n");
	return fclose(f) == 0 ? 0 : -1;
}

static void csv_field(FILE *f, const char *s, bool last)
{
	csv_fwrite(f, s, strlen(s));
	fputc(last ? '\n' : ',', f);
}

static void csv_number(FILE *f, double v, bool last)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%g", v);
	csv_field(f, buf, last);
}

int ck_write_class_grades(const json_t *rows, const char *csv_path, const char *json_path)
{
	FILE *f = fopen(csv_path, "w");
	if (f == NULL) {
		fprintf(stderr, "rrl-grade: cannot write %s: %s\n", csv_path, strerror(errno));
		return -1;
	}
	fputs("student,build", f);
	for (int d = 0; d < CK_NDETECTORS; d++)
		fprintf(f, ",%s", ck_detector_name((ck_detector)d));
	fputs(",scenarios_passed,scenarios,score,max_score,seconds,sandbox\n", f);
	size_t i;
	const json_t *row;
	json_array_foreach(rows, i, row)
	{
		csv_field(f, json_string_value(json_object_get(row, "student")), false);
		csv_field(f, json_string_value(json_object_get(row, "build")), false);
		for (int d = 0; d < CK_NDETECTORS; d++)
			csv_field(f,
				  json_string_value(json_object_get(json_object_get(row, "detectors"),
								    ck_detector_name((ck_detector)d))),
				  false);
		const char *numbers[] = {"scenarios_passed", "scenarios", "score", "max_score",
					 "seconds"};
		for (size_t k = 0; k < 5; k++)
			csv_number(f, json_number_value(json_object_get(row, numbers[k])), false);
		csv_field(f, json_string_value(json_object_get(row, "sandbox")), true);
	}
	if (fclose(f) != 0)
		return -1;
	return dump(json_deep_copy(rows), json_path);
}
