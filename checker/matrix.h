/*
 * The detection matrix (docs/matrix.md): which detector sees which
 * exercise's bug, written from the JSON report of a check-all run.
 */
#ifndef CK_MATRIX_H
#define CK_MATRIX_H

#include <jansson.h>
#include <stdio.h>

typedef struct ck_matrix_options {
	const char *command; /* the command that made the document (make matrix ...), or NULL */
	/* Every exercise id of the catalog, so the document can say which
	 * are not measured yet; NULL when not known. */
	const char *const *catalog;
	size_t ncatalog;
} ck_matrix_options;

/* One check-all run: its JSON report (rrl-check's: checker/README.md)
 * and the file it came from, for the document to cite (or NULL). */
typedef struct ck_matrix_input {
	json_t *report;
	const char *source;
} ck_matrix_input;

/* Write the matrix of the reports to out as Markdown. A long catalog may
 * be checked in slices, a check-all run each: their rows are put
 * together, and a tree (an exercise's buggy or fixed one) in two of
 * them is taken from the check that started later (the report's
 * check.started), whatever order they are given in.
 * Returns 0, or -1 with a message in err (size errlen) when a report is
 * not rrl-check's JSON or none holds an exercise. */
int ck_matrix_write(const ck_matrix_input *in, size_t n, const ck_matrix_options *o, FILE *out,
		    char *err, size_t errlen);

#endif
