/*
 * Helgrind's XML (--xml=yes) into findings, read with libxml2.
 *
 * Each <error> has a <kind>, an <xwhat> (the headline) and then, in order,
 * stacks and the lines that title them:
 *
 *   <error><kind>Race</kind>
 *     <xwhat><text>Possible data race during write of size 4 at ...</text></xwhat>
 *     <stack>...</stack>                                     the primary stack
 *     <xauxwhat><text>This conflicts with a previous write ...</text></xauxwhat>
 *     <stack>...</stack>                                     titled by it
 *     <auxwhat>Address 0x10c03c is 0 bytes inside data symbol "hits"</auxwhat>
 *   </error>
 *
 * The XML of a lock-order error lacks two things the text output has: the
 * stack of the first acquisition in the observed (wrong) order, and the
 * locks' names. When the text log of a run of the same program is given,
 * both are taken from it (the section at the end of this file). A file cut
 * short (a killed run) still yields the errors written before the cut.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "parsers.h"

typedef struct helgrind_kind {
	const char *name; /* <kind> */
	const char *kind;
	int rule;
} helgrind_kind;

static const helgrind_kind helgrind_kinds[] = {
    {"Race", "data-race", 1},
    {"LockOrder", "lock-order-inversion", 4},
    {"UnlockUnlocked", "unlock-unlocked", 0},
    {"UnlockForeign", "unlock-foreign", 0},
    {"UnlockBogus", "unlock-bogus", 0},
    {"PthAPIerror", "pthread-api-error", 0},
    {"Misc", "misc", 0},
};

/* Defined in the text-log section at the end of this file. */
static void add_text_log_details(ck_finding *f, const char *xwhat, const char *text_log);

/* The tree walk asks "is this the element named ...?" everywhere. */
static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Helgrind's elements hold at most one child of each simple kind. */
static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* libxml2's strings are allocated by libxml2; ours are ck_strdup'd. */
static char *text_of(const xmlNode *n)
{
	if (n == NULL)
		return NULL;
	xmlChar *s = xmlNodeGetContent(n);
	char *copy = ck_strdup((const char *)s);
	xmlFree(s);
	return copy;
}

/* Most fields are the text of one child: <kind>, <fn>, <line>. */
static char *child_text(const xmlNode *n, const char *name)
{
	return text_of(child(n, name));
}

/* Helgrind splits a frame's path into <dir> and <file>; frames in code
 * without debug info (the preload library) have neither. */
static void add_frame(ck_stack *s, const xmlNode *frame)
{
	char *fn = child_text(frame, "fn");
	char *dir = child_text(frame, "dir");
	char *file = child_text(frame, "file");
	char *line = child_text(frame, "line");
	char *path = file && dir ? ck_strdup_printf("%s/%s", dir, file) : ck_strdup(file);
	ck_stack_add_frame(s, fn, path, line ? atoi(line) : 0);
	free(fn);
	free(dir);
	free(file);
	free(line);
	free(path);
}

/* A <stack> is a list of <frame>s, innermost first, like TSan's. */
static ck_stack *add_stack(ck_finding *f, const xmlNode *stack, const char *title)
{
	ck_stack *s = ck_finding_add_stack(f, title);
	for (const xmlNode *fr = stack->children; fr != NULL; fr = fr->next)
		if (is(fr, "frame"))
			add_frame(s, fr);
	return s;
}

/* 'inside data symbol "hits"', 'inside local var "x"' name the variable;
 * '4 bytes inside a block of size 8 alloc'd' the heap field. */
static void read_variable(ck_finding *f, const char *aux)
{
	if (f->variable != NULL || aux == NULL)
		return;
	unsigned long offset, size;
	const char *q = strchr(aux, '"');
	const char *inside = strstr(aux, " is ");
	if ((ck_starts_with(aux, "Address ") || ck_starts_with(aux, "Location ")) && q != NULL) {
		const char *end = strchr(q + 1, '"');
		if (end != NULL)
			f->variable = ck_strndup(q + 1, (size_t)(end - q - 1));
	} else if (inside != NULL && sscanf(inside, " is %lu bytes inside a block of size %lu",
					    &offset, &size) == 2) {
		f->variable = ck_strdup_printf("heap block of size %lu, offset %lu", size, offset);
		f->block_size = size;
		f->block_offset = offset;
	}
}

