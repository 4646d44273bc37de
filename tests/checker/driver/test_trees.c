/*
 * rrl-check on copies of raft/ with one change each, built and run as a
 * student's submission is:
 *
 *   a copy of a trusted header    the build refuses it: exit 2, and the
 *                                 message says which file and why
 *   a leader that aborts          a crash finding made by the peer's process,
 *                                 with the peer's history and the stack
 *   a candidate that keeps its    a failed check and nothing else; the TSan
 *   term                          run must report it to the invariants; the
 *                                 hunt's first lane finds it and ends the
 *                                 seed's other lanes
 *   a snapshot saved in one       the hunt's split crash restarts the server
 *   critical section, the log     between the two, and the invariants see
 *   cut back in another           the disagreement
 *
 * Each takes a few seconds: the peer's files are compiled twice at most,
 * and one short scenario runs per seed.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "driver_tests.h"
#include "files.h"

#define OUTPUT "build/checker/trees.log"

static json_t *detector(json_t *result, const char *name)
{
	return json_object_get(json_object_get(result, "detectors"), name);
}

/* A submission that brings its own raft.h would compile against it and
 * link with a harness built against ours; the build refuses it. */
static void test_a_copy_of_a_trusted_header_is_refused(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char *copy = ck_strdup_printf("%s/raft/raft.h", dir);
	char *cp[] = {"cp", "platform/raft.h", copy, NULL};
	CU_ASSERT_EQUAL_FATAL(run_command(cp, OUTPUT), 0);

	char *json = ck_strdup_printf("%s/report.json", dir);
	char *argv[] = {RRL_CHECK, "-q", "-d", "tsan,invariants", "-s", "1", "--json",
			json,	   dir,	 NULL};
	CU_ASSERT_EQUAL(run_command(argv, OUTPUT), 2);
	json_t *report = load_json(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(report, "exit_status")), 2);
	json_t *result = json_array_get(json_object_get(report, "results"), 0);
	const char *err = json_string_value(json_object_get(result, "build_error"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, copy));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is a copy of a trusted header (platform/raft.h)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Delete the copies"));
	/* Nothing ran: every detector asked for is an error, none clean. */
	CU_ASSERT_STRING_EQUAL(
	    json_string_value(json_object_get(detector(result, "invariants"), "verdict")), "error");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(detector(result, "tsan"), "runs")), 0);
	json_decref(report);
	free(json);
	free(copy);
	remove_copy(dir);
}

/* Issue 6: a failed scenario in a TSan run counted as clean, because only
 * the plain runs were read for the invariants. */
static void test_a_failed_check_under_tsan_is_an_invariants_finding(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_TRUE_FATAL(keep_the_candidates_term(dir));
	char *json = ck_strdup_printf("%s/report.json", dir);
	char *argv[] = {RRL_CHECK, "-q",	"-d",	 "tsan,invariants",
			"-s",	   "1",		"-r",	 "^TestInitialElection3A$",
			"--json",  json,	"--no-hunt", dir,
			NULL};
	CU_ASSERT_EQUAL(run_command(argv, OUTPUT), 1);
	json_t *report = load_json(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	json_t *result = json_array_get(json_object_get(report, "results"), 0);
	json_t *tsan = detector(result, "tsan");
	json_t *invariants = detector(result, "invariants");
	/* No race: TSan is clean. */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tsan, "verdict")), "clean");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(invariants, "verdict")),
			       "unexpected");
	/* One seed, its plain and TSan runs counted once. */
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(invariants, "runs")), 1);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(invariants, "detected")), 1);
	bool from_tsan = false;
	size_t i, k;
	json_t *f, *run;
	json_array_foreach(json_object_get(invariants, "findings"), i, f)
	{
		const char *kind = json_string_value(json_object_get(f, "kind"));
		const char *file = json_string_value(json_object_get(f, "file"));
		if (kind == NULL || strcmp(kind, "check-failed") != 0 || file == NULL ||
		    strcmp(file, "tests/test_3a.c") != 0)
			continue;
		json_array_foreach(json_object_get(f, "found_in"), k, run) from_tsan =
		    from_tsan || strcmp(json_string_value(run), "tsan") == 0;
	}
	CU_ASSERT_TRUE(from_tsan);
	json_decref(report);
	free(json);
	remove_copy(dir);
}

