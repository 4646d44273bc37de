/*
 * Reading rrl-check's command line. Every mistake is reported with what
 * was wrong and what to type instead, and ends the process with status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "hunt.h"
#include "options.h"
#include "report.h"

/* One screen a student can read to run the checker correctly. */
static void usage(FILE *out)
{
	fprintf(out,
		"usage: rrl-check [options] TARGET...\n"
		"       rrl-check [options] --program tests/programs/NAME.c\n"
		"\n"
		"Builds each target, runs every detector on it and grades what they report.\n"
		"A TARGET is a directory holding a raft/ directory: the project root (the\n"
		"reference), a buggy or fixed exercise tree, or a student's submission.\n"
		"exercise.json beside raft/ names the bug and the detectors that must see it.\n"
		"\n"
		"  -d, --detectors LIST  detectors to run, comma-separated (default: all):\n"
		"                        static,tsan,helgrind,lockdep,invariants,watchdog;\n"
		"                        the last three hear from every plain, TSan and\n"
		"                        Helgrind run\n"
		"  -r, --run REGEX       scenarios to run (default: the exercise's, else\n"
		"                        '%s')\n"
		"      --helgrind-run REGEX  scenarios under Helgrind (default: as -r, else the\n"
		"                        exercise's, else '%s')\n"
		"  -s, --seeds N|A-B     seeds 1..N or A..B; one plain, TSan and Helgrind run\n"
		"                        per seed (default: 3)\n"
		"      --helgrind-seeds N  Helgrind runs only the first N of those seeds\n"
		"                        (default: all; it costs about 35 s a run)\n"
		"  -j, --jobs N          runs at a time (default: the number of CPUs)\n"
		"      --timeout SECONDS stop a run after this long (default: 300; Helgrind\n"
		"                        runs get %dx); a stopped run is a watchdog finding\n"
		"      --noise P         schedule noise for the TSan and plain runs (default %g)\n"
		"      --hunt-noise P    noise of the hunt, the invariants' own runs: per seed,\n"
		"                        lanes of scenarios side by side (four; six in a check\n"
		"                        of 3D scenarios), each stopping at its first failure\n"
		"                        (default %g; see checker/README.md)\n"
		"      --no-hunt         no hunt runs: the invariants hear only from the others\n"
		"      --hunt-jobs N     hunt runs at a time, within -j (default: the number of\n"
		"                        CPUs). They run last, when the other runs have ended:\n"
		"                        each keeps most of a CPU busy, and more load than that\n"
		"                        slows the peers past the scenarios' time limits\n"
		"      --helgrind-jobs N Helgrind runs at a time, beyond -j (default: twice -j).\n"
		"                        Helgrind stretches the scenarios' time %dx and sleeps\n"
		"                        most of it, so -j of them leave the CPUs half idle\n"
		"      --no-share        run every target's runs, even where two targets have\n"
		"                        the same peer sources (by default such a run is made\n"
		"                        once and counts for both)\n"
		"      --variant V       reference, buggy, fixed or submission, for every TARGET\n"
		"                        (default: a file named 'variant' in the target; else the\n"
		"                        project root is the reference, a tree with exercise.json\n"
		"                        is buggy, anything else a submission)\n"
		"      --program FILE    check a small pthread program from tests/programs/\n"
		"      --sandbox         build and run each submission in rrl-sandbox, after checking\n"
		"                        what its code calls (checker/README.md, \"The sandbox\")\n"
		"      --sandbox-hide DIR  a directory a sandboxed submission may not read (the\n"
		"                        other submissions); may be repeated\n"
		"      --student         the student's report: each detector clean or the problems\n"
		"                        it found, with no rule, bug line or expected result\n"
		"      --json FILE       write the results as JSON ('-' for stdout)\n"
		"      --junit FILE      write the results as JUnit XML, for CI\n"
		"      --sarif FILE      write the findings as SARIF 2.1.0, for code scanning\n"
		"      --html FILE       write one self-contained HTML page: both sides of each\n"
		"                        race, the history behind each invariant as a timeline\n"
		"      --no-color        no colours in the table\n"
		"  -q, --quiet           no table and no progress; only errors\n"
		"  -v, --verbose         a progress line for every run, and the commands\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit status: 0 clean (or every expected detector caught the bug), 1 findings\n"
		"or a missed bug, 2 a usage or build error.\n"
		"\n"
		"Examples:\n"
		"  rrl-check .                                   the reference, all detectors\n"
		"  rrl-check -d tsan,lockdep -s 1-20 ~/my-raft   a submission, 20 seeds\n"
		"  rrl-check --json out.json build/buggy/ex1\n",
		CK_DEFAULT_RUN, CK_DEFAULT_HELGRIND_RUN, CK_HELGRIND_TIMEOUT_FACTOR,
		CK_DEFAULT_NOISE, CK_HUNT_NOISE, CK_HELGRIND_SCALE);
}

