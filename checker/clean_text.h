/*
 * Text from detectors is not always fit to print: a compiler message may
 * hold bytes that are not UTF-8, a TSan log may hold terminal escapes.
 * JSON needs valid UTF-8, XML 1.0 also forbids most control characters,
 * and a one-line terminal listing wants neither newlines nor escapes.
 */
#ifndef CK_CLEAN_TEXT_H
#define CK_CLEAN_TEXT_H

typedef enum ck_text_mode {
	CK_TEXT_JSON, /* invalid UTF-8 -> U+FFFD; jansson escapes the rest */
	CK_TEXT_XML,  /* also control characters other than tab, LF, CR -> U+FFFD */
	CK_TEXT_LINE, /* also tab, LF, CR -> space, other controls -> U+FFFD */
} ck_text_mode;

/* A cleaned, malloc'd copy of s (NULL if s is NULL). */
char *ck_clean_text(const char *s, ck_text_mode mode);

#endif