/* Put an abort() at the top of become_leader_locked, with the lock held. */
static bool abort_on_winning(const char *dir)
{
	char *path = ck_strdup_printf("%s/raft/role.c", dir);
	char *text = ck_read_file(path);
	const char *anchor = "\trf->role = RAFT_LEADER;\n";
	char *fn = text ? strstr(text, "\nvoid become_leader_locked(") : NULL;
	char *line = fn ? strstr(fn, anchor) : NULL;
	bool ok = line != NULL;
	FILE *f = ok ? fopen(path, "w") : NULL;
	if (f != NULL) {
		ok = fwrite(text, 1, (size_t)(line - text), f) == (size_t)(line - text) &&
		     fputs("\tabort();\n", f) >= 0 && fputs(line, f) >= 0;
		ok = fclose(f) == 0 && ok;
	} else if (ok) {
		ok = false;
	} else {
		fprintf(stderr, "\n  %s: become_leader_locked no longer has '%s'; update this test\n",
			path, "rf->role = RAFT_LEADER;");
	}
	free(text);
	free(path);
	return ok;
}

/* A crash is reported by the crashing process itself, in the plain build:
 * kind crash, with the stack where it died and the peer's last events (the
 * critical section it died in, taken in raft/), which the runner's
 * "crashed" line alone never had. */
static void test_a_crash_is_a_finding_with_the_peers_history(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_TRUE_FATAL(abort_on_winning(dir));
	char *json = ck_strdup_printf("%s/report.json", dir);
	char *argv[] = {RRL_CHECK, "-q",	  "-d",	   "invariants", "--no-hunt",
			"-s",	   "1",		  "-r",	   "^TestInitialElection3A$",
			"--json",  json,	  dir,	   NULL};
	CU_ASSERT_EQUAL(run_command(argv, OUTPUT), 1);
	json_t *report = load_json(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	json_t *invariants = detector(json_array_get(json_object_get(report, "results"), 0),
				      "invariants");
	int crashes = 0, with_history = 0, with_stack = 0;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(invariants, "findings"), i, f)
	{
		const char *kind = json_string_value(json_object_get(f, "kind"));
		if (kind == NULL || strcmp(kind, "crash") != 0)
			continue;
		crashes++;
		const char *details = json_string_value(json_object_get(f, "details"));
		with_history += details != NULL && strstr(details, "raft/") != NULL;
		with_stack += json_array_size(json_object_get(f, "stacks")) > 0;
	}
	/* Its own report stands for the runner's line: one crash, not two. */
	CU_ASSERT_EQUAL(crashes, 1);
	CU_ASSERT_EQUAL(with_history, 1);
	CU_ASSERT_EQUAL(with_stack, 1);
	json_decref(report);
	free(json);
	remove_copy(dir);
}

/* Split the copy's raft_snapshot in two critical sections, as the
 * snapshot-restart draft does: the snapshot kept and saved in the first,
 * the log cut back to it in the second. False, with a message, when
 * raft_snapshot no longer reads as expected. */
static bool split_the_snapshot_save(const char *dir)
{
	static const char whole[] = "\t\tlog_compact_through(&rf->log, index);\n"
				    "\t\tkeep_snapshot_locked(rf, snapshot, len);\n"
				    "\t\tpersist_locked(rf);\n";
	static const char split[] = "\t\tkeep_snapshot_locked(rf, snapshot, len);\n"
				    "\t\tpersist_locked(rf);\n"
				    "\t\trt_mutex_unlock(&rf->mu);\n"
				    "\t\trt_mutex_lock(&rf->mu);\n"
				    "\t\tlog_compact_through(&rf->log, index);\n"
				    "\t\tpersist_locked(rf);\n";
	char *path = ck_strdup_printf("%s/raft/snapshot.c", dir);
	char *text = ck_read_file(path);
	char *at = text ? strstr(text, whole) : NULL;
	bool ok = at != NULL;
	if (ok) {
		FILE *f = fopen(path, "w");
		ok = f != NULL && fwrite(text, 1, (size_t)(at - text), f) == (size_t)(at - text) &&
		     fputs(split, f) >= 0 && fputs(at + strlen(whole), f) >= 0;
		if (f != NULL)
			ok = fclose(f) == 0 && ok;
	} else {
		fprintf(stderr, "\n  %s: raft_snapshot no longer cuts the log, keeps the snapshot "
				"and saves in that order; update this test\n", path);
	}
	free(text);
	free(path);
	return ok;
}

/* Give the copy in dir election timeouts a hundred times too long: no
 * leader comes within the tester's 5 s, which is a too-slow failure and
 * nothing else. */
static bool slow_the_elections(const char *dir)
{
	static const char *const lines[][2] = {
	    {"#define ELECTION_TIMEOUT_MIN_MS 300 ", "#define ELECTION_TIMEOUT_MIN_MS 30000 "},
	    {"#define ELECTION_TIMEOUT_MAX_MS 600 ", "#define ELECTION_TIMEOUT_MAX_MS 60000 "},
	};
	char *path = ck_strdup_printf("%s/raft/raft_internal.h", dir);
	char *text = ck_read_file(path);
	bool ok = text != NULL;
	for (size_t i = 0; ok && i < 2; i++) {
		char *at = strstr(text, lines[i][0]);
		if (at == NULL) {
			fprintf(stderr, "\n  %s: no '%s'; update this test\n", path, lines[i][0]);
			ok = false;
			break;
		}
		char *longer = ck_strdup_printf("%.*s%s%s", (int)(at - text), text, lines[i][1],
						at + strlen(lines[i][0]));
		free(text);
		text = longer;
	}
	FILE *f = ok ? fopen(path, "w") : NULL;
	if (f != NULL)
		ok = fputs(text, f) >= 0 && fclose(f) == 0;
	else
		ok = false;
	free(text);
	free(path);
	return ok;
}

