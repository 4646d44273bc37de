/*
 * Making each run once, however many targets planned it. See share.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "detect.h"
#include "files.h"
#include "share.h"

/* Every file of the tree's raft/ directory, in name order, as one block:
 * name, NUL, length, NUL, contents. Two trees build the same peer when
 * their blocks are equal; comparing the bytes themselves, not a hash of
 * them, leaves no doubt. NULL when a file cannot be read: such a tree is
 * like no other. */
static char *read_sources(const ck_target *t, size_t *len)
{
	char *block = NULL;
	FILE *out = open_memstream(&block, len);
	if (out == NULL)
		ck_out_of_memory();
	char *pattern = ck_strdup_printf("%s/raft/*", t->path);
	char **files = ck_glob(pattern);
	free(pattern);
	bool readable = true;
	for (char **f = files; *f != NULL && readable; f++) {
		char *text = ck_read_file(*f);
		readable = text != NULL;
		if (readable) {
			fprintf(out, "%s%c%zu%c", strrchr(*f, '/') + 1, '\0', strlen(text), '\0');
			fputs(text, out);
		}
		free(text);
	}
	ck_free_strv(files);
	fclose(out);
	if (!readable) {
		free(block);
		return NULL;
	}
	return block;
}

/* Number the targets of jobs[0..n) by their sources: equal sources, equal
 * numbers. Each tree is read once and compared with one tree of each
 * class found so far. A program is a class of its own. */
static void classify_sources(ck_job **jobs, size_t n)
{
	typedef struct {
		char *block;
		size_t len;
	} class_t;
	class_t *classes = NULL;
	int nclasses = 0;
	for (size_t i = 0; i < n; i++) {
		ck_target *t = ((ck_run *)jobs[i]->ctx)->target;
		if (t->sources_class != 0)
			continue;
		size_t len = 0;
		char *block = t->program == NULL ? read_sources(t, &len) : NULL;
		for (int c = 0; block != NULL && c < nclasses && t->sources_class == 0; c++)
			if (classes[c].block != NULL && classes[c].len == len &&
			    memcmp(classes[c].block, block, len) == 0)
				t->sources_class = c + 1;
		if (t->sources_class != 0) {
			free(block);
			continue;
		}
		classes = ck_realloc_array(classes, (size_t)nclasses + 1, sizeof *classes);
		classes[nclasses++] = (class_t){block, len};
		t->sources_class = nclasses;
	}
	for (int c = 0; c < nclasses; c++)
		free(classes[c].block);
	free(classes);
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The same program, the same kind of run, the same seed and scenarios
 * (a hunt lane is its scenarios). The options that shape a run (noise,
 * scale, time limit) are the check's, the same for every target. */
static bool same_run(const ck_run *a, const ck_run *b)
{
	return a->target->sources_class == b->target->sources_class && a->kind == b->kind &&
	       a->seed == b->seed && a->lane == b->lane && same_text(a->scenarios, b->scenarios);
}

/* Say once per pair of targets that they shared. */
static void note_shared(ck_target_result *res, const char *with)
{
	res->shared_runs++;
	for (size_t i = 0; i < res->nshared_with; i++)
		if (strcmp(res->shared_with[i], with) == 0)
			return;
	res->shared_with =
	    ck_realloc_array(res->shared_with, res->nshared_with + 1, sizeof *res->shared_with);
	res->shared_with[res->nshared_with++] = ck_strdup(with);
}

/* The dropped run's files are the kept run's: its collector reads there. */
static void hand_over(ck_run *kept, ck_run *dropped)
{
	free(dropped->logs);
	dropped->logs = ck_strdup(kept->logs);
	kept->sharers =
	    ck_realloc_array(kept->sharers, kept->nsharers + 1, sizeof *kept->sharers);
	kept->sharers[kept->nsharers++] = dropped;
	note_shared(dropped->target->result, kept->target->result->target);
}

void ck_share_same_runs(ck_job **jobs, size_t *n)
{
	classify_sources(jobs, *n);
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++) {
		ck_run *r = jobs[i]->ctx;
		ck_run *twin = NULL;
		for (size_t k = 0; k < kept && twin == NULL && r->target->program == NULL; k++) {
			ck_run *other = jobs[k]->ctx;
			if (other->target != r->target && same_run(other, r))
				twin = other;
		}
		if (twin == NULL) {
			jobs[kept++] = jobs[i];
			continue;
		}
		hand_over(twin, r);
		jobs[i]->ctx = NULL;
		ck_job_free(jobs[i]);
	}
	*n = kept;
}
