/*
 * The test runner: runs the scenario tests the way `go test` does.
 *
 *   raft-tests [-run REGEX] [-seed N] [-count N] [-v] [-scale X]
 *              [-noise P] [-split-crashes] [-failfast] [-failfast-safety] [-parallel N]
 *              [-results-fd N] [-findings-fd N] [-list] [-h]
 *
 * Every test runs in a child process of its own, so that a test that
 * crashes, hangs or races cannot disturb the next one, and so that its exit
 * status says how it ended:
 *
 *   0                       passed
 *   1                       a check or an invariant failed (finding printed)
 *   CFG_TOO_SLOW_EXIT_CODE  a check that something happened in time failed
 *   WATCHDOG_EXIT_CODE      the watchdog stopped a hang or deadlock
 *   66                      ThreadSanitizer reported a data race
 *   67                      AddressSanitizer, LeakSanitizer or UBSan reported an
 *                           error (with make asan's ASAN_OPTIONS)
 *
 * The parent only forks, waits, reads the clock and kills: it never starts
 * a thread or touches the runtime. It also gives each test a hard time
 * limit, for a hang the watchdog cannot stop.
 *
 * A test passes only if its process says so: it exits 0 after writing
 * "done" on a pipe of its own once the test function has returned and
 * every thread has stopped, so a test that ends the process early with
 * status 0 fails.
 *
 * For a checker that cannot trust the code under test (rrl-check
 * --sandbox), -results-fd N gives the verdicts a channel of their own: one
 * JSON line per test on descriptor N, which each test process closes
 * before the test starts, and -findings-fd N sends the finding lines to
 * descriptor N instead of stderr. What a test prints cannot pass for
 * either.
 *
 * With -parallel N, up to N tests run at once. The tests mostly wait on
 * their timers, so two of them share a CPU well; each one's output goes to
 * a file of its own and is printed, whole, when the test ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "rt/rt.h"
#include "runner.h"
#include "watchdog.h"

/* Time scale used when -scale is not given: real = logical * scale. */
#define DEFAULT_SCALE 0.25
/* ThreadSanitizer's exit status when it has reported something. */
#define TSAN_EXIT_CODE 66
/* AddressSanitizer's (and LeakSanitizer's and UBSan's) under `make asan`. */
#define ASAN_EXIT_CODE 67

/*
 * ThreadSanitizer sleeps a second at exit so that other threads can finish;
 * a test has already waited for all of its threads, so the sleep only slows
 * every test down. The runtime's crash report runs in a signal handler and
 * formats JSON there (platform/rt/crash.c): TSan would report each of its
 * allocations as a signal-unsafe call, at the line that crashed, as if the
 * peer had made it. TSAN_OPTIONS in the environment still overrides these.
 */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "atexit_sleep_ms=0 report_signal_unsafe=0";
}

/* Every part, in the order they run. */
static const test_case *const suites[] = {tests_3a, tests_3b, tests_3c, tests_3d};

typedef struct options {
	const char *run;       /* -run, or NULL for every test */
	regex_t run_re;
	uint64_t seed;
	bool seed_given;
	long count;
	bool verbose;
	double scale;
	double noise;
	bool split_crashes;
	bool failfast;
	bool failfast_safety; /* stop at a failure, unless the test was only too slow */
	long parallel; /* tests at a time */
	int results_fd;	 /* -results-fd: the verdicts as JSON lines; -1: none */
	int findings_fd; /* -findings-fd: where finding lines go; 0: stderr */
	bool list;
} options;

static const char *prog = "raft-tests";

