/*
 * The JUnit XML report, for CI servers (GitLab's unit test reports,
 * Jenkins' junit step): one <testsuite> per target, one <testcase> per
 * target x detector. Written with libxml2's xmlTextWriter, which does all
 * escaping. Format and example: checker/README.md, "JUnit report".
 *
 * CI servers know only pass, failure, error and skipped, so the verdicts
 * map onto them: clean and caught pass, missed and unexpected fail,
 * error is an error, skipped is skipped.
 */
#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "clean_text.h"
#include "finding_line.h"
#include "report.h"

#define X(s) ((const xmlChar *)(s))

/* Counts for a suite's attributes. */
typedef struct counts {
	int tests, failures, errors, skipped;
} counts;

/* XML 1.0 cannot carry every byte a detector prints (control
 * characters, invalid UTF-8); the writer escapes, but cannot repair. */
static int write_text(xmlTextWriterPtr w, const char *s)
{
	char *clean = ck_clean_text(s, CK_TEXT_XML);
	int rc = xmlTextWriterWriteString(w, X(clean));
	free(clean);
	return rc;
}

static int write_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = ck_clean_text(value, CK_TEXT_XML);
	int rc = xmlTextWriterWriteAttribute(w, X(name), X(clean));
	free(clean);
	return rc;
}

static int write_attr_int(xmlTextWriterPtr w, const char *name, int value)
{
	return xmlTextWriterWriteFormatAttribute(w, X(name), "%d", value);
}

static void add_count(counts *c, ck_verdict v)
{
	c->tests++;
	c->failures += v == CK_MISSED || v == CK_UNEXPECTED;
	c->errors += v == CK_ERROR;
	c->skipped += v == CK_SKIPPED;
}

static counts target_counts(const ck_target_result *t)
{
	counts c = {0};
	for (int d = 0; d < CK_NDETECTORS; d++)
		add_count(&c, ck_detector_verdict(t, (ck_detector)d));
	return c;
}

/* The failure's body is what a CI page shows under the test: every
 * finding with its stacks, as a student would read them. */
static void append_finding(FILE *m, const ck_finding *f, bool student)
{
	char *line = student ? ck_finding_line_for_student(f) : ck_finding_line(f);
	fprintf(m, "%s (seed %llu)%s\n", line, (unsigned long long)f->seed,
		f->points_at_bug && !student ? " [points at the bug]" : "");
	free(line);
	if (f->details != NULL) {
		size_t n = strlen(f->details);
		fprintf(m, "%s%s", f->details, n > 0 && f->details[n - 1] == '\n' ? "" : "\n");
	}
	for (size_t i = 0; i < f->nstacks; i++) {
		const ck_stack *s = &f->stacks[i];
		fprintf(m, "  %s\n", s->title ? s->title : "stack");
		for (size_t j = 0; j < s->nframes; j++) {
			char *loc = ck_frame_location(&s->frames[j]);
			const char *fn = s->frames[j].function;
			fprintf(m, "    #%zu %s %s\n", j, fn ? fn : "?", loc);
			free(loc);
		}
	}
}

/* A missed bug's text says what was looked for, then what was found. */
static char *failure_text(const ck_target_result *t, ck_detector d, ck_verdict v, bool student)
{
	const ck_detector_result *r = &t->det[d];
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (m == NULL)
		ck_out_of_memory();
	if (v == CK_MISSED && t->exercise->nbug_lines > 0 && !student) {
		fputs("expected a report naming", m);
		for (size_t i = 0; i < t->exercise->nbug_lines; i++)
			fprintf(m, "%s %s:%d", i == 0 ? "" : " or", t->exercise->bug_lines[i].file,
				t->exercise->bug_lines[i].line);
		fprintf(m, "; %s %s\n", ck_detector_name(d),
			r->findings.n == 0 ? "reported nothing" : "reported:");
	}
	for (size_t i = 0; i < r->findings.n; i++)
		append_finding(m, &r->findings.items[i], student);
	fclose(m);
	return text;
}

