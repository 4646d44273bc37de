/*
 * The program's own RRL-FINDING lines (docs/findings.md) into findings,
 * read with jansson:
 *
 *   RRL-FINDING {"detector":"lockdep","kind":"missing-lock","rule":1,
 *                "file":"raft/election.c","line":116,"function":"...",
 *                "message":"...","thread":"...","seed":7,"t":0.38,
 *                "stack":["build/tsan/raft-tests(+0xf84ab) [0x55...]", ...]}
 *
 * The line names its own detector, kind, rule and location. The raw
 * "stack" frames (backtrace_symbols text, not yet symbolised) become one
 * stack whose frames carry the raw text as their function; "details" (the
 * watchdog's thread table) is kept as it is. A line that is not valid JSON
 * or lacks detector, kind or rule is skipped.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "parsers.h"

#define FINDING_PREFIX "RRL-FINDING "

/* Optional string fields are absent, null, or a string. */
static const char *string_field(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The raw frames stay together, titled with the reporting thread. */
static void add_raw_stack(ck_finding *f, const json_t *o)
{
	const json_t *stack = json_object_get(o, "stack");
	if (!json_is_array(stack) || json_array_size(stack) == 0)
		return;
	const char *thread = string_field(o, "thread");
	char *title = thread
			  ? ck_strdup_printf("stack of thread '%s' (raw, innermost first)", thread)
			  : ck_strdup("stack (raw, innermost first)");
	ck_stack *s = ck_finding_add_stack(f, title);
	free(title);
	size_t i;
	const json_t *frame;
	json_array_foreach(stack, i, frame) if (json_is_string(frame))
	    ck_stack_add_frame(s, json_string_value(frame), NULL, 0);
}

static void add_site(ck_stack *s, const json_t *site)
{
	const char *file = string_field(site, "file");
	const json_t *line = json_object_get(site, "line");
	if (file != NULL && json_is_integer(line))
		ck_stack_add_frame(s, string_field(site, "function"), file,
				   (int)json_integer_value(line));
}

/* A protocol oracle's history: the sites of the critical sections that led
 * to the finding (where each was locked, the _locked functions it ran,
 * where it was unlocked), so that a split section's own unlock and re-lock,
 * or the function that left a step out, can be graded as pointing at the
 * bug (checker/README.md). */
static void add_history_stack(ck_finding *f, const json_t *o)
{
	const json_t *history = json_object_get(o, "history");
	if (!json_is_array(history) || json_array_size(history) == 0)
		return;
	ck_stack *s = NULL;
	size_t i;
	const json_t *event;
	json_array_foreach(history, i, event)
	{
		const json_t *acquire = json_object_get(event, "acquire");
		if (!json_is_object(acquire))
			continue; /* a note, not a critical section */
		if (s == NULL)
			s = ck_finding_add_stack(f, CK_HISTORY_STACK_TITLE);
		add_site(s, acquire);
		size_t k;
		const json_t *through;
		json_array_foreach(json_object_get(event, "through"), k, through)
		    add_site(s, through);
		const json_t *release = json_object_get(event, "release");
		if (json_is_object(release))
			add_site(s, release);
	}
}

/* A site object, {"file","line","function"}, as a frame; an absent or
 * null site is the empty frame. */
static ck_frame site_frame(const json_t *site)
{
	const json_t *line = json_object_get(site, "line");
	return (ck_frame){.function = ck_strdup(string_field(site, "function")),
			  .file = ck_strdup(string_field(site, "file")),
			  .line = json_is_integer(line) ? (int)json_integer_value(line) : 0};
}

static double number_field(const json_t *o, const char *key, double missing)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : missing;
}

/* The history itself, every event as it was (the stack above keeps only
 * the sites, for grading): who ran what, in which order. */
