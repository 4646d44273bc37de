/*
 * The report a student reads while hunting a bug (rrl-check --student,
 * make check EX=id): what each detector found, in the code's own words,
 * and nothing that gives the answer away. No rule numbers, no bug lines,
 * no exercise metadata, no "expected" or "unexpected": every detector is
 * simply clean or found problems.
 *
 *   build/exercises/get-state/student, seeds 1-2
 *
 *     static      clean
 *     tsan        found 4 problems (in 2 of 2 runs)
 *     ...
 *
 *   tsan found 4 problems:
 *
 *     1. data race on rf->role (guarded by rf->mu)
 *          read   raft/raft.c:95  raft_get_state          holding no lock  [peer 0, main]
 *          write  raft/role.c:22  become_follower_locked  holding rf->mu   [peer 0, ...]
 *
 *          read in raft_get_state()         | write in become_follower_locked()
 *             94  rt_mutex_lock(&rf->mu);   |    21  rf->current_term = term;
 *          >  95  *role = rf->role;         | >  22  rf->role = RAFT_FOLLOWER;
 *        seen in 2 of 2 seeds (1 2), 6 times
 *        seed 1 alone: rrl-check -s 1-1 ...
 *
 * A finding in the peer's code shows the lines around it; an invariant
 * finding, the history that led to it as a timeline with a lane per
 * thread (print_timeline). Lines fit the terminal's width (120 columns
 * in a file), except a finding's message and the command to repeat it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "alloc.h"
#include "clean_text.h"
#include "finding_line.h"
#include "finding_view.h"
#include "report.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* The most lines of a build error or a thread table shown. */
#define MAX_TEXT_LINES 20
/* Source lines shown either side of a race's line. */
#define CONTEXT_LINES 1
/* The width when the output is not a terminal (a file, a CI log). */
#define DEFAULT_WIDTH 120
/* The last events of a history shown as a timeline, and the most threads
 * (lanes A to Z) it tells apart. */
#define MAX_TIMELINE_EVENTS 24
#define MAX_LANES 26

typedef struct printer {
	FILE *out;
	bool colour;
	int width;		 /* columns of text a line may use */
	const ck_report *report; /* its seeds and its command */
} printer;

static void coloured(const printer *p, const char *c, const char *s)
{
	fprintf(p->out, "%s%s%s", p->colour ? c : "", s, p->colour ? RESET : "");
}

/* Text from a detector on our lines: no escapes, no stray newlines. */
static void print_clean(FILE *out, const char *s)
{
	char *clean = ck_clean_text(s ? s : "", CK_TEXT_LINE);
	fputs(clean, out);
	free(clean);
}

static void print_indented(const printer *p, const char *indent, const char *text)
{
	int lines = 0;
	const char *s = text;
	while (*s != '\0' && lines < MAX_TEXT_LINES) {
		size_t len = strcspn(s, "\n");
		char *line = ck_strndup(s, len);
		fputs(indent, p->out);
		print_clean(p->out, line);
		fputc('\n', p->out);
		free(line);
		lines++;
		s += len + (s[len] == '\n');
	}
	if (*s != '\0')
		fprintf(p->out, "%s...\n", indent);
}

/* The terminal's width, or DEFAULT_WIDTH when out is not one. */
static int width_of(FILE *out)
{
	struct winsize w;
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &w) == 0 && w.ws_col >= 60)
		return w.ws_col;
	return DEFAULT_WIDTH;
}

/* Columns s takes: a UTF-8 character counts as one. */
static int display_width(const char *s)
{
	int n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Print s (one clean line) in width columns: cut with a "~" when longer,
 * padded with spaces when shorter and pad is set. */
static void print_fitted(FILE *out, const char *s, int width, bool pad)
{
	int len = display_width(s), keep = len <= width ? len : width - 1, used = 0;
	for (const char *c = s; *c != '\0'; c++) {
		if (((unsigned char)*c & 0xC0) != 0x80) {
			if (used == keep)
				break;
			used++;
		}
		fputc(*c, out);
	}
	if (len > width) {
		fputc('~', out);
		used++;
	}
	for (; pad && used < width; used++)
		fputc(' ', out);
}

/* Source text for a column: tabs as four spaces (before cleaning, which
 * would make each one space), nothing unprintable. */
static char *source_text(const char *line)
{
	size_t tabs = 0;
	for (const char *c = line; *c; c++)
		tabs += *c == '\t';
	char *expanded = ck_calloc(strlen(line) + 3 * tabs + 1, 1), *o = expanded;
	for (const char *c = line; *c; c++) {
		if (*c == '\t') {
			memcpy(o, "    ", 4);
			o += 4;
		} else {
			*o++ = *c;
		}
	}
	char *clean = ck_clean_text(expanded, CK_TEXT_LINE);
	free(expanded);
	return clean;
}

/* How many leading spaces every non-blank line of x shares. */
static size_t common_indent(char **lines, size_t n)
{
	size_t indent = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t lead = strspn(lines[i], " ");
		if (lines[i][lead] != '\0' && lead < indent)
			indent = lead;
	}
	return indent == (size_t)-1 ? 0 : indent;
}

