/*
 * stderr capture for unit tests. Finding lines are parsed with jansson, the
 * same way the checker reads them.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "rt/finding.h"

static FILE *tmp;
static int saved_fd = -1;

void capture_begin(void)
{
	fflush(stderr);
	tmp = tmpfile();
	saved_fd = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
}

char *capture_end(void)
{
	fflush(stderr);
	dup2(saved_fd, STDERR_FILENO);
	close(saved_fd);
	long len = ftell(tmp);
	char *text = calloc(1, (size_t)len + 1);
	rewind(tmp);
	size_t got = fread(text, 1, (size_t)len, tmp);
	text[got] = '\0';
	fclose(tmp);
	return text;
}

int count_findings(const char *text, const char *kind)
{
	int n = 0;
	const char *p = text;
	size_t plen = strlen(RT_FINDING_PREFIX);
	while ((p = strstr(p, RT_FINDING_PREFIX)) != NULL) {
		p += plen;
		json_error_t err;
		json_t *o = json_loadb(p, strcspn(p, "\n"), 0, &err);
		const char *k = o ? json_string_value(json_object_get(o, "kind")) : NULL;
		if (k && strcmp(k, kind) == 0)
			n++;
		json_decref(o);
	}
	return n;
}
