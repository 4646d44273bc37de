/*
 * Fixture reading and finding look-ups for the parser tests.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "files.h"
#include "parser_fixtures.h"

/* The tests run from the repository root (make), or from anywhere with
 * CK_FIXTURES pointing at the fixtures. */
char *fixture_path(const char *name)
{
	const char *dir = getenv("CK_FIXTURES");
	return ck_strdup_printf("%s/%s", dir && *dir ? dir : "tests/checker/fixtures", name);
}

char *fixture_text(const char *name)
{
	char *path = fixture_path(name);
	char *text = ck_read_file(path);
	if (text == NULL || *text == '\0') {
		fprintf(stderr,
			"\ncannot read %s: run from the repository root, or set CK_FIXTURES "
			"to tests/checker/fixtures\n",
			path);
		CU_FAIL("fixture missing");
		free(text);
		text = ck_strdup("");
	}
	free(path);
	return text;
}

bool ends_with(const char *s, const char *suffix)
{
	if (s == NULL || suffix == NULL)
		return false;
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int count_kind(const ck_findings *list, const char *kind)
{
	int n = 0;
	for (size_t i = 0; i < list->n; i++)
		n += strcmp(list->items[i].kind, kind) == 0;
	return n;
}

const ck_finding *find_at(const ck_findings *list, const char *kind, const char *file_suffix,
			  int line)
{
	for (size_t i = 0; i < list->n; i++) {
		const ck_finding *f = &list->items[i];
		if (strcmp(f->kind, kind) == 0 && ends_with(f->where.file, file_suffix) &&
		    (line == 0 || f->where.line == line))
			return f;
	}
	return NULL;
}

const ck_stack *stack_titled(const ck_finding *f, const char *prefix)
{
	for (size_t i = 0; f != NULL && i < f->nstacks; i++)
		if (f->stacks[i].title && ck_starts_with(f->stacks[i].title, prefix))
			return &f->stacks[i];
	return NULL;
}

bool has_frame(const ck_stack *s, const char *function, const char *file_suffix, int line)
{
	for (size_t i = 0; s != NULL && i < s->nframes; i++) {
		const ck_frame *fr = &s->frames[i];
		if (fr->function && strcmp(fr->function, function) == 0 &&
		    ends_with(fr->file, file_suffix) && (line == 0 || fr->line == line))
			return true;
	}
	return false;
}
