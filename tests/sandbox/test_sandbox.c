/*
 * The sandbox's tests (make test-sandbox): build/checker/rrl-sandbox runs
 * tests/sandbox/hostile.c in each of its modes, and each must be
 * contained (stopped at a limit, or refused by the namespaces) and
 * reported in the status file, with nothing left running after.
 *
 * Run from the project root, as root: the memory and pids caps need a
 * cgroup, and the unprivileged user is taken from root.
 */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SANDBOX "build/checker/rrl-sandbox"
#define HOSTILE "build/checker/hostile"

static char work[] = "/tmp/rrl-sandbox-test.XXXXXX";
static char status_path[256], output_path[256];

/* Run hostile MODE [ARG] in the sandbox with the extra options given
 * (NULL-terminated), its output into output_path; the sandbox's exit
 * status, its status file in *status. */
static int sandboxed(json_t **status, const char *mode, const char *arg, ...)
{
	const char *argv[40];
	int n = 0;
	argv[n++] = SANDBOX;
	argv[n++] = "--write";
	argv[n++] = work;
	argv[n++] = "--status";
	argv[n++] = status_path;
	va_list ap;
	va_start(ap, arg);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && n < 30;)
		argv[n++] = a;
	va_end(ap);
	argv[n++] = "--";
	argv[n++] = HOSTILE;
	argv[n++] = mode;
	if (arg != NULL)
		argv[n++] = arg;
	argv[n] = NULL;
	unlink(status_path);
	pid_t pid = fork();
	if (pid == 0) {
		int out = open(output_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		execv(SANDBOX, (char *const *)argv);
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	json_error_t err;
	*status = json_load_file(status_path, 0, &err);
	if (*status == NULL)
		fprintf(stderr, "\n  no status from the sandbox: %s\n", err.text);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool flag(json_t *status, const char *name)
{
	return json_is_true(json_object_get(status, name));
}

static double number(json_t *status, const char *name)
{
	return json_number_value(json_object_get(status, name));
}

/* Nothing running is "hostile MODE". The pattern's brackets keep pgrep
 * from finding the shell that runs it. */
static bool none_running(const char *mode)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "pgrep -f '[h]ostile %s' >/dev/null", mode);
	return system(cmd) != 0;
}

static void test_spin_hits_the_time_limit(void)
{
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "spin", NULL, "--time", "2", NULL), 124);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(flag(s, "timed_out"));
	CU_ASSERT_TRUE(number(s, "wall_s") < 4);
	CU_ASSERT_TRUE(none_running("spin"));
	json_decref(s);
}

static void test_cpu_limit(void)
{
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "spin", NULL, "--time", "20", "--cpu", "1", NULL), 128 + 24);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(flag(s, "cpu_limit"));
	CU_ASSERT_FALSE(flag(s, "timed_out"));
	json_decref(s);
}

static void test_fork_bomb_meets_the_procs_cap(void)
{
	json_t *s;
	sandboxed(&s, "fork-bomb", NULL, "--time", "3", "--procs", "64", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(flag(s, "procs_limit"));
	CU_ASSERT_TRUE(flag(s, "timed_out"));
	CU_ASSERT_TRUE(none_running("fork-bomb"));
	json_decref(s);
}

static void test_flood_meets_the_file_size_limit(void)
{
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "flood", NULL, "--time", "20", "--file-size", "1", NULL),
			128 + 25);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(flag(s, "file_limit"));
	struct stat st;
	CU_ASSERT_EQUAL(stat(output_path, &st), 0);
	CU_ASSERT_TRUE(st.st_size <= 1024 * 1024);
	json_decref(s);
}

static void test_writes_only_its_directory(void)
{
	json_t *s;
	char inside[300];
	snprintf(inside, sizeof inside, "%s/mine", work);
	CU_ASSERT_EQUAL(sandboxed(&s, "write", inside, NULL), 0);
	CU_ASSERT_EQUAL(access(inside, F_OK), 0);
	json_decref(s);
	/* The project and /etc are read-only. */
	const char *outside[] = {"tests/sandbox/planted", "/etc/rrl-planted"};
	for (size_t i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(sandboxed(&s, "write", outside[i], NULL), 3);
		CU_ASSERT_EQUAL(access(outside[i], F_OK), -1);
		json_decref(s);
	}
	/* /tmp is its own: the write works there and leaves nothing here. */
	CU_ASSERT_EQUAL(sandboxed(&s, "write", "/tmp/rrl-planted", NULL), 0);
	CU_ASSERT_EQUAL(access("/tmp/rrl-planted", F_OK), -1);
	json_decref(s);
}

static void test_hidden_directory_cannot_be_read(void)
{
	/* Not under /tmp, which the sandbox replaces anyway. */
	char made[] = "build/checker/secret.XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(made));
	chmod(made, 0755); /* readable by the sandbox's user, as a submission would be */
	char *dir = realpath(made, NULL);
	char secret[300];
	snprintf(secret, sizeof secret, "%s/answers.c", dir);
	FILE *f = fopen(secret, "w");
	fputs("int answer;\n", f);
	fclose(f);
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "read", secret, NULL), 0); /* visible without --hide */
	json_decref(s);
	CU_ASSERT_EQUAL(sandboxed(&s, "read", secret, "--hide", dir, NULL), 3);
	json_decref(s);
	unlink(secret);
	rmdir(dir);
	free(dir);
}