static void add_history_events(ck_finding *f, const json_t *o)
{
	const json_t *history = json_object_get(o, "history");
	if (!json_is_array(history) || json_array_size(history) == 0)
		return;
	f->history = ck_calloc(json_array_size(history), sizeof *f->history);
	size_t i;
	const json_t *event;
	json_array_foreach(history, i, event)
	{
		if (!json_is_object(event))
			continue;
		ck_event *e = &f->history[f->nhistory++];
		e->seq = (uint64_t)number_field(event, "seq", 0);
		e->t = number_field(event, "t", -1);
		e->peer = (int)number_field(event, "peer", -1);
		e->thread = ck_strdup(string_field(event, "thread"));
		e->thread_id = (long)number_field(event, "thread_id", 0);
		e->note = ck_strdup(string_field(event, "note"));
		e->lock = ck_strdup(string_field(event, "lock"));
		e->acquire = site_frame(json_object_get(event, "acquire"));
		e->release = site_frame(json_object_get(event, "release"));
		e->repeats = (int)number_field(event, "repeats", 0);
		e->saved = json_is_true(json_object_get(event, "saved"));
		const json_t *through = json_object_get(event, "through");
		if (json_is_array(through) && json_array_size(through) > 0) {
			e->through = ck_calloc(json_array_size(through), sizeof *e->through);
			size_t k;
			const json_t *site;
			json_array_foreach(through, k, site) e->through[e->nthrough++] =
			    site_frame(site);
		}
	}
}

/* One JSON object, one finding; false if it lacks what every finding line
 * has. */
static bool read_object(const json_t *o, ck_findings *out)
{
	const char *detector = string_field(o, "detector");
	const char *kind = string_field(o, "kind");
	const json_t *rule = json_object_get(o, "rule");
	int d = ck_detector_from_name(detector);
	if (d < 0 || kind == NULL || !json_is_integer(rule) || json_integer_value(rule) < 0 ||
	    json_integer_value(rule) > 5)
		return false;

	const json_t *seed = json_object_get(o, "seed");
	ck_finding f =
	    ck_finding_new((ck_detector)d, kind, (int)json_integer_value(rule),
			   json_is_integer(seed) ? (uint64_t)json_integer_value(seed) : 0);
	f.message = ck_strdup(string_field(o, "message") ? string_field(o, "message") : kind);
	const char *file = string_field(o, "file");
	const json_t *line = json_object_get(o, "line");
	if (file != NULL) {
		f.where.file = ck_strdup(file);
		f.where.line = json_is_integer(line) ? (int)json_integer_value(line) : 0;
		f.where.function = ck_strdup(string_field(o, "function"));
	}
	/* How soon after the run began: wall_s counts from the runner's start
	 * in real seconds; t, in older lines, from the test's in logical. */
	const json_t *t = json_object_get(o, "wall_s");
	if (!json_is_number(t))
		t = json_object_get(o, "t");
	if (json_is_number(t))
		f.seconds = json_number_value(t);
	f.details = ck_strdup(string_field(o, "details"));
	add_raw_stack(&f, o);
	add_history_stack(&f, o);
	add_history_events(&f, o);
	ck_findings_add_unique(out, f);
	return true;
}

/* One bad line (a crash mid-write) must not hide the good ones. */
int ck_parse_finding_lines(const char *text, ck_findings *out)
{
	if (text == NULL || out == NULL)
		return -1;
	int read = 0, rejected = 0;
	const char *cursor = text;
	char *line;
	while ((line = ck_next_line(&cursor)) != NULL) {
		/* At the start of a line, or after output that had no newline. */
		const char *start = strstr(line, FINDING_PREFIX);
		if (start != NULL) {
			json_error_t error;
			json_t *o = json_loads(start + strlen(FINDING_PREFIX), 0, &error);
			if (json_is_object(o) && read_object(o, out))
				read++;
			else
				rejected++;
			json_decref(o);
		}
		free(line);
	}
	/* Finding lines, none of them readable: not the format we know. */
	return read == 0 && rejected > 0 ? -1 : read;
}
