/*
 * Resolving the command line's targets. See target.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "files.h"
#include "target.h"

/* A target that cannot be checked stops everything before any
 * build starts, with a sentence that says what to do. */
static void __attribute__((noreturn, format(printf, 1, 2))) bad_target(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "rrl-check: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* The Makefile is handed the tree's path; make splits words at
 * spaces and gives $ : # % meanings of their own. */
static void check_make_safe(const char *arg, const char *path)
{
	for (const char *p = path; *p; p++)
		if (isspace((unsigned char)*p) || strchr("$:#%*?[]\\\"'", *p))
			bad_target("'%s': its path %s contains '%c', which make cannot handle; "
				   "copy the tree to a path without spaces or special characters",
				   arg, path, *p);
}

/* The commonest mistakes are naming raft/ itself or a file. */
static char *resolve_tree(const char *arg)
{
	char *path = realpath(arg, NULL);
	if (path == NULL)
		bad_target("target '%s' does not exist; give a directory holding raft/ "
			   "('.' for the reference)",
			   arg);
	if (!ck_is_dir(path))
		bad_target("target '%s' is a file; give the directory that holds raft/, or use "
			   "--program for a program in tests/programs/",
			   arg);
	char *raft = ck_strdup_printf("%s/raft", path);
	if (!ck_is_dir(raft)) {
		const char *base = strrchr(path, '/');
		if (base != NULL && strcmp(base, "/raft") == 0)
			bad_target("target '%s' is a raft/ directory; give the directory that "
				   "holds it: '%s/..'",
				   arg, arg);
		bad_target("target '%s' has no raft/ directory; give the directory that holds "
			   "raft/ (for the reference, the project root)",
			   arg);
	}
	char *pattern = ck_strdup_printf("%s/*.c", raft);
	char **sources = ck_glob(pattern);
	if (sources[0] == NULL)
		bad_target("target '%s': %s holds no .c files; put the peer's sources there", arg,
			   raft);
	ck_free_strv(sources);
	free(pattern);
	free(raft);
	check_make_safe(arg, path);
	return path;
}

/* A tree can say what it is (materialised exercises do) so that the
 * grading knows whether findings are expected. */
static int variant_from_file(const char *arg, const char *path)
{
	char *file = ck_strdup_printf("%s/variant", path);
	char *text = ck_read_file(file);
	free(file);
	if (text == NULL)
		return -1;
	text[strcspn(text, " \t\r\n")] = '\0';
	static const char *const names[] = {"reference", "buggy", "fixed", "submission"};
	for (int v = 0; v < 4; v++)
		if (strcmp(text, names[v]) == 0) {
			free(text);
			return v;
		}
	bad_target("target '%s': its file 'variant' says '%s'; it must say reference, buggy, "
		   "fixed or submission",
		   arg, text);
}

/* The variant decides what counts as a pass; see report.h. */
static ck_variant decide_variant(const ck_options *o, const char *arg, const char *path,
				 const char *root, bool has_exercise)
{
	if (o->variant >= 0)
		return (ck_variant)o->variant;
	int from_file = variant_from_file(arg, path);
	if (from_file >= 0)
		return (ck_variant)from_file;
	if (strcmp(path, root) == 0)
		return CK_REFERENCE;
	return has_exercise ? CK_BUGGY : CK_SUBMISSION;
}

/* exercise.json is optional, but a broken one must not be ignored. */
static ck_exercise *load_exercise(const char *json_path)
{
	if (access(json_path, F_OK) != 0)
		return NULL;
	char err[512];
	ck_exercise *ex = ck_exercise_load(json_path, err, sizeof err);
	if (ex == NULL)
		bad_target("%s; fix the exercise metadata (format: checker/README.md)", err);
	return ex;
}

/* build/check/<name> must be one directory per target, readable in a
 * listing, whatever characters the path has. */
static char *sanitised_name(const char *path, const char *root, const char *program)
{
	char *name;
	size_t rootlen = strlen(root);
	if (program != NULL)
		name = ck_strdup_printf("program-%s", program);
	else if (strcmp(path, root) == 0)
		name = ck_strdup("reference");
	else if (strncmp(path, root, rootlen) == 0 && path[rootlen] == '/')
		name = ck_strdup(path + rootlen + 1);
	else
		name = ck_strdup(strrchr(path, '/') + 1);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '-';
		else if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			*p = '_';
	return name;
}

/* Two targets named alike (a/raft-tree, b/raft-tree) must not share a
 * build directory. */
static char *unique_name(char *name, const ck_target *done, size_t ndone)
{
	for (int k = 2;; k++) {
		bool clash = false;
		for (size_t i = 0; i < ndone && !clash; i++)
			clash = strcmp(done[i].name, name) == 0;
		if (!clash)
			return name;
		char *base = ck_strdup(name);
		char *dash = strrchr(base, '-');
		if (k > 2 && dash != NULL)
			*dash = '\0';
		free(name);
		name = ck_strdup_printf("%s-%d", base, k);
		free(base);
	}
}

/* Only programs in tests/programs/ can be built: the Makefile links them
 * with the runtime, which is what lets lockdep and the watchdog see
 * them. */
static char *resolve_program(const char *arg, const char *root, char **name_out)
{
	char *path = realpath(arg, NULL);
	if (path == NULL)
		bad_target("program '%s' does not exist; the programs are in tests/programs/", arg);
	char *dir = ck_strdup_printf("%s/tests/programs/", root);
	size_t len = strlen(path);
	const char *base = path + strlen(dir);
	if (strncmp(path, dir, strlen(dir)) != 0 || strchr(base, '/') != NULL || len < 3 ||
	    strcmp(path + len - 2, ".c") != 0 || strcmp(base, "program.c") == 0)
		bad_target("--program '%s': give a program's .c file in %s (e.g. "
			   "tests/programs/race.c); only those are built with the runtime",
			   arg, dir);
	*name_out = ck_strndup(base, strlen(base) - 2);
	free(dir);
	return path;
}

/* A tree and a program differ only in where their files are. */
static void fill_tree(ck_target *t, const ck_options *o, const char *arg, const char *root)
{
	t->path = resolve_tree(arg);
	char *json = ck_strdup_printf("%s/exercise.json", t->path);
	ck_exercise *ex = load_exercise(json);
	free(json);
	t->result->exercise = ex;
	t->result->variant = decide_variant(o, arg, t->path, root, ex != NULL);
	const char *scenarios = ex != NULL ? ex->scenarios : NULL;
	const char *hg_scenarios = ex != NULL ? ex->helgrind_scenarios : NULL;
	t->run = o->run ? o->run : scenarios ? scenarios : CK_DEFAULT_RUN;
	t->helgrind_run = o->helgrind_run ? o->helgrind_run
			  : o->run	  ? o->run
			  : hg_scenarios  ? hg_scenarios
			  : scenarios	  ? scenarios
					  : CK_DEFAULT_HELGRIND_RUN;
}

static void fill_program(ck_target *t, const char *arg, const char *root)
{
	t->path = resolve_program(arg, root, &t->program);
	char *json = ck_strdup_printf("%.*s.json", (int)(strlen(t->path) - 2), t->path);
	t->result->exercise = load_exercise(json);
	free(json);
	t->result->variant = CK_PROGRAM;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(ck_target *const *)a)->name, (*(ck_target *const *)b)->name);
}

