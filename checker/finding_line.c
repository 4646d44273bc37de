/*
 * One finding as one line of text (see finding_line.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "clean_text.h"
#include "finding_line.h"

/* Students look for "raft/election.c:88", whatever directory the tree
 * was built in. */
char *ck_frame_location(const ck_frame *f)
{
	const char *file = ck_peer_relative(f->file);
	file = file != NULL ? file : f->file;
	char cwd[4096];
	if (file != NULL && file[0] == '/' && getcwd(cwd, sizeof cwd) != NULL) {
		size_t n = strlen(cwd);
		if (strncmp(file, cwd, n) == 0 && file[n] == '/')
			file += n + 1;
	}
	if (file == NULL)
		return ck_strdup("(no location)");
	if (f->line > 0)
		return ck_strdup_printf("%s:%d", file, f->line);
	return ck_strdup(file);
}

/* Which runs reported a finding: " (in the tsan run)", " (in the plain
 * and tsan runs)". Lockdep, the invariants and the watchdog hear from
 * every run, and a student repeats the finding with the right build; a
 * finding only its own detector's run can make (tsan's, from the TSan
 * run) gets no note. */
static void runs_note(const ck_finding *f, char *note, size_t len)
{
	static const int own_run[CK_NDETECTORS] = {
	    [CK_STATIC] = CK_RUN_STATIC, [CK_TSAN] = CK_RUN_TSAN, [CK_HELGRIND] = CK_RUN_HELGRIND,
	    [CK_LOCKDEP] = -1,		 [CK_INVARIANTS] = -1,	  [CK_WATCHDOG] = -1,
	};
	int own = (unsigned)f->detector < CK_NDETECTORS ? own_run[f->detector] : -1;
	note[0] = '\0';
	if (f->found_in == 0 || (own >= 0 && f->found_in == CK_FOUND_IN(own)))
		return;
	int n = 0, total = 0;
	for (int k = 0; k < CK_NRUN_KINDS; k++)
		total += (f->found_in & CK_FOUND_IN(k)) != 0;
	size_t used = (size_t)snprintf(note, len, " (in the");
	for (int k = 0; k < CK_NRUN_KINDS && used < len; k++) {
		if (!(f->found_in & CK_FOUND_IN(k)))
			continue;
		const char *sep = n == 0 ? " " : n == total - 1 ? " and " : ", ";
		used += (size_t)snprintf(note + used, len - used, "%s%s", sep,
					 ck_run_kind_name((ck_run_kind)k));
		n++;
	}
	if (used < len)
		snprintf(note + used, len - used, " run%s)", total == 1 ? "" : "s");
}

/* The line a student acts on: which detector, what kind, which rule,
 * where, and what happened. */
static char *line_of(const ck_finding *f, bool with_rule)
{
	char *loc = ck_frame_location(&f->where);
	char note[64], rule[32] = "";
	runs_note(f, note, sizeof note);
	if (with_rule)
		snprintf(rule, sizeof rule, " rule %d", f->rule);
	char *line = ck_strdup_printf(
	    "%s %s%s %s%s%s — %s%s", ck_detector_name(f->detector), f->kind ? f->kind : "finding",
	    rule, loc, f->where.function ? " " : "", f->where.function ? f->where.function : "",
	    f->message ? f->message : "", note);
	free(loc);
	char *clean = ck_clean_text(line, CK_TEXT_LINE);
	free(line);
	return clean;
}

char *ck_finding_line(const ck_finding *f)
{
	return line_of(f, true);
}

char *ck_finding_line_for_student(const ck_finding *f)
{
	return line_of(f, false);
}
