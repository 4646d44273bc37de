/*
 * Findings as one JSON line each, written with jansson so that messages
 * with quotes or newlines stay one well-formed line. The format is
 * documented in docs/findings.md.
 */
#include <execinfo.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "finding.h"
#include "rt_internal.h"

/* Frames kept of a finding's stack: enough to reach the peer's code from
 * a lock call or a signal handler. */
#define STACK_FRAMES 16

static atomic_int findings_reported;

int rt_findings_count(void)
{
	return atomic_load_explicit(&findings_reported, memory_order_relaxed);
}

static json_t *int_or_null(int64_t v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *site_function(rt_site site)
{
	return site.func ? json_string(site.func) : json_null();
}

static json_t *site_object(rt_site site)
{
	json_t *o = json_object();
	json_object_set_new(o, "file", site.file ? json_string(site.file) : json_null());
	json_object_set_new(o, "line", int_or_null(site.file ? site.line : -1));
	json_object_set_new(o, "function", site_function(site));
	return o;
}

/* The history as an array of events, oldest first (docs/findings.md). */
static json_t *history_array(const rt_history *h)
{
	json_t *a = json_array();
	for (int i = 0; i < h->n; i++) {
		const rt_history_entry *e = &h->entries[i];
		json_t *o = json_object();
		json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
		json_object_set_new(o, "t", json_real((double)e->t_us / 1e6));
		json_object_set_new(o, "peer", json_integer(e->peer));
		json_object_set_new(o, "thread", json_string(e->thread));
		json_object_set_new(o, "thread_id", json_integer((json_int_t)e->thread_id));
		if (e->is_cs) {
			json_object_set_new(o, "lock", json_string(e->lock ? e->lock : "?"));
			json_object_set_new(o, "acquire", site_object(e->acquire));
			bool held = e->release_seq == 0;
			json_object_set_new(o, "release", held ? json_null() : site_object(e->release));
			json_t *through = json_array();
			for (int k = 0; k < e->nthrough; k++)
				json_array_append_new(through, site_object(e->through[k]));
			json_object_set_new(o, "through", through);
			json_object_set_new(o, "release_seq",
					    held ? json_null() : json_integer((json_int_t)e->release_seq));
			json_object_set_new(o, "release_t",
					    held ? json_null() : json_real((double)e->release_t_us / 1e6));
			json_object_set_new(o, "repeats", json_integer(e->repeats));
			json_object_set_new(o, "saved", json_boolean(e->saved));
		} else {
			json_object_set_new(o, "note", json_string(e->text));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* details, then the history as text, in one malloc'd string (or NULL). */
static char *details_text(const char *details, const rt_history *h)
{
	if (h == NULL || h->n == 0)
		return details ? strdup(details) : NULL;
	size_t per_event = 512 + RT_THROUGH_MAX * 256; /* a section and its through-sites */
	size_t len = (details ? strlen(details) + 1 : 0) + 64 + (size_t)h->n * per_event;
	char *text = malloc(len);
	if (text == NULL)
		return NULL;
	int used = snprintf(text, len, "%s%swhat led to it, oldest first (#n orders events across "
				       "threads; t in logical seconds):\n",
			    details ? details : "", details ? "\n" : "");
	if (used > 0 && (size_t)used < len)
		rt_history_format(h, text + used, len - (size_t)used);
	return text;
}

static json_t *finding_object(const rt_finding_info *info, const char *details,
			      const char *message)
{
	json_t *o = json_object();
	json_object_set_new(o, "detector", json_string(info->detector));
	json_object_set_new(o, "kind", json_string(info->kind));
	json_object_set_new(o, "rule", json_integer(info->rule));
	json_object_set_new(o, "peer", int_or_null(info->peer));
	json_object_set_new(o, "term", int_or_null(info->term));
	json_object_set_new(o, "file", info->site.file ? json_string(info->site.file) : json_null());
	json_object_set_new(o, "line", int_or_null(info->site.file ? info->site.line : -1));
	json_object_set_new(o, "function", site_function(info->site));
	json_object_set_new(o, "message", json_string(message));
	json_object_set_new(o, "thread", json_string(rt_self()->name));
	json_object_set_new(o, "seed", json_integer((json_int_t)rt_global_seed));
	json_object_set_new(o, "t", json_real(rt_now_s()));
	json_object_set_new(o, "wall_s",
			    json_real((double)(rt_real_ns() - rt_global_run_start_ns) / 1e9));
	if (info->nstack > 0) {
		json_t *stack = json_array();
		for (int i = 0; i < info->nstack; i++)
			json_array_append_new(stack, json_string(info->stack[i]));
		json_object_set_new(o, "stack", stack);
	}
	if (info->index > 0)
		json_object_set_new(o, "index", json_integer(info->index));
	if (info->npeers > 0) {
		json_t *peers = json_array();
		for (int i = 0; i < info->npeers; i++)
			json_array_append_new(peers, json_integer(info->peers[i]));
		json_object_set_new(o, "peers", peers);
	}
	char *text = details_text(details, info->history);
	if (text) {
		json_object_set_new(o, "details", json_string(text));
		free(text);
	}
	if (info->history != NULL)
		json_object_set_new(o, "history", history_array(info->history));
	return o;
}

static void emit(const rt_finding_info *info, const char *details, const char *fmt, va_list ap)
{
	char message[1024];
	vsnprintf(message, sizeof message, fmt, ap);
	json_t *o = finding_object(info, details, message);
	char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!text)
		return;

	/* One write() per line, so lines from several threads never interleave. */
	size_t len = strlen(RT_FINDING_PREFIX) + strlen(text) + 2;
	char *line = malloc(len);
	if (line) {
		snprintf(line, len, "%s%s\n", RT_FINDING_PREFIX, text);
		fflush(stderr);
		ssize_t ignored = write(rt_global_findings_fd, line, len - 1);
		(void)ignored;
		free(line);
	}
	free(text);
	atomic_fetch_add_explicit(&findings_reported, 1, memory_order_relaxed);
}

void rt_finding(const rt_finding_info *info, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(info, NULL, fmt, ap);
	va_end(ap);
}

void rt_finding_with_stack(rt_finding_info *info, int skip, const char *fmt, ...)
{
	void *frames[STACK_FRAMES];
	int n = backtrace(frames, STACK_FRAMES);
	char **symbols = backtrace_symbols(frames, n);
	skip++; /* this function too */
	if (symbols != NULL && n > skip) {
		info->stack = symbols + skip;
		info->nstack = n - skip;
	}
	va_list ap;
	va_start(ap, fmt);
	emit(info, NULL, fmt, ap);
	va_end(ap);
	free(symbols);
}

void rt_finding_details(const rt_finding_info *info, const char *details, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(info, details, fmt, ap);
	va_end(ap);
}
