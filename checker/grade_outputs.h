/*
 * What rrl-grade writes (docs/grading.md): for each student the
 * Gradescope results.json and a Markdown report; for the class
 * grades.csv and grades.json, one row per student.
 */
#ifndef CK_GRADE_OUTPUTS_H
#define CK_GRADE_OUTPUTS_H

#include <jansson.h>

#include "score.h"

/* One student's grade, as grade.json keeps it and the class files list it. */
typedef struct ck_student_grade {
	const char *student;
	const ck_score *score;
	const json_t *result; /* the check's results[0], or NULL if none */
	const char *sandbox;  /* "bwrap", or "fallback: why" */
	double seconds;
	const char *fingerprint; /* of the submission, the policy and the settings */
} ck_student_grade;

/* The student's row, as a JSON object (new reference). */
json_t *ck_grade_row(const ck_student_grade *g);

/* Gradescope's results.json: one test per detector and scenario, Markdown
 * output, visible to the student. Returns 0 or -1 (message on stderr). */
int ck_write_gradescope(const ck_student_grade *g, const char *path);
/* GitHub Classroom's autograding result (what its grading reporter reads,
 * base64-encoded, from a step's "result" output): one test per detector
 * and scenario, each with its own score, so the grade keeps the policy's
 * weights. */
int ck_write_classroom(const ck_student_grade *g, const char *path);
/* The same as a Markdown page, report.md. */
int ck_write_grade_markdown(const ck_student_grade *g, const char *path);

/* grades.csv and grades.json from the rows (a JSON array of ck_grade_row
 * objects). */
int ck_write_class_grades(const json_t *rows, const char *csv_path, const char *json_path);

#endif
