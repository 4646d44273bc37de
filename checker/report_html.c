/*
 * The HTML report (rrl-check --html FILE): one self-contained page (the
 * style inline, no script, nothing fetched) that a student opens in a
 * browser. For each target, each detector's verdict, then each finding:
 *
 *   a data race    the variable, and its two sides side by side: what each
 *                  did, where, holding which locks, with the source lines
 *   an invariant   the message, and the history that led to it as a
 *                  timeline: one column per thread, one row per event, in
 *                  the order they happened
 *   anything else  where, and what the detector said
 *
 * with the seeds that saw it. Built as a libxml2 HTML tree, which does
 * all the escaping. What the page shows in --student mode is what the
 * terminal's student report shows: no rule, no bug line.
 */
#include <libxml/HTMLtree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "clean_text.h"
#include "finding_line.h"
#include "finding_view.h"
#include "report.h"

#define X(s) ((const xmlChar *)(s))
/* Source lines shown around a side's line. */
#define CONTEXT_LINES 2
/* Threads shown side by side in a timeline. */
#define MAX_COLUMNS 8

static const char style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}h3{font-size:1em;margin:.2em 0}"
    "code,pre{font:13px/1.4 ui-monospace,monospace}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;"
    "text-align:left;vertical-align:top}"
    ".clean{color:#176317}.found{color:#a31515;font-weight:bold}.error{color:#8a5a00}"
    ".sides{display:flex;gap:1em}.side{flex:1;border:1px solid #ccc;border-radius:6px;"
    "padding:.6em;min-width:0}.side pre{background:#f6f6f6;padding:.4em;overflow-x:auto}"
    ".hit{background:#ffe08a;display:block}.nolock{color:#a31515;font-weight:bold}"
    ".timeline td{font:12px/1.35 ui-monospace,monospace;max-width:22em}"
    ".timeline td.empty{background:#fafafa}.seen{color:#555}.note{color:#555}";

static char *clean(const char *s)
{
	return ck_clean_text(s != NULL ? s : "", CK_TEXT_XML);
}

static xmlNodePtr add(xmlNodePtr parent, const char *tag, const char *text)
{
	char *c = text != NULL ? clean(text) : NULL;
	xmlNodePtr n = xmlNewTextChild(parent, NULL, X(tag), c != NULL ? X(c) : NULL);
	free(c);
	return n;
}

static xmlNodePtr add_class(xmlNodePtr parent, const char *tag, const char *cls, const char *text)
{
	xmlNodePtr n = add(parent, tag, text);
	xmlNewProp(n, X("class"), X(cls));
	return n;
}

static void add_text(xmlNodePtr parent, const char *text)
{
	char *c = clean(text);
	xmlAddChild(parent, xmlNewText(X(c)));
	free(c);
}

static void add_printf(xmlNodePtr parent, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_printf(xmlNodePtr parent, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s != NULL)
		add_text(parent, s);
	free(s);
}

/* The lines around a frame's line, that line marked. */
static void add_snippet(xmlNodePtr parent, const ck_target_result *t, const ck_frame *f)
{
	ck_excerpt x;
	if (!ck_excerpt_read(&x, t->path, f, CONTEXT_LINES))
		return;
	xmlNodePtr pre = add(parent, "pre", NULL);
	for (size_t i = 0; i < x.n; i++) {
		int n = x.first + (int)i;
		char *one = ck_strdup_printf("%5d  %s\n", n, x.lines[i]);
		if (n == x.hit)
			add_class(pre, "span", "hit", one);
		else
			add_text(pre, one);
		free(one);
	}
	ck_excerpt_free(&x);
}

