/*
 * rrl-matrix: the detection matrix (docs/matrix.md) from the JSON report
 * of a check-all run. `make matrix` runs it; see matrix.h.
 *
 *   rrl-matrix [--command CMD] [-o FILE] REPORT.json
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "matrix.h"

static void usage(FILE *out)
{
	fputs("usage: rrl-matrix [--command CMD] [-o FILE] REPORT.json\n"
	      "\n"
	      "Writes the detection matrix (Markdown) of an rrl-check JSON report made by\n"
	      "make check-all JSON=REPORT.json, to FILE or stdout.\n"
	      "  --command CMD   the command that made the report, for the document to state\n"
	      "  -o FILE         write FILE (replaced only when the matrix is complete)\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {{"command", required_argument, NULL, 'c'},
						{"output", required_argument, NULL, 'o'},
						{"help", no_argument, NULL, 'h'},
						{NULL, 0, NULL, 0}};
	ck_matrix_options o = {0};
	const char *output = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		if (c == 'c')
			o.command = optarg;
		else if (c == 'o')
			output = optarg;
		else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o.source = argv[optind];
	json_error_t jerr;
	json_t *report = json_load_file(o.source, 0, &jerr);
	if (report == NULL) {
		fprintf(stderr,
			"rrl-matrix: %s: line %d: %s; make it with make check-all JSON=%s\n",
			o.source, jerr.line, jerr.text, o.source);
		return 2;
	}
	char *tmp = output ? ck_strdup_printf("%s.tmp", output) : NULL;
	FILE *out = tmp ? fopen(tmp, "w") : stdout;
	if (out == NULL) {
		fprintf(stderr, "rrl-matrix: cannot write %s: %s\n", tmp, strerror(errno));
		return 2;
	}
	char err[256];
	int rc = ck_matrix_write(report, &o, out, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "rrl-matrix: %s: %s\n", o.source, err);
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
	json_decref(report);
	return rc == 0 ? 0 : 2;
}
