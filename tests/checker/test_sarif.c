/*
 * Tests for the SARIF report (checker/report_sarif.c): real findings (a
 * TSan race between two threads of a buggy peer, a protocol oracle's
 * finding with its history) and made-up ones are written out, checked
 * against the OASIS schema with tests/checker/schemas/validate.py, and read
 * back with jansson.
 */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "checker_tests.h"
#include "files.h"
#include "parser_fixtures.h"
#include "parsers.h"
#include "report_builder.h"

/* The first finding of a fixture's kind, moved out of its list. */
static ck_finding take_first(ck_findings *list, const char *kind)
{
	ck_finding f = {0};
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->items[i].kind, kind) == 0) {
			f = list->items[i];
			list->items[i] = ck_finding_new(CK_STATIC, "taken", 0, 0);
			break;
		}
	return f;
}

/* A buggy tree with a race, an oracle finding, a static warning and a
 * watchdog finding with no location; a submission that did not build. */
static void build_report(ck_report *r, bool student)
{
	*r = (ck_report){.student = student, .seed_first = 1, .seed_last = 3,
			 .started = ck_strdup("2026-12-03T10:00:00"),
			 .command = ck_strdup("rrl-check --sarif out.sarif build/x")};
	r->ntargets = 2;
	r->targets = ck_calloc(2, sizeof *r->targets);
	bool expected[CK_NDETECTORS] = {[CK_TSAN] = true};

	ck_target_result *b = &r->targets[0];
	rb_target(b, "build/exercises/vote-reply/buggy", CK_BUGGY,
		  rb_exercise("vote-reply", "raft/election.c", 120, expected));

	ck_findings races;
	ck_findings_init(&races);
	char *tsan = fixture_text("tsan_raft_vote_reply.txt");
	ck_parse_tsan(tsan, 2, &races);
	free(tsan);
	ck_finding race = take_first(&races, "data-race");
	CU_ASSERT_PTR_NOT_NULL_FATAL(race.kind);
	rb_add_finding(b, race, 0.4);
	ck_findings_free(&races);

	ck_finding oracle = rb_fixture_line_finding("findings_oracle_history.txt", "leader-not-elected");
	CU_ASSERT_PTR_NOT_NULL_FATAL(oracle.kind);
	rb_add_finding(b, oracle, 0.6);

	rb_add_finding(b,
		       rb_finding(CK_STATIC, "requires-lock", 1, "raft/log.c", 7, "log_last",
				  "reading 'log' requires holding mutex 'rf->mu'"),
		       0);
	rb_add_finding(b, rb_finding(CK_WATCHDOG, "timeout", 4, NULL, 0, NULL, "the test ran 120 s"),
		       3);
	b->det[CK_HELGRIND].error = ck_strdup("valgrind is not installed");

	ck_target_result *s = &r->targets[1];
	rb_target(s, "submissions/alice", CK_SUBMISSION, NULL);
	s->build_error = ck_strdup("raft/election.c:3:1: error: expected ';' before '}'");

	for (size_t i = 0; i < r->ntargets; i++)
		ck_grade(&r->targets[i]);
}

/* The report as SARIF in a temporary file (path malloc'd). */
static char *write_sarif(bool student)
{
	ck_report r;
	build_report(&r, student);
	char *path = rb_temp_path(".sarif");
	CU_ASSERT_EQUAL(ck_write_sarif(&r, path), 0);
	rb_report_free(&r);
	return path;
}

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (root == NULL)
		fprintf(stderr, "\n  %s: %s (line %d)\n", path, err.text, err.line);
	return root;
}

static json_t *run_of(json_t *root, size_t i)
{
	return json_array_get(json_object_get(root, "runs"), i);
}

/* The result of a rule in run 0. */
static json_t *result_of(json_t *root, const char *rule_id)
{
	size_t i;
	json_t *res;
	json_array_foreach(json_object_get(run_of(root, 0), "results"), i, res)
	{
		if (strcmp(json_string_value(json_object_get(res, "ruleId")), rule_id) == 0)
			return res;
	}
	return NULL;
}

static const char *uri_of(json_t *location)
{
	return json_string_value(json_object_get(
	    json_object_get(json_object_get(location, "physicalLocation"), "artifactLocation"),
	    "uri"));
}

static void test_schema(void)
{
	for (int student = 0; student <= 1; student++) {
		char *path = write_sarif(student);
		CU_ASSERT_EQUAL(rb_validate("sarif-2.1.0", path, false), 0);
		/* The validator is not a yes-man: one property too many fails. */
		json_t *root = load(path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(root);
		json_object_set_new(run_of(root, 0), "bogus", json_true());
		json_dump_file(root, path, 0);
		CU_ASSERT_NOT_EQUAL(rb_validate("sarif-2.1.0", path, true), 0);
		json_decref(root);
		unlink(path);
		free(path);
	}
}

static void test_runs_results_rules(void)
{
	char *path = write_sarif(false);
	json_t *root = load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(root, "version")), "2.1.0");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(root, "runs")), 2);
	json_t *run = run_of(root, 0);
	json_t *results = json_object_get(run, "results");
	CU_ASSERT_EQUAL(json_array_size(results), 4); /* one per finding */
	json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
					"rules");
	size_t i;
	json_t *res;
	json_array_foreach(results, i, res)
	{
		/* Each result's rule index points at its rule. */
		json_t *rule = json_array_get(rules, json_integer_value(json_object_get(res, "ruleIndex")));
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rule, "id")),
				       json_string_value(json_object_get(res, "ruleId")));
	}
	CU_ASSERT_PTR_NOT_NULL(result_of(root, "tsan/data-race"));
	CU_ASSERT_PTR_NOT_NULL(result_of(root, "invariants/leader-not-elected"));
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(result_of(root, "static/requires-lock"), "level")),
	    "warning");
	/* A finding with no location has none, rather than an empty one. */
	CU_ASSERT_PTR_NULL(json_object_get(result_of(root, "watchdog/timeout"), "locations"));
	/* The runs are told apart for code scanning. */
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(json_object_get(run, "automationDetails"), "id")),
	    "rrl-check/build/exercises/vote-reply/buggy/");
	json_decref(root);
	unlink(path);
	free(path);
}

