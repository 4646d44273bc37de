/*
 * Exercise metadata: what a buggy tree's bug is, where it is, and which
 * detectors must catch it. Read from exercise.json (format in
 * checker/README.md) with jansson.
 *
 * Every error names the file, the field and what was expected, because
 * the people who read these errors are writing a new exercise.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report.h"

/* Every message starts with the file, so an instructor with forty
 * exercises knows which one to open. */
static void fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	int n = snprintf(err, errlen, "%s: ", path);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Required strings must be present, be strings and say something; an
 * empty id or title would make a report nobody can trace back. */
static char *get_string(json_t *root, const char *key, bool required, const char *path, char *err,
			size_t errlen, bool *ok)
{
	json_t *v = json_object_get(root, key);
	if (v == NULL || json_is_null(v)) {
		if (required) {
			fail(err, errlen, path,
			     "missing field \"%s\" (a string; see checker/README.md)", key);
			*ok = false;
		}
		return NULL;
	}
	if (!json_is_string(v) || json_string_length(v) == 0) {
		fail(err, errlen, path, "field \"%s\" must be a non-empty string", key);
		*ok = false;
		return NULL;
	}
	return ck_strdup(json_string_value(v));
}

/* Rule and grade are small integers with a fixed range; a string "1"
 * or a 7 is a typo worth stopping for. */
static int get_int(json_t *root, const char *key, int lo, int hi, const char *path, char *err,
		   size_t errlen, bool *ok)
{
	json_t *v = json_object_get(root, key);
	if (v == NULL) {
		fail(err, errlen, path, "missing field \"%s\" (an integer %d-%d)", key, lo, hi);
		*ok = false;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		fail(err, errlen, path, "field \"%s\" must be an integer %d-%d", key, lo, hi);
		*ok = false;
		return 0;
	}
	return (int)json_integer_value(v);
}

/* A bug line is written "raft/election.c:88" so it can be copied from
 * a compiler message; the line number is after the last colon. */
static bool parse_bug_line(const char *s, ck_bug_line *out)
{
	const char *colon = strrchr(s, ':');
	if (colon == NULL || colon == s || colon[1] == '\0')
		return false;
	errno = 0;
	char *end;
	long line = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || line <= 0 || line > INT_MAX || colon[1] == '+' ||
	    colon[1] == '-')
		return false;
	out->file = ck_strndup(s, (size_t)(colon - s));
	out->line = (int)line;
	return true;
}

/* The bug lines are the checker's ground truth; one malformed entry
 * would silently turn every report into "missed". */
static bool get_bug_lines(json_t *root, ck_exercise *ex, const char *path, char *err, size_t errlen)
{
	json_t *v = json_object_get(root, "bug_lines");
	if (v == NULL) {
		fail(err, errlen, path,
		     "missing field \"bug_lines\" (an array of \"file:line\" strings, "
		     "e.g. [\"raft/election.c:88\"])");
		return false;
	}
	if (!json_is_array(v)) {
		fail(err, errlen, path,
		     "field \"bug_lines\" must be an array of \"file:line\" strings");
		return false;
	}
	size_t n = json_array_size(v);
	ex->bug_lines = ck_calloc(n, sizeof *ex->bug_lines);
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i);
		if (!json_is_string(item) ||
		    !parse_bug_line(json_string_value(item), &ex->bug_lines[i])) {
			fail(err, errlen, path,
			     "bug_lines[%zu] must be a string \"file:line\" with a positive line "
			     "number, e.g. \"raft/election.c:88\"",
			     i);
			return false;
		}
		ex->nbug_lines++;
	}
	return true;
}

/* "raft/role.c:become_candidate_locked": written by the build beside the
 * bug lines (scripts/exercise.sh). Optional, but never malformed. */