/* Every bad flag ends the same way, with a pointer to the help. */
static void __attribute__((noreturn, format(printf, 1, 2))) bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "rrl-check: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nrun 'rrl-check -h' for usage\n");
	exit(2);
}

/* "-j 4x" or "-j -1" must be refused, not read as 4 or as huge. */
static long parse_long(const char *flag, const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		bad_usage("invalid value '%s' for %s: want a whole number from %ld to %ld", s, flag,
			  lo, hi);
	return v;
}

static double parse_double(const char *flag, const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		bad_usage("invalid value '%s' for %s: want a number from %g to %g", s, flag, lo,
			  hi);
	return v;
}

/* "-s 10" means ten seeds, 1..10; "-s 5-8" repeats a known range. */
static void parse_seeds(const char *s, ck_options *o)
{
	const char *dash = strchr(s, '-');
	if (dash == NULL) {
		o->seed_first = 1;
		o->seed_last = (uint64_t)parse_long("--seeds", s, 1, 100000);
		return;
	}
	char first[32];
	size_t n = (size_t)(dash - s);
	if (n == 0 || n >= sizeof first)
		bad_usage("invalid seeds '%s': want N (seeds 1..N) or A-B, e.g. -s 10 or -s 5-8",
			  s);
	memcpy(first, s, n);
	first[n] = '\0';
	o->seed_first = (uint64_t)parse_long("--seeds", first, 0, LONG_MAX);
	o->seed_last = (uint64_t)parse_long("--seeds", dash + 1, 0, LONG_MAX);
	if (o->seed_last < o->seed_first || o->seed_last - o->seed_first >= 100000)
		bad_usage("invalid seeds '%s': A-B needs A <= B and at most 100000 seeds", s);
}

/* A misspelt detector would silently run nothing. */
static void parse_detectors(const char *list, ck_options *o)
{
	for (int d = 0; d < CK_NDETECTORS; d++)
		o->detectors[d] = false;
	char *copy = ck_strdup(list);
	char *save = NULL;
	int n = 0;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		int d = ck_detector_from_name(name);
		if (d < 0)
			bad_usage("unknown detector '%s': use static, tsan, helgrind, lockdep, "
				  "invariants or watchdog (comma-separated)",
				  name);
		o->detectors[d] = true;
		n++;
	}
	free(copy);
	if (n == 0)
		bad_usage("-d needs at least one detector, e.g. -d tsan,lockdep");
}

static int parse_variant(const char *s)
{
	static const char *const names[] = {"reference", "buggy", "fixed", "submission"};
	for (int v = 0; v < 4; v++)
		if (strcmp(s, names[v]) == 0)
			return v; /* CK_REFERENCE .. CK_SUBMISSION, in this order */
	bad_usage("unknown variant '%s': use reference, buggy, fixed or submission", s);
}

/* A bad regex would otherwise fail in every one of the runs. */
static void check_regex(const char *flag, const char *re)
{
	regex_t compiled;
	int err = regcomp(&compiled, re, REG_EXTENDED | REG_NOSUB);
	if (err != 0) {
		char why[200];
		regerror(err, &compiled, why, sizeof why);
		bad_usage("invalid %s pattern '%s': %s", flag, re, why);
	}
	regfree(&compiled);
}