/* Print the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [flags]\n"
		"\n"
		"Runs the Raft scenario tests (6.5840 lab 3A-3D), each in its own process.\n"
		"\n"
		"  -run REGEX   run only the tests whose name matches REGEX (POSIX extended),\n"
		"               e.g. -run 3A, -run '^TestBackup3B$'\n"
		"  -seed N      base seed for commands, timeouts and schedule noise;\n"
		"               default: from the clock (always printed, to repeat a run)\n"
		"  -count N     run each test N times; run k (from 0) uses seed + k\n"
		"  -v           verbose: print === RUN and --- PASS lines\n"
		"  -scale X     time scale, real time = logical time * X (default %.2f);\n"
		"               below 1 runs faster, above 1 gives slow detectors more time\n"
		"  -noise P     probability of a schedule-noise point firing (default 0)\n"
		"  -split-crashes  with -noise: crash and restart a server while one of its\n"
		"               threads pauses between two critical sections (at most once\n"
		"               a second); for tests that crash servers themselves\n"
		"  -failfast    stop after the first test that fails\n"
		"  -failfast-safety  stop after the first test that fails other than by\n"
		"               being too slow (for runs with noise, whose pauses slow tests\n"
		"               down: a check of timing says little there, one of safety a lot)\n"
		"  -parallel N  run up to N tests at a time, each printing its output when\n"
		"               it ends (default 1: one at a time, output as it comes)\n"
		"  -results-fd N  also write each test's verdict, as a JSON line, to descriptor\n"
		"               N (open when the runner starts; tests cannot write to it)\n"
		"  -findings-fd N  write finding lines to descriptor N instead of stderr\n"
		"  -list        print the names of the matching tests and exit\n"
		"  -h           print this help\n"
		"\n"
		"Exit status: 0 if every test passed, 1 if any failed, 2 on bad flags\n"
		"or a -run pattern that matches no test.\n",
		prog, DEFAULT_SCALE);
}

/* Complain about the command line and exit with status 2. */
static void __attribute__((noreturn, format(printf, 1, 2))) bad_flags(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nrun '%s -h' for usage\n", prog);
	exit(2);
}

/* Parse a whole string as a number, or complain about flag. */
static uint64_t parse_uint(const char *flag, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		bad_flags("invalid value \"%s\" for -%s: want a non-negative integer", s, flag);
	return v;
}

/* Parse a whole string as a real number in [lo, hi], or complain. */
static double parse_double(const char *flag, const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		bad_flags("invalid value \"%s\" for -%s: want a number from %g to %g", s, flag,
			  lo, hi);
	return v;
}

/* A seed for when none is given: from the clock and the process id,
 * short enough to type back in. */
static uint64_t seed_from_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t x = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^
		     ((uint64_t)getpid() << 20);
	return x % 1000000000ull + 1;
}

/* Read the flags. Accepts -flag value, -flag=value and --flag. */
static void parse_args(int argc, char **argv, options *o)
{
	*o = (options){.count = 1, .parallel = 1, .scale = DEFAULT_SCALE, .results_fd = -1};
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (arg[0] != '-' || arg[1] == '\0')
			bad_flags("unexpected argument \"%s\" (flags start with -)", arg);
		const char *name = arg + (arg[1] == '-' ? 2 : 1);
		const char *value = NULL;
		size_t name_len = strcspn(name, "=");
		if (name[name_len] == '=')
			value = name + name_len + 1;
#define IS(flag) (name_len == strlen(flag) && strncmp(name, flag, name_len) == 0)
		bool boolean = IS("v") || IS("failfast") || IS("failfast-safety") ||
			       IS("list") || IS("h") || IS("help") ||
			       IS("split-crashes");
		bool with_value = IS("run") || IS("seed") || IS("count") || IS("scale") ||
				  IS("noise") || IS("parallel") || IS("results-fd") ||
				  IS("findings-fd");
		if (!boolean && !with_value)
			bad_flags("unknown flag -%.*s", (int)name_len, name);
		if (boolean) {
			if (value != NULL)
				bad_flags("flag -%.*s takes no value", (int)name_len, name);
		} else if (value == NULL) {
			if (i + 1 >= argc)
				bad_flags("flag -%.*s needs a value", (int)name_len, name);
			value = argv[++i];
		}
		if (IS("h") || IS("help")) {
			usage(stdout);
			exit(0);
		} else if (IS("v")) {
			o->verbose = true;
		} else if (IS("failfast")) {
			o->failfast = true;
		} else if (IS("failfast-safety")) {
			o->failfast_safety = true;
		} else if (IS("split-crashes")) {
			o->split_crashes = true;
		} else if (IS("list")) {
			o->list = true;
		} else if (IS("run")) {
			o->run = value;
		} else if (IS("seed")) {
			o->seed = parse_uint("seed", value);
			o->seed_given = true;
		} else if (IS("count")) {
			uint64_t count = parse_uint("count", value);
			if (count < 1 || count > INT_MAX)
				bad_flags("invalid value \"%s\" for -count: want 1 or more", value);
			o->count = (long)count;
		} else if (IS("scale")) {
			o->scale = parse_double("scale", value, 0.01, 100);
		} else if (IS("noise")) {
			o->noise = parse_double("noise", value, 0, 1);
		} else if (IS("parallel")) {
			uint64_t parallel = parse_uint("parallel", value);
			if (parallel < 1 || parallel > 64)
				bad_flags("invalid value \"%s\" for -parallel: want 1 to 64", value);
			o->parallel = (long)parallel;
		} else if (IS("results-fd") || IS("findings-fd")) {
			uint64_t fd = parse_uint(IS("results-fd") ? "results-fd" : "findings-fd", value);
			if (fd < 3 || fd > INT_MAX || fcntl((int)fd, F_GETFD) < 0)
				bad_flags("-%.*s %s: want an open descriptor, 3 or above",
					  (int)name_len, name, value);
			*(IS("results-fd") ? &o->results_fd : &o->findings_fd) = (int)fd;
		}
#undef IS
	}
	if (o->run != NULL) {
		int err = regcomp(&o->run_re, o->run, REG_EXTENDED | REG_NOSUB);
		if (err != 0) {
			char why[256];
			regerror(err, &o->run_re, why, sizeof(why));
			bad_flags("invalid -run pattern \"%s\": %s", o->run, why);
		}
	}
	if (!o->seed_given)
		o->seed = seed_from_clock();
}

