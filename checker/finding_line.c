/*
 * One finding as one line of text (see finding_line.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "clean_text.h"
#include "finding_line.h"

/* Students look for "raft/election.c:88", whatever directory the tree
 * was built in. */
char *ck_frame_location(const ck_frame *f)
{
	const char *file = ck_peer_relative(f->file);
	file = file != NULL ? file : f->file;
	char *s = NULL;
	int rc;
	if (file == NULL)
		rc = asprintf(&s, "(no location)");
	else if (f->line > 0)
		rc = asprintf(&s, "%s:%d", file, f->line);
	else
		rc = asprintf(&s, "%s", file);
	if (rc < 0)
		abort();
	return s;
}

/* The line a student acts on: which detector, what kind, which rule,
 * where, and what happened. */
char *ck_finding_line(const ck_finding *f)
{
	char *loc = ck_frame_location(&f->where);
	char *line = NULL;
	if (asprintf(&line, "%s %s rule %d %s%s%s — %s", ck_detector_name(f->detector),
		     f->kind ? f->kind : "finding", f->rule, loc, f->where.function ? " " : "",
		     f->where.function ? f->where.function : "", f->message ? f->message : "") < 0)
		abort();
	free(loc);
	char *clean = ck_clean_text(line, CK_TEXT_LINE);
	free(line);
	return clean;
}
