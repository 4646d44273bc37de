/*
 * The detection matrix (docs/matrix.md): which detector sees which
 * exercise's bug, written from the JSON report of a check-all run.
 */
#ifndef CK_MATRIX_H
#define CK_MATRIX_H

#include <jansson.h>
#include <stdio.h>

typedef struct ck_matrix_options {
	const char *command; /* the command that made the report (make matrix ...), or NULL */
	const char *source;  /* the JSON file's name, for the document to cite, or NULL */
} ck_matrix_options;

/* Write the matrix of report (rrl-check's JSON: checker/README.md) to out
 * as Markdown. Returns 0, or -1 with a message in err (size errlen) when
 * the report holds no exercise or is not rrl-check's JSON. */
int ck_matrix_write(json_t *report, const ck_matrix_options *o, FILE *out, char *err,
		    size_t errlen);

#endif
