/*
 * Writing a JSON document to a file or stdout. See json_file.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean_text.h"
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


json_t *ck_json_text(const char *s)
{
	char *clean = ck_clean_text(s != NULL ? s : "", CK_TEXT_JSON);
	json_t *v = json_string(clean);
	free(clean);
	return v;
}

json_t *ck_json_seeds(const ck_finding *f)
{
	size_t n;
	const uint64_t *seeds = ck_finding_seeds(f, &n);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)seeds[i]));
	return a;
}