static void test_no_network(void)
{
	/* A server on the grader's loopback: reachable from here, not from
	 * inside. */
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	socklen_t len = sizeof a;
	CU_ASSERT_EQUAL_FATAL(bind(srv, (struct sockaddr *)&a, sizeof a), 0);
	listen(srv, 4);
	getsockname(srv, (struct sockaddr *)&a, &len);
	char port[16];
	snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "connect", port, "--no-bwrap", NULL), 0);
	json_decref(s);
	CU_ASSERT_EQUAL(sandboxed(&s, "connect", port, NULL), 3);
	json_decref(s);
	close(srv);
}

static void test_sleep_past_every_timeout(void)
{
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "sleep", NULL, "--time", "1", NULL), 124);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(flag(s, "timed_out"));
	CU_ASSERT_TRUE(none_running("sleep"));
	json_decref(s);
}

static void test_huge_allocation_meets_the_memory_cap(void)
{
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "alloc", "1024", "--memory", "128", "--time", "30", NULL),
			128 + 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(flag(s, "memory_capped"));
	CU_ASSERT_TRUE(flag(s, "out_of_memory"));
	json_decref(s);
	/* Under the cap it runs. */
	CU_ASSERT_EQUAL(sandboxed(&s, "alloc", "32", "--memory", "128", NULL), 0);
	CU_ASSERT_FALSE(flag(s, "out_of_memory"));
	json_decref(s);
}

static void test_escaped_process_is_killed(void)
{
	for (int bwrap = 1; bwrap >= 0; bwrap--) {
		json_t *s;
		CU_ASSERT_EQUAL(sandboxed(&s, "escape", NULL, bwrap ? "--time" : "--no-bwrap",
					  bwrap ? "10" : NULL, NULL),
				0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_TRUE(none_running("escape"));
		json_decref(s);
	}
}

static void test_fallback_says_so_and_still_limits(void)
{
	json_t *s;
	CU_ASSERT_EQUAL(sandboxed(&s, "spin", NULL, "--no-bwrap", "--time", "1", NULL), 124);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s, "mode")), "fallback");
	CU_ASSERT_PTR_NOT_NULL(json_string_value(json_object_get(s, "why_fallback")));
	json_decref(s);
	/* Only the user's rights protect the files now: the project is out
	 * of reach, a world-writable directory such as /tmp is not. */
	CU_ASSERT_EQUAL(sandboxed(&s, "write", "tests/sandbox/planted", "--no-bwrap", NULL), 3);
	CU_ASSERT_EQUAL(access("tests/sandbox/planted", F_OK), -1);
	json_decref(s);
}

static void test_command_that_cannot_start(void)
{
	json_t *s;
	/* A mode the program does not know: its own exit code passes through. */
	CU_ASSERT_EQUAL(sandboxed(&s, "no-such-mode", NULL, NULL), 2);
	json_decref(s);
	CU_ASSERT_EQUAL(sandboxed(&s, "spin", NULL, "--user", "no-such-user-here", NULL), 125);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(json_string_value(json_object_get(s, "error")));
	json_decref(s);
}

int main(int argc, char **argv)
{
	if (geteuid() != 0) {
		/* A developer's make test goes on; CI, which runs as root, may not
		 * skip. */
		const char *ci = getenv("CI");
		fprintf(stderr, "test-sandbox: %s: the tests need root (the caps need a cgroup)\n",
			ci && strcmp(ci, "true") == 0 ? "failed" : "skipped");
		return ci && strcmp(ci, "true") == 0 ? 2 : 0;
	}
	if (mkdtemp(work) == NULL) {
		perror("test-sandbox: mkdtemp");
		return 2;
	}
	snprintf(status_path, sizeof status_path, "%s.status.json", work);
	snprintf(output_path, sizeof output_path, "%s.out", work);
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("the sandbox", NULL, NULL);
	CU_add_test(s, "a loop meets the time limit", test_spin_hits_the_time_limit);
	CU_add_test(s, "a loop meets the CPU limit", test_cpu_limit);
	CU_add_test(s, "a fork bomb meets the procs cap", test_fork_bomb_meets_the_procs_cap);
	CU_add_test(s, "a flood meets the file-size limit", test_flood_meets_the_file_size_limit);
	CU_add_test(s, "only its directory is writable", test_writes_only_its_directory);
	CU_add_test(s, "a hidden directory cannot be read", test_hidden_directory_cannot_be_read);
	CU_add_test(s, "no network", test_no_network);
	CU_add_test(s, "a sleep meets the time limit", test_sleep_past_every_timeout);
	CU_add_test(s, "a huge allocation meets the memory cap",
		    test_huge_allocation_meets_the_memory_cap);
	CU_add_test(s, "a process left behind is killed", test_escaped_process_is_killed);
	CU_add_test(s, "the fallback says so, and still limits",
		    test_fallback_says_so_and_still_limits);
	CU_add_test(s, "a command that cannot start", test_command_that_cannot_start);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1)
		CU_basic_run_suite(s);
	else
		CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", work, status_path, output_path);
	if (system(cmd) != 0)
		fprintf(stderr, "test-sandbox: could not remove %s\n", work);
	return failed == 0 ? 0 : 1;
}
