/*
 * Source excerpts and history timelines for the reports. See finding_view.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "files.h"
#include "finding_line.h"
#include "finding_view.h"

/* The file a frame names, on this machine (malloc'd; NULL when file is). */
static char *source_path(const char *tree_path, const char *file)
{
	const char *rel = ck_peer_relative(file);
	if (rel != NULL && tree_path != NULL)
		return ck_strdup_printf("%s/%s", tree_path, rel);
	return file != NULL ? ck_strdup(file) : NULL;
}

bool ck_excerpt_read(ck_excerpt *x, const char *tree_path, const ck_frame *f, int context)
{
	*x = (ck_excerpt){0};
	char *path = f->line > 0 ? source_path(tree_path, f->file) : NULL;
	char *text = path != NULL ? ck_read_file(path) : NULL;
	free(path);
	if (text == NULL)
		return false;
	int n = 1;
	for (char *line = text; *line != '\0'; n++) {
		size_t len = strcspn(line, "\n");
		if (n >= f->line - context && n <= f->line + context) {
			if (x->n == 0)
				x->first = n;
			x->lines = ck_realloc_array(x->lines, x->n + 1, sizeof *x->lines);
			x->lines[x->n++] = ck_strndup(line, len);
		}
		line += len + (line[len] == '\n');
	}
	free(text);
	x->hit = f->line;
	if (x->n == 0 || f->line >= x->first + (int)x->n) {
		ck_excerpt_free(x);
		return false;
	}
	return true;
}

void ck_excerpt_free(ck_excerpt *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->lines[i]);
	free(x->lines);
	*x = (ck_excerpt){0};
}

char *ck_event_thread(const ck_event *e)
{
	if (e->peer >= 0)
		return ck_strdup_printf("peer %d, %s", e->peer, e->thread ? e->thread : "thread");
	return ck_strdup(e->thread != NULL ? e->thread : "harness");
}

/* text, then sep and "through f(), g()": the _locked functions a
 * section ran, if any. Takes text over. */
static char *with_through(char *text, const char *sep, const ck_event *e)
{
	for (size_t i = 0; i < e->nthrough; i++) {
		char *more = ck_strdup_printf("%s%s %s()", text, i == 0 ? sep : ",",
					      e->through[i].function ? e->through[i].function : "?");
		free(text);
		text = more;
	}
	return text;
}

/* text, then sep and "saving the peer's state" if the section did.
 * Takes text over. */
static char *with_saving(char *text, const char *sep, const ck_event *e)
{
	if (!e->saved)
		return text;
	char *more = ck_strdup_printf("%s%s" CK_SAVED_NOTE, text, sep);
	free(text);
	return more;
}

char *ck_event_text(const ck_event *e)
{
	if (e->note != NULL)
		return ck_strdup(e->note);
	char *from = ck_frame_location(&e->acquire);
	char *to = e->release.file ? ck_frame_location(&e->release) : ck_strdup("(still held)");
	char *text = ck_strdup_printf("%s held\nfrom %s %s()\nto %s", e->lock ? e->lock : "a lock",
				      from, e->acquire.function ? e->acquire.function : "?", to);
	free(from);
	free(to);
	return with_saving(with_through(text, "\nthrough", e), "\n", e);
}

static const char *base_name(const char *file)
{
	const char *slash = file != NULL ? strrchr(file, '/') : NULL;
	return slash != NULL ? slash + 1 : file != NULL ? file : "?";
}

char *ck_event_brief(const ck_event *e)
{
	if (e->note != NULL)
		return ck_strdup(e->note);
	const char *lock = e->lock ? e->lock : "a lock";
	char *where;
	if (e->release.file == NULL)
		where = ck_strdup_printf("%s:%d, still held", base_name(e->acquire.file),
					 e->acquire.line);
	else if (strcmp(base_name(e->acquire.file), base_name(e->release.file)) == 0)
		where = ck_strdup_printf("%s:%d-%d", base_name(e->acquire.file), e->acquire.line,
					 e->release.line);
	else
		where = ck_strdup_printf("%s:%d-%s:%d", base_name(e->acquire.file), e->acquire.line,
					 base_name(e->release.file), e->release.line);
	char *text = ck_strdup_printf("%s held, %s, %s()", lock, where,
				      e->acquire.function ? e->acquire.function : "?");
	free(where);
	return with_saving(with_through(text, ", through", e), ", ", e);
}

int ck_timeline_column(char *const *columns, size_t ncolumns, const ck_event *e)
{
	char *label = ck_event_thread(e);
	int found = -1;
	for (size_t c = 0; c < ncolumns && found < 0; c++)
		if (strcmp(columns[c], label) == 0)
			found = (int)c;
	free(label);
	return found;
}

size_t ck_timeline_columns(const ck_event *events, size_t n, char **columns, size_t max)
{
	size_t ncolumns = 0;
	for (size_t i = 0; i < n && ncolumns < max; i++)
		if (ck_timeline_column(columns, ncolumns, &events[i]) < 0)
			columns[ncolumns++] = ck_event_thread(&events[i]);
	return ncolumns;
}
