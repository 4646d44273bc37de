/*
 * The SARIF 2.1.0 report, for code scanning (GitHub's, GitLab's, an
 * editor's SARIF viewer): one run per target, one result per finding.
 * Built as a jansson tree, like the JSON report. What goes where:
 * checker/README.md, "SARIF report".
 *
 *   rule id       "<detector>/<kind>": "tsan/data-race",
 *                 "invariants/vote-twice"; the same in every report
 *   location      the finding's primary location, its file relative to
 *                 the tree ("raft/election.c")
 *   related       a data race's other side, with the locks it held
 *   code flow     a protocol oracle's history, as one thread flow: the
 *                 interleaving that led to the finding, in order
 *
 * A student's report (--student) leaves out what gives the answer away,
 * as the other outputs do: the rule numbers and the bug lines.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "finding_view.h"
#include "json_file.h"
#include "report.h"

#ifndef RRL_CHECK_VERSION
#define RRL_CHECK_VERSION "0.1.0"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* The bases artifact paths are relative to: the tree that was checked
 * (its raft/ files), and the project (the harness, the tests, programs). */
#define SRCROOT "SRCROOT"
#define PROJECTROOT "PROJECTROOT"

/* SARIF's message object. */
static json_t *message(const char *s)
{
	return json_pack("{s:o}", "text", ck_json_text(s));
}

/* A URI reference may not hold spaces, '%', '#', '?' and the like as
 * they are; a path's other characters stay readable. */
static char *uri_escape(const char *path)
{
	static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789-._~/";
	size_t n = strlen(path);
	char *out = ck_calloc(3 * n + 1, 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (strchr(keep, *p) != NULL)
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	return out;
}

/* A detector prints absolute paths; SARIF wants them relative, so code
 * scanning can find them in the student's repository. Peer files become
 * "raft/<file>.c" under the tree, files under the current directory (the
 * project root: the harness, the tests) relative to it; *base says which.
 * NULL for a file elsewhere (a system header, the C library). */
static const char *relative_file(const char *file, const char **base)
{
	if (file == NULL)
		return NULL;
	const char *rel = ck_peer_relative(file);
	*base = SRCROOT;
	if (rel != NULL)
		return rel;
	*base = PROJECTROOT;
	if (file[0] != '/')
		return file;
	char cwd[4096];
	if (getcwd(cwd, sizeof cwd) != NULL) {
		size_t n = strlen(cwd);
		if (strncmp(file, cwd, n) == 0 && file[n] == '/')
			return file + n + 1;
	}
	return NULL;
}

/* A physicalLocation, or NULL when the frame has no place in the tree. */
static json_t *physical_location(const ck_frame *f)
{
	const char *base;
	const char *rel = relative_file(f->file, &base);
	if (rel == NULL)
		return NULL;
	char *uri = uri_escape(rel);
	json_t *o = json_pack("{s:{s:s, s:s}}", "artifactLocation", "uri", uri, "uriBaseId", base);
	free(uri);
	if (f->line > 0)
		json_object_set_new(o, "region", json_pack("{s:i}", "startLine", f->line));
	return o;
}

/* A location: where, and the function it is in; msg may be NULL. */
static json_t *location(const ck_frame *f, const char *msg)
{
	json_t *o = json_object();
	json_t *phys = physical_location(f);
	if (phys != NULL)
		json_object_set_new(o, "physicalLocation", phys);
	if (f->function != NULL)
		json_object_set_new(o, "logicalLocations",
				    json_pack("[{s:o, s:s}]", "name", ck_json_text(f->function), "kind",
					      "function"));
	if (msg != NULL)
		json_object_set_new(o, "message", message(msg));
	return o;
}

/* ---- Rules -------------------------------------------------------------- */

/* The rules a run's results refer to, in the order first met. */
typedef struct rules {
	json_t *array;
	char **ids;
	size_t n;
} rules;

static char *rule_id(const ck_finding *f)
{
	return ck_strdup_printf("%s/%s", ck_detector_name(f->detector),
				f->kind != NULL ? f->kind : "finding");
}

/* "data-race" -> "DataRace": SARIF's rule name is one word. */
static char *rule_name(const char *kind)
{
	char *name = ck_strdup(kind != NULL ? kind : "finding"), *o = name;
	bool upper = true;
	for (const char *p = kind != NULL ? kind : "finding"; *p; p++) {
		if (*p == '-' || *p == '_') {
			upper = true;
			continue;
		}
		*o++ = upper && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		upper = false;
	}
	*o = '\0';
	return name;
}

/* The index of f's rule in the run's rules, added at first use. The
 * description is the detector's; the finding's own message says more. */
static size_t rule_index(rules *r, const ck_finding *f, bool student)
{
	char *id = rule_id(f);
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->ids[i], id) == 0) {
			free(id);
			return i;
		}
	char *name = rule_name(f->kind);
	char *desc = ck_strdup_printf("%s reports %s", ck_detector_name(f->detector),
				      f->kind != NULL ? f->kind : "a finding");
	json_t *rule = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "id", id, "name", name,
				 "shortDescription", "text", desc, "defaultConfiguration",
				 "level", f->detector == CK_STATIC ? "warning" : "error");
	json_t *props = json_pack("{s:s}", "detector", ck_detector_name(f->detector));
	if (!student)
		json_object_set_new(props, "raftLockingRule", json_integer(f->rule));
	json_object_set_new(rule, "properties", props);
	json_array_append_new(r->array, rule);
	free(name);
	free(desc);
	r->ids = ck_realloc_array(r->ids, r->n + 1, sizeof *r->ids);
	r->ids[r->n] = id;
	return r->n++;
}

