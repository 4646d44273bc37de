/*
 * Grading a class. See grader.h.
 *
 * The grader is the trusted side. It copies what it needs of each
 * submission (its raft/ sources, nothing else), has rrl-check build and
 * run the copy in the sandbox, and writes every grade itself, from
 * rrl-check's report, after the submission's last process is dead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "files.h"
#include "grade_outputs.h"
#include "grader.h"
#include "json_file.h"
#include "options.h"
#include "score.h"

/* What the grader copies of a submission: its sources, within reason. */
#define MAX_FILES 64
#define MAX_FILE_BYTES (512 * 1024)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir that pass keep(), sorted; NULL-terminated. */
static char **sorted_entries(const char *dir, bool (*keep)(const char *dir, const char *name))
{
	DIR *d = opendir(dir);
	char **v = ck_calloc(1, sizeof *v);
	size_t n = 0;
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.' || !keep(dir, e->d_name))
			continue;
		v = ck_realloc_array(v, n + 2, sizeof *v);
		v[n++] = ck_strdup(e->d_name);
		v[n] = NULL;
	}
	if (d != NULL)
		closedir(d);
	qsort(v, n, sizeof *v, by_name);
	return v;
}

static bool is_subdir(const char *dir, const char *name)
{
	char *path = ck_strdup_printf("%s/%s", dir, name);
	struct stat st;
	bool yes = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
	free(path);
	return yes;
}

static bool is_source(const char *dir, const char *name)
{
	(void)dir;
	size_t n = strlen(name);
	return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

/* A student's name as a file name: what a platform exports is not always
 * safe in a path. */
static char *safe_name(const char *name)
{
	char *s = ck_strdup(name);
	for (char *p = s; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '.' && *p != '_' && *p != '-' && *p != '@')
			*p = '_';
	return s;
}

/* FNV-1a, 64 bits: enough to tell whether anything graded changed. */
static void hash_bytes(uint64_t *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ p[i]) * 1099511628211ULL;
}

static void hash_file(uint64_t *h, const char *path)
{
	char *text = ck_read_file(path);
	hash_bytes(h, path, strlen(path) + 1);
	if (text != NULL)
		hash_bytes(h, text, strlen(text));
	free(text);
}

/*
 * Copy the submission's sources into tree/raft: its raft/ directory if it
 * has one, else its top level (as some platforms export it). Regular
 * files named *.c or *.h only; a link, a huge file or too many files are
 * left out and said so. Returns NULL, or why nothing could be graded;
 * *notes gets what was left out.
 */
static char *copy_sources(const char *student_dir, const char *tree, uint64_t *h, char **notes)
{
	char *from = ck_strdup_printf("%s/raft", student_dir);
	if (!is_subdir(student_dir, "raft")) {
		free(from);
		from = ck_strdup(student_dir);
	}
	char *raft = ck_strdup_printf("%s/raft", tree);
	ck_remove_tree(tree);
	ck_mkdirs(raft);
	chmod(tree, 0755);
	chmod(raft, 0755);
	char **names = sorted_entries(from, is_source);
	size_t copied = 0;
	char *left = NULL;
	size_t len = 0;
	FILE *note = open_memstream(&left, &len);
	for (char **n = names; *n; n++) {
		char *src = ck_strdup_printf("%s/%s", from, *n);
		char *dst = ck_strdup_printf("%s/%s", raft, *n);
		struct stat st;
		if (lstat(src, &st) != 0 || !S_ISREG(st.st_mode))
			fprintf(note, "%s is not a regular file (a link?): left out\n", *n);
		else if (st.st_size > MAX_FILE_BYTES)
			fprintf(note, "%s is larger than %d KB: left out\n", *n, MAX_FILE_BYTES / 1024);
		else if (copied == MAX_FILES)
			fprintf(note, "%s: more than %d files; left out\n", *n, MAX_FILES);
		else {
			char *text = ck_read_file(src);
			int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
			if (text != NULL && fd >= 0 && write(fd, text, strlen(text)) >= 0) {
				copied++;
				hash_bytes(h, *n, strlen(*n) + 1);
				hash_bytes(h, text, strlen(text));
			}
			if (fd >= 0)
				close(fd);
			free(text);
		}
		free(src);
		free(dst);
	}
	fclose(note);
	ck_free_strv(names);
	*notes = left;
	char *problem = NULL;
	if (copied == 0)
		problem = ck_strdup_printf("no C sources found: expected raft/*.c in %s", student_dir);
	free(from);
	free(raft);
	return problem;
}

/* The exercise's scenarios (its exercise.json), or the checker's
 * defaults. */
