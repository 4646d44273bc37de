/*
 * ThreadSanitizer's text reports (clang's and gcc's runtimes) into findings.
 *
 * A report looks like this; other output (test progress, RRL-FINDING
 * lines, another thread's prints) may be mixed in between its lines:
 *
 *   WARNING: ThreadSanitizer: data race (pid=20402)
 *     Write of size 4 at 0x5612fdee8698 by thread T1:          a stack's title
 *       #0 worker /path/race.c:21:6 (race+0xe4668) (BuildId: ...)  its frames
 *
 *     Location is global 'hits' of size 4 at 0x5612fdee8698 (...)
 *     Thread T1 (tid=20416, running) created by main thread at:
 *       #0 pthread_create <null> (race+0x61e91)
 *       #1 main /path/race.c:30:2 (race+0xe45b4)
 *   SUMMARY: ThreadSanitizer: data race /path/race.c:21:6 in worker
 *
 * Every indented line ending in ':' starts a stack; frames before any title
 * (mutex misuse reports) go to a stack titled with the report's title.
 * "Location is ..." and "Cycle in lock order graph: ..." name the variable.
 * The kinds and rules are listed at the top of finding.c.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "parsers.h"

typedef struct tsan_kind {
	const char *title; /* how the report's title begins */
	const char *kind;
	int rule;
} tsan_kind;

static const tsan_kind tsan_kinds[] = {
    {"data race", "data-race", 1},
    {"lock-order-inversion", "lock-order-inversion", 4},
    {"thread leak", "thread-leak", 0},
    {"unlock of an unlocked mutex", "unlock-unlocked", 0},
    {"double lock of a mutex", "double-lock", 0},
    {"destroy of a locked mutex", "destroy-locked", 0},
    {"read lock of a write locked mutex", "mutex-misuse", 0},
    {"read unlock of a write locked mutex", "mutex-misuse", 0},
    {"mutex held in wrong context", "mutex-misuse", 0},
    {"use of an invalid mutex", "invalid-mutex", 0},
    {"heap-use-after-free", "heap-use-after-free", 0},
    {"signal-unsafe call inside of a signal", "signal-unsafe-call", 0},
    {"signal handler spoils errno", "signal-errno", 0},
};

/* What is known of the report being read. */
typedef struct tsan_report {
	bool open;
	ck_finding f;
	char *title;		 /* "data race", without "(pid=...)" */
	ck_stack *stack;	 /* the stack frames go to, or NULL */
	unsigned long long addr; /* the primary access's address, or 0 */
} tsan_report;

/* "unlock of an unlocked mutex (or by a wrong thread)" needs a short,
 * stable name; unknown titles still get one ("some new report"). */
static char *kind_of(const char *title, int *rule)
{
	for (size_t i = 0; i < sizeof tsan_kinds / sizeof tsan_kinds[0]; i++) {
		if (ck_starts_with(title, tsan_kinds[i].title)) {
			*rule = tsan_kinds[i].rule;
			return ck_strdup(tsan_kinds[i].kind);
		}
	}
	*rule = 0;
	char *kind = ck_strdup(title);
	char *paren = strstr(kind, " (");
	if (paren != NULL)
		*paren = '\0';
	for (char *c = kind; *c; c++)
		*c = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a')
		     : ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')) ? *c
									      : '-';
	return kind;
}

/* The report's title line carries the kind; the pid is noise. */
static void open_report(tsan_report *r, const char *title, uint64_t seed)
{
	r->title = ck_strdup(title);
	char *pid = strstr(r->title, " (pid=");
	if (pid != NULL)
		*pid = '\0';
	int rule;
	char *kind = kind_of(r->title, &rule);
	r->f = ck_finding_new(CK_TSAN, kind, rule, seed);
	free(kind);
	r->open = true;
	r->stack = NULL;
	r->addr = 0;
}

/* Addresses differ on every run and mean nothing to a student. */
static void drop_addresses(char *s)
{
	char *at;
	while ((at = strstr(s, " at 0x")) != NULL) {
		char *rest = at + strlen(" at 0x");
		rest += strspn(rest, "0123456789abcdefABCDEF");
		memmove(at, rest, strlen(rest) + 1);
	}
}

/* The message names the report, the variable and the first access:
 * "data race (hits): Write of size 4 by thread T1". */
static char *message_of(const tsan_report *r)
{
	const char *first = r->f.nstacks > 0 ? r->f.stacks[0].title : NULL;
	char *access = first && strcmp(first, r->title) != 0 ? ck_strdup(first) : NULL;
	if (access != NULL)
		drop_addresses(access);
	char *msg;
	if (r->f.variable != NULL)
		msg = ck_strdup_printf("%s (%s)%s%s", r->title, r->f.variable, access ? ": " : "",
				       access ? access : "");
	else
		msg =
		    ck_strdup_printf("%s%s%s", r->title, access ? ": " : "", access ? access : "");
	free(access);
	return msg;
}