/* Does the test's name match -run? */
static bool selected(const options *o, const test_case *tc)
{
	return o->run == NULL || regexec(&o->run_re, tc->name, 0, NULL, 0) == 0;
}

/* How many tests -run selects. */
static int count_selected(const options *o)
{
	int n = 0;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
		for (const test_case *tc = suites[s]; tc->name != NULL; tc++)
			n += selected(o, tc);
	return n;
}

/* The test's time limit in logical ms. */
static int64_t budget_of(const test_case *tc)
{
	return tc->budget_ms > 0 ? tc->budget_ms : TEST_DEFAULT_BUDGET_MS;
}

/* Real seconds on a clock that never jumps. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* When this run began: a finding says how long after it it was made,
 * whichever test made it. */
static int64_t run_start_ns;

/* In the child: run one test and end the process with its verdict. A
 * failing check never returns here; it exits with status 1 itself. */
static void __attribute__((noreturn)) run_in_child(const test_case *tc, const options *o,
						   uint64_t seed, int done_fd)
{
	/* Die with the parent, so an interrupted run leaves no test behind. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The verdicts are the parent's to write, never the test's. */
	if (o->results_fd >= 0)
		close(o->results_fd);
	rt_options ro = {.seed = seed,
			 .noise = o->noise,
			 .time_scale = o->scale,
			 .run_start_ns = run_start_ns,
			 .findings_fd = o->findings_fd};
	rt_init(&ro);
	cfg_set_split_crashes(o->split_crashes);
	watchdog_start(tc->name, budget_of(tc));
	tc->run();
	/* Kills peers, closes queues and the network, waits for threads. */
	cfg_cleanup_all();
	cfg_wait_for_threads();
	watchdog_stop();
	fflush(stdout);
	/* The test ran to its end: only now may the exit status say so. */
	ssize_t ignored = write(done_fd, "done", 4);
	(void)ignored;
	/* exit, not _exit: ThreadSanitizer turns the status into 66 if it
	 * reported anything. */
	exit(0);
}

/* How a test process ended. */
typedef struct verdict {
	bool passed;
	bool too_slow; /* failed only a check that something happened in time */
	char why[160];
} verdict;

/* Translate the child's wait status into a verdict. finished: the child
 * wrote "done" after the test had run to its end. */
static verdict judge(int status, bool killed, bool finished, double limit_s)
{
	verdict v = {.passed = false};
	if (killed) {
		snprintf(v.why, sizeof(v.why),
			 "hang: still running after %.0f s of real time; the runner killed it",
			 limit_s);
	} else if (WIFSIGNALED(status)) {
		snprintf(v.why, sizeof(v.why), "crashed: %s (signal %d)",
			 strsignal(WTERMSIG(status)), WTERMSIG(status));
	} else {
		int code = WEXITSTATUS(status);
		v.passed = code == 0 && finished;
		if (code == 0 && !finished)
			snprintf(v.why, sizeof(v.why),
				 "ended the process with status 0 before the test had run to its end");
		else if (code == 1)
			snprintf(v.why, sizeof(v.why), "a check failed (exit status 1)");
		else if ((v.too_slow = code == CFG_TOO_SLOW_EXIT_CODE))
			snprintf(v.why, sizeof(v.why),
				 "too slow: a check that something happened in time failed (exit "
				 "status %d)", code);
		else if (code == WATCHDOG_EXIT_CODE)
			snprintf(v.why, sizeof(v.why),
				 "the watchdog stopped it: hang, deadlock or over budget (exit "
				 "status %d)", code);
		else if (code == TSAN_EXIT_CODE)
			snprintf(v.why, sizeof(v.why),
				 "ThreadSanitizer reported a data race (exit status %d)", code);
		else if (code == ASAN_EXIT_CODE)
			snprintf(v.why, sizeof(v.why),
				 "AddressSanitizer reported a memory error or leak, or UBSan "
				 "undefined behaviour (exit status %d)", code);
		else if (code != 0)
			snprintf(v.why, sizeof(v.why), "exited with status %d", code);
	}
	return v;
}

