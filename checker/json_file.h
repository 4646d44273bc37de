/*
 * Writing a JSON document (a jansson tree) to a file or stdout, for every
 * JSON output of the checker's programs.
 */
#ifndef CK_JSON_FILE_H
#define CK_JSON_FILE_H

#include <jansson.h>

/* Write root to path ("-": stdout) and free it; what names the document
 * in messages. 0, or -1 with a message on stderr. */
int ck_dump_json(json_t *root, const char *path, const char *what, size_t flags);

#endif