/* The kind table at the top of finding.c, in code. */
static const helgrind_kind *kind_of(const char *name)
{
	static const helgrind_kind other = {NULL, NULL, 0};
	for (size_t i = 0; name && i < sizeof helgrind_kinds / sizeof helgrind_kinds[0]; i++)
		if (strcmp(name, helgrind_kinds[i].name) == 0)
			return &helgrind_kinds[i];
	return &other;
}

/* Lowercase "SomeNewKind" for kinds this table does not know yet. */
static char *lower(const char *s)
{
	char *copy = ck_strdup(s ? s : "unknown");
	for (char *c = copy; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return copy;
}

/* One <error> is one finding. Titles come before their stacks; an
 * auxwhat with no stack after it only names the variable. Returns false
 * for an error cut short (no kind or no stack). */
static bool read_error(const xmlNode *error, uint64_t seed, const char *text_log, ck_findings *out)
{
	char *name = child_text(error, "kind");
	const xmlNode *xwhat = child(error, "xwhat");
	char *headline = xwhat ? child_text(xwhat, "text") : child_text(error, "what");
	if (name == NULL || headline == NULL || child(error, "stack") == NULL) {
		free(name);
		free(headline);
		return false;
	}
	const helgrind_kind *k = kind_of(name);
	char *kind = k->kind ? ck_strdup(k->kind) : lower(name);
	ck_finding f = ck_finding_new(CK_HELGRIND, kind, k->rule, seed);
	free(kind);

	char *title = ck_strdup(headline);
	char *what = NULL; /* PthAPIerror: "with error code 35 (EDEADLK: ...)" */
	for (const xmlNode *c = error->children; c != NULL; c = c->next) {
		if (is(c, "stack")) {
			ck_stack *s = add_stack(&f, c, title ? title : "");
			ck_stack_read_access(s, s->title); /* Helgrind's XML has no locks */
			free(title);
			title = NULL;
		} else if (is(c, "auxwhat") || is(c, "xauxwhat")) {
			free(title);
			title = is(c, "auxwhat") ? text_of(c) : child_text(c, "text");
			read_variable(&f, title);
		} else if (is(c, "what") && xwhat != NULL) {
			free(what);
			what = text_of(c);
		}
	}
	free(title);

	if (strcmp(name, "LockOrder") == 0) {
		const char *order = strstr(headline, "lock order \"");
		if (order != NULL && f.variable == NULL) {
			order += strlen("lock order \"");
			f.variable = ck_strndup(order, strcspn(order, "\""));
		}
		add_text_log_details(&f, headline, text_log);
	}
	ck_finding_set_where(&f);
	/* The variable, unless the headline already says it. */
	bool name_it = f.variable != NULL && strstr(headline, f.variable) == NULL;
	if (strcmp(f.kind, "data-race") == 0)
		f.message = ck_race_message(&f);
	if (f.message == NULL)
		f.message = ck_strdup_printf("%s%s%s%s%s%s", headline, what ? " " : "",
					     what ? what : "", name_it ? " (" : "",
					     name_it ? f.variable : "", name_it ? ")" : "");
	ck_findings_add_unique(out, f);
	free(what);
	free(name);
	free(headline);
	return true;
}

/*
 * When the watchdog ends a process, every thread stops where it is, some in
 * the middle of a critical section, and Helgrind reports each of them as
 * "Exiting thread still holds 1 lock". The watchdog first writes a client
 * message into the XML (WATCHDOG_ENDED_MARK in harness/watchdog.h); errors
 * of that kind after it are the ending's, not the code's, and are dropped.
 * The watchdog's own finding names the hang. A thread that really returns
 * holding a lock is still reported in any run the watchdog did not end.
 */
#define WATCHDOG_ENDED_PREFIX "RRL-ENDED "

static bool is_watchdog_mark(const xmlNode *clientmsg)
{
	char *text = child_text(clientmsg, "text");
	bool mark = text != NULL && ck_starts_with(text, WATCHDOG_ENDED_PREFIX);
	free(text);
	return mark;
}

static bool is_held_at_exit(const xmlNode *error)
{
	char *kind = child_text(error, "kind");
	const xmlNode *xwhat = child(error, "xwhat");
	char *what = xwhat ? child_text(xwhat, "text") : child_text(error, "what");
	bool held = kind != NULL && strcmp(kind, "Misc") == 0 && what != NULL &&
		    strstr(what, "Exiting thread still holds") != NULL;
	free(kind);
	free(what);
	return held;
}

/* One file per process; each <error> under the root is a report. */
int ck_parse_helgrind_xml(const char *xml_path, const char *text_log, uint64_t seed,
			  ck_findings *out)
{
	if (xml_path == NULL || out == NULL)
		return -1;
	/* RECOVER keeps the errors of a file cut short; NONET: never fetch
	 * anything; NOERROR/NOWARNING: libxml2 prints nothing. */
	xmlDoc *doc = xmlReadFile(xml_path, NULL,
				  XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
				      XML_PARSE_NOWARNING);
	if (doc == NULL)
		return -1;
	const xmlNode *root = xmlDocGetRootElement(doc);
	char *tool = root && is(root, "valgrindoutput") ? child_text(root, "protocoltool") : NULL;
	if (tool == NULL || strcmp(tool, "helgrind") != 0) {
		free(tool);
		xmlFreeDoc(doc);
		return -1; /* not Valgrind's XML, or another tool's */
	}
	free(tool);
	int errors = 0;
	bool ended = false;
	for (const xmlNode *c = root->children; c != NULL; c = c->next) {
		if (is(c, "clientmsg"))
			ended |= is_watchdog_mark(c);
		else if (is(c, "error") && !(ended && is_held_at_exit(c)) &&
			 read_error(c, seed, text_log, out))
			errors++;
	}
	xmlFreeDoc(doc);
	return errors;
}

/* ---- The text log: what the XML of a lock-order error lacks -------------
 *
 *   ==919== Thread #3: lock order "0x10C060 before 0x10C0A0" violated
 *   ==919==
 *   ==919== Observed (incorrect) order is: acquisition of lock at 0x10C0A0
 *   ==919==    at 0x484976E: ??? (in /usr/libexec/valgrind/vgpreload_helgrind...)
 *   ==919==    by 0x1091E2: b_then_a (lock_order.c:27)
 *   ...
 *   ==919==  Lock at 0x10C060 was first observed
 *   ==919==    ...
 *   ==919==  Address 0x10c060 is 0 bytes inside data symbol "lock_a"
 *   ==919== ----------------------------------------------------------------
 *
 * Text frames name the file without its directory; the directory is taken
 * from an XML frame of the same error with the same file name, when any.
 */

/* Strip "==919== " so that the rest reads like Helgrind's own text. */
static const char *after_pid(const char *line)
{
	if (ck_starts_with(line, "==")) {
		const char *end = strstr(line + 2, "==");
		if (end != NULL)
			return end[2] == ' ' ? end + 3 : end + 2;
	}
	return line;
}

/* Give a text frame's bare file name the directory the XML knows. */
static const char *full_path(const ck_finding *f, const char *base)
{
	for (size_t i = 0; i < f->nstacks; i++) {
		for (size_t j = 0; j < f->stacks[i].nframes; j++) {
			const char *file = f->stacks[i].frames[j].file;
			const char *slash = file ? strrchr(file, '/') : NULL;
			if (slash != NULL && strcmp(slash + 1, base) == 0)
				return file;
		}
	}
	return base;
}

/* "by 0x1091E2: b_then_a (lock_order.c:27)" -> function, file, line; "at
 * 0x484976E: ??? (in /usr/...so)" -> a frame with no source. Returns
 * false when the line is not a frame (the stack has ended). */
static bool add_text_frame(ck_finding *f, ck_stack *s, const char *line)
{
	line += strspn(line, " ");
	if (!ck_starts_with(line, "at 0x") && !ck_starts_with(line, "by 0x"))
		return false;
	const char *colon = strstr(line, ": ");
	if (colon == NULL)
		return false;
	const char *name = colon + 2;
	const char *paren = strstr(name, " (");
	char *function = ck_strndup(name, paren ? (size_t)(paren - name) : strlen(name));
	char *file = NULL;
	int lineno = 0;
	if (paren != NULL && !ck_starts_with(paren, " (in ")) {
		const char *loc = paren + 2;
		const char *sep = strrchr(loc, ':');
		if (sep != NULL) {
			char *base = ck_strndup(loc, (size_t)(sep - loc));
			file = ck_strdup(full_path(f, base));
			lineno = atoi(sep + 1);
			free(base);
		}
	}
	ck_stack_add_frame(s, strcmp(function, "???") == 0 ? NULL : function, file, lineno);
	free(function);
	free(file);
	return true;
}

/* The observed stack belongs right after the primary one, which is the
 * later acquisition of the same wrong order. */
static void move_last_stack_to_second(ck_finding *f)
{
	if (f->nstacks < 3)
		return;
	ck_stack last = f->stacks[f->nstacks - 1];
	memmove(&f->stacks[2], &f->stacks[1], (f->nstacks - 2) * sizeof *f->stacks);
	f->stacks[1] = last;
}

/* "Lock at 0x10C060 was first observed" ... 'data symbol "lock_a"': the
 * lock's name, looked up by its address. */
static char *lock_name(const char *block, const char *addr)
{
	char *needle = ck_strdup_printf("Lock at %s was first observed", addr);
	const char *at = strstr(block, needle);
	free(needle);
	if (at == NULL)
		return NULL;
	const char *next_lock = strstr(at + 1, "Lock at ");
	const char *sym = strstr(at, "inside data symbol \"");
	if (sym == NULL || (next_lock != NULL && sym > next_lock))
		return NULL;
	sym += strlen("inside data symbol \"");
	return ck_strndup(sym, strcspn(sym, "\""));
}

/* The text log of the same run has the observed order's first
 * acquisition and the locks' names; nothing changes when it has not. */
static void add_text_log_details(ck_finding *f, const char *xwhat, const char *text_log)
{
	const char *order = xwhat ? strstr(xwhat, "lock order \"") : NULL;
	const char *start = order && text_log ? strstr(text_log, order) : NULL;
	if (start == NULL)
		return;
	const char *end = strstr(start, "-------------------------");
	char *block = end ? ck_strndup(start, (size_t)(end - start)) : ck_strdup(start);

	const char *cursor = block;
	char *line;
	ck_stack *observed = NULL;
	bool in_stack = false;
	while ((line = ck_next_line(&cursor)) != NULL) {
		const char *text = after_pid(line);
		if (strstr(text, "Observed (incorrect) order is: ") != NULL) {
			observed = ck_finding_add_stack(f, text + strspn(text, " "));
			in_stack = true;
		} else if (in_stack) {
			in_stack = add_text_frame(f, observed, text);
		}
		free(line);
	}
	if (observed != NULL)
		move_last_stack_to_second(f);

	/* "0x10C060 before 0x10C0A0" -> "lock_a before lock_b" */
	char first[64], second[64];
	if (f->variable && sscanf(f->variable, "%63s before %63s", first, second) == 2) {
		char *a = lock_name(block, first), *b = lock_name(block, second);
		if (a != NULL && b != NULL) {
			free(f->variable);
			f->variable = ck_strdup_printf("%s before %s", a, b);
		}
		free(a);
		free(b);
	}
	free(block);
}
