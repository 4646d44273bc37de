/*
 * One finding as one line of text (see finding_line.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "clean_text.h"
#include "finding_line.h"

/* Students look for "raft/election.c:88", whatever directory the tree
 * was built in. */
char *ck_frame_location(const ck_frame *f)
{
	const char *file = ck_peer_relative(f->file);
	file = file != NULL ? file : f->file;
	if (file == NULL)
		return ck_strdup("(no location)");
	if (f->line > 0)
		return ck_strdup_printf("%s:%d", file, f->line);
	return ck_strdup(file);
}

/* The line a student acts on: which detector, what kind, which rule,
 * where, and what happened. */
char *ck_finding_line(const ck_finding *f)
{
	char *loc = ck_frame_location(&f->where);
	char *line = ck_strdup_printf(
	    "%s %s rule %d %s%s%s — %s", ck_detector_name(f->detector),
	    f->kind ? f->kind : "finding", f->rule, loc, f->where.function ? " " : "",
	    f->where.function ? f->where.function : "", f->message ? f->message : "");
	free(loc);
	char *clean = ck_clean_text(line, CK_TEXT_LINE);
	free(line);
	return clean;
}