/* The message attribute is the one line a CI summary shows. */
static char *failure_message(const ck_target_result *t, ck_detector d, ck_verdict v,
			     bool student)
{
	const char *name = ck_detector_name(d);
	size_t n = t->det[d].findings.n;
	if (student)
		return ck_strdup_printf("%s found %zu problem%s", name, n, n == 1 ? "" : "s");
	if (v == CK_MISSED && n == 0)
		return ck_strdup_printf("%s did not report the bug", name);
	if (v == CK_MISSED)
		return ck_strdup_printf(
		    "%s reported %zu finding(s), none at a bug line or its function", name, n);
	if (t->exercise != NULL && (t->variant == CK_BUGGY || t->variant == CK_PROGRAM))
		return ck_strdup_printf(
		    "%s was not expected to report, but reported %zu finding(s)", name, n);
	return ck_strdup_printf("%s reported %zu finding(s); a %s target must be clean", name, n,
				ck_variant_name(t->variant));
}

/* One element says how the test ended; a passing test has none. */
static int write_outcome(xmlTextWriterPtr w, const ck_target_result *t, ck_detector d, ck_verdict v,
			 bool student)
{
	const ck_detector_result *r = &t->det[d];
	int rc = 0;
	if (v == CK_MISSED || v == CK_UNEXPECTED) {
		char *msg = failure_message(t, d, v, student);
		char *text = failure_text(t, d, v, student);
		/* GitLab shows a failure's first line as its summary. */
		char *body = ck_strdup_printf("%s\n%s", msg, text);
		rc |= xmlTextWriterStartElement(w, X("failure"));
		rc |= write_attr(w, "message", msg);
		rc |= write_attr(w, "type", student ? "found" : ck_verdict_name(v));
		rc |= write_text(w, body);
		free(body);
		rc |= xmlTextWriterEndElement(w);
		free(msg);
		free(text);
	} else if (v == CK_ERROR) {
		const char *why = r->error != NULL ? r->error : t->build_error;
		rc |= xmlTextWriterStartElement(w, X("error"));
		rc |= write_attr(w, "message",
				 r->error != NULL ? "the detector could not run"
						  : "the build failed");
		rc |= write_attr(w, "type", "error");
		rc |= write_text(w, why);
		rc |= xmlTextWriterEndElement(w);
	} else if (v == CK_SKIPPED) {
		rc |= xmlTextWriterWriteElement(w, X("skipped"), X("detector not selected"));
	}
	return rc < 0 ? -1 : 0;
}

/* classname is the target and name the detector: GitLab shows the
 * classname as the suite and keeps only the first of two equal names. */
static int write_testcase(xmlTextWriterPtr w, const ck_target_result *t, ck_detector d,
			  bool student)
{
	ck_verdict v = ck_detector_verdict(t, d);
	int rc = 0;
	rc |= xmlTextWriterStartElement(w, X("testcase"));
	rc |= write_attr(w, "classname", t->target);
	rc |= write_attr(w, "name", ck_detector_name(d));
	rc |= write_attr(w, "time", "0");
	/* GitLab links a test case to its file: the first finding's. */
	const ck_findings *found = &t->det[d].findings;
	if (found->n > 0 && found->items[0].where.file != NULL) {
		ck_frame file_only = {.file = found->items[0].where.file};
		char *file = ck_frame_location(&file_only);
		rc |= write_attr(w, "file", file);
		free(file);
	}
	rc |= write_outcome(w, t, d, v, student);
	rc |= xmlTextWriterEndElement(w);
	return rc < 0 ? -1 : 0;
}

/* Properties carry what a CI page has no column for: the variant and
 * the exercise a target was graded against. */