/* One word or phrase per detector; the student needs to know only
 * whether it saw something. */
static void print_verdict(const printer *p, const ck_target_result *t, ck_detector d)
{
	const ck_detector_result *r = &t->det[d];
	fprintf(p->out, "  %-11s ", ck_detector_name(d));
	if (!r->enabled) {
		coloured(p, DIM, "not run");
	} else if (r->error != NULL || t->build_error != NULL) {
		coloured(p, YELLOW, "could not run");
	} else if (r->findings.n == 0) {
		coloured(p, GREEN, "clean");
		if (r->runs > 1)
			fprintf(p->out, " (%d runs)", r->runs);
	} else {
		char *found = ck_strdup_printf("found %zu problem%s", r->findings.n,
					       r->findings.n == 1 ? "" : "s");
		coloured(p, RED, found);
		free(found);
		if (d != CK_STATIC)
			fprintf(p->out, " (in %d of %d run%s)", r->detected, r->runs,
				r->runs == 1 ? "" : "s");
	}
	fputc('\n', p->out);
}

/* Sides holding no lock first: the contrast with the other side is
 * usually the bug. */
static int side_rank(const ck_stack *s)
{
	return s->locks == NULL ? 1 : s->locks[0] == '\0' ? 0 : 2;
}

/* The lines of an excerpt as a column shows them: tabs expanded, their
 * shared indentation dropped; NULL when the frame's file is unreadable. */
static char **excerpt_text(const ck_target_result *t, const ck_frame *f, ck_excerpt *x)
{
	if (f == NULL || !ck_excerpt_read(x, t->path, f, CONTEXT_LINES))
		return NULL;
	char **text = ck_calloc(x->n, sizeof *text);
	for (size_t i = 0; i < x->n; i++)
		text[i] = source_text(x->lines[i]);
	size_t indent = common_indent(text, x->n);
	for (size_t i = 0; i < x->n; i++) {
		size_t cut = strlen(text[i]) < indent ? strlen(text[i]) : indent;
		memmove(text[i], text[i] + cut, strlen(text[i] + cut) + 1);
	}
	return text;
}

static void free_text(char **text, size_t n)
{
	for (size_t i = 0; text != NULL && i < n; i++)
		free(text[i]);
	free(text);
}

/* The sides' source lines, side by side, each side's own line marked '>':
 *
 *   read in raft_get_state()          | write in become_follower_locked()
 *      94  rt_mutex_unlock(&rf->mu);  |    21  rt_mutex_lock(&rf->mu);
 *   >  95  *role = rf->role;          | >  22  rf->role = RAFT_FOLLOWER;
 */
static void print_side_sources(const printer *p, const ck_target_result *t,
			       const ck_frame *const *side, const ck_stack *const *stack, size_t n)
{
	ck_excerpt x[2] = {{0}, {0}};
	char **text[2] = {NULL, NULL};
	size_t rows = 0;
	for (size_t i = 0; i < n; i++) {
		text[i] = excerpt_text(t, side[i], &x[i]);
		rows = x[i].n > rows ? x[i].n : rows;
	}
	if (rows == 0)
		return;
	int column = n == 2 ? (p->width - 10 - 3) / 2 : p->width - 10;
	fputs("\n          ", p->out);
	for (size_t i = 0; i < n; i++) {
		char *head = ck_strdup_printf("%s in %s()", stack[i]->write ? "write" : "read",
					      side[i] && side[i]->function ? side[i]->function : "?");
		char *clean = ck_clean_text(head, CK_TEXT_LINE);
		print_fitted(p->out, clean, column, i + 1 < n);
		fputs(i + 1 < n ? " | " : "\n", p->out);
		free(head);
		free(clean);
	}
	for (size_t r = 0; r < rows; r++) {
		fputs("          ", p->out);
		for (size_t i = 0; i < n; i++) {
			bool hit = r < x[i].n && x[i].first + (int)r == x[i].hit;
			char *cell = r < x[i].n ? ck_strdup_printf("%c%4d  %s", hit ? '>' : ' ',
								   x[i].first + (int)r, text[i][r])
						: ck_strdup("");
			if (hit && p->colour)
				fputs(BOLD, p->out);
			print_fitted(p->out, cell, column, i + 1 < n);
			if (hit && p->colour)
				fputs(RESET, p->out);
			free(cell);
			if (i + 1 < n)
				fputs(" | ", p->out);
		}
		fputc('\n', p->out);
	}
	for (size_t i = 0; i < n; i++) {
		free_text(text[i], x[i].n);
		ck_excerpt_free(&x[i]);
	}
}