static void test_race_other_side(void)
{
	char *path = write_sarif(false);
	json_t *root = load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_t *race = result_of(root, "tsan/data-race");
	CU_ASSERT_PTR_NOT_NULL_FATAL(race);
	json_t *related = json_object_get(race, "relatedLocations");
	CU_ASSERT_EQUAL(json_array_size(related), 1);
	json_t *other = json_array_get(related, 0);
	const char *msg = json_string_value(json_object_get(json_object_get(other, "message"), "text"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "the other side: a "));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "holding"));
	/* Both sides are in the peer's code, named relative to the tree. */
	const char *primary = uri_of(json_array_get(json_object_get(race, "locations"), 0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(primary);
	CU_ASSERT_NSTRING_EQUAL(primary, "raft/", 5);
	CU_ASSERT_NSTRING_EQUAL(uri_of(other), "raft/", 5);
	json_decref(root);
	unlink(path);
	free(path);
}

static void test_history_is_one_thread_flow(void)
{
	char *path = write_sarif(false);
	json_t *root = load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_t *oracle = result_of(root, "invariants/leader-not-elected");
	CU_ASSERT_PTR_NOT_NULL_FATAL(oracle);
	json_t *flows = json_object_get(oracle, "codeFlows");
	CU_ASSERT_EQUAL(json_array_size(flows), 1);
	json_t *threads = json_object_get(json_array_get(flows, 0), "threadFlows");
	CU_ASSERT_EQUAL(json_array_size(threads), 1);
	json_t *steps = json_object_get(json_array_get(threads, 0), "locations");
	/* The fixture's history: 3 notes, 4 critical sections, 2 more notes. */
	CU_ASSERT_EQUAL(json_array_size(steps), 9);
	size_t i;
	json_t *step;
	bool ticker_section = false;
	json_array_foreach(steps, i, step)
	{
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(step, "executionOrder")),
				(json_int_t)i + 1);
		const char *msg = json_string_value(json_object_get(
		    json_object_get(json_object_get(step, "location"), "message"), "text"));
		CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
		CU_ASSERT_NSTRING_EQUAL(msg, "peer 2, ", 8);
		if (strstr(msg, "election ticker: raft.mu from election_ticker()") != NULL &&
		    strstr(msg, "through start_election_locked(), become_candidate_locked()") != NULL)
			ticker_section = true;
	}
	CU_ASSERT_TRUE(ticker_section);
	/* A critical section's step is where the lock was taken. */
	CU_ASSERT_STRING_EQUAL(uri_of(json_object_get(json_array_get(steps, 3), "location")),
			       "raft/replication.c");
	json_decref(root);
	unlink(path);
	free(path);
}

/* No absolute path outside originalUriBaseIds, and no rule numbers or
 * bug lines for a student. */
static void test_paths_and_student(void)
{
	char *path = write_sarif(true);
	char *text = ck_read_file(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NULL(strstr(text, "\"uri\": \"/"));
	CU_ASSERT_PTR_NULL(strstr(text, "raftLockingRule"));
	CU_ASSERT_PTR_NULL(strstr(text, "pointsAtBug"));
	free(text);
	json_t *root = load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_t *bases = json_object_get(run_of(root, 0), "originalUriBaseIds");
	CU_ASSERT_PTR_NOT_NULL(json_object_get(bases, "PROJECTROOT"));
	/* The submission's build error is a notification, and the run failed. */
	json_t *inv = json_array_get(json_object_get(run_of(root, 1), "invocations"), 0);
	CU_ASSERT_TRUE(json_is_false(json_object_get(inv, "executionSuccessful")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(inv, "toolExecutionNotifications")), 1);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(run_of(root, 1), "results")), 0);
	json_decref(root);
	unlink(path);
	free(path);

	path = write_sarif(false);
	text = ck_read_file(path);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "raftLockingRule"));
	free(text);
	unlink(path);
	free(path);
}

/* The fingerprint follows the finding, not the run that saw it. */
static void test_fingerprints_stable(void)
{
	char *a = write_sarif(false), *b = write_sarif(true);
	json_t *ra = load(a), *rb = load(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ra);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rb);
	json_t *fa = json_object_get(result_of(ra, "tsan/data-race"), "partialFingerprints");
	json_t *fb = json_object_get(result_of(rb, "tsan/data-race"), "partialFingerprints");
	CU_ASSERT_TRUE(json_equal(fa, fb));
	json_t *other = json_object_get(result_of(ra, "invariants/leader-not-elected"),
					"partialFingerprints");
	CU_ASSERT_FALSE(json_equal(fa, other));
	json_decref(ra);
	json_decref(rb);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

void add_sarif_suite(void)
{
	CU_pSuite s = CU_add_suite("checker SARIF report", NULL, NULL);
	CU_add_test(s, "valid against the OASIS schema", test_schema);
	CU_add_test(s, "a run per target, a result per finding", test_runs_results_rules);
	CU_add_test(s, "a race's other side is a related location", test_race_other_side);
	CU_add_test(s, "an oracle's history is one thread flow", test_history_is_one_thread_flow);
	CU_add_test(s, "relative paths; nothing for a student to skip", test_paths_and_student);
	CU_add_test(s, "fingerprints follow the finding", test_fingerprints_stable);
}
