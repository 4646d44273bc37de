/*
 * Tests for the reports a student reads, in the terminal
 * (checker/report_student.c) and as a page (checker/report_html.c): a
 * race's field and guard, its two sides' source side by side; an
 * invariant finding's history as a timeline, a lane or a column per
 * thread; every terminal line within the width, nothing unprintable.
 *
 * The race is the recorded TSan report of
 * tests/checker/fixture_programs/field_race.c, named with that program's
 * binary (built by `make checker-unit`); its paths are relative to the
 * repository root, where the tests run, so the source lines are read.
 */
#include <CUnit/CUnit.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "parser_fixtures.h"
#include "parsers.h"
#include "race_names.h"
#include "report_builder.h"

#define FIELD_RACE_BINARY "build/checker/fixtures/field_race"
/* The width of a report that does not go to a terminal. */
#define WIDTH 120

/* The finding of list about variable, moved out of it. */
static ck_finding take_variable(ck_findings *list, const char *variable)
{
	ck_finding f = {0};
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].variable && strcmp(list->items[i].variable, variable) == 0) {
			f = list->items[i];
			list->items[i] = ck_finding_new(CK_STATIC, "taken", 0, 0);
			break;
		}
	return f;
}

/* A student's check of one target: the named race and an oracle finding
 * with its history. *race_line gets the line of the race's first side. */
static void build_report(ck_report *r, int *race_line)
{
	*r = (ck_report){.student = true, .seed_first = 1, .seed_last = 3,
			 .started = ck_strdup("2026-12-04T10:00:00"),
			 .command = ck_strdup("rrl-check --student work/x")};
	r->ntargets = 1;
	r->targets = ck_calloc(1, sizeof *r->targets);
	ck_target_result *t = &r->targets[0];
	rb_target(t, "work/x", CK_SUBMISSION, NULL);

	ck_findings races;
	ck_findings_init(&races);
	char *tsan = fixture_text("tsan_clang_field_race.txt");
	ck_parse_tsan(tsan, 1, &races);
	free(tsan);
	ck_name_races(&races, FIELD_RACE_BINARY);
	ck_finding race = take_variable(&races, "acct->balance");
	CU_ASSERT_PTR_NOT_NULL_FATAL(race.kind);
	const ck_frame *side[1];
	*race_line = ck_race_sides(&race, side, NULL, 1) == 1 && side[0] ? side[0]->line : -1;
	rb_add_finding(t, race, 0.4);
	ck_findings_free(&races);

	ck_finding oracle = rb_fixture_line_finding("findings_oracle_history.txt", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(oracle.kind);
	rb_add_finding(t, oracle, 0.6);
}

/* The student report as written to a file (not a terminal). */
static char *student_text(const ck_report *r, bool colour)
{
	return rb_printed(ck_print_student, r, colour);
}

/* The line of text that at points into, malloc'd. */
static char *line_at(const char *text, const char *at)
{
	const char *start = at;
	while (start > text && start[-1] != '\n')
		start--;
	return ck_strndup(start, strcspn(start, "\n"));
}

/* The first line of text holding needle, malloc'd, or NULL. */
static char *line_with(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	return at != NULL ? line_at(text, at) : NULL;
}

static void test_race_sides_side_by_side(void)
{
	ck_report r;
	int line = 0;
	build_report(&r, &line);
	char *text = student_text(&r, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "data race on acct->balance (guarded by acct->mu)\n"));
	/* The headings of both sides are on one line, split by " | ". */
	char *heads = line_with(text, "in auditor()");
	CU_ASSERT_PTR_NOT_NULL_FATAL(heads);
	CU_ASSERT_PTR_NOT_NULL(strstr(heads, " | write in teller()"));
	free(heads);
	/* The first side's own line is marked, with its number and its code. */
	char mark[16];
	snprintf(mark, sizeof mark, ">%4d  ", line);
	char *hit = line_with(text, mark);
	CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
	CU_ASSERT_PTR_NOT_NULL(strstr(hit, "acct->balance"));
	CU_ASSERT_PTR_NOT_NULL(strstr(hit, " | "));
	free(hit);
	free(text);
	rb_report_free(&r);
}

