/*
 * Writing a JSON document to a file or stdout. See json_file.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json_file.h"

/* Messages start with the program's name (rrl-check, rrl-grade). "-" is stdout, as for most command-line tools; otherwise the file is
 * replaced. Takes root. */
int ck_dump_json(json_t *root, const char *path, const char *what, size_t flags)
{
	if (root == NULL) {
		fprintf(stderr, "%s: cannot build the %s (out of memory?)\n",
			program_invocation_short_name, what);
		return -1;
	}
	bool to_stdout = strcmp(path, "-") == 0;
	FILE *fp = to_stdout ? stdout : fopen(path, "w");
	if (fp == NULL) {
		fprintf(stderr, "%s: cannot write the %s to %s: %s\n",
			program_invocation_short_name, what, path,
			strerror(errno));
		json_decref(root);
		return -1;
	}
	int rc = json_dumpf(root, fp, flags);
	if (rc == 0 && fputc('\n', fp) == EOF)
		rc = -1;
	if (fflush(fp) != 0)
		rc = -1;
	if (!to_stdout && fclose(fp) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "%s: writing the %s to %s failed: %s\n",
			program_invocation_short_name, what, path,
			strerror(errno));
	json_decref(root);
	return rc == 0 ? 0 : -1;
}

