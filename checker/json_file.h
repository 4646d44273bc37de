/*
 * Writing a JSON document (a jansson tree) to a file or stdout, and the
 * values every JSON output of the checker's programs makes alike.
 */
#ifndef CK_JSON_FILE_H
#define CK_JSON_FILE_H

#include <jansson.h>

#include "finding.h"

/* Text from a detector as a JSON string ("" for NULL), cleaned first:
 * jansson refuses a string that is not UTF-8. */
json_t *ck_json_text(const char *s);
/* The seeds whose runs reported f, ascending, as a JSON array. */
json_t *ck_json_seeds(const ck_finding *f);

/* Write root to path ("-": stdout) and free it; what names the document
 * in messages. 0, or -1 with a message on stderr. */
int ck_dump_json(json_t *root, const char *path, const char *what, size_t flags);

#endif