/* A test running in a child process of its own. */
typedef struct running_test {
	const test_case *tc;
	uint64_t seed;
	pid_t pid;
	double started_s;
	double limit_s; /* the hard limit, in real seconds */
	FILE *out;	/* its output, when tests run side by side; else NULL */
	int done_fd;	/* where the child says "done" (read end, non-blocking) */
} running_test;

/* Start one test in a child process. With capture, its stdout and stderr
 * go to a file of its own, so that tests side by side do not mix lines. */
static void start_test(running_test *r, const test_case *tc, const options *o, uint64_t seed,
		       bool capture)
{
	/* Budget plus a generous grace: the watchdog should always act first. */
	double budget_s = (double)budget_of(tc) / 1000.0 * o->scale;
	*r = (running_test){.tc = tc, .seed = seed, .limit_s = budget_s * 1.5 + 30};
	if (capture && (r->out = tmpfile()) == NULL) {
		perror("tmpfile");
		exit(1);
	}
	int done[2];
	if (pipe2(done, O_CLOEXEC) != 0) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	fflush(stderr);
	r->started_s = now_s();
	r->pid = fork();
	if (r->pid < 0) {
		perror("fork");
		exit(1);
	}
	if (r->pid == 0) {
		close(done[0]);
		if (capture) {
			dup2(fileno(r->out), STDOUT_FILENO);
			dup2(fileno(r->out), STDERR_FILENO);
		}
		run_in_child(tc, o, seed, done[1]);
	}
	close(done[1]);
	fcntl(done[0], F_SETFL, O_NONBLOCK);
	r->done_fd = done[0];
}

/* Did the test's process say "done" before it ended? */
static bool said_done(running_test *r)
{
	char word[8] = "";
	ssize_t n = read(r->done_fd, word, sizeof word - 1);
	close(r->done_fd);
	return n == 4 && memcmp(word, "done", 4) == 0;
}

/* Wait until one of the n running tests ends, or passes its hard limit
 * and is killed. Returns its place in running; *v and *secs say how it
 * ended. */