/* A second rrl-check on the same target waits for the first. The locks
 * are taken in name order: two checkers taking them in different
 * orders could each hold one and wait for the other for ever. */
static void lock_in_name_order(ck_target *targets, size_t n, const char *root)
{
	ck_target **sorted = ck_calloc(n, sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[i] = &targets[i];
	qsort(sorted, n, sizeof *sorted, by_name);
	for (size_t i = 0; i < n; i++) {
		char *out = ck_strdup_printf("%s/%s", root, sorted[i]->out);
		if (ck_lock_dir(out, sorted[i]->name) < 0)
			bad_target("cannot create %s: %s", out, strerror(errno));
		free(out);
	}
	free(sorted);
}

ck_target *ck_targets_resolve(const ck_options *o, const char *root, ck_report *report,
			      size_t *ntargets)
{
	size_t n = o->ntrees + o->nprograms;
	ck_target *targets = ck_calloc(n, sizeof *targets);
	report->targets = ck_calloc(n, sizeof *report->targets);
	report->ntargets = n;
	for (size_t i = 0; i < n; i++) {
		ck_target *t = &targets[i];
		bool tree = i < o->ntrees;
		const char *arg = tree ? o->trees[i] : o->programs[i - o->ntrees];
		t->result = &report->targets[i];
		t->result->target = ck_strdup(arg);
		for (int d = 0; d < CK_NDETECTORS; d++)
			t->result->det[d].enabled = o->detectors[d];
		if (tree)
			fill_tree(t, o, arg, root);
		else
			fill_program(t, arg, root);
		t->result->path = ck_strdup(t->path);
		t->name = unique_name(sanitised_name(t->path, root, t->program), targets, i);
		t->out = ck_strdup_printf("build/check/%s", t->name);
	}
	lock_in_name_order(targets, n, root);
	*ntargets = n;
	return targets;
}

char *ck_target_binary(const ck_target *t, const char *flavour)
{
	if (t->program != NULL)
		return ck_strdup_printf("build/%s/programs/%s", flavour, t->program);
	return ck_strdup_printf("%s/%s/raft-tests", t->out, flavour);
}