/* The name TSan gives thread tid in the report's "Thread T2 'p2 election
 * ti' (tid=..." stack, or NULL: threads the runtime named for their peer
 * and role (platform/rt/thread.c). */
static const char *thread_name(const tsan_report *r, const char *tid, size_t len)
{
	for (size_t i = 0; i < r->f.nstacks; i++) {
		const char *t = r->f.stacks[i].title;
		if (t != NULL && strncmp(t, "Thread ", 7) == 0 && strncmp(t + 7, tid, len) == 0 &&
		    strncmp(t + 7 + len, " '", 2) == 0)
			return t + 7 + len + 1;
	}
	return NULL;
}

/* "Write of size 4 by thread T2:" becomes "Write of size 4 by thread T2
 * 'p2 heartbeat':": a side says whose thread it was. */
static void name_threads(tsan_report *r)
{
	for (size_t i = 0; i < r->f.nstacks; i++) {
		char *title = r->f.stacks[i].title;
		char *by = title ? strstr(title, "by thread T") : NULL;
		if (by == NULL || strncmp(title, "Thread ", 7) == 0) /* a thread's creator */
			continue;
		const char *tid = by + strlen("by thread ");
		size_t len = 1 + strspn(tid + 1, "0123456789");
		const char *name = thread_name(r, tid, len);
		if (name == NULL)
			continue;
		size_t name_len = strcspn(name + 1, "'") + 2; /* the quotes too */
		size_t head = (size_t)(tid - title) + len;
		char *named = ck_strdup_printf("%.*s %.*s%s", (int)head, title, (int)name_len, name,
					       title + head);
		free(title);
		r->f.stacks[i].title = named;
	}
}

/* A finished report becomes a finding; the list folds repeats. */
static void close_report(tsan_report *r, ck_findings *out)
{
	if (!r->open)
		return;
	name_threads(r);
	ck_finding_set_where(&r->f);
	r->f.message = ck_race_message(&r->f);
	if (r->f.message == NULL || strcmp(r->f.kind, "data-race") != 0) {
		free(r->f.message);
		r->f.message = message_of(r);
	}
	ck_findings_add_unique(out, r->f);
	free(r->title);
	*r = (tsan_report){0};
}

/* "Location is ..." lines say what memory the report is about. */
static void read_location(tsan_report *r, const char *line)
{
	if (r->f.variable != NULL)
		return; /* the first location is the accessed one */
	const char *q;
	if ((q = strstr(line, "Location is global '")) != NULL) {
		q += strlen("Location is global '");
		const char *end = strchr(q, '\'');
		if (end != NULL && !(end - q == 2 && strncmp(q, "??", 2) == 0))
			r->f.variable = ck_strndup(q, (size_t)(end - q));
	} else if ((q = strstr(line, "Location is heap block of size ")) != NULL) {
		unsigned long size =
		    strtoul(q + strlen("Location is heap block of size "), NULL, 10);
		const char *at = strstr(q, " at 0x");
		unsigned long long block = at ? strtoull(at + 4, NULL, 16) : 0;
		if (block != 0 && r->addr >= block && r->addr < block + size) {
			r->f.variable = ck_strdup_printf("heap block of size %lu, offset %llu",
							 size, r->addr - block);
			r->f.block_size = size;
			r->f.block_offset = (unsigned long)(r->addr - block);
		} else
			r->f.variable = ck_strdup_printf("heap block of size %lu", size);
	} else if ((q = strstr(line, "Location is ")) != NULL) {
		/* stack of main thread. / TLS of thread T1. / file descriptor 3 ... */
		q += strlen("Location is ");
		size_t len = strcspn(q, ".:");
		if (ck_starts_with(q, "file descriptor "))
			len = strcspn(q + strlen("file descriptor "), " ") +
			      strlen("file descriptor ");
		r->f.variable = ck_strndup(q, len);
	} else if ((q = strstr(line, "Cycle in lock order graph: ")) != NULL) {
		r->f.variable = ck_strdup(q + strlen("Cycle in lock order graph: "));
	}
}

/* "Read of size 4 at 0x.. by thread T2 (mutexes: write M0, read M1)"
 * held M0 and M1; without "(mutexes: ...)" the thread held none. */
