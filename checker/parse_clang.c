/*
 * clang's -Wthread-safety warnings into findings.
 *
 *   tests/static/wrong_calls.c:31:1: warning: mutex 'rf->mu' is still held
 *       at the end of function [-Wthread-safety-analysis]
 *      31 | } ...                                     (source excerpt: skipped)
 *   tests/static/wrong_calls.c:29:2: note: mutex acquired here
 *   platform/rt/rt.h:81:27: note: expanded from macro 'rt_mutex_lock'   (skipped)
 *
 * Each warning whose flag is a -Wthread-safety one becomes a finding located
 * at the warning; its notes ("mutex acquired here") become extra stacks.
 * clang does not print the enclosing function, so where.function is NULL.
 * Colour escapes are removed first. Kinds and rules: the table at the top
 * of finding.c.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "parsers.h"

typedef struct clang_kind {
	const char *phrase; /* found in the warning's text */
	const char *kind;
	int rule;
} clang_kind;

/* First match wins. */
static const clang_kind clang_kinds[] = {
    {"requires holding", "missing-lock", 1},
    {"is still held at the end of function", "lock-not-released", 4},
    {"is not held on every path through here", "lock-on-some-paths", 4},
    {"to be held at start of each loop", "lock-on-some-paths", 4},
    {"that is already held", "double-lock", 4},
    {"that was not held", "unlock-not-held", 0},
    {"cannot call function", "call-while-held", 4},
};

/* A terminal run may colour the output; the checker reads text. */
static void strip_escapes(char *s)
{
	char *out = s;
	for (const char *in = s; *in;) {
		if (in[0] == '\033' && in[1] == '[') {
			in += 2;
			in += strspn(in, "0123456789;");
			if (*in)
				in++;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* The variable is what the warning quotes: the guarded variable
 * ("reading variable 'x' requires ...") or else the mutex. */
static char *variable_of(const char *text)
{
	const char *q = NULL;
	if (ck_starts_with(text, "reading variable '") ||
	    ck_starts_with(text, "writing variable '"))
		q = strchr(text, '\'');
	else if ((q = strstr(text, "mutex '")) != NULL)
		q += strlen("mutex ");
	if (q == NULL)
		return NULL;
	const char *end = strchr(q + 1, '\'');
	return end ? ck_strndup(q + 1, (size_t)(end - q - 1)) : NULL;
}

/* One warning, one finding, its location taken as clang printed it. */
static ck_finding new_warning(const char *file, int line, const char *text)
{
	const char *kind = "thread-safety";
	int rule = 0;
	for (size_t i = 0; i < sizeof clang_kinds / sizeof clang_kinds[0]; i++) {
		if (strstr(text, clang_kinds[i].phrase) != NULL) {
			kind = clang_kinds[i].kind;
			rule = clang_kinds[i].rule;
			break;
		}
	}
	ck_finding f = ck_finding_new(CK_STATIC, kind, rule, 0);
	f.message = ck_strdup(text);
	f.variable = variable_of(text);
	f.where = (ck_frame){.file = ck_strdup(file), .line = line};
	ck_stack *s = ck_finding_add_stack(&f, text);
	ck_stack_add_frame(s, NULL, file, line);
	return f;
}

/* A warning's notes follow it, so a finding is complete only when the
 * next diagnostic (or the end) arrives. */
int ck_parse_clang_warnings(const char *text, ck_findings *out)
{
	if (text == NULL || out == NULL)
		return -1;
	/* file:line:column: severity: message */
	regex_t diag;
	if (regcomp(&diag, "^(.+):([0-9]+):[0-9]+: (warning|error|fatal error|note): (.*)$",
		    REG_EXTENDED) != 0)
		return -1;
	ck_finding current = {0};
	bool have_current = false, compile_error = false;
	int warnings = 0;
	const char *cursor = text;
	char *line;
	while ((line = ck_next_line(&cursor)) != NULL) {
		strip_escapes(line);
		regmatch_t m[5];
		if (regexec(&diag, line, 5, m, 0) != 0) {
			free(line);
			continue; /* source excerpts, "In file included from", counts */
		}
		line[m[1].rm_eo] = line[m[3].rm_eo] = '\0';
		const char *file = line + m[1].rm_so, *severity = line + m[3].rm_so;
		const char *message = line + m[4].rm_so;
		int lineno = atoi(line + m[2].rm_so);
		const char *flag = strstr(message, " [-W");
		bool thread_safety = flag != NULL && strstr(flag, "thread-safety") != NULL;

		if (strcmp(severity, "note") == 0) {
			/* A note belongs to the diagnostic before it. */
			if (have_current && strstr(message, "expanded from macro") == NULL) {
				ck_stack *s = ck_finding_add_stack(&current, message);
				ck_stack_add_frame(s, NULL, file, lineno);
			}
			free(line);
			continue;
		}
		if (have_current)
			ck_findings_add_unique(out, current);
		have_current = false;
		if (thread_safety) {
			char *text_only = ck_strndup(message, (size_t)(flag - message));
			current = new_warning(file, lineno, text_only);
			free(text_only);
			have_current = true;
			warnings++;
		} else if (strcmp(severity, "warning") != 0) {
			compile_error = true; /* the analysis did not see the whole file */
		}
		free(line);
	}
	if (have_current)
		ck_findings_add_unique(out, current);
	regfree(&diag);
	return compile_error ? -1 : warnings;
}