/* Counts the lines of path that hold both a and b. */
static int lines_with_both(const char *path, const char *a, const char *b)
{
	char *text = ck_read_file(path);
	int n = 0;
	for (char *line = text ? strtok(text, "\n") : NULL; line != NULL; line = strtok(NULL, "\n"))
		n += strstr(line, a) != NULL && strstr(line, b) != NULL;
	free(text);
	return n;
}

/* The hunt (checker/README.md): its settings are in the report, and a
 * seed is detected once. Every lane's first scenario needs an election,
 * which this peer cannot win, so whichever lane runs first (-j 1) finds
 * the bug, and the other three never start. */
static void test_the_hunt_ends_a_seed_at_its_first_finding(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_TRUE_FATAL(keep_the_candidates_term(dir));
	char *json = ck_strdup_printf("%s/report.json", dir);
	/* Not a submission, whose lanes all run to their end (it is graded). */
	char *argv[] = {RRL_CHECK, "-v",   "-j",   "1",	 "-d", "invariants", "-s", "1",
			"-r",	   "^TestInitialElection3A$", "--variant", "reference", "--json",
			json,	   dir,	 NULL};
	CU_ASSERT_EQUAL(run_command(argv, OUTPUT), 1);
	json_t *report = load_json(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	json_t *hunt = json_object_get(json_object_get(report, "check"), "hunt");
	CU_ASSERT_DOUBLE_EQUAL(json_number_value(json_object_get(hunt, "noise")), 0.2, 1e-9);
	/* Six lanes, two of them only for checks of 3D scenarios, which this
	 * one is not: so four ran, and three of them were skipped. */
	json_t *lanes = json_object_get(hunt, "lanes");
	CU_ASSERT_EQUAL(json_array_size(lanes), 6);
	size_t only_3d = 0, l;
	json_t *lane;
	json_array_foreach(lanes, l, lane) only_3d += json_object_get(lane, "only_with") != NULL;
	CU_ASSERT_EQUAL(only_3d, 2);
	/* Split crashes in the two lanes whose tests crash servers. */
	size_t split_crashes = 0;
	json_array_foreach(lanes, l, lane) split_crashes +=
	    json_is_true(json_object_get(lane, "split_crashes"));
	CU_ASSERT_EQUAL(split_crashes, 2);
	json_t *invariants = detector(json_array_get(json_object_get(report, "results"), 0),
				      "invariants");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(invariants, "detected")), 1);
	bool from_hunt = false;
	size_t i, k;
	json_t *f, *run;
	json_array_foreach(json_object_get(invariants, "findings"), i, f)
	    json_array_foreach(json_object_get(f, "found_in"), k, run) from_hunt =
		from_hunt || strcmp(json_string_value(run), "hunt") == 0;
	CU_ASSERT_TRUE(from_hunt);
	CU_ASSERT_EQUAL(lines_with_both(OUTPUT, " hunt-", ": 0.0 s, skipped"), 3);
	json_decref(report);
	free(json);
	remove_copy(dir);
}

/* A test that is only too slow exits with a status of its own, which the
 * checker reads as a too-slow finding, and which the runner's
 * -failfast-safety (the hunt's lanes) goes on past where -failfast stops. */