static char *locks_of(const char *title)
{
	const char *m = strstr(title, "(mutexes: ");
	if (m == NULL)
		return ck_strdup("");
	m += strlen("(mutexes: ");
	char *locks = ck_strndup(m, strcspn(m, ")"));
	char *out = ck_calloc(strlen(locks) + 1, 1);
	char *save = NULL;
	for (char *item = strtok_r(locks, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		item += strspn(item, " ");
		const char *name = strrchr(item, ' '); /* "write M0" -> "M0" */
		name = name ? name + 1 : item;
		if (out[0] != '\0')
			strcat(out, ", ");
		strcat(out, name);
	}
	free(locks);
	return out;
}

/* An indented line that is not a frame is a stack's title or a
 * location; titles end with ':'. */
static void read_title(tsan_report *r, const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t len = strlen(line);
	if (len == 0)
		return;
	read_location(r, line);
	if (line[len - 1] != ':') {
		r->stack = NULL;
		return;
	}
	/* TSan titles the stack where a destroyed mutex was locked just "and". */
	char *title = strcmp(line, "and:") == 0 ? ck_strdup("and it was locked here")
						: ck_strndup(line, len - 1);
	r->stack = ck_finding_add_stack(&r->f, title);
	const char *at = strstr(title, " at 0x");
	if (r->f.nstacks == 1 && at != NULL && strstr(title, " of size ") != NULL)
		r->addr = strtoull(at + 4, NULL, 16); /* "Write of size 4 at 0x.. by" */
	if (ck_stack_read_access(r->stack, title))
		r->stack->locks = locks_of(title);
	free(title);
}

/* Clang's runtime prints "file.c:21:6", gcc's "file.c:21"; the
 * leftmost of the trailing numbers is the line. */
static char *split_location(const char *loc, int *line)
{
	const char *file_end = loc + strlen(loc);
	*line = 0;
	for (int numbers = 0; numbers < 2; numbers++) {
		const char *digits = file_end;
		while (digits > loc && digits[-1] >= '0' && digits[-1] <= '9')
			digits--;
		if (digits == file_end || digits - 1 <= loc || digits[-1] != ':')
			break;
		*line = atoi(digits);
		file_end = digits - 1;
	}
	return ck_strndup(loc, (size_t)(file_end - loc));
}

/* "#1 main /path/race.c:30:2 (race+0xe45b4)" becomes function, file and
 * line; "<null>" means unknown. Returns false if line is no frame. */
static bool read_frame(tsan_report *r, const regex_t *frame_re, const char *line)
{
	regmatch_t m[3];
	if (regexec(frame_re, line, 3, m, 0) != 0)
		return false;
	char *function = ck_strndup(line + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
	char *location = ck_strndup(line + m[2].rm_so, (size_t)(m[2].rm_eo - m[2].rm_so));
	int lineno = 0;
	char *file = NULL;
	if (strcmp(location, "<null>") != 0 && location[0] != '(')
		file = split_location(location, &lineno);
	if (r->stack == NULL)
		r->stack = ck_finding_add_stack(&r->f, r->title);
	ck_stack_add_frame(r->stack, strcmp(function, "<null>") == 0 ? NULL : function, file,
			   lineno);
	free(function);
	free(location);
	free(file);
	return true;
}

/* One line of the log; returns how many reports it began (0 or 1). */
static int read_line(tsan_report *r, const regex_t *frame_re, const char *line, uint64_t seed,
		     ck_findings *out)
{
	const char *warning = strstr(line, "WARNING: ThreadSanitizer: ");
	if (warning != NULL) {
		close_report(r, out);
		open_report(r, warning + strlen("WARNING: ThreadSanitizer: "), seed);
		return 1;
	}
	if (!r->open)
		return 0;
	if (ck_starts_with(line, "SUMMARY: ThreadSanitizer") || ck_starts_with(line, "=========="))
		close_report(r, out);
	else if (line[0] == ' ' && !read_frame(r, frame_re, line))
		read_title(r, line);
	/* Lines that do not start with a space are someone else's output. */
	return 0;
}

/* A log may hold several processes' reports and other output; the
 * trailing count TSan prints tells a cut log from a clean one. */
int ck_parse_tsan(const char *text, uint64_t seed, ck_findings *out)
{
	if (text == NULL || out == NULL)
		return -1;
	/* "    #3 name location (module+0x1f) ...", name and location kept */
	regex_t frame_re;
	if (regcomp(&frame_re,
		    "^[[:space:]]+#[0-9]+[[:space:]]+([^[:space:]]+)[[:space:]]+([^[:space:]]+)",
		    REG_EXTENDED) != 0)
		return -1;
	tsan_report r = {0};
	int reports = 0, announced = 0;
	bool fatal = false;
	const char *cursor = text;
	char *line;
	while ((line = ck_next_line(&cursor)) != NULL) {
		reports += read_line(&r, &frame_re, line, seed, out);
		const char *n = strstr(line, "ThreadSanitizer: reported ");
		if (n != NULL)
			announced += atoi(n + strlen("ThreadSanitizer: reported "));
		if (strstr(line, "FATAL: ThreadSanitizer") != NULL)
			fatal = true;
		free(line);
	}
	close_report(&r, out);
	regfree(&frame_re);
	/* TSan could not start, or the log lost the reports it announced. */
	if (reports == 0 && (fatal || announced > 0))
		return -1;
	return reports;
}
