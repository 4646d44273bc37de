/*
 * The submission policy. See policy.h; the rules, and why each, are in
 * checker/README.md, "What a submission may call".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "elf_symbols.h"
#include "files.h"
#include "policy.h"

/* "build/check/x/plain/obj/raft/election.o" -> "raft/election.c". */
static char *source_of(const char *object)
{
	const char *base = strrchr(object, '/');
	base = base ? base + 1 : object;
	char *name = ck_strdup_printf("raft/%s", base);
	size_t n = strlen(name);
	if (n > 2 && strcmp(name + n - 2, ".o") == 0)
		name[n - 1] = 'c';
	return name;
}

typedef struct breaches {
	FILE *out;
	char *text;
	size_t len;
	int n;
} breaches;

static void __attribute__((format(printf, 2, 3))) breach(breaches *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(b->out, fmt, ap);
	va_end(ap);
	fputc('\n', b->out);
	b->n++;
}

/* The C library functions a submission may call: one name per line,
 * '#' starts a comment. */
static int read_calls(const char *path, ck_names *calls, breaches *b)
{
	char *text = ck_read_file(path);
	if (text == NULL) {
		breach(b, "the grader cannot read its list of allowed calls, %s", path);
		return -1;
	}
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		line[strcspn(line, "#")] = '\0';
		char name[256];
		if (sscanf(line, "%255s", name) == 1)
			ck_names_add(calls, name);
	}
	free(text);
	return 0;
}

static int read_all(char **paths, size_t n, ck_elf_symbols *out, breaches *b)
{
	for (size_t i = 0; i < n; i++) {
		char err[512];
		if (ck_elf_read_symbols(paths[i], out, err, sizeof err) != 0) {
			breach(b, "the grader cannot read %s: %s", paths[i], err);
			return -1;
		}
	}
	return 0;
}

/* Names C reserves for the implementation, and main, which is the
 * harness's. */
