/*
 * The JSON report: every target, every detector, every finding, for CI
 * jobs and scripts. Built as a jansson tree and dumped by jansson, so
 * quoting and escaping are never done by hand. The schema, with an
 * example, is in checker/README.md, "JSON report".
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "hunt.h"
#include "json_file.h"
#include "report.h"

#ifndef RRL_CHECK_VERSION
#define RRL_CHECK_VERSION "0.1.0"
#endif

/* A missing value is null, not "" or 0, so a reader can tell "not
 * known" from "empty"; the text is cleaned because jansson refuses a
 * string that is not UTF-8. */
static json_t *string_or_null(const char *s)
{
	return s == NULL ? json_null() : ck_json_text(s);
}

/* Peer files are reported as "raft/election.c" whatever directory the
 * tree was built in, so reports of two trees can be compared. */
static json_t *file_json(const char *file)
{
	const char *rel = ck_peer_relative(file);
	return string_or_null(rel != NULL ? rel : file);
}

/* Line 0 means "unknown" in ck_frame. */
static json_t *line_json(int line)
{
	return line > 0 ? json_integer(line) : json_null();
}

/* One frame of a stack, the same three fields as a location. */
static json_t *frame_json(const ck_frame *f)
{
	return json_pack("{s:o, s:o, s:o}", "function", string_or_null(f->function), "file",
			 file_json(f->file), "line", line_json(f->line));
}

/* A race's sides say what they did and which locks they held. */
static json_t *stack_json(const ck_stack *s)
{
	json_t *frames = json_array();
	for (size_t i = 0; i < s->nframes; i++)
		json_array_append_new(frames, frame_json(&s->frames[i]));
	json_t *o = json_pack("{s:o, s:o}", "title", string_or_null(s->title), "frames", frames);
	if (s->access) {
		json_object_set_new(o, "access", json_string(s->write ? "write" : "read"));
		json_object_set_new(o, "size", json_integer(s->access_size));
		json_object_set_new(o, "locks", string_or_null(s->locks));
	}
	return o;
}

/* A finding keeps everything a student needs to repeat it (seed) and
 * to find it (file, line, function, stacks). */
static json_t *finding_json(const ck_finding *f, bool student)
{
	json_t *stacks = json_array();
	for (size_t i = 0; i < f->nstacks; i++)
		json_array_append_new(stacks, stack_json(&f->stacks[i]));
	json_t *o = json_object();
	json_object_set_new(o, "kind", string_or_null(f->kind));
	if (!student)
		json_object_set_new(o, "rule", json_integer(f->rule));
	json_object_set_new(o, "file", file_json(f->where.file));
	json_object_set_new(o, "line", line_json(f->where.line));
	json_object_set_new(o, "function", string_or_null(f->where.function));
	json_object_set_new(o, "message", string_or_null(f->message));
	json_object_set_new(o, "seed", json_integer((json_int_t)f->seed));
	json_object_set_new(o, "seeds", ck_json_seeds(f));
	json_object_set_new(o, "seconds", f->seconds >= 0 ? json_real(f->seconds) : json_null());
	json_object_set_new(o, "variable", string_or_null(f->variable));
	if (f->guard != NULL)
		json_object_set_new(o, "guarded_by", string_or_null(f->guard));
	json_object_set_new(o, "details", string_or_null(f->details));
	if (!student) {
		json_object_set_new(o, "points_at_bug", json_boolean(f->points_at_bug));
		json_object_set_new(o, "on_bug_line", json_boolean(f->on_bug_line));
	}
	json_object_set_new(o, "occurrences", json_integer(f->occurrences));
	json_t *found_in = json_array();
	for (int k = 0; k < CK_NRUN_KINDS; k++)
		if (f->found_in & CK_FOUND_IN(k))
			json_array_append_new(found_in,
					      json_string(ck_run_kind_name((ck_run_kind)k)));
	json_object_set_new(o, "found_in", found_in);
	json_object_set_new(o, "stacks", stacks);
	return o;
}

/* One detector's runs, verdict and findings on one target. */
static json_t *detector_json(const ck_target_result *t, ck_detector d, bool student)
{
	const ck_detector_result *r = &t->det[d];
	json_t *findings = json_array();
	for (size_t i = 0; i < r->findings.n; i++)
		json_array_append_new(findings, finding_json(&r->findings.items[i], student));
	double median = ck_median_detect_s(r);
	json_t *o = json_object();
	json_object_set_new(o, "runs", json_integer(r->runs));
	json_object_set_new(o, "detected", json_integer(r->detected));
	if (t->exercise != NULL && !student) {
		json_object_set_new(o, "detected_at_bug", json_integer(ck_detected_at_bug(r)));
		json_object_set_new(o, "detected_on_bug_line",
				    json_integer(ck_detected_on_bug_line(r)));
	}
	json_object_set_new(o, "verdict", json_string(ck_verdict_name(ck_detector_verdict(t, d))));
	if (r->error != NULL)
		json_object_set_new(o, "error", string_or_null(r->error));
	json_object_set_new(o, "findings", findings);
	json_object_set_new(o, "median_detect_s", median >= 0 ? json_real(median) : json_null());
	return o;
}