static void rules_free(rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
}

/* ---- Results ------------------------------------------------------------ */

/* A stable fingerprint (FNV-1a, 64 bits) of what makes a finding itself,
 * not of the seed or run that saw it: code scanning uses it to follow
 * one finding from report to report. */
static char *fingerprint(const ck_finding *f)
{
	uint64_t h = 1469598103934665603ULL;
	const char *base;
	const char *parts[] = {ck_detector_name(f->detector), f->kind,
			       relative_file(f->where.file, &base), f->where.function, f->variable};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		for (const char *p = parts[i] != NULL ? parts[i] : ""; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL; /* between parts */
	}
	h = (h ^ (uint64_t)f->where.line) * 1099511628211ULL;
	return ck_strdup_printf("%016llx", (unsigned long long)h);
}

/* "write in become_follower_locked() holding rf->mu": one side of a race. */
static char *side_text(const ck_frame *side, const ck_stack *s)
{
	const char *what = s->access ? (s->write ? "write" : "read") : "access";
	const char *locks = s->locks == NULL	? "locks not reported"
			    : s->locks[0] == '\0' ? "holding no lock"
						  : NULL;
	return ck_strdup_printf("the other side: a %s in %s() %s%s", what,
				side->function != NULL ? side->function : "?", locks ? locks : "holding ",
				locks ? "" : s->locks);
}

static bool same_place(const ck_frame *a, const ck_frame *b)
{
	return a->line == b->line && a->file != NULL && b->file != NULL &&
	       strcmp(a->file, b->file) == 0;
}

/* A race's sides but the one at its primary location, as related
 * locations: the student sees both accesses and the locks each held. */
static json_t *race_related(const ck_finding *f)
{
	const ck_frame *sides[2];
	const ck_stack *stacks[2];
	size_t n = ck_race_sides(f, sides, stacks, 2);
	json_t *related = json_array();
	bool primary_seen = false;
	for (size_t i = 0; i < n; i++) {
		if (sides[i] == NULL)
			continue;
		if (!primary_seen && same_place(sides[i], &f->where)) {
			primary_seen = true;
			continue;
		}
		char *msg = side_text(sides[i], stacks[i]);
		json_t *loc = location(sides[i], msg);
		json_object_set_new(loc, "id", json_integer((json_int_t)json_array_size(related) + 1));
		json_array_append_new(related, loc);
		free(msg);
	}
	return related;
}

