/*
 * Reading symbol tables with libelf. See elf_symbols.h.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "elf_symbols.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ck_names_add(ck_names *s, const char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->items = ck_realloc_array(s->items, s->cap, sizeof *s->items);
	}
	s->items[s->n++] = ck_strdup(name);
	s->sorted = false;
}

bool ck_names_has(ck_names *s, const char *name)
{
	if (!s->sorted) {
		qsort(s->items, s->n, sizeof *s->items, by_name);
		s->sorted = true;
	}
	return s->n > 0 && bsearch(&name, s->items, s->n, sizeof *s->items, by_name) != NULL;
}

void ck_names_free(ck_names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	free(s->items);
	*s = (ck_names){0};
}

/* "memcpy@GLIBC_2.14" in a library's table is memcpy to a caller. */
static void add_plain_name(ck_names *s, const char *name)
{
	const char *at = strchr(name, '@');
	if (at == NULL) {
		ck_names_add(s, name);
		return;
	}
	char *plain = ck_strdup(name);
	plain[at - name] = '\0';
	ck_names_add(s, plain);
	free(plain);
}

static bool runs_before_or_after_main(const char *section)
{
	static const char *const names[] = {".init_array", ".preinit_array", ".fini_array",
					    ".ctors", ".dtors"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strncmp(section, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

static void read_table(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, ck_elf_symbols *out)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	if (data == NULL || sh->sh_entsize == 0)
		return;
	size_t count = sh->sh_size / sh->sh_entsize;
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		if (gelf_getsym(data, (int)i, &sym) == NULL)
			continue;
		int bind = GELF_ST_BIND(sym.st_info), type = GELF_ST_TYPE(sym.st_info);
		const char *name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (name == NULL || name[0] == '\0' || type == STT_SECTION || type == STT_FILE)
			continue;
		if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
			continue;
		if (sym.st_shndx == SHN_UNDEF)
			add_plain_name(&out->undefined, name);
		else
			add_plain_name(&out->defined, name);
	}
}

int ck_elf_read_symbols(const char *path, ck_elf_symbols *out, char *err, size_t errlen)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s", path);
		return -1;
	}
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstrndx;
	if (e == NULL || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx) != 0) {
		snprintf(err, errlen, "%s is not an ELF file", path);
		if (e != NULL)
			elf_end(e);
		close(fd);
		return -1;
	}
	GElf_Ehdr eh;
	bool shared = gelf_getehdr(e, &eh) != NULL && eh.e_type == ET_DYN;
	/* An object has a full symbol table; a library is known by what it
	 * exports, its dynamic table. */
	int wanted = shared ? SHT_DYNSYM : SHT_SYMTAB;
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn != NULL; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!shared && name != NULL && runs_before_or_after_main(name) && sh.sh_size > 0)
			snprintf(out->constructor_section, sizeof out->constructor_section, "%s",
				 name);
		if ((int)sh.sh_type == wanted)
			read_table(e, scn, &sh, out);
	}
	elf_end(e);
	close(fd);
	return 0;
}

void ck_elf_symbols_free(ck_elf_symbols *s)
{
	ck_names_free(&s->defined);
	ck_names_free(&s->undefined);
	s->constructor_section[0] = '\0';
}