static bool reserved(const char *name)
{
	return (name[0] == '_' && (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z'))) ||
	       strcmp(name, "main") == 0;
}

/* What to do instead, for the calls a student is likely to reach for. */
static const char *hint(const char *name)
{
	if (strncmp(name, "pthread_", 8) == 0)
		return "use the runtime's rt_* functions (platform/rt/rt.h), which lockdep and the "
		       "watchdog follow";
	if (strcmp(name, "sleep") == 0 || strcmp(name, "usleep") == 0 ||
	    strcmp(name, "nanosleep") == 0)
		return "use rt_sleep_ms (platform/rt/rt.h), which the time scale and the watchdog "
		       "follow";
	if (strstr(name, "exit") != NULL)
		return "a submission may not end the process; return from the function instead";
	return "it is neither the project's API (platform/) nor one of the C library functions "
	       "a submission may call";
}

static void check_definitions(const char *src, ck_elf_symbols *mine, ck_elf_symbols *trusted,
			      ck_elf_symbols *libraries, breaches *b)
{
	for (size_t i = 0; i < mine->defined.n; i++) {
		const char *name = mine->defined.items[i];
		if (reserved(name))
			breach(b, "%s defines %s, a name reserved for the C library and the harness",
			       src, name);
		else if (ck_names_has(&libraries->defined, name))
			breach(b, "%s defines %s, a name the C library owns: it would replace the "
				  "library's own for every caller",
			       src, name);
		else if (ck_names_has(&trusted->defined, name))
			breach(b, "%s defines %s, a name the project's harness owns", src, name);
	}
}

static void check_calls(const char *src, ck_elf_symbols *mine, ck_names *own,
			ck_elf_symbols *api, ck_names *calls, breaches *b)
{
	for (size_t i = 0; i < mine->undefined.n; i++) {
		const char *name = mine->undefined.items[i];
		if (strcmp(name, "_GLOBAL_OFFSET_TABLE_") == 0 || ck_names_has(own, name) ||
		    ck_names_has(&api->defined, name) || ck_names_has(calls, name))
			continue;
		breach(b, "%s calls %s(): %s", src, name, hint(name));
	}
}

/* Does objdump find a system call instruction in the object? A
 * submission reaches the kernel only through the functions it may call. */
static const char *system_call_in(const char *objdump, const char *object)
{
	char *argv[] = {(char *)objdump, "-d", "--no-show-raw-insn", (char *)object, NULL};
	char *listing = ck_command_output(argv);
	if (listing == NULL)
		return "the grader could not look (objdump failed)";
	const char *found = NULL;
	for (char *line = strtok(listing, "\n"); line && !found; line = strtok(NULL, "\n")) {
		/* "  1a:\tsyscall" : the mnemonic follows the address's tab. */
		char *tab = strstr(line, ":\t");
		if (tab == NULL)
			continue;
		char mnemonic[32] = "", operand[32] = "";
		sscanf(tab + 2, "%31s %31s", mnemonic, operand);
		if (strcmp(mnemonic, "syscall") == 0)
			found = "syscall";
		else if (strcmp(mnemonic, "sysenter") == 0)
			found = "sysenter";
		else if (strcmp(mnemonic, "int") == 0 && strcmp(operand, "$0x80") == 0)
			found = "int $0x80";
	}
	free(listing);
	return found;
}

char *ck_policy_check(const ck_policy_input *in)
{
	breaches b = {0};
	b.out = open_memstream(&b.text, &b.len);
	ck_elf_symbols api = {0}, trusted = {0}, libraries = {0}, all_mine = {0};
	ck_names calls = {0};
	if (read_calls(in->calls_file, &calls, &b) != 0 ||
	    read_all(in->api, in->napi, &api, &b) != 0 ||
	    read_all(in->trusted, in->ntrusted, &trusted, &b) != 0 ||
	    read_all(in->libraries, in->nlibraries, &libraries, &b) != 0 ||
	    read_all(in->submission, in->nsubmission, &all_mine, &b) != 0)
		goto done;
	for (size_t i = 0; i < in->nsubmission; i++) {
		ck_elf_symbols mine = {0};
		char err[512];
		char *src = source_of(in->submission[i]);
		if (ck_elf_read_symbols(in->submission[i], &mine, err, sizeof err) == 0) {
			if (mine.constructor_section[0] != '\0')
				breach(&b, "%s runs code before main or after it (a %s section: a "
					   "constructor or destructor)",
				       src, mine.constructor_section);
			check_definitions(src, &mine, &trusted, &libraries, &b);
			check_calls(src, &mine, &all_mine.defined, &api, &calls, &b);
			const char *sc = system_call_in(in->objdump, in->submission[i]);
			if (sc != NULL)
				breach(&b, "%s makes a system call itself (%s): %s", src, sc,
				       "a submission reaches the kernel only through the functions it "
				       "may call");
		}
		ck_elf_symbols_free(&mine);
		free(src);
	}
done:
	fclose(b.out);
	ck_elf_symbols_free(&api);
	ck_elf_symbols_free(&trusted);
	ck_elf_symbols_free(&libraries);
	ck_elf_symbols_free(&all_mine);
	ck_names_free(&calls);
	if (b.n == 0) {
		free(b.text);
		return NULL;
	}
	return b.text;
}

/* v grown by the paths pattern matches. */
static void add_glob(char ***v, size_t *n, const char *pattern)
{
	char **found = ck_glob(pattern);
	for (char **f = found; *f; f++) {
		*v = ck_realloc_array(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = ck_strdup(*f);
	}
	ck_free_strv(found);
}

/* Where the linker finds a library: gcc knows; the path it prints ends
 * at the file, or is the bare name when it does not know it. */
static char *library(const char *name)
{
	char *flag = ck_strdup_printf("-print-file-name=%s", name);
	char *argv[] = {"gcc", flag, NULL};
	char *out = ck_command_output(argv);
	free(flag);
	char *path = NULL;
	if (out != NULL) {
		out[strcspn(out, "\n")] = '\0';
		path = out[0] == '/' ? realpath(out, NULL) : NULL;
	}
	free(out);
	return path;
}

static void free_paths(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char *ck_policy_check_build(const char *objects_dir)
{
	ck_policy_input in = {.calls_file = "checker/submission-calls.txt", .objdump = "objdump"};
	char *mine = ck_strdup_printf("%s/*.o", objects_dir);
	add_glob(&in.submission, &in.nsubmission, mine);
	free(mine);
	add_glob(&in.api, &in.napi, "build/plain/obj/platform/*.o");
	add_glob(&in.api, &in.napi, "build/plain/obj/platform/rt/*.o");
	for (size_t i = 0; i < in.napi; i++) {
		in.trusted = ck_realloc_array(in.trusted, in.ntrusted + 1, sizeof *in.trusted);
		in.trusted[in.ntrusted++] = ck_strdup(in.api[i]);
	}
	add_glob(&in.trusted, &in.ntrusted, "build/plain/obj/harness/*.o");
	add_glob(&in.trusted, &in.ntrusted, "build/plain/obj/tests/*.o");
	const char *names[] = {"libc.so.6", "libm.so.6"};
	for (size_t i = 0; i < 2; i++) {
		char *path = library(names[i]);
		if (path == NULL)
			continue;
		in.libraries = ck_realloc_array(in.libraries, in.nlibraries + 1, sizeof *in.libraries);
		in.libraries[in.nlibraries++] = path;
	}
	char *verdict = in.nsubmission == 0 || in.napi == 0 || in.nlibraries == 0
			    ? ck_strdup_printf("the grader found nothing to read: %zu objects in %s, "
					       "%zu of the project's, %zu libraries",
					       in.nsubmission, objects_dir, in.napi, in.nlibraries)
			    : ck_policy_check(&in);
	free_paths(in.submission, in.nsubmission);
	free_paths(in.api, in.napi);
	free_paths(in.trusted, in.ntrusted);
	free_paths(in.libraries, in.nlibraries);
	return verdict;
}