/* "peer 2, election ticker: raft.mu from start_election() at
 * raft/election.c:61 to raft/election.c:80, through become_candidate_locked()". */
static char *event_text(const ck_event *e)
{
	char who[160];
	if (e->peer >= 0)
		snprintf(who, sizeof who, "peer %d, %s", e->peer, e->thread ? e->thread : "thread");
	else
		snprintf(who, sizeof who, "%s", e->thread ? e->thread : "harness");
	if (e->note != NULL)
		return ck_strdup_printf("%s: %s", who, e->note);
	const char *base;
	const char *rel = relative_file(e->release.file, &base);
	char held[256] = "";
	if (e->release.file == NULL)
		snprintf(held, sizeof held, ", still held");
	else
		snprintf(held, sizeof held, " to %s:%d", rel ? rel : e->release.file, e->release.line);
	char through[512] = "";
	size_t used = 0;
	for (size_t i = 0; i < e->nthrough && used < sizeof through - 1; i++)
		used += (size_t)snprintf(through + used, sizeof through - used, "%s%s()",
					 i == 0 ? ", through " : ", ",
					 e->through[i].function ? e->through[i].function : "?");
	return ck_strdup_printf("%s: %s from %s()%s%s%s", who, e->lock ? e->lock : "a lock",
				e->acquire.function ? e->acquire.function : "?", held, through,
				e->saved ? ", " CK_SAVED_NOTE : "");
}

/* The interleaving that led to an oracle's finding: one thread flow, the
 * events in their global order, each saying whose thread it was. */
static json_t *history_flow(const ck_finding *f)
{
	json_t *locations = json_array();
	for (size_t i = 0; i < f->nhistory; i++) {
		const ck_event *e = &f->history[i];
		char *msg = event_text(e);
		json_t *loc = location(&e->acquire, msg);
		free(msg);
		json_t *step = json_pack("{s:o, s:i}", "location", loc, "executionOrder", (int)i + 1);
		json_t *props = json_object();
		if (e->peer >= 0)
			json_object_set_new(props, "peer", json_integer(e->peer));
		if (e->thread != NULL)
			json_object_set_new(props, "thread", ck_json_text(e->thread));
		if (e->t >= 0)
			json_object_set_new(props, "t", json_real(e->t));
		json_object_set_new(step, "properties", props);
		json_array_append_new(locations, step);
	}
	json_t *flow = json_pack("{s:o, s:o}", "message",
				 message("what led to it, oldest first, every thread's steps in "
					 "one order"),
				 "locations", locations);
	return json_pack("[{s:[o]}]", "threadFlows", flow);
}

static json_t *result(const ck_finding *f, rules *r, bool student)
{
	char *id = rule_id(f);
	size_t index = rule_index(r, f, student);
	char *fp = fingerprint(f);
	json_t *o = json_pack("{s:s, s:i, s:s, s:o}", "ruleId", id, "ruleIndex", (int)index, "level",
			      f->detector == CK_STATIC ? "warning" : "error", "message",
			      message(f->message != NULL ? f->message : f->kind));
	if (f->where.file != NULL || f->where.function != NULL)
		json_object_set_new(o, "locations", json_pack("[o]", location(&f->where, NULL)));
	if (strcmp(f->kind != NULL ? f->kind : "", "data-race") == 0) {
		json_t *related = race_related(f);
		if (json_array_size(related) > 0)
			json_object_set_new(o, "relatedLocations", related);
		else
			json_decref(related);
	}
	if (f->nhistory > 0)
		json_object_set_new(o, "codeFlows", history_flow(f));
	json_object_set_new(o, "partialFingerprints", json_pack("{s:s}", "rrlFinding/v1", fp));
	json_t *props = json_pack("{s:o, s:i}", "seeds", ck_json_seeds(f), "occurrences",
				  f->occurrences);
	if (f->variable != NULL)
		json_object_set_new(props, "variable", ck_json_text(f->variable));
	if (f->details != NULL)
		json_object_set_new(props, "details", ck_json_text(f->details));
	if (!student && f->points_at_bug)
		json_object_set_new(props, "pointsAtBug", json_true());
	json_object_set_new(o, "properties", props);
	free(id);
	free(fp);
	return o;
}