static void test_a_too_slow_test_does_not_stop_a_safety_failfast(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_TRUE_FATAL(slow_the_elections(dir));
	char *json = ck_strdup_printf("%s/report.json", dir);
	char *check[] = {RRL_CHECK, "-q",   "-d", "invariants", "--no-hunt", "-s", "1", "-r",
			 "^TestInitialElection3A$", "--json", json, dir, NULL};
	CU_ASSERT_EQUAL(run_command(check, OUTPUT), 1);
	json_t *report = load_json(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	json_t *invariants = detector(json_array_get(json_object_get(report, "results"), 0),
				      "invariants");
	json_t *first = json_array_get(json_object_get(invariants, "findings"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(first, "kind")), "too-slow");

	char *runner = ck_strdup_printf("build/check/%s/plain/raft-tests", strrchr(dir, '/') + 1);
	char *safety[] = {runner, "-run", "^TestInitialElection3A$", "-count", "2", "-seed", "1",
			  "-failfast-safety", NULL};
	CU_ASSERT_EQUAL(run_command(safety, OUTPUT), 1);
	CU_ASSERT_EQUAL(lines_with_both(OUTPUT, "too slow: ", "exit status 4"), 2);
	CU_ASSERT_EQUAL(lines_with_both(OUTPUT, "--- FAIL: ", "TestInitialElection3A"), 2);
	char *any[] = {runner, "-run", "^TestInitialElection3A$", "-count", "2", "-seed", "1",
		       "-failfast", NULL};
	CU_ASSERT_EQUAL(run_command(any, OUTPUT), 1);
	CU_ASSERT_EQUAL(lines_with_both(OUTPUT, "--- FAIL: ", "TestInitialElection3A"), 1);
	free(runner);
	json_decref(report);
	free(json);
	remove_copy(dir);
}

/* The snapshot lanes hunt only in a check of 3D scenarios (hunt.c): a
 * 3A-3C submission need not take snapshots. The runs are stopped after
 * 2 s (--timeout), which leaves the invariants unable to judge (exit 2):
 * what is asked is only which lanes were started. */
static void test_the_snapshot_lanes_hunt_only_in_a_3d_check(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char *argv_3d[] = {RRL_CHECK, "-v", "-j", "2", "-d", "invariants", "-s", "1", "--timeout",
			   "2", "-r", "^TestSnapshotInit3D$", dir, NULL};
	run_command(argv_3d, OUTPUT);
	CU_ASSERT_TRUE(lines_with_both(OUTPUT, "still running after 2 s", "the checker stopped it") > 0);
	CU_ASSERT_TRUE(lines_with_both(OUTPUT, " hunt-snapshot-crashes", "seed 1") > 0);
	CU_ASSERT_TRUE(lines_with_both(OUTPUT, " hunt-snapshot-installs", "seed 1") > 0);
	char *argv_3a[] = {RRL_CHECK, "-v", "-j", "2", "-d", "invariants", "-s", "1", "--timeout",
			   "2", "-r", "^TestInitialElection3A$", dir, NULL};
	run_command(argv_3a, OUTPUT);
	CU_ASSERT_TRUE(lines_with_both(OUTPUT, " hunt-elections", "seed 1") > 0);
	CU_ASSERT_EQUAL(lines_with_both(OUTPUT, " hunt-snapshot", "seed 1"), 0);
	remove_copy(dir);
}

/* A save split from the state it belongs with breaks no data-race rule
 * and passes the tests nearly always. The hunt's split crash restarts the
 * server while its service's thread is between the two sections: the
 * snapshot it restarts with is newer than its log's base. */
static void test_a_split_crash_shows_a_save_split_from_its_state(void)
{
	char *dir = copy_of_raft();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_TRUE_FATAL(split_the_snapshot_save(dir));
	char *json = ck_strdup_printf("%s/report.json", dir);
	char *argv[] = {RRL_CHECK, "-q",   "-d", "invariants", "-s", "1",  "-r",
			"^TestSnapshotBasic3D$", "--json", json,       dir,  NULL};
	CU_ASSERT_EQUAL(run_command(argv, OUTPUT), 1);
	json_t *report = load_json(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(report);
	json_t *invariants = detector(json_array_get(json_object_get(report, "results"), 0),
				      "invariants");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(invariants, "detected")), 1);
	char *log = ck_strdup_printf("build/check/%s/logs/hunt-snapshot-crashes.seed1.out",
				     strrchr(dir, '/') + 1);
	CU_ASSERT_TRUE(lines_with_both(log, "split crash: server", "between two critical sections") > 0);
	json_decref(report);
	free(log);
	free(json);
	remove_copy(dir);
}

void add_trees_suite(void)
{
	CU_pSuite s = CU_add_suite("rrl-check on changed copies of raft/", NULL, NULL);
	CU_add_test(s, "a copy of a trusted header: exit 2 and a message naming it",
		    test_a_copy_of_a_trusted_header_is_refused);
	CU_add_test(s, "a crash is a finding with the peer's history and its stack",
		    test_a_crash_is_a_finding_with_the_peers_history);
	CU_add_test(s, "the hunt ends a seed at its first finding, and says how it ran",
		    test_the_hunt_ends_a_seed_at_its_first_finding);
	CU_add_test(s, "a failed check under TSan is an invariants finding of the tsan run",
		    test_a_failed_check_under_tsan_is_an_invariants_finding);
	CU_add_test(s, "the snapshot lanes hunt only in a check of 3D scenarios",
		    test_the_snapshot_lanes_hunt_only_in_a_3d_check);
	CU_add_test(s, "a too-slow test does not stop -failfast-safety, and -failfast it does",
		    test_a_too_slow_test_does_not_stop_a_safety_failfast);
	CU_add_test(s, "a split crash shows a save split from the state it belongs with",
		    test_a_split_crash_shows_a_save_split_from_its_state);
}
