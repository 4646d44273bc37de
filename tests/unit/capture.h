/*
 * Capturing what the code under test writes to stderr, so a test can check
 * that a finding line was (or was not) reported.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

/* Start sending stderr to a temporary file. */
void capture_begin(void);
/* Restore stderr and return what was written (malloc'd; caller frees). */
char *capture_end(void);

/* Count the finding lines in text whose "kind" is kind. */
int count_findings(const char *text, const char *kind);

#endif