static int wait_for_one(running_test *running, int n, verdict *v, double *secs)
{
	for (;;) {
		for (int i = 0; i < n; i++) {
			running_test *r = &running[i];
			int status = 0;
			pid_t got = waitpid(r->pid, &status, WNOHANG);
			if (got < 0 && errno != EINTR) {
				perror("waitpid");
				exit(1);
			}
			bool over = got == 0 && now_s() - r->started_s > r->limit_s;
			if (over) {
				kill(r->pid, SIGKILL);
				waitpid(r->pid, &status, 0);
			}
			if (got == r->pid || over) {
				*secs = now_s() - r->started_s;
				*v = judge(status, over, said_done(r), r->limit_s);
				return i;
			}
		}
		struct timespec nap = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
}

/* A captured output, printed whole, then closed (which deletes it). */
static void print_captured(FILE *out)
{
	char buf[8192];
	size_t n;
	fflush(stdout);
	rewind(out);
	while ((n = fread(buf, 1, sizeof buf, out)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(out);
}

/* What the run has counted so far. */
typedef struct tally {
	int passed, failed;
	int too_slow; /* of the failed, those that were only too slow */
	char failed_names[512];
} tally;

/* One JSON line on the results descriptor (one write, so lines never
 * mix). */
static void write_result_line(int fd, json_t *line)
{
	char *text = json_dumps(line, JSON_COMPACT);
	json_decref(line);
	if (text == NULL)
		return;
	size_t n = strlen(text);
	text[n] = '\n'; /* json_dumps's terminator becomes the newline */
	ssize_t ignored = write(fd, text, n + 1);
	(void)ignored;
	free(text);
}

/* A test has ended: its output, if captured, and its verdict. */
static void report(const running_test *r, const verdict *v, double secs, const options *o,
		   tally *t)
{
	if (r->out != NULL)
		print_captured(r->out);
	if (o->results_fd >= 0)
		write_result_line(o->results_fd,
				  json_pack("{s:s, s:I, s:b, s:f, s:s?}", "test", r->tc->name, "seed",
					    (json_int_t)r->seed, "passed", v->passed, "seconds", secs,
					    "why", v->passed ? NULL : v->why));
	if (v->passed) {
		t->passed++;
		if (o->verbose)
			printf("--- PASS: %s (%.2fs)\n", r->tc->name, secs);
		return;
	}
	t->failed++;
	t->too_slow += v->too_slow;
	printf("--- FAIL: %s (%.2fs) (seed %llu)\n", r->tc->name, secs,
	       (unsigned long long)r->seed);
	printf("    %s\n", v->why);
	printf("    to repeat: %s -run '^%s$' -seed %llu -scale %g -noise %g%s\n", prog,
	       r->tc->name, (unsigned long long)r->seed, o->scale, o->noise,
	       o->split_crashes ? " -split-crashes" : "");
	size_t used = strlen(t->failed_names);
	snprintf(t->failed_names + used, sizeof(t->failed_names) - used, "%s%s", used ? " " : "",
		 r->tc->name);
}

/* Where the run is in its tests: round k of -count, then suite and test. */
typedef struct cursor {
	long k;
	size_t suite;
	const test_case *tc;
} cursor;

/* The next selected test and its seed, or NULL when every one has run. */
static const test_case *next_test(const options *o, cursor *c, uint64_t *seed)
{
	const size_t nsuites = sizeof(suites) / sizeof(suites[0]);
	while (c->k < o->count) {
		if (c->tc == NULL)
			c->tc = suites[c->suite];
		for (; c->tc->name != NULL; c->tc++) {
			if (selected(o, c->tc)) {
				*seed = o->seed + (uint64_t)c->k;
				return c->tc++;
			}
		}
		c->tc = NULL;
		if (++c->suite == nsuites) {
			c->suite = 0;
			c->k++;
		}
	}
	return NULL;
}

/* Free what parse_args allocated, so a leak check at exit sees nothing. */
static void free_options(options *o)
{
	if (o->run != NULL)
		regfree(&o->run_re);
}

/* The program name without its directories. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Has a failure ended the run (-failfast, -failfast-safety)? */
static bool stop_early(const options *o, const tally *t)
{
	return (o->failfast && t->failed > 0) || (o->failfast_safety && t->failed > t->too_slow);
}

int main(int argc, char **argv)
{
	prog = base_name(argv[0]);
	options o;
	parse_args(argc, argv, &o);
	/* A pattern that selects nothing is a mistake (a typo, a renamed
	 * test): running nothing and printing PASS would hide it. */
	if (count_selected(&o) == 0) {
		free_options(&o);
		bad_flags("-run \"%s\" matches no test; list them with %s -list",
			  o.run ? o.run : "", prog);
	}

	if (o.list) {
		for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
			for (const test_case *tc = suites[s]; tc->name != NULL; tc++)
				if (selected(&o, tc))
					printf("%s\n", tc->name);
		free_options(&o);
		return 0;
	}

	printf("%s: seed %llu, scale %.2f, noise %g%s (repeat with -seed %llu)\n", prog,
	       (unsigned long long)o.seed, o.scale, o.noise,
	       o.split_crashes ? ", split crashes" : "", (unsigned long long)o.seed);
	double t0 = now_s();
	run_start_ns = (int64_t)(t0 * 1e9);
	tally t = {.passed = 0};
	running_test running[64];
	int nrunning = 0;
	cursor c = {.k = 0};
	for (;;) {
		const test_case *tc;
		uint64_t seed;
		while (nrunning < o.parallel && !stop_early(&o, &t) &&
		       (tc = next_test(&o, &c, &seed)) != NULL) {
			if (o.verbose)
				printf("=== RUN   %s\n", tc->name);
			start_test(&running[nrunning++], tc, &o, seed, o.parallel > 1);
		}
		if (nrunning == 0)
			break;
		verdict v;
		double secs;
		int i = wait_for_one(running, nrunning, &v, &secs);
		report(&running[i], &v, secs, &o, &t);
		running[i] = running[--nrunning];
	}

	double total = now_s() - t0;
	if (o.results_fd >= 0)
		write_result_line(o.results_fd, json_pack("{s:b, s:i, s:i}", "done", 1, "passed",
							  t.passed, "failed", t.failed));
	free_options(&o);
	if (t.failed == 0) {
		printf("PASS\n");
		printf("ok  \t%s\t%.2fs\t%d passed (seed %llu, scale %.2f)\n", prog, total, t.passed,
		       (unsigned long long)o.seed, o.scale);
		return 0;
	}
	printf("FAIL\n");
	printf("FAIL\t%s\t%.2fs\t%d passed, %d failed: %s (seed %llu, scale %.2f)\n", prog, total,
	       t.passed, t.failed, t.failed_names, (unsigned long long)o.seed, o.scale);
	return 1;
}