static int write_properties(xmlTextWriterPtr w, const ck_target_result *t, bool student)
{
	int rc = xmlTextWriterStartElement(w, X("properties"));
	rc |= xmlTextWriterStartElement(w, X("property"));
	rc |= write_attr(w, "name", "variant");
	rc |= write_attr(w, "value", ck_variant_name(t->variant));
	rc |= xmlTextWriterEndElement(w);
	if (t->exercise != NULL && !student) {
		rc |= xmlTextWriterStartElement(w, X("property"));
		rc |= write_attr(w, "name", "exercise");
		rc |= write_attr(w, "value", t->exercise->id);
		rc |= xmlTextWriterEndElement(w);
	}
	rc |= xmlTextWriterEndElement(w);
	return rc < 0 ? -1 : 0;
}

/* Ant's schema, which Jenkins follows, wants a timestamp and a hostname on
 * each suite; the timestamp is UTC without a zone, as there. */
static int write_suite(xmlTextWriterPtr w, const ck_target_result *t, const char *stamp,
		       const char *host, bool student)
{
	counts c = target_counts(t);
	int rc = xmlTextWriterStartElement(w, X("testsuite"));
	rc |= write_attr(w, "name", t->target);
	rc |= write_attr_int(w, "tests", c.tests);
	rc |= write_attr_int(w, "failures", c.failures);
	rc |= write_attr_int(w, "errors", c.errors);
	rc |= write_attr_int(w, "skipped", c.skipped);
	rc |= write_attr(w, "time", "0");
	rc |= write_attr(w, "timestamp", stamp);
	rc |= write_attr(w, "hostname", host);
	rc |= write_properties(w, t, student);
	for (int d = 0; d < CK_NDETECTORS; d++)
		rc |= write_testcase(w, t, (ck_detector)d, student);
	rc |= xmlTextWriterEndElement(w);
	return rc < 0 ? -1 : 0;
}

static int write_document(xmlTextWriterPtr w, const ck_report *r)
{
	char stamp[32], host[256] = "localhost";
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';

	counts all = {0};
	for (size_t i = 0; i < r->ntargets; i++)
		for (int d = 0; d < CK_NDETECTORS; d++)
			add_count(&all, ck_detector_verdict(&r->targets[i], (ck_detector)d));

	int rc = xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterSetIndentString(w, X("  "));
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	rc |= xmlTextWriterStartElement(w, X("testsuites"));
	rc |= write_attr(w, "name", "rrl-check");
	rc |= write_attr_int(w, "tests", all.tests);
	rc |= write_attr_int(w, "failures", all.failures);
	rc |= write_attr_int(w, "errors", all.errors);
	rc |= write_attr_int(w, "skipped", all.skipped);
	rc |= write_attr(w, "time", "0");
	for (size_t i = 0; i < r->ntargets; i++)
		rc |= write_suite(w, &r->targets[i], stamp, host, r->student);
	rc |= xmlTextWriterEndDocument(w); /* closes every open element */
	return rc < 0 ? -1 : 0;
}

/* "-" is stdout. The file is opened here, not by libxml2, which
 * would read a path as a URI ("%20", "?" change its meaning). */
int ck_write_junit(const ck_report *r, const char *path)
{
	bool to_stdout = strcmp(path, "-") == 0;
	FILE *fp = to_stdout ? stdout : fopen(path, "w");
	if (fp == NULL) {
		fprintf(stderr, "rrl-check: cannot write the JUnit report to %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	xmlOutputBufferPtr out = xmlOutputBufferCreateFile(fp, NULL);
	xmlTextWriterPtr w = out != NULL ? xmlNewTextWriter(out) : NULL;
	int rc = w != NULL ? write_document(w, r) : -1;
	if (w != NULL)
		xmlFreeTextWriter(w); /* flushes and frees out; fp stays open */
	else if (out != NULL)
		xmlOutputBufferClose(out);
	if (fflush(fp) != 0)
		rc = -1;
	if (!to_stdout && fclose(fp) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "rrl-check: writing the JUnit report to %s failed\n", path);
	return rc;
}