/* The metadata a grade was computed against travels with it. */
static json_t *exercise_json(const ck_exercise *ex)
{
	json_t *expected = json_array();
	for (int d = 0; d < CK_NDETECTORS; d++)
		if (ex->expected[d])
			json_array_append_new(expected,
					      json_string(ck_detector_name((ck_detector)d)));
	json_t *lines = json_array();
	for (size_t i = 0; i < ex->nbug_lines; i++) {
		char *s = ck_strdup_printf("%s:%d", ex->bug_lines[i].file, ex->bug_lines[i].line);
		json_array_append_new(lines, string_or_null(s));
		free(s);
	}
	json_t *o = json_object();
	json_object_set_new(o, "id", string_or_null(ex->id));
	json_object_set_new(o, "title", string_or_null(ex->title));
	json_object_set_new(o, "rule", json_integer(ex->rule));
	json_object_set_new(o, "grade", json_integer(ex->grade));
	json_object_set_new(o, "bug_class", string_or_null(ex->bug_class));
	if (ex->source != NULL)
		json_object_set_new(o, "source", string_or_null(ex->source));
	json_object_set_new(o, "bug_lines", lines);
	json_object_set_new(o, "expected", expected);
	json_object_set_new(o, "scenarios", string_or_null(ex->scenarios));
	if (ex->helgrind_scenarios != NULL)
		json_object_set_new(o, "helgrind_scenarios",
				    string_or_null(ex->helgrind_scenarios));
	return o;
}

static json_t *target_json(const ck_target_result *t, bool student)
{
	json_t *detectors = json_object();
	for (int d = 0; d < CK_NDETECTORS; d++)
		json_object_set_new(detectors, ck_detector_name((ck_detector)d),
				    detector_json(t, (ck_detector)d, student));
	json_t *o = json_object();
	json_object_set_new(o, "target", string_or_null(t->target));
	json_object_set_new(o, "variant", json_string(ck_variant_name(t->variant)));
	if (t->exercise != NULL && !student)
		json_object_set_new(o, "exercise", exercise_json(t->exercise));
	if (t->build_error != NULL)
		json_object_set_new(o, "build_error", string_or_null(t->build_error));
	if (t->shared_runs > 0 && !student) {
		json_t *with = json_array();
		for (size_t i = 0; i < t->nshared_with; i++)
			json_array_append_new(with, string_or_null(t->shared_with[i]));
		json_object_set_new(o, "shared_runs", json_integer(t->shared_runs));
		json_object_set_new(o, "shared_with", with);
	}
	if (t->hunt_too_slow > 0)
		json_object_set_new(o, "hunt_too_slow", json_integer(t->hunt_too_slow));
	if (t->sandbox != NULL)
		json_object_set_new(o, "sandbox", string_or_null(t->sandbox));
	if (t->nscenarios > 0) {
		json_t *scenarios = json_array();
		for (size_t i = 0; i < t->nscenarios; i++)
			json_array_append_new(scenarios,
					      json_pack("{s:o, s:i, s:i}", "name",
							string_or_null(t->scenarios[i].name), "runs",
							t->scenarios[i].runs, "passed",
							t->scenarios[i].passed));
		json_object_set_new(o, "scenarios", scenarios);
	}
	json_object_set_new(o, "detectors", detectors);
	return o;
}

/* The whole report, with the exit status, so a CI script reading only
 * the file knows the outcome. */
/* When, how long, which seeds and which command: what a reader of the
 * numbers (docs/matrix.md) must be able to state. */
static json_t *check_json(const ck_report *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "started", string_or_null(r->started));
	json_object_set_new(o, "seconds", json_real(r->seconds));
	json_object_set_new(o, "seed_first", json_integer((json_int_t)r->seed_first));
	json_object_set_new(o, "seed_last", json_integer((json_int_t)r->seed_last));
	json_object_set_new(o, "helgrind_seeds",
			    r->helgrind_seeds > 0 ? json_integer(r->helgrind_seeds) : json_null());
	json_object_set_new(o, "hunt", r->hunt_noise > 0 ? ck_hunt_json(r->hunt_noise) : json_null());
	json_object_set_new(o, "command", string_or_null(r->command));
	return o;
}

static json_t *report_json(const ck_report *r)
{
	json_t *results = json_array();
	for (size_t i = 0; i < r->ntargets; i++)
		json_array_append_new(results, target_json(&r->targets[i], r->student));
	return json_pack("{s:{s:s, s:s}, s:o, s:i, s:o}", "tool", "name", "rrl-check", "version",
			 RRL_CHECK_VERSION, "check", check_json(r), "exit_status",
			 ck_exit_status(r), "results", results);
}

int ck_write_json(const ck_report *r, const char *path)
{
	return ck_dump_json(report_json(r), path, "JSON report",
			    JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
}