/* The lane letter the timeline's legend gives thread, or 0. */
static char lane_of(const char *text, const char *thread)
{
	char *legend = ck_strdup_printf("  %s\n", thread);
	const char *at = strstr(text, legend);
	free(legend);
	return at != NULL && at - text >= 1 ? at[-1] : 0;
}

static void test_history_as_timeline(void)
{
	ck_report r;
	int line;
	build_report(&r, &line);
	char *text = student_text(&r, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "what led to it, oldest first"));
	/* A lane per thread, the threads named by role. */
	char ticker = lane_of(text, "peer 2, election ticker");
	char sender = lane_of(text, "peer 2, send AppendEntries->0");
	CU_ASSERT_TRUE(ticker >= 'A' && ticker <= 'Z');
	CU_ASSERT_TRUE(sender >= 'A' && sender <= 'Z' && sender != ticker);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "t (s)  A B C"));
	/* The finding's last event is the last row, marked in its thread's
	 * lane: the time, then two columns a lane. */
	const char *last = NULL;
	for (const char *p = text; (p = strstr(p, "0.762  ")) != NULL; p++)
		last = p;
	CU_ASSERT_PTR_NOT_NULL_FATAL(last);
	char *row = line_at(text, last);
	CU_ASSERT_PTR_NOT_NULL(strstr(row, "sent AppendEntries to 0: term 2"));
	size_t at = 19 + 2 * (size_t)(sender - 'A');
	CU_ASSERT_TRUE(strlen(row) > at && row[at] == 'o');
	/* A critical section says which lock, where, in which function, and
	 * the _locked functions it ran, wrapped under its own lanes. */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "raft.mu held, election.c:42-45, election_ticker(), through"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "become_leader_locked()"));
	free(row);
	free(text);
	rb_report_free(&r);
}

static void test_lines_fit_and_are_clean(void)
{
	ck_report r;
	int line;
	build_report(&r, &line);
	char *text = student_text(&r, false);
	CU_ASSERT_PTR_NULL(strchr(text, '\033'));
	CU_ASSERT_PTR_NULL(strchr(text, '\t'));
	for (const char *p = text; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		int columns = 0;
		for (size_t i = 0; i < len; i++)
			columns += ((unsigned char)p[i] & 0xC0) != 0x80;
		/* A finding's own line (its message) and the command that
		 * repeats a seed stay whole, to be searched for and copied. */
		bool whole = strncmp(p, "   1. ", 6) == 0 || strncmp(p, "      seed ", 11) == 0;
		if (columns > WIDTH && !whole) {
			fprintf(stderr, "\n  a line of %d columns: %.*s\n", columns, (int)len, p);
			CU_FAIL("a line is wider than the report");
		}
		/* No trailing spaces from padded columns. */
		CU_ASSERT_FALSE(len > 0 && p[len - 1] == ' ');
		p += len + (p[len] == '\n');
	}
	free(text);
	/* In colour, the marked line is bold. */
	text = student_text(&r, true);
	char mark[24];
	snprintf(mark, sizeof mark, "\033[1m>%4d  ", line);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, mark));
	free(text);
	rb_report_free(&r);
}

/* The text of every node of html matching the XPath expr, joined by
 * newlines (malloc'd), or NULL when none matches. */
static char *texts_at(htmlDocPtr html, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(html);
	xmlXPathObjectPtr found = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	char *out = NULL;
	if (found != NULL && found->nodesetval != NULL && found->nodesetval->nodeNr > 0) {
		size_t len = 0;
		FILE *m = open_memstream(&out, &len);
		for (int i = 0; i < found->nodesetval->nodeNr; i++) {
			xmlChar *t = xmlNodeGetContent(found->nodesetval->nodeTab[i]);
			fprintf(m, "%s%s", i ? "\n" : "", t ? (const char *)t : "");
			xmlFree(t);
		}
		fclose(m);
	}
	xmlXPathFreeObject(found);
	xmlXPathFreeContext(ctx);
	return out;
}