static int scenarios_to_run(const ck_grader_options *o, char **run, char **helgrind_run)
{
	*run = ck_strdup(CK_DEFAULT_RUN);
	*helgrind_run = ck_strdup(CK_DEFAULT_HELGRIND_RUN);
	if (o->exercise == NULL)
		return 0;
	char *path = ck_strdup_printf("buggy/%s/exercise.json", o->exercise);
	json_t *meta = json_load_file(path, 0, NULL);
	if (meta == NULL) {
		fprintf(stderr, "rrl-grade: no exercise '%s' (no %s); 'make list' shows them\n",
			o->exercise, path);
		free(path);
		return -1;
	}
	const char *r = json_string_value(json_object_get(meta, "scenarios"));
	const char *hg = json_string_value(json_object_get(meta, "helgrind_scenarios"));
	if (r != NULL) {
		free(*run);
		*run = ck_strdup(r);
	}
	if (hg != NULL || r != NULL) {
		free(*helgrind_run);
		*helgrind_run = ck_strdup(hg != NULL ? hg : r);
	}
	json_decref(meta);
	free(path);
	return 0;
}

/* The scenario names run selects, from the trusted runner. */
static char **expected_scenarios(const char *run, size_t *n)
{
	char *argv[] = {"build/plain/raft-tests", "-list", "-run", (char *)run, NULL};
	char *list = ck_command_output(argv);
	char **v = ck_calloc(1, sizeof *v);
	*n = 0;
	for (char *s = list ? strtok(list, "\n") : NULL; s; s = strtok(NULL, "\n")) {
		v = ck_realloc_array(v, *n + 2, sizeof *v);
		v[(*n)++] = ck_strdup(s);
		v[*n] = NULL;
	}
	free(list);
	return v;
}

