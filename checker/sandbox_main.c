/*
 * rrl-sandbox: run one untrusted command in the sandbox (sandbox.h) and
 * say what happened. The grader runs every build and run of a submission
 * through it; it can also be used alone:
 *
 *   build/checker/rrl-sandbox --write work/alice --time 60 --memory 2048 \
 *       --status status.json -- make -C work/alice
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "sandbox.h"

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: rrl-sandbox [OPTION]... -- COMMAND [ARG]...\n"
		"Run COMMAND with no network, a read-only root, a private /tmp and one writable\n"
		"directory, under limits; exit with its status (124: the time limit, 125: the\n"
		"sandbox failed).\n"
		"\n"
		"  -w, --write DIR      the one directory COMMAND may write\n"
		"      --hide DIR       make DIR empty inside the sandbox (may be repeated)\n"
		"  -r, --read DIR       let it read DIR even under /tmp or a hidden directory\n"
		"  -t, --time S         kill everything after S seconds of wall-clock time\n"
		"      --cpu S          CPU seconds per process (RLIMIT_CPU)\n"
		"  -m, --memory MB      memory cap, with a cgroup (never an address-space limit:\n"
		"                       ThreadSanitizer will not start under one)\n"
		"      --procs N        processes and threads at once (pids cgroup)\n"
		"      --file-size MB   the largest file it may write (RLIMIT_FSIZE)\n"
		"      --open-files N   open files (RLIMIT_NOFILE)\n"
		"  -u, --user NAME      run as NAME when started as root (default: nobody)\n"
		"      --keep-fd N      leave descriptor N open for COMMAND (every other one\n"
		"                       above 2 is closed); may be repeated\n"
		"      --no-bwrap       the fallback: the user, the limits and the timeout only\n"
		"  -s, --status FILE    write what happened as JSON (checker/README.md)\n"
		"  -h, --help           this help\n");
}

static long number(const char *opt, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "rrl-sandbox: %s wants a number, not '%s'\n", opt, arg);
		exit(125);
	}
	return v;
}

/* bwrap wants absolute paths, and a mistyped one is better said now. */
static char *existing_dir(const char *opt, const char *arg)
{
	char *abs = realpath(arg, NULL);
	if (abs == NULL) {
		fprintf(stderr, "rrl-sandbox: %s %s: no such directory\n", opt, arg);
		exit(125);
	}
	return abs;
}

static json_t *status_json(const sb_options *o, const sb_result *r)
{
	json_t *limits = json_pack("{s:f, s:I, s:I, s:I, s:I, s:I}", "wall_s", o->wall_s, "cpu_s",
				   (json_int_t)o->cpu_s, "memory_mb", (json_int_t)o->memory_mb,
				   "procs", (json_int_t)o->procs, "file_mb", (json_int_t)o->file_mb,
				   "open_files", (json_int_t)o->open_files);
	json_t *s = json_pack(
	    "{s:s, s:o, s:o, s:o, s:f, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s?, s:o, s:i}", "mode",
	    r->mode, "why_fallback", r->why_fallback ? json_string(r->why_fallback) : json_null(),
	    "exit_code", r->exit_code >= 0 ? json_integer(r->exit_code) : json_null(), "signal",
	    r->signal > 0 ? json_integer(r->signal) : json_null(), "wall_s", r->wall_s, "timed_out",
	    r->timed_out, "out_of_memory", r->out_of_memory, "procs_limit", r->procs_limit,
	    "cpu_limit", r->cpu_limit, "file_limit", r->file_limit, "memory_capped",
	    r->memory_capped, "leftovers", r->leftovers, "memory_cap", r->memory_cap, "error",
	    r->error ? json_string(r->error) : json_null(), "status", sb_exit_status(r));
	json_object_set_new(s, "limits", limits);
	return s;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"write", required_argument, NULL, 'w'},  {"hide", required_argument, NULL, 'H'},
	    {"read", required_argument, NULL, 'r'},
	    {"time", required_argument, NULL, 't'},   {"cpu", required_argument, NULL, 'C'},
	    {"memory", required_argument, NULL, 'm'}, {"procs", required_argument, NULL, 'P'},
	    {"file-size", required_argument, NULL, 'F'},
	    {"open-files", required_argument, NULL, 'N'},
	    {"user", required_argument, NULL, 'u'},   {"no-bwrap", no_argument, NULL, 'B'},
	    {"keep-fd", required_argument, NULL, 'K'},
	    {"status", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	sb_options o = {.wall_s = 600, .procs = 4096, .file_mb = 256, .open_files = 1024};
	const char *status_path = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+w:r:t:m:u:s:h", longs, NULL)) != -1) {
		switch (c) {
		case 'w':
			o.write_dir = existing_dir("--write", optarg);
			break;
		case 'H':
			o.hide = ck_realloc_array(o.hide, o.nhide + 1, sizeof *o.hide);
			o.hide[o.nhide++] = existing_dir("--hide", optarg);
			break;
		case 'r':
			o.read = ck_realloc_array(o.read, o.nread + 1, sizeof *o.read);
			o.read[o.nread++] = existing_dir("--read", optarg);
			break;
		case 't':
			o.wall_s = (double)number("--time", optarg);
			break;
		case 'C':
			o.cpu_s = number("--cpu", optarg);
			break;
		case 'm':
			o.memory_mb = number("--memory", optarg);
			break;
		case 'P':
			o.procs = number("--procs", optarg);
			break;
		case 'F':
			o.file_mb = number("--file-size", optarg);
			break;
		case 'N':
			o.open_files = number("--open-files", optarg);
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'B':
			o.no_bwrap = true;
			break;
		case 'K':
			if (o.nkeep_fds == sizeof o.keep_fds / sizeof o.keep_fds[0]) {
				fprintf(stderr, "rrl-sandbox: too many --keep-fd\n");
				return 125;
			}
			o.keep_fds[o.nkeep_fds++] = (int)number("--keep-fd", optarg);
			break;
		case 's':
			status_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 125;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "rrl-sandbox: no command given (put it after --)\n");
		usage(stderr);
		return 125;
	}
	o.argv = &argv[optind];
	sb_result r;
	sb_run(&o, &r);
	if (r.error != NULL)
		fprintf(stderr, "rrl-sandbox: %s\n", r.error);
	int status = sb_exit_status(&r);
	if (status_path != NULL) {
		json_t *s = status_json(&o, &r);
		if (s == NULL || json_dump_file(s, status_path, JSON_INDENT(2)) != 0) {
			fprintf(stderr, "rrl-sandbox: cannot write the status to %s\n", status_path);
			status = 125;
		}
		json_decref(s);
	}
	sb_result_free(&r);
	for (size_t i = 0; i < o.nhide; i++)
		free((char *)o.hide[i]);
	free(o.hide);
	for (size_t i = 0; i < o.nread; i++)
		free((char *)o.read[i]);
	free(o.read);
	free((char *)o.write_dir);
	return status;
}