static bool get_bug_functions(json_t *root, ck_exercise *ex, const char *path, char *err,
			      size_t errlen)
{
	json_t *v = json_object_get(root, "bug_functions");
	if (v == NULL)
		return true;
	const char *usage = "field \"bug_functions\" must be an array of \"file:function\" "
			    "strings, e.g. [\"raft/role.c:become_candidate_locked\"]";
	if (!json_is_array(v)) {
		fail(err, errlen, path, "%s", usage);
		return false;
	}
	size_t n = json_array_size(v);
	ex->bug_functions = ck_calloc(n, sizeof *ex->bug_functions);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(v, i));
		const char *colon = s ? strrchr(s, ':') : NULL;
		if (colon == NULL || colon == s || colon[1] == '\0') {
			fail(err, errlen, path, "bug_functions[%zu]: %s", i, usage);
			return false;
		}
		ex->bug_functions[i].file = ck_strndup(s, (size_t)(colon - s));
		ex->bug_functions[i].name = ck_strdup(colon + 1);
		ex->nbug_functions++;
	}
	return true;
}

/* A misspelt detector name must not quietly drop an expectation. */
static bool get_expected(json_t *root, ck_exercise *ex, const char *path, char *err, size_t errlen)
{
	json_t *v = json_object_get(root, "expected");
	if (v == NULL) {
		fail(err, errlen, path,
		     "missing field \"expected\" (an array of detector names, e.g. "
		     "[\"tsan\", \"helgrind\"]; [] when no detector can see the bug)");
		return false;
	}
	if (!json_is_array(v)) {
		fail(err, errlen, path, "field \"expected\" must be an array of detector names");
		return false;
	}
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		int d = json_is_string(item) ? ck_detector_from_name(json_string_value(item)) : -1;
		if (d < 0) {
			fail(err, errlen, path,
			     "expected[%zu] is not a detector; use static, tsan, helgrind, "
			     "lockdep, invariants or watchdog",
			     i);
			return false;
		}
		ex->expected[d] = true;
	}
	return true;
}

/* The fields are read in the order of the format's documentation, so
 * the first error reported is the first one an author would see. */
static bool read_fields(json_t *root, ck_exercise *ex, const char *path, char *err, size_t errlen)
{
	bool ok = true;
	ex->id = get_string(root, "id", true, path, err, errlen, &ok);
	if (ok)
		ex->title = get_string(root, "title", true, path, err, errlen, &ok);
	if (ok)
		ex->rule = get_int(root, "rule", 0, 5, path, err, errlen, &ok);
	if (ok)
		ex->grade = get_int(root, "grade", 1, 5, path, err, errlen, &ok);
	if (ok)
		ex->bug_class = get_string(root, "bug_class", true, path, err, errlen, &ok);
	if (ok)
		ex->source = get_string(root, "source", false, path, err, errlen, &ok);
	if (ok)
		ok = get_bug_lines(root, ex, path, err, errlen);
	if (ok)
		ok = get_bug_functions(root, ex, path, err, errlen);
	if (ok)
		ok = get_expected(root, ex, path, err, errlen);
	if (ok)
		ex->scenarios = get_string(root, "scenarios", false, path, err, errlen, &ok);
	if (ok)
		ex->helgrind_scenarios =
		    get_string(root, "helgrind_scenarios", false, path, err, errlen, &ok);
	return ok;
}

/* One call turns a file into metadata or into one clear sentence. */
ck_exercise *ck_exercise_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (jerr.line < 0)
			fail(err, errlen, path, "%s", jerr.text);
		else
			fail(err, errlen, path, "line %d, column %d: %s (not valid JSON)",
			     jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		fail(err, errlen, path, "must hold one JSON object {\"id\": ..., ...}");
		json_decref(root);
		return NULL;
	}
	ck_exercise *ex = ck_calloc(1, sizeof *ex);
	bool ok = read_fields(root, ex, path, err, errlen);
	json_decref(root);
	if (!ok) {
		ck_exercise_free(ex);
		return NULL;
	}
	return ex;
}

/* The metadata owns all of its strings. */
void ck_exercise_free(ck_exercise *ex)
{
	if (ex == NULL)
		return;
	free(ex->id);
	free(ex->title);
	free(ex->bug_class);
	free(ex->source);
	for (size_t i = 0; i < ex->nbug_lines; i++)
		free(ex->bug_lines[i].file);
	free(ex->bug_lines);
	for (size_t i = 0; i < ex->nbug_functions; i++) {
		free(ex->bug_functions[i].file);
		free(ex->bug_functions[i].name);
	}
	free(ex->bug_functions);
	free(ex->scenarios);
	free(ex->helgrind_scenarios);
	free(ex);
}