/* The two sides of a race, one line each, in aligned columns, then their
 * source side by side. */
static void print_sides(const printer *p, const ck_target_result *t, const ck_finding *f)
{
	const ck_frame *side[2];
	const ck_stack *stack[2];
	size_t n = ck_race_sides(f, side, stack, 2);
	if (n == 2 && side_rank(stack[1]) < side_rank(stack[0])) {
		const ck_frame *sf = side[0];
		const ck_stack *ss = stack[0];
		side[0] = side[1], stack[0] = stack[1];
		side[1] = sf, stack[1] = ss;
	}
	char *loc[2] = {NULL, NULL};
	int loc_w = 0, fn_w = 0;
	for (size_t i = 0; i < n; i++) {
		loc[i] = side[i] ? ck_frame_location(side[i]) : ck_strdup("(not recorded)");
		int lw = (int)strlen(loc[i]);
		int fw = side[i] && side[i]->function ? (int)strlen(side[i]->function) : 0;
		loc_w = lw > loc_w ? lw : loc_w;
		fn_w = fw > fn_w ? fw : fn_w;
	}
	for (size_t i = 0; i < n; i++) {
		const char *fn = side[i] && side[i]->function ? side[i]->function : "";
		bool locks = stack[i]->locks != NULL;
		fprintf(p->out, "          %-5s  %-*s  %-*s", stack[i]->write ? "write" : "read",
			loc_w, loc[i], locks ? fn_w : 0, fn);
		if (locks) {
			fputs("  holding ", p->out);
			print_clean(p->out, stack[i]->locks[0] ? stack[i]->locks : "no lock");
		}
		char thread[64];
		ck_stack_thread(stack[i], thread, sizeof thread);
		if (thread[0] != '\0') {
			fputs("  [", p->out);
			print_clean(p->out, thread);
			fputc(']', p->out);
		}
		fputc('\n', p->out);
		free(loc[i]);
	}
	if (n == 1)
		fputs("          (the other access was not recorded)\n", p->out);
	print_side_sources(p, t, side, stack, n);
}

/* "seen in 2 of 3 seeds (1 3), 6 times; seed 1 alone: rrl-check ... -s
 * 1-1 ...": how often, and how to see it again. */
static void print_seen(const printer *p, const ck_finding *f, const char *indent)
{
	const ck_report *r = p->report;
	size_t n;
	const uint64_t *seeds = ck_finding_seeds(f, &n);
	fputs(indent, p->out);
	if (r->seed_first > 0 && r->seed_last >= r->seed_first)
		fprintf(p->out, "seen in %zu of %llu seeds (", n,
			(unsigned long long)(r->seed_last - r->seed_first + 1));
	else
		fputs("seen in seeds (", p->out);
	for (size_t i = 0; i < n; i++)
		fprintf(p->out, "%s%llu", i ? " " : "", (unsigned long long)seeds[i]);
	fputc(')', p->out);
	if (f->occurrences > 1)
		fprintf(p->out, ", %d times", f->occurrences);
	fputc('\n', p->out);
	char *again = n > 0 ? ck_repeat_command(r, seeds[0]) : NULL;
	if (again != NULL) {
		fprintf(p->out, "%sseed %llu alone: ", indent, (unsigned long long)seeds[0]);
		print_clean(p->out, again);
		fputc('\n', p->out);
	}
	free(again);
}

/* text's lines, each wrapped at width columns (at a space when there is
 * one), into a malloc'd array; how many. */
static size_t wrap(const char *text, int width, char ***out)
{
	char **lines = NULL;
	size_t n = 0;
	for (const char *s = text; *s != '\0';) {
		size_t len = strcspn(s, "\n");
		const char *end = s + len;
		while (s < end || len == 0) {
			/* The bytes of at most width characters, and the last space. */
			const char *cut = s, *space = NULL;
			for (int used = 0; cut < end; cut++) {
				if (((unsigned char)*cut & 0xC0) != 0x80 && used++ == width)
					break;
				if (*cut == ' ')
					space = cut;
			}
			if (cut < end && space != NULL && space > s)
				cut = space;
			lines = ck_realloc_array(lines, n + 1, sizeof *lines);
			lines[n++] = ck_strndup(s, (size_t)(cut - s));
			s = cut + (cut < end && *cut == ' ');
			if (len == 0)
				break;
		}
		s = end + (*end == '\n');
	}
	*out = lines;
	return n;
}