/* The same report as a page: the race's heading names the field and its
 * guard; the history is a table, a column per thread, each critical
 * section with its lock, its lines and the _locked functions it ran. */
static void test_html_race_and_timeline(void)
{
	ck_report r;
	int line;
	build_report(&r, &line);
	char *path = rb_temp_path(".html");
	CU_ASSERT_EQUAL_FATAL(ck_write_html(&r, path), 0);
	htmlDocPtr html = htmlReadFile(path, NULL, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	CU_ASSERT_PTR_NOT_NULL_FATAL(html);

	char *heads = texts_at(html, "//h2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(heads);
	CU_ASSERT_PTR_NOT_NULL(strstr(heads, "data race on acct->balance (guarded by acct->mu)"));
	char *columns = texts_at(html, "//table[@class='timeline']//th");
	CU_ASSERT_PTR_NOT_NULL_FATAL(columns);
	CU_ASSERT_PTR_NOT_NULL(strstr(columns, "t (s)\npeer 2, main\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(columns, "\npeer 2, election ticker\n"));
	char *cells = texts_at(html, "//table[@class='timeline']//td/pre");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cells);
	CU_ASSERT_PTR_NOT_NULL(strstr(cells, "raft.mu held\nfrom "));
	CU_ASSERT_PTR_NOT_NULL(strstr(cells, "raft/election.c:42 election_ticker()\nto "));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(cells, "\nthrough start_election_locked(), become_candidate_locked()"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cells, "sent AppendEntries to 0: term 2"));
	free(heads);
	free(columns);
	free(cells);
	xmlFreeDoc(html);
	unlink(path);
	free(path);
	rb_report_free(&r);
}

/* A finding in the student's own code shows the lines around it; what
 * those lines hold cannot move the cursor or colour the terminal. */
static void test_place_shown_and_cleaned(void)
{
	char dir[] = "/tmp/rrl-student-tree-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char *raft = ck_strdup_printf("%s/raft", dir);
	char *file = ck_strdup_printf("%s/raft/applier.c", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(raft, 0700), 0);
	FILE *fp = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("void applier(void)\n{\n\trt_mutex_lock(&rf->mu);\n"
	      "\tapply_queue_put(q, &m); /* \033[2J\033[31mgone */\n"
	      "\trt_mutex_unlock(&rf->mu);\n}\n",
	      fp);
	fclose(fp);

	ck_report r = {.student = true, .seed_first = 1, .seed_last = 1};
	r.ntargets = 1;
	r.targets = ck_calloc(1, sizeof *r.targets);
	rb_target(&r.targets[0], dir, CK_SUBMISSION, NULL);
	r.targets[0].path = ck_strdup(dir); /* where the peer's files are read */
	rb_add_finding(&r.targets[0],
		       rb_finding(CK_LOCKDEP, "blocking-with-lock", 4, "raft/applier.c", 4, "applier",
				  "apply_queue_put waits while holding raft.mu"),
		       0.2);
	char *text = student_text(&r, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, ">   4  apply_queue_put(q, &m);"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "    3  rt_mutex_lock(&rf->mu);"));
	CU_ASSERT_PTR_NULL(strchr(text, '\033'));
	free(text);
	free(r.targets[0].path);
	r.targets[0].path = NULL;
	rb_report_free(&r);
	unlink(file);
	rmdir(raft);
	rmdir(dir);
	free(file);
	free(raft);
}

void add_student_report_suite(void)
{
	CU_pSuite s = CU_add_suite("the student's reports: terminal and page", NULL, NULL);
	CU_add_test(s, "a race: field, guard, both sides' source side by side",
		    test_race_sides_side_by_side);
	CU_add_test(s, "a history: a timeline, a lane per thread", test_history_as_timeline);
	CU_add_test(s, "every line fits the width, nothing unprintable",
		    test_lines_fit_and_are_clean);
	CU_add_test(s, "the page: the race's guard, the history's columns and sections",
		    test_html_race_and_timeline);
	CU_add_test(s, "a place in the student's code: its lines, cleaned",
		    test_place_shown_and_cleaned);
}
