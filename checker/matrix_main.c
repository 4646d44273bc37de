/*
 * rrl-matrix: the detection matrix (docs/matrix.md) from the JSON reports
 * of check-all runs. `make matrix` runs it; see matrix.h.
 *
 *   rrl-matrix [--command CMD] [--catalog DIR] [-o FILE] REPORT.json...
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "matrix.h"

static void usage(FILE *out)
{
	fputs("usage: rrl-matrix [--command CMD] [--catalog DIR] [-o FILE] REPORT.json...\n"
	      "\n"
	      "Writes the detection matrix (Markdown) of rrl-check JSON reports made by\n"
	      "make check-all JSON=REPORT.json, to FILE or stdout. Several reports (slices of\n"
	      "the catalog, checked one after another) make one matrix; a tree (an\n"
	      "exercise's buggy or fixed one) in two of them is taken from the later.\n"
	      "  --command CMD   the command that made the document, for it to state\n"
	      "  --catalog DIR   the catalog's buggy/ directory: the document says which of\n"
	      "                  its exercises the reports leave out\n"
	      "  -o FILE         write FILE (replaced only when the matrix is complete)\n",
	      out);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids of DIR's exercises: its subdirectories that hold an
 * exercise.json, in name order. */
static char **catalog_ids(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "rrl-matrix: cannot read the catalog %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	char **ids = NULL;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *json = ck_strdup_printf("%s/%s/exercise.json", dir, e->d_name);
		struct stat st;
		if (stat(json, &st) == 0 && S_ISREG(st.st_mode)) {
			ids = ck_realloc_array(ids, *n + 1, sizeof *ids);
			ids[(*n)++] = ck_strdup(e->d_name);
		}
		free(json);
	}
	closedir(d);
	qsort(ids, *n, sizeof *ids, by_string);
	return ids;
}

static int write_matrix(const ck_matrix_input *in, size_t n, const ck_matrix_options *o,
			const char *output)
{
	char *tmp = output ? ck_strdup_printf("%s.tmp", output) : NULL;
	FILE *out = tmp ? fopen(tmp, "w") : stdout;
	if (out == NULL) {
		fprintf(stderr, "rrl-matrix: cannot write %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return 2;
	}
	char err[512];
	int rc = ck_matrix_write(in, n, o, out, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "rrl-matrix: %s\n", err);
	if (tmp != NULL) {
		if (fclose(out) != 0)
			rc = -1;
		if (rc == 0 && rename(tmp, output) != 0) {
			fprintf(stderr, "rrl-matrix: cannot write %s: %s\n", output,
				strerror(errno));
			rc = -1;
		}
		if (rc != 0)
			remove(tmp);
	}
	free(tmp);
	return rc == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {{"command", required_argument, NULL, 'c'},
						{"catalog", required_argument, NULL, 'C'},
						{"output", required_argument, NULL, 'o'},
						{"help", no_argument, NULL, 'h'},
						{NULL, 0, NULL, 0}};
	ck_matrix_options o = {0};
	const char *output = NULL;
	char **ids = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		if (c == 'c') {
			o.command = optarg;
		} else if (c == 'C') {
			ids = catalog_ids(optarg, &o.ncatalog);
			o.catalog = (const char *const *)ids;
		} else if (c == 'o') {
			output = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	size_t n = (size_t)(argc - optind);
	ck_matrix_input *in = ck_calloc(n, sizeof *in);
	for (size_t i = 0; i < n; i++) {
		in[i].source = argv[optind + (int)i];
		json_error_t jerr;
		in[i].report = json_load_file(in[i].source, 0, &jerr);
		if (in[i].report == NULL) {
			fprintf(stderr,
				"rrl-matrix: %s: line %d: %s; make it with make check-all JSON=%s\n",
				in[i].source, jerr.line, jerr.text, in[i].source);
			return 2;
		}
	}
	int rc = write_matrix(in, n, &o, output);
	for (size_t i = 0; i < n; i++)
		json_decref(in[i].report);
	free(in);
	for (size_t i = 0; i < o.ncatalog; i++)
		free(ids[i]);
	free(ids);
	return rc;
}