/*
 * What led to an invariant finding, as a timeline with a lane per thread,
 * oldest first:
 *
 *   A  peer 2, election ticker
 *   B  peer 2, send AppendEntries->0
 *     t (s)  A B
 *     0.761  o    raft.mu held, election.c:42-45, election_ticker(), through
 *            |    start_election_locked(), become_leader_locked()
 *     0.762  | o  sent AppendEntries to 0: term 2, prev 0/t0, no entries
 *
 * 'o' is the event's thread, '|' a thread with events before and after.
 * A terminal shows the last MAX_TIMELINE_EVENTS events; the HTML page and
 * the JSON have them all.
 */
static void print_timeline(const printer *p, const ck_finding *f)
{
	size_t start = f->nhistory > MAX_TIMELINE_EVENTS ? f->nhistory - MAX_TIMELINE_EVENTS : 0;
	const ck_event *events = f->history + start;
	size_t n = f->nhistory - start;
	char *columns[MAX_LANES];
	size_t nlanes = ck_timeline_columns(events, n, columns, MAX_LANES);
	int lane[MAX_TIMELINE_EVENTS];
	size_t first[MAX_LANES], last[MAX_LANES];
	for (size_t c = 0; c < nlanes; c++)
		first[c] = n, last[c] = 0;
	for (size_t i = 0; i < n; i++) {
		lane[i] = ck_timeline_column(columns, nlanes, &events[i]);
		if (lane[i] >= 0) {
			size_t c = (size_t)lane[i];
			first[c] = i < first[c] ? i : first[c];
			last[c] = i;
		}
	}
	fputs("      what led to it, oldest first (t in logical seconds", p->out);
	if (start > 0)
		fprintf(p->out, "; %zu earlier events are in the HTML and JSON reports", start);
	fputs("):\n", p->out);
	for (size_t c = 0; c < nlanes; c++) {
		fprintf(p->out, "          %c  ", 'A' + (int)c);
		print_clean(p->out, columns[c]);
		fputc('\n', p->out);
	}
	fputs("            t (s)  ", p->out);
	for (size_t c = 0; c < nlanes; c++)
		fprintf(p->out, "%c%s", 'A' + (int)c, c + 1 < nlanes ? " " : "\n");

	int text_width = p->width - 19 - 2 * (int)nlanes - 1;
	text_width = text_width < 30 ? 30 : text_width;
	for (size_t i = 0; i < n; i++) {
		char *brief = ck_event_brief(&events[i]);
		char *clean = ck_clean_text(brief, CK_TEXT_LINE), **lines;
		size_t nlines = wrap(clean, text_width, &lines);
		for (size_t l = 0; l < nlines || l == 0; l++) {
			if (l == 0 && events[i].t >= 0)
				fprintf(p->out, "          %7.3f  ", events[i].t);
			else
				fputs("                   ", p->out);
			for (size_t c = 0; c < nlanes; c++) {
				bool own = lane[i] == (int)c;
				bool alive = first[c] < i && i < last[c];
				fputc(own && l == 0 ? 'o' : own || alive ? '|' : ' ', p->out);
				fputc(' ', p->out);
			}
			fprintf(p->out, " %s\n", l < nlines ? lines[l] : "");
		}
		free_text(lines, nlines);
		free(clean);
		free(brief);
	}
	for (size_t c = 0; c < nlanes; c++)
		free(columns[c]);
}

/* The lines around a finding's place in the peer's code, its own marked. */
static void print_place(const printer *p, const ck_target_result *t, const ck_finding *f)
{
	ck_excerpt x;
	char **text = ck_peer_relative(f->where.file) != NULL ? excerpt_text(t, &f->where, &x) : NULL;
	if (text == NULL)
		return;
	for (size_t r = 0; r < x.n; r++) {
		bool hit = x.first + (int)r == x.hit;
		char *cell = ck_strdup_printf("%c%4d  %s", hit ? '>' : ' ', x.first + (int)r, text[r]);
		fputs("          ", p->out);
		if (hit && p->colour)
			fputs(BOLD, p->out);
		print_fitted(p->out, cell, p->width - 10, false);
		if (hit && p->colour)
			fputs(RESET, p->out);
		fputc('\n', p->out);
		free(cell);
	}
	free_text(text, x.n);
	ck_excerpt_free(&x);
}