/* rrl-check on the copy, in the sandbox, as a student would see it. */
static int run_check(const ck_grader_options *o, const char *tree, const char *dir,
		     const char *run, const char *helgrind_run)
{
	char seeds[16], jobs[16];
	snprintf(seeds, sizeof seeds, "%d", o->seeds);
	snprintf(jobs, sizeof jobs, "%d", o->jobs);
	char *json = ck_strdup_printf("%s/check.json", dir);
	char *sarif = ck_strdup_printf("%s/findings.sarif", dir);
	char *log = ck_strdup_printf("%s/check.log", dir);
	const char *argv[32] = {"build/checker/rrl-check",
				"--sandbox",
				"--sandbox-hide",
				o->submissions,
				"--sandbox-hide",
				o->out,
				"--student",
				"--variant",
				"submission",
				"--no-color",
				"-s",
				seeds,
				"-r",
				run,
				"--helgrind-run",
				helgrind_run,
				"--json",
				json,
				"--sarif",
				sarif};
	size_t n = 20;
	if (o->jobs > 0) {
		argv[n++] = "-j";
		argv[n++] = jobs;
	}
	argv[n++] = tree;
	argv[n] = NULL;
	unlink(json);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* A grader stopped by a signal stops its check too, which
		 * then ends its runs and sandboxes as on Ctrl-C. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	free(json);
	free(sarif);
	free(log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The grade.json of a submission graded before with the same
 * fingerprint, or NULL. */
static json_t *earlier_grade(const char *dir, const char *fingerprint)
{
	char *path = ck_strdup_printf("%s/grade.json", dir);
	json_t *row = json_load_file(path, 0, NULL);
	free(path);
	const char *fp = json_string_value(json_object_get(row, "fingerprint"));
	if (fp != NULL && strcmp(fp, fingerprint) == 0)
		return row;
	json_decref(row);
	return NULL;
}

typedef struct batch {
	const ck_grader_options *o;
	ck_score_policy policy;
	char *run, *helgrind_run;
	char **expected;
	size_t nexpected;
	uint64_t settings_hash; /* of the policy and the settings */
} batch;

/* Grade one student; their row (new reference), or NULL if the grader
 * failed. */
static json_t *grade_student(batch *b, const char *student)
{
	const ck_grader_options *o = b->o;
	char *name = safe_name(student);
	char *src = ck_strdup_printf("%s/%s", o->submissions, student);
	char *dir = ck_strdup_printf("%s/%s", o->out, name);
	/* The copy is named after the student: rrl-check names its build
	 * directory after the tree's. */
	char *tree = ck_strdup_printf("%s/.trees/%s", o->out, name);
	ck_mkdirs(dir);
	uint64_t h = b->settings_hash;
	char *notes = NULL;
	char *problem = copy_sources(src, tree, &h, &notes);
	char fingerprint[17];
	snprintf(fingerprint, sizeof fingerprint, "%016llx", (unsigned long long)h);

	json_t *row = o->regrade ? NULL : earlier_grade(dir, fingerprint);
	if (row != NULL) {
		json_object_set_new(row, "resumed", json_true());
		goto done;
	}
	double started = now_s();
	json_t *report = NULL;
	if (problem == NULL) {
		run_check(o, tree, dir, b->run, b->helgrind_run);
		char *path = ck_strdup_printf("%s/check.json", dir);
		report = json_load_file(path, 0, NULL);
		if (report == NULL)
			problem = ck_strdup_printf("the checker wrote no report (see %s/check.log)",
						   dir);
		free(path);
	}
	json_t *result = json_array_get(json_object_get(report, "results"), 0);
	ck_score score;
	ck_score_result(&b->policy, result ? result : json_object(), b->expected, b->nexpected,
			&score);
	if (problem != NULL && score.problem == NULL)
		score.problem = ck_strdup(problem);
	const char *sandbox = json_string_value(json_object_get(result, "sandbox"));
	ck_student_grade g = {.student = name,
			      .score = &score,
			      .result = result,
			      .sandbox = sandbox ? sandbox : "(nothing ran)",
			      .seconds = now_s() - started,
			      .fingerprint = fingerprint};
	char *gradescope = ck_strdup_printf("%s/results.json", dir);
	char *classroom = ck_strdup_printf("%s/classroom.json", dir);
	char *md = ck_strdup_printf("%s/report.md", dir);
	char *row_path = ck_strdup_printf("%s/grade.json", dir);
	row = ck_grade_row(&g);
	if (notes != NULL && notes[0] != '\0')
		json_object_set_new(row, "left_out", json_string(notes));
	if (ck_write_gradescope(&g, gradescope) != 0 || ck_write_classroom(&g, classroom) != 0 ||
	    ck_write_grade_markdown(&g, md) != 0 ||
	    ck_dump_json(json_incref(row), row_path, "grade", JSON_INDENT(2)) != 0) {
		json_decref(row);
		row = NULL;
	}
	free(gradescope);
	free(classroom);
	free(md);
	free(row_path);
	ck_score_free(&score);
	json_decref(report);
done:
	free(problem);
	free(notes);
	free(name);
	free(src);
	free(dir);
	free(tree);
	return row;
}

static bool setup(batch *b, const ck_grader_options *o)
{
	*b = (batch){.o = o, .settings_hash = 1469598103934665603ULL};
	char err[512];
	if (ck_score_policy_load(o->policy, &b->policy, err, sizeof err) != 0) {
		fprintf(stderr, "rrl-grade: the score policy: %s\n", err);
		return false;
	}
	if (scenarios_to_run(o, &b->run, &b->helgrind_run) != 0)
		return false;
	b->expected = expected_scenarios(b->run, &b->nexpected);
	if (b->nexpected == 0) {
		fprintf(stderr, "rrl-grade: the scenarios '%s' match no test (is build/plain/raft-tests "
				"built? 'make grade' builds it)\n",
			b->run);
		return false;
	}
	hash_file(&b->settings_hash, o->policy);
	char settings[512];
	snprintf(settings, sizeof settings, "seeds %d, run %s, helgrind %s", o->seeds, b->run,
		 b->helgrind_run);
	hash_bytes(&b->settings_hash, settings, strlen(settings));
	return true;
}

int ck_grade_class(const ck_grader_options *o)
{
	batch b;
	if (!setup(&b, o))
		return 2;
	char **students = sorted_entries(o->submissions, is_subdir);
	size_t n = 0;
	while (students[n] != NULL)
		n++;
	if (n == 0) {
		fprintf(stderr, "rrl-grade: %s holds no submissions (one directory per student)\n",
			o->submissions);
		return 2;
	}
	ck_mkdirs(o->out);
	char *csv = ck_strdup_printf("%s/grades.csv", o->out);
	char *json = ck_strdup_printf("%s/grades.json", o->out);
	json_t *rows = json_array();
	int rc = 0;
	double started = now_s();
	for (size_t i = 0; i < n; i++) {
		json_t *row = grade_student(&b, students[i]);
		if (row == NULL) {
			rc = 2;
			continue;
		}
		if (!o->quiet) {
			double elapsed = now_s() - started;
			fprintf(stderr, "rrl-grade: [%zu/%zu] %s: %g of %g%s (%.0f s so far, ~%.0f s left)\n",
				i + 1, n, students[i], json_number_value(json_object_get(row, "score")),
				json_number_value(json_object_get(row, "max_score")),
				json_is_true(json_object_get(row, "resumed")) ? ", graded before" : "",
				elapsed, elapsed / (double)(i + 1) * (double)(n - i - 1));
		}
		json_object_del(row, "resumed");
		json_array_append_new(rows, row);
		/* After every student, so an interrupted batch keeps what it did. */
		if (ck_write_class_grades(rows, csv, json) != 0)
			rc = 2;
	}
	json_decref(rows);
	free(csv);
	free(json);
	ck_free_strv(students);
	ck_free_strv(b.expected);
	free(b.run);
	free(b.helgrind_run);
	ck_score_policy_free(&b.policy);
	return rc;
}
