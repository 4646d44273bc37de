/*
 * Builders for checker results in memory (see report_builder.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "files.h"
#include "parsers.h"
#include "parser_fixtures.h"
#include "report_builder.h"

/* Tests state only what matters to them; the rest is "unknown". */
ck_finding rb_finding(ck_detector d, const char *kind, int rule, const char *file, int line,
		      const char *function, const char *message)
{
	ck_finding f = {0};
	f.detector = d;
	f.kind = ck_strdup(kind);
	f.rule = rule;
	f.message = ck_strdup(message);
	f.where.file = ck_strdup(file);
	f.where.line = line;
	f.where.function = ck_strdup(function);
	f.seed = 17;
	f.seconds = 1.5;
	f.occurrences = 1;
	return f;
}

/* The grading looks at stacks, so tests need stacks with chosen frames. */
void rb_add_stack(ck_finding *f, const char *title, int nframes, const ck_frame *frames)
{
	f->stacks = ck_realloc_array(f->stacks, f->nstacks + 1, sizeof *f->stacks);
	ck_stack *s = &f->stacks[f->nstacks++];
	*s = (ck_stack){.title = ck_strdup(title)};
	s->nframes = (size_t)nframes;
	s->frames = ck_calloc((size_t)nframes + 1, sizeof *s->frames);
	for (int i = 0; i < nframes; i++) {
		s->frames[i].function = ck_strdup(frames[i].function);
		s->frames[i].file = ck_strdup(frames[i].file);
		s->frames[i].line = frames[i].line;
	}
}

/* Most tests need one bug line and a set of expected detectors. */
ck_exercise *rb_exercise(const char *id, const char *file, int line,
			 const bool expected[CK_NDETECTORS])
{
	ck_exercise *ex = ck_calloc(1, sizeof *ex);
	ex->id = ck_strdup(id);
	ex->title = ck_strdup("a test exercise");
	ex->rule = 1;
	ex->grade = 2;
	ex->bug_class = ck_strdup("data race");
	if (file != NULL) {
		ex->bug_lines = ck_calloc(1, sizeof *ex->bug_lines);
		ex->bug_lines[0].file = ck_strdup(file);
		ex->bug_lines[0].line = line;
		ex->nbug_lines = 1;
	}
	for (int d = 0; d < CK_NDETECTORS; d++)
		ex->expected[d] = expected != NULL && expected[d];
	return ex;
}

void rb_target(ck_target_result *t, const char *name, ck_variant v, ck_exercise *ex)
{
	memset(t, 0, sizeof *t);
	t->target = ck_strdup(name);
	t->variant = v;
	t->exercise = ex;
	for (int d = 0; d < CK_NDETECTORS; d++) {
		t->det[d].enabled = true;
		t->det[d].runs = 1;
		ck_findings_init(&t->det[d].findings);
	}
}

void rb_add_finding(ck_target_result *t, ck_finding f, double s)
{
	ck_detector_result *r = &t->det[f.detector];
	ck_findings_push(&r->findings, f);
	r->detect_s = ck_realloc_array(r->detect_s, r->ndetect_s + 1, sizeof *r->detect_s);
	r->detect_s[r->ndetect_s++] = s;
	r->detected = (int)r->ndetect_s;
	if (r->runs < r->detected)
		r->runs = r->detected;
}

void rb_target_free(ck_target_result *t)
{
	free(t->target);
	free(t->build_error);
	ck_exercise_free(t->exercise);
	for (int d = 0; d < CK_NDETECTORS; d++) {
		ck_findings_free(&t->det[d].findings);
		free(t->det[d].detect_s);
		free(t->det[d].error);
	}
}

/* Outputs are written to real files, as the driver will. */
ck_finding rb_fixture_line_finding(const char *fixture, const char *kind)
{
	ck_findings lines;
	ck_findings_init(&lines);
	char *text = fixture_text(fixture);
	ck_parse_finding_lines(text, &lines);
	free(text);
	ck_finding f = {0};
	for (size_t i = 0; i < lines.n && f.kind == NULL; i++)
		if (kind == NULL || strcmp(lines.items[i].kind, kind) == 0) {
			f = lines.items[i];
			/* What stays in the list is freed; f is the caller's now. */
			lines.items[i] = ck_finding_new(CK_STATIC, "taken", 0, 0);
		}
	ck_findings_free(&lines);
	return f;
}

char *rb_temp_path(const char *suffix)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *path = ck_strdup_printf("%s/rrl-check-test-XXXXXX%s", dir, suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0) {
		perror(path);
		abort();
	}
	close(fd);
	return path;
}

char *rb_printed(void (*print)(const ck_report *, FILE *, bool), const ck_report *r, bool colour)
{
	char *path = rb_temp_path(".txt");
	FILE *fp = fopen(path, "w");
	print(r, fp, colour);
	fclose(fp);
	char *text = ck_read_file(path);
	unlink(path);
	free(path);
	return text;
}

void rb_report_free(ck_report *r)
{
	for (size_t i = 0; i < r->ntargets; i++)
		rb_target_free(&r->targets[i]);
	free(r->targets);
	free(r->started);
	free(r->command);
	*r = (ck_report){0};
}

int rb_validate(const char *schema, const char *path, bool quiet)
{
	char *cmd = ck_strdup_printf("tests/checker/schemas/validate.py %s '%s' %s", schema, path,
				     quiet ? ">/dev/null" : ">&2");
	int rc = system(cmd);
	free(cmd);
	return rc;
}
