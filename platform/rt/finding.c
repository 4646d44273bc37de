/*
 * Findings as one JSON line each, written with jansson so that messages
 * with quotes or newlines stay one well-formed line. The format is
 * documented in docs/findings.md.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "finding.h"
#include "rt_internal.h"

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
	if (info->nstack > 0) {
		json_t *stack = json_array();
		for (int i = 0; i < info->nstack; i++)
			json_array_append_new(stack, json_string(info->stack[i]));
		json_object_set_new(o, "stack", stack);
	}
	if (details)
		json_object_set_new(o, "details", json_string(details));
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
		ssize_t ignored = write(STDERR_FILENO, line, len - 1);
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

void rt_finding_details(const rt_finding_info *info, const char *details, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(info, details, fmt, ap);
	va_end(ap);
}
