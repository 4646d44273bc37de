/*
 * Hostile submissions (tests/hostile/ (one .c file each)): each file is one way a
 * submission could attack the machine that grades it or lie about its
 * tests. Each becomes a tree (a copy of raft/ whose raft_make calls the
 * file's hostile_act), and all of them are checked in one sandboxed
 * rrl-check, as a batch of submissions would be. Each file's comment says
 * what must come of it:
 *
 *   expect: refused TEXT        the policy refused it; its reason has TEXT
 *   expect: build-failed TEXT   its build was stopped, saying TEXT
 *   expect: finding DETECTOR [KIND]   it ran, was contained, and DETECTOR
 *                               reported it (with a finding of KIND,
 *                               or of any of KIND|KIND...)
 *   expect: clean               it ran, and nothing it printed counted
 *
 * and none of them may leave a process running or a file outside its
 * directory.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "driver_tests.h"
#include "files.h"

#define OUTPUT "build/checker/hostile.log"
#define JSON "build/checker/hostile.json"

typedef struct hostile {
	char *name;   /* "fork_bomb" */
	char *expect; /* the file's "expect:" line, after the colon */
	char *tree;
} hostile;

static hostile *trees;
static size_t ntrees;
static json_t *report;
static int status = -1;

static char *expectation(const char *source)
{
	char *text = ck_read_file(source);
	char *at = text ? strstr(text, "expect: ") : NULL;
	char *e = at ? ck_strdup_printf("%.*s", (int)strcspn(at + 8, "\n*"), at + 8) : NULL;
	free(text);
	if (e != NULL)
		for (size_t n = strlen(e); n > 0 && e[n - 1] == ' '; n--)
			e[n - 1] = '\0';
	return e;
}

/* The tree: raft/ with the hostile file in it, called first thing in
 * raft_make (every test makes its peers). */
static char *hostile_tree(const char *source)
{
	char *tree = copy_of_raft();
	if (tree == NULL)
		return NULL;
	char *chmod[] = {"chmod", "-R", "a+rX", tree, NULL};
	run_command(chmod, "/dev/null");
	char *dest = ck_strdup_printf("%s/raft/hostile.c", tree);
	char *cp[] = {"cp", (char *)source, dest, NULL};
	run_command(cp, "/dev/null");
	char *raft_c = ck_strdup_printf("%s/raft/raft.c", tree);
	char *src = ck_read_file(raft_c);
	char *make = src ? strstr(src, "raft *raft_make(") : NULL;
	char *body = make ? strchr(make, '{') : NULL;
	if (body != NULL) {
		FILE *f = fopen(raft_c, "w");
		fprintf(f, "%.*svoid hostile_act(void);\n%.*s{ hostile_act();%s", (int)(make - src),
			src, (int)(body - make), make, body + 1);
		fclose(f);
	}
	free(src);
	free(raft_c);
	free(dest);
	return tree;
}

static int check_all(void)
{
	if (geteuid() != 0)
		return 0;
	char **sources = ck_glob("tests/hostile/*.c");
	for (char **s = sources; *s; s++) {
		trees = ck_realloc_array(trees, ntrees + 1, sizeof *trees);
		const char *base = strrchr(*s, '/') + 1;
		trees[ntrees++] = (hostile){.name = ck_strndup(base, strlen(base) - 2),
					    .expect = expectation(*s),
					    .tree = hostile_tree(*s)};
	}
	ck_free_strv(sources);
	const char *argv[64] = {RRL_CHECK,  "--sandbox", "--variant",
				"submission", "-d",	 "static,tsan,lockdep,invariants,watchdog",
				"-s",	      "1",	 "-r",
				"^TestInitialElection3A$", "--no-hunt", "--timeout",
				"120",	      "--json",	 JSON};
	size_t n = 15;
	for (size_t i = 0; i < ntrees && n < 63; i++)
		argv[n++] = trees[i].tree;
	argv[n] = NULL;
	status = run_command((char *const *)argv, OUTPUT);
	report = load_json(JSON);
	return 0;
}