/* ---- Runs --------------------------------------------------------------- */

/* What kept a detector from running is a notification, not a result. */
static void add_notification(json_t *list, const char *what, const char *detail)
{
	char *msg = ck_strdup_printf("%s: %s", what, detail);
	json_array_append_new(list, json_pack("{s:s, s:o}", "level", "error", "message",
					       message(msg)));
	free(msg);
}

/* "file:///abs/dir/": a base URI ends with a slash. */
static json_t *base_uri(const char *dir)
{
	char *escaped = uri_escape(dir);
	char *uri = ck_strdup_printf("file://%s/", escaped);
	json_t *o = json_pack("{s:s}", "uri", uri);
	free(escaped);
	free(uri);
	return o;
}

/* Where the bases are on this machine, so a viewer can open the files. */
static json_t *uri_bases(const ck_target_result *t)
{
	json_t *o = json_object();
	struct stat st;
	if (t->path != NULL && stat(t->path, &st) == 0 && S_ISDIR(st.st_mode))
		json_object_set_new(o, SRCROOT, base_uri(t->path));
	char *cwd = getcwd(NULL, 0);
	if (cwd != NULL)
		json_object_set_new(o, PROJECTROOT, base_uri(cwd));
	free(cwd);
	return o;
}

static json_t *run(const ck_report *rep, const ck_target_result *t)
{
	rules r = {.array = json_array()};
	json_t *results = json_array();
	json_t *notes = json_array();
	if (t->build_error != NULL)
		add_notification(notes, "the build failed", t->build_error);
	for (int d = 0; d < CK_NDETECTORS; d++) {
		const ck_detector_result *dr = &t->det[d];
		if (dr->error != NULL)
			add_notification(notes, ck_detector_name((ck_detector)d), dr->error);
		for (size_t i = 0; i < dr->findings.n; i++)
			json_array_append_new(results,
					      result(&dr->findings.items[i], &r, rep->student));
	}
	json_t *driver = json_pack("{s:s, s:s, s:o}", "name", "rrl-check", "version",
				   RRL_CHECK_VERSION, "rules", r.array);
	json_t *invocation = json_pack("{s:b}", "executionSuccessful",
				       t->build_error == NULL && json_array_size(notes) == 0);
	if (rep->command != NULL)
		json_object_set_new(invocation, "commandLine", ck_json_text(rep->command));
	if (rep->started != NULL) {
		char *utc = ck_strdup_printf("%sZ", rep->started);
		json_object_set_new(invocation, "startTimeUtc", ck_json_text(utc));
		free(utc);
	}
	if (json_array_size(notes) > 0)
		json_object_set_new(invocation, "toolExecutionNotifications", notes);
	else
		json_decref(notes);
	/* Code scanning tells runs of one tool apart by this id. */
	char *automation = ck_strdup_printf("rrl-check/%s/", t->target);
	json_t *o = json_pack("{s:{s:o}, s:{s:o}, s:[o], s:o}", "tool", "driver", driver,
			      "automationDetails", "id", ck_json_text(automation), "invocations",
			      invocation, "results", results);
	free(automation);
	json_object_set_new(o, "originalUriBaseIds", uri_bases(t));
	json_t *props = json_pack("{s:s}", "variant", ck_variant_name(t->variant));
	if (rep->seed_first > 0)
		json_object_set_new(props, "seeds",
				    json_pack("[I, I]", (json_int_t)rep->seed_first,
					      (json_int_t)rep->seed_last));
	json_object_set_new(o, "properties", props);
	rules_free(&r);
	return o;
}

int ck_write_sarif(const ck_report *r, const char *path)
{
	json_t *runs = json_array();
	for (size_t i = 0; i < r->ntargets; i++)
		json_array_append_new(runs, run(r, &r->targets[i]));
	json_t *root = json_pack("{s:s, s:s, s:o}", "$schema", SARIF_SCHEMA, "version", "2.1.0",
				 "runs", runs);
	return ck_dump_json(root, path, "SARIF report", JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}