static void add_seen(xmlNodePtr parent, const ck_report *r, const ck_finding *f)
{
	size_t n;
	const uint64_t *seeds = ck_finding_seeds(f, &n);
	xmlNodePtr p = add_class(parent, "p", "seen", NULL);
	uint64_t total = r->seed_last >= r->seed_first && r->seed_first > 0
			     ? r->seed_last - r->seed_first + 1
			     : 0;
	if (total > 0)
		add_printf(p, "Seen in %zu of %llu seeds:", n, (unsigned long long)total);
	else
		add_printf(p, "Seen in seed%s", n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		add_printf(p, " %llu", (unsigned long long)seeds[i]);
	if (f->occurrences > 1)
		add_printf(p, " (%d reports folded into this one)", f->occurrences);
	add_text(p, ".");
	char *again = n > 0 ? ck_repeat_command(r, seeds[0]) : NULL;
	if (again != NULL) {
		add_printf(p, " Seed %llu alone: ", (unsigned long long)seeds[0]);
		add(p, "code", again);
	}
	free(again);
}

/* One side of a race: what, where, the locks, the lines. */
static void add_side(xmlNodePtr sides, const ck_target_result *t, const ck_frame *side,
		     const ck_stack *s)
{
	xmlNodePtr box = add_class(sides, "div", "side", NULL);
	xmlNodePtr h = add(box, "h3", NULL);
	add_printf(h, "%s in %s()", s->write ? "write" : "read",
		   side != NULL && side->function ? side->function : "?");
	char thread[64];
	ck_stack_thread(s, thread, sizeof thread);
	if (thread[0] != '\0')
		add_printf(h, ", thread %s", thread);
	xmlNodePtr p = add(box, "p", NULL);
	char *loc = side != NULL ? ck_frame_location(side) : ck_strdup("(not recorded)");
	add(p, "code", loc);
	free(loc);
	add_text(p, " — ");
	if (s->locks == NULL)
		add_text(p, "the locks it held were not reported");
	else if (s->locks[0] == '\0')
		add_class(p, "span", "nolock", "holding no lock");
	else {
		add_text(p, "holding ");
		add(p, "code", s->locks);
	}
	if (s->title != NULL)
		add_class(box, "p", "note", s->title);
	if (side != NULL)
		add_snippet(box, t, side);
}

static void add_race(xmlNodePtr sec, const ck_target_result *t, const ck_finding *f)
{
	const ck_frame *side[2];
	const ck_stack *stack[2];
	size_t n = ck_race_sides(f, side, stack, 2);
	xmlNodePtr sides = add_class(sec, "div", "sides", NULL);
	for (size_t i = 0; i < n; i++)
		add_side(sides, t, side[i], stack[i]);
	if (n < 2)
		add_class(sec, "p", "note", "The other access was not recorded.");
}

/* The history as a timeline: a column per thread, in the order each
 * first appears, a row per event. */
static void add_timeline(xmlNodePtr sec, const ck_finding *f)
{
	char *columns[MAX_COLUMNS];
	size_t ncolumns = ck_timeline_columns(f->history, f->nhistory, columns, MAX_COLUMNS);
	add(sec, "h3", "What led to it, oldest first");
	xmlNodePtr table = add_class(sec, "table", "timeline", NULL);
	xmlNodePtr head = add(table, "tr", NULL);
	add(head, "th", "t (s)");
	for (size_t c = 0; c < ncolumns; c++)
		add(head, "th", columns[c]);
	for (size_t i = 0; i < f->nhistory; i++) {
		const ck_event *e = &f->history[i];
		int column = ck_timeline_column(columns, ncolumns, e);
		xmlNodePtr row = add(table, "tr", NULL);
		char t[32];
		snprintf(t, sizeof t, e->t >= 0 ? "%.3f" : "", e->t);
		add(row, "td", t);
		for (size_t c = 0; c < ncolumns; c++) {
			if ((int)c != column) {
				add_class(row, "td", "empty", NULL);
				continue;
			}
			char *text = ck_event_text(e);
			add(add(row, "td", NULL), "pre", text);
			free(text);
		}
	}
	for (size_t c = 0; c < ncolumns; c++)
		free(columns[c]);
}

static void add_finding(xmlNodePtr body, const ck_report *r, const ck_target_result *t,
			const ck_finding *f, size_t number)
{
	xmlNodePtr sec = add(body, "section", NULL);
	xmlNodePtr h = add(sec, "h2", NULL);
	bool race = f->kind != NULL && strcmp(f->kind, "data-race") == 0;
	add_printf(h, "%zu. %s: %s", number, ck_detector_name(f->detector), race ? "data race" : f->kind);
	if (race && f->variable != NULL) {
		add_text(h, " on ");
		add(h, "code", f->variable);
		if (f->guard != NULL) {
			add_text(h, " (guarded by ");
			add(h, "code", f->guard);
			add_text(h, ")");
		}
	}
	if (!race || f->variable == NULL)
		add(sec, "p", f->message != NULL ? f->message : f->kind);
	if (race) {
		add_race(sec, t, f);
	} else if (f->where.file != NULL) {
		xmlNodePtr p = add(sec, "p", NULL);
		char *loc = ck_frame_location(&f->where);
		add(p, "code", loc);
		free(loc);
		if (f->where.function != NULL)
			add_printf(p, " in %s()", f->where.function);
		add_snippet(sec, t, &f->where);
	}
	if (f->nhistory > 0)
		add_timeline(sec, f);
	else if (f->details != NULL)
		add(sec, "pre", f->details);
	add_seen(sec, r, f);
}

static void add_verdicts(xmlNodePtr body, const ck_target_result *t)
{
	xmlNodePtr table = add(body, "table", NULL);
	xmlNodePtr head = add(table, "tr", NULL);
	add(head, "th", "detector");
	add(head, "th", "verdict");
	add(head, "th", "runs with findings");
	for (int d = 0; d < CK_NDETECTORS; d++) {
		const ck_detector_result *dr = &t->det[d];
		if (!dr->enabled)
			continue;
		xmlNodePtr row = add(table, "tr", NULL);
		add(row, "td", ck_detector_name((ck_detector)d));
		const char *what = dr->error != NULL	    ? "could not run"
				   : dr->findings.n == 0 ? "clean"
							  : "found problems";
		add_class(row, "td", dr->error ? "error" : dr->findings.n ? "found" : "clean", what);
		char runs[64];
		snprintf(runs, sizeof runs, "%d of %d", dr->detected, dr->runs);
		add(row, "td", dr->error != NULL ? dr->error : runs);
	}
}

static void add_target(xmlNodePtr body, const ck_report *r, const ck_target_result *t)
{
	add(body, "h1", t->target);
	xmlNodePtr how = add_class(body, "p", "note", NULL);
	if (r->seed_first > 0)
		add_printf(how, "Seeds %llu to %llu. ", (unsigned long long)r->seed_first,
			   (unsigned long long)r->seed_last);
	if (t->sandbox != NULL)
		add_printf(how, "Built and run in the %s sandbox. ", t->sandbox);
	if (r->command != NULL) {
		add_text(how, "To see it again: ");
		add(how, "code", r->command);
	}
	if (t->build_error != NULL) {
		add(body, "h2", "Nothing of it ran");
		add(body, "pre", t->build_error);
		return;
	}
	add_verdicts(body, t);
	size_t number = 0;
	for (int d = 0; d < CK_NDETECTORS; d++)
		for (size_t i = 0; i < t->det[d].findings.n; i++)
			add_finding(body, r, t, &t->det[d].findings.items[i], ++number);
	if (number == 0)
		add_class(body, "p", "clean", "No detector found anything.");
}

int ck_write_html(const ck_report *r, const char *path)
{
	htmlDocPtr doc = htmlNewDoc(X("http://www.w3.org/TR/html4/strict.dtd"),
				    X("-//W3C//DTD HTML 4.01//EN"));
	xmlNodePtr html = xmlNewNode(NULL, X("html"));
	xmlNewProp(html, X("lang"), X("en"));
	xmlDocSetRootElement(doc, html);
	xmlNodePtr head = add(html, "head", NULL);
	xmlNodePtr meta = add(head, "meta", NULL);
	xmlNewProp(meta, X("charset"), X("utf-8"));
	add(head, "title", r->ntargets == 1 ? r->targets[0].target : "rrl-check");
	add(head, "style", style);
	xmlNodePtr body = add(html, "body", NULL);
	for (size_t i = 0; i < r->ntargets; i++)
		add_target(body, r, &r->targets[i]);
	int rc = htmlSaveFileFormat(strcmp(path, "-") == 0 ? "/dev/stdout" : path, doc, "UTF-8", 1);
	xmlFreeDoc(doc);
	if (rc < 0) {
		fprintf(stderr, "rrl-check: cannot write the HTML report to %s\n", path);
		return -1;
	}
	return 0;
}