static void print_problem(const printer *p, const ck_target_result *t, const ck_finding *f,
			  size_t number)
{
	const ck_frame *side[1];
	bool race =
	    f->kind && strcmp(f->kind, "data-race") == 0 && ck_race_sides(f, side, NULL, 1) > 0;
	fprintf(p->out, "\n  %2zu. ", number);
	if (race) {
		fputs("data race", p->out);
		if (f->variable != NULL) {
			fputs(" on ", p->out);
			if (p->colour)
				fputs(BOLD, p->out);
			print_clean(p->out, f->variable);
			if (p->colour)
				fputs(RESET, p->out);
			if (f->guard != NULL) {
				fputs(" (guarded by ", p->out);
				print_clean(p->out, f->guard);
				fputc(')', p->out);
			}
		}
		fputc('\n', p->out);
		print_sides(p, t, f);
	} else {
		char *loc = ck_frame_location(&f->where);
		fprintf(p->out, "%s%s%s: ", loc, f->where.function ? " " : "",
			f->where.function ? f->where.function : "");
		print_clean(p->out, f->message ? f->message : f->kind);
		fputc('\n', p->out);
		free(loc);
		print_place(p, t, f);
		if (f->nhistory > 0)
			print_timeline(p, f);
		else if (f->details != NULL)
			print_indented(p, "          ", f->details);
	}
	print_seen(p, f, "      ");
}

static int by_place(const void *a, const void *b)
{
	const ck_finding *x = *(const ck_finding *const *)a, *y = *(const ck_finding *const *)b;
	int c = strcmp(x->kind ? x->kind : "", y->kind ? y->kind : "");
	if (c == 0)
		c = strcmp(x->variable ? x->variable : "", y->variable ? y->variable : "");
	if (c == 0)
		c = strcmp(x->where.file ? x->where.file : "", y->where.file ? y->where.file : "");
	if (c == 0)
		c = x->where.line - y->where.line;
	return c;
}

/* A detector's problems, in an order that does not change from one
 * check to the next: by kind, variable and place. */
static void print_problems(const printer *p, const ck_target_result *t, ck_detector d)
{
	const ck_detector_result *r = &t->det[d];
	if (!r->enabled)
		return;
	if (r->error != NULL && t->build_error == NULL) {
		fprintf(p->out, "\n%s could not run:\n", ck_detector_name(d));
		print_indented(p, "    ", r->error);
	}
	if (r->findings.n == 0)
		return;
	const ck_finding **sorted = ck_calloc(r->findings.n, sizeof *sorted);
	for (size_t i = 0; i < r->findings.n; i++)
		sorted[i] = &r->findings.items[i];
	qsort(sorted, r->findings.n, sizeof *sorted, by_place);
	fprintf(p->out, "\n%s%s found %zu problem%s:%s\n", p->colour ? BOLD : "",
		ck_detector_name(d), r->findings.n, r->findings.n == 1 ? "" : "s",
		p->colour ? RESET : "");
	for (size_t i = 0; i < r->findings.n; i++)
		print_problem(p, t, sorted[i], i + 1);
	free(sorted);
}

static void print_target(const printer *p, const ck_report *r, const ck_target_result *t)
{
	if (p->colour)
		fputs(BOLD, p->out);
	print_clean(p->out, t->target);
	if (p->colour)
		fputs(RESET, p->out);
	if (r->seed_last > 0 && r->seed_first == r->seed_last)
		fprintf(p->out, ", seed %llu", (unsigned long long)r->seed_first);
	else if (r->seed_last > 0)
		fprintf(p->out, ", seeds %llu-%llu", (unsigned long long)r->seed_first,
			(unsigned long long)r->seed_last);
	fputs("\n\n", p->out);
	for (int d = 0; d < CK_NDETECTORS; d++)
		print_verdict(p, t, (ck_detector)d);
	if (t->build_error != NULL) {
		fputs("\n", p->out);
		coloured(p, YELLOW, "!");
		fputs(" your code did not build:\n", p->out);
		print_indented(p, "    ", t->build_error);
	}
	for (int d = 0; d < CK_NDETECTORS; d++)
		print_problems(p, t, (ck_detector)d);
}

void ck_print_student(const ck_report *r, FILE *out, bool colour)
{
	printer p = {.out = out, .colour = colour, .width = width_of(out), .report = r};
	for (size_t i = 0; i < r->ntargets; i++) {
		if (i > 0)
			fputs("\n\n", out);
		print_target(&p, r, &r->targets[i]);
	}
}