static void push(char ***v, size_t *n, char *s)
{
	*v = ck_realloc_array(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = s;
}

enum {
	OPT_HELGRIND_RUN = 256,
	OPT_TIMEOUT,
	OPT_NOISE,
	OPT_HUNT_NOISE,
	OPT_NO_HUNT,
	OPT_NO_SHARE,
	OPT_HUNT_JOBS,
	OPT_HELGRIND_JOBS,
	OPT_VARIANT,
	OPT_PROGRAM,
	OPT_JSON,
	OPT_JUNIT,
	OPT_SARIF,
	OPT_HTML,
	OPT_SANDBOX,
	OPT_SANDBOX_HIDE,
	OPT_NO_COLOR,
	OPT_HELGRIND_SEEDS,
	OPT_STUDENT
};

static const struct option long_options[] = {
    {"detectors", required_argument, NULL, 'd'},
    {"run", required_argument, NULL, 'r'},
    {"helgrind-run", required_argument, NULL, OPT_HELGRIND_RUN},
    {"seeds", required_argument, NULL, 's'},
    {"helgrind-seeds", required_argument, NULL, OPT_HELGRIND_SEEDS},
    {"student", no_argument, NULL, OPT_STUDENT},
    {"jobs", required_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"noise", required_argument, NULL, OPT_NOISE},
    {"hunt-noise", required_argument, NULL, OPT_HUNT_NOISE},
    {"no-hunt", no_argument, NULL, OPT_NO_HUNT},
    {"no-share", no_argument, NULL, OPT_NO_SHARE},
    {"hunt-jobs", required_argument, NULL, OPT_HUNT_JOBS},
    {"helgrind-jobs", required_argument, NULL, OPT_HELGRIND_JOBS},
    {"variant", required_argument, NULL, OPT_VARIANT},
    {"program", required_argument, NULL, OPT_PROGRAM},
    {"json", required_argument, NULL, OPT_JSON},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"sarif", required_argument, NULL, OPT_SARIF},
    {"html", required_argument, NULL, OPT_HTML},
    {"sandbox", no_argument, NULL, OPT_SANDBOX},
    {"sandbox-hide", required_argument, NULL, OPT_SANDBOX_HIDE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"no-colour", no_argument, NULL, OPT_NO_COLOR},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Defaults are chosen so that `rrl-check DIR` alone is useful. */
static void set_defaults(ck_options *o)
{
	*o = (ck_options){.seed_first = 1,
			  .seed_last = 3,
			  .timeout_s = 300,
			  .noise = CK_DEFAULT_NOISE,
			  .hunt_noise = CK_HUNT_NOISE,
			  .share = true,
			  .variant = -1};
	for (int d = 0; d < CK_NDETECTORS; d++)
		o->detectors[d] = true;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o->jobs = cpus > 0 ? (int)cpus : 1;
	o->hunt_jobs = o->jobs;
	o->colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
}

/* One switch per flag; the checks that need several flags follow. */
static void apply(int c, const char *arg, ck_options *o)
{
	switch (c) {
	case 'd':
		parse_detectors(arg, o);
		break;
	case 'r':
		check_regex("-r", arg);
		o->run = arg;
		break;
	case OPT_HELGRIND_RUN:
		check_regex("--helgrind-run", arg);
		o->helgrind_run = arg;
		break;
	case 's':
		parse_seeds(arg, o);
		break;
	case OPT_HELGRIND_SEEDS:
		o->helgrind_seeds = (int)parse_long("--helgrind-seeds", arg, 1, 100000);
		break;
	case OPT_STUDENT:
		o->student = true;
		break;
	case 'j':
		o->jobs = (int)parse_long("-j", arg, 1, 256);
		break;
	case OPT_TIMEOUT:
		o->timeout_s = parse_double("--timeout", arg, 1, 86400);
		break;
	case OPT_NOISE:
		o->noise = parse_double("--noise", arg, 0, 1);
		break;
	case OPT_HUNT_NOISE:
		o->hunt_noise = parse_double("--hunt-noise", arg, 0, 1);
		break;
	case OPT_NO_HUNT:
		o->hunt_noise = 0;
		break;
	case OPT_NO_SHARE:
		o->share = false;
		break;
	case OPT_HUNT_JOBS:
		o->hunt_jobs = (int)parse_long("--hunt-jobs", arg, 1, 256);
		break;
	case OPT_HELGRIND_JOBS:
		o->helgrind_jobs = (int)parse_long("--helgrind-jobs", arg, 1, 256);
		break;
	case OPT_VARIANT:
		o->variant = parse_variant(arg);
		break;
	case OPT_PROGRAM:
		push(&o->programs, &o->nprograms, (char *)arg);
		break;
	case OPT_JSON:
		o->json_path = arg;
		break;
	case OPT_JUNIT:
		o->junit_path = arg;
		break;
	case OPT_SARIF:
		o->sarif_path = arg;
		break;
	case OPT_HTML:
		o->html_path = arg;
		break;
	case OPT_SANDBOX:
		o->sandbox = true;
		break;
	case OPT_SANDBOX_HIDE:
		push(&o->sandbox_hide, &o->nsandbox_hide, (char *)arg);
		break;
	case OPT_NO_COLOR:
		o->colour = false;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'h':
		usage(stdout);
		exit(0);
	default:
		bad_usage("unknown option (see the list of options)");
	}
}

void ck_options_parse(int argc, char **argv, ck_options *o)
{
	set_defaults(o);
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":d:r:s:j:qvh", long_options, NULL)) != -1) {
		if (c == ':')
			bad_usage("option '%s' needs a value", argv[optind - 1]);
		if (c == '?')
			bad_usage("unknown option '%s'", argv[optind - 1]);
		apply(c, optarg, o);
	}
	for (int i = optind; i < argc; i++)
		push(&o->trees, &o->ntrees, argv[i]);
	if (o->ntrees == 0 && o->nprograms == 0)
		bad_usage("no target: give a directory holding raft/ (e.g. '.', the reference) "
			  "or --program tests/programs/race.c");
	if (o->quiet && o->verbose)
		bad_usage("-q and -v contradict each other; use one");
	if (o->helgrind_jobs == 0)
		o->helgrind_jobs = 2 * o->jobs;
}