static int clean_up(void)
{
	for (size_t i = 0; i < ntrees; i++) {
		remove_copy(trees[i].tree);
		free(trees[i].name);
		free(trees[i].expect);
	}
	free(trees);
	json_decref(report);
	return 0;
}

static const char *verdict(const json_t *r, const char *detector)
{
	return json_string_value(json_object_get(
	    json_object_get(json_object_get(r, "detectors"), detector), "verdict"));
}

/* kinds: one kind, or several as "a|b", any of which will do. */
static bool has_kind(const json_t *r, const char *detector, const char *kinds)
{
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(json_object_get(json_object_get(r, "detectors"), detector),
					   "findings"),
			   i, f)
	{
		const char *kind = json_string_value(json_object_get(f, "kind"));
		size_t len = strlen(kind);
		for (const char *k = kinds; k != NULL; k = strchr(k, '|') ? strchr(k, '|') + 1 : NULL)
			if (strncmp(k, kind, len) == 0 && (k[len] == '\0' || k[len] == '|'))
				return true;
	}
	return false;
}

/* Does the result meet the file's expectation? Says why not. */
static bool meets(const hostile *h, const json_t *r)
{
	const char *build = json_string_value(json_object_get(r, "build_error"));
	char what[32] = "", arg1[64] = "", arg2[64] = "";
	sscanf(h->expect, "%31s %63s %63s", what, arg1, arg2);
	const char *text = h->expect + strlen(what) + (h->expect[strlen(what)] == ' ');
	bool ok;
	if (strcmp(what, "refused") == 0)
		ok = build != NULL && strstr(build, "refused before it ran") && strstr(build, text);
	else if (strcmp(what, "build-failed") == 0)
		ok = build != NULL && strstr(build, text) != NULL;
	else if (strcmp(what, "finding") == 0)
		ok = build == NULL && verdict(r, arg1) != NULL &&
		     strcmp(verdict(r, arg1), "unexpected") == 0 &&
		     (arg2[0] == '\0' || has_kind(r, arg1, arg2));
	else if (strcmp(what, "clean") == 0) {
		ok = build == NULL;
		const char *dets[] = {"static", "tsan", "lockdep", "invariants", "watchdog"};
		for (size_t i = 0; i < 5; i++)
			ok = ok && strcmp(verdict(r, dets[i]), "clean") == 0;
		const json_t *s = json_array_get(json_object_get(r, "scenarios"), 0);
		ok = ok && json_integer_value(json_object_get(s, "passed")) == 1;
	} else
		ok = false;
	if (!ok)
		fprintf(stderr, "\n  %s: expected '%s'; build: %s; verdicts: tsan %s, invariants %s, "
				"watchdog %s",
			h->name, h->expect, build ? build : "ok", verdict(r, "tsan"),
			verdict(r, "invariants"), verdict(r, "watchdog"));
	return ok;
}

static void test_each_is_refused_or_contained(void)
{
	CU_ASSERT_TRUE_FATAL(ntrees >= 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	for (size_t i = 0; i < ntrees; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(trees[i].expect);
		CU_ASSERT_PTR_NOT_NULL_FATAL(trees[i].tree);
		const json_t *r = result_for(report, trees[i].tree);
		CU_ASSERT_PTR_NOT_NULL(r);
		if (r != NULL)
			CU_ASSERT_TRUE(meets(&trees[i], r));
	}
}

static void test_nothing_left_behind(void)
{
	/* The checker finished and wrote its report. */
	CU_ASSERT_TRUE(status == 1 || status == 2);
	/* No process of the sandbox's user is left running (one killed at the
	 * end may still be a zombie for a moment), no file outside. */
	CU_ASSERT_NOT_EQUAL(system("ps -u nobody -o stat= | grep -qv '^Z'"), 0);
	CU_ASSERT_EQUAL(access("/etc/rrl-hostile", F_OK), -1);
}

void add_hostile_suite(void)
{
	CU_pSuite s = CU_add_suite("hostile submissions", check_all, clean_up);
	if (geteuid() != 0)
		return; /* the sandbox's caps need root */
	CU_add_test(s, "each is refused or contained, and reported",
		    test_each_is_refused_or_contained);
	CU_add_test(s, "nothing is left behind", test_nothing_left_behind);
}
