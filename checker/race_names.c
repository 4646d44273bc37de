/*
 * Naming races in the words of the code. See race_names.h.
 *
 * A detector knows addresses: TSan says "heap block of size 304" and the
 * access's address, Helgrind "208 bytes inside a block of size 304". The
 * binary's debug information (DWARF, read with elfutils' libdw) knows the
 * types: which structs are 304 bytes and which member is at byte 208. A
 * size alone can fit several structs, so the struct must also be one that
 * the code at the race's sides or its allocation site points to (raft_get_state
 * takes a raft *rf): then the field is certain. The expression a student
 * wrote, rf->role, is on the source line of a side.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "files.h"
#include "race_names.h"

/* How many frames of an allocation stack are asked what they point to:
 * the allocator's wrapper, its caller, and one more. */
#define ALLOC_FRAMES 3
/* The most struct names one race's functions can point to. */
#define MAX_USED 64

/* ---- Source lines -------------------------------------------------------- */

/* Line n (from 1) of file, malloc'd, or NULL. */
static char *source_line(const char *file, int n)
{
	if (file == NULL || n <= 0)
		return NULL;
	char *text = ck_read_file(file);
	if (text == NULL)
		return NULL;
	const char *p = text;
	for (int i = 1; i < n && p != NULL; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	char *line = p && *p ? ck_strndup(p, strcspn(p, "\n")) : NULL;
	free(text);
	return line;
}

static char *trim(char *s)
{
	s += strspn(s, " \t");
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

char *ck_call_argument(const char *line, const char *callee)
{
	if (line == NULL || callee == NULL)
		return NULL;
	size_t len = strlen(callee);
	for (const char *p = strstr(line, callee); p != NULL; p = strstr(p + 1, callee)) {
		bool starts = p == line ||
			      !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
				(p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
		const char *open = p + len + strspn(p + len, " \t");
		if (!starts || *open != '(')
			continue;
		const char *arg = open + 1, *end = arg;
		int depth = 0;
		for (; *end != '\0'; end++) {
			if (*end == '(' || *end == '[')
				depth++;
			else if ((*end == ')' || *end == ']') && depth > 0)
				depth--;
			else if ((*end == ',' || *end == ')') && depth == 0)
				break;
		}
		if (*end == '\0')
			return NULL;
		char *copy = ck_strndup(arg, (size_t)(end - arg));
		char *t = trim(copy);
		if (*t == '&')
			t = trim(t + 1);
		char *out = *t ? ck_strdup(t) : NULL;
		free(copy);
		return out;
	}
	return NULL;
}

char *ck_field_expression(const char *line, const char *path)
{
	if (line == NULL || path == NULL)
		return NULL;
	size_t top_len = strcspn(path, ".[");
	char *pattern = ck_strdup_printf("([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*->[[:space:]]*%.*s"
					 "([^A-Za-z0-9_]|$)",
					 (int)top_len, path);
	regex_t re;
	char *out = NULL;
	if (regcomp(&re, pattern, REG_EXTENDED) == 0) {
		regmatch_t m[2];
		if (regexec(&re, line, 2, m, 0) == 0)
			out = ck_strdup_printf("%.*s->%s", (int)(m[1].rm_eo - m[1].rm_so),
					       line + m[1].rm_so, path);
		regfree(&re);
	}
	free(pattern);
	return out;
}

/* ---- The binary's types ---------------------------------------------------- */

typedef struct named_die {
	char *name;
	Dwarf_Off offset;
	Dwarf_Word size; /* structs only */
} named_die;

/* What one binary's debug information says, indexed once. */
typedef struct debug_info {
	int fd;
	Dwarf *dw;
	named_die *structs; /* complete struct types, named (a tag or a typedef) */
	size_t nstructs;
	named_die *functions;
	size_t nfunctions;
} debug_info;

static void push_die(named_die **v, size_t *n, const char *name, Dwarf_Off off, Dwarf_Word size)
{
	*v = ck_realloc_array(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = (named_die){.name = ck_strdup(name), .offset = off, .size = size};
}

/* A struct's name: its tag, or the typedef that names an anonymous one. */
static const char *struct_name(Dwarf_Die *type, Dwarf_Die *out)
{
	const char *typedef_name = NULL;
	Dwarf_Die d = *type;
	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(&d);
		if (tag == DW_TAG_structure_type) {
			*out = d;
			const char *tag_name = dwarf_diename(&d);
			return tag_name ? tag_name : typedef_name;
		}
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			return NULL;
		if (tag == DW_TAG_typedef && typedef_name == NULL)
			typedef_name = dwarf_diename(&d);
		Dwarf_Attribute a;
		if (dwarf_attr_integrate(&d, DW_AT_type, &a) == NULL ||
		    dwarf_formref_die(&a, &d) == NULL)
			return NULL;
	}
	return NULL;
}

/* The types and functions a compilation unit declares at its top. */
static void index_unit(debug_info *di, Dwarf_Die *unit)
{
	Dwarf_Die c;
	if (dwarf_child(unit, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		Dwarf_Die s;
		const char *name;
		if ((tag == DW_TAG_structure_type || tag == DW_TAG_typedef) &&
		    (name = struct_name(&c, &s)) != NULL && !dwarf_hasattr(&s, DW_AT_declaration) &&
		    dwarf_bytesize(&s) > 0 &&
		    (tag == DW_TAG_typedef) == (dwarf_diename(&s) == NULL))
			push_die(&di->structs, &di->nstructs, name, dwarf_dieoffset(&s),
				 (Dwarf_Word)dwarf_bytesize(&s));
		else if (tag == DW_TAG_subprogram && (name = dwarf_diename(&c)) != NULL)
			push_die(&di->functions, &di->nfunctions, name, dwarf_dieoffset(&c), 0);
	} while (dwarf_siblingof(&c, &c) == 0);
}

static void close_debug_info(debug_info *di)
{
	for (size_t i = 0; i < di->nstructs; i++)
		free(di->structs[i].name);
	for (size_t i = 0; i < di->nfunctions; i++)
		free(di->functions[i].name);
	free(di->structs);
	free(di->functions);
	if (di->dw != NULL)
		dwarf_end(di->dw);
	if (di->fd >= 0)
		close(di->fd);
	*di = (debug_info){.fd = -1};
}

/* false when the binary is missing or has no debug information. */
static bool open_debug_info(debug_info *di, const char *binary)
{
	*di = (debug_info){.fd = open(binary, O_RDONLY)};
	if (di->fd < 0)
		return false;
	di->dw = dwarf_begin(di->fd, DWARF_C_READ);
	if (di->dw == NULL) {
		close_debug_info(di);
		return false;
	}
	Dwarf_CU *cu = NULL;
	Dwarf_Die unit;
	while (dwarf_get_units(di->dw, cu, &cu, NULL, NULL, &unit, NULL) == 0)
		index_unit(di, &unit);
	return true;
}

/* ---- Which struct ------------------------------------------------------------ */

static void add_name(const char **used, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(used[i], name) == 0)
			return;
	if (*n < MAX_USED)
		used[(*n)++] = name;
}

/* The structs a function's parameters and variables point to, in all of
 * its scopes. */
static void pointees_in(Dwarf_Die *scope, const char **used, size_t *n, int depth)
{
	Dwarf_Die c;
	if (depth > 8 || dwarf_child(scope, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
			pointees_in(&c, used, n, depth + 1);
			continue;
		}
		if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
			continue;
		Dwarf_Attribute a;
		Dwarf_Die type, pointee, s;
		if (dwarf_attr_integrate(&c, DW_AT_type, &a) == NULL ||
		    dwarf_formref_die(&a, &type) == NULL || dwarf_peel_type(&type, &type) != 0 ||
		    dwarf_tag(&type) != DW_TAG_pointer_type ||
		    dwarf_attr(&type, DW_AT_type, &a) == NULL ||
		    dwarf_formref_die(&a, &pointee) == NULL)
			continue;
		const char *name = struct_name(&pointee, &s);
		if (name != NULL)
			add_name(used, n, name);
	} while (dwarf_siblingof(&c, &c) == 0);
}

static void pointees_of_function(debug_info *di, const char *function, const char **used, size_t *n)
{
	for (size_t i = 0; function != NULL && i < di->nfunctions; i++) {
		Dwarf_Die fn;
		if (strcmp(di->functions[i].name, function) == 0 &&
		    dwarf_offdie(di->dw, di->functions[i].offset, &fn) != NULL)
			pointees_in(&fn, used, n, 0);
	}
}

static bool is_alloc_stack(const ck_stack *s)
{
	return s->title != NULL && (strstr(s->title, "heap block") != NULL ||
				    strstr(s->title, "inside a block") != NULL);
}

/* Among the structs in used, the one of the block's size: 1 found (its DIE
 * in *out), 0 none, -1 several (not certain). */
static int one_struct_of_size(debug_info *di, unsigned long size, const char **used, size_t nused,
			      Dwarf_Die *out, const char **name)
{
	const char *found = NULL;
	Dwarf_Off offset = 0;
	for (size_t i = 0; i < di->nstructs; i++) {
		const named_die *s = &di->structs[i];
		if (s->size != size)
			continue;
		for (size_t k = 0; k < nused; k++) {
			if (strcmp(used[k], s->name) != 0)
				continue;
			if (found != NULL && strcmp(found, s->name) != 0)
				return -1;
			found = s->name;
			offset = s->offset;
		}
	}
	if (found == NULL || dwarf_offdie(di->dw, offset, out) == NULL)
		return 0;
	*name = found;
	return 1;
}

/* The struct the race's heap block holds, or false when not certain: the
 * one struct of the block's size that the functions at the race's sides
 * point to; when they point to none of that size, the one the allocation
 * site's functions point to. */
static bool find_struct(debug_info *di, const ck_finding *f, Dwarf_Die *out, const char **name)
{
	const char *used[MAX_USED];
	size_t nused = 0;
	const ck_frame *side[2];
	size_t nsides = ck_race_sides(f, side, NULL, 2);
	for (size_t k = 0; k < nsides; k++)
		if (side[k] != NULL)
			pointees_of_function(di, side[k]->function, used, &nused);
	int found = one_struct_of_size(di, f->block_size, used, nused, out, name);
	if (found != 0)
		return found == 1;
	nused = 0;
	for (size_t i = 0; i < f->nstacks; i++) {
		const ck_stack *s = &f->stacks[i];
		if (!is_alloc_stack(s))
			continue;
		int asked = 0;
		for (size_t j = 0; j < s->nframes && asked < ALLOC_FRAMES; j++)
			if (!ck_is_runtime_file(s->frames[j].file)) {
				pointees_of_function(di, s->frames[j].function, used, &nused);
				asked++;
			}
	}
	return one_struct_of_size(di, f->block_size, used, nused, out, name) == 1;
}

/* ---- Which member -------------------------------------------------------------- */

static bool member_offset(Dwarf_Die *m, Dwarf_Word *off)
{
	Dwarf_Attribute a;
	if (dwarf_attr(m, DW_AT_data_member_location, &a) != NULL)
		return dwarf_formudata(&a, off) == 0;
	if (dwarf_attr(m, DW_AT_data_bit_offset, &a) != NULL && dwarf_formudata(&a, off) == 0) {
		*off /= 8;
		return true;
	}
	return false;
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) != NULL &&
	       dwarf_formref_die(&a, type) != NULL && dwarf_peel_type(type, type) == 0;
}

/* The member path at byte `off` of type (a struct, a union, an array or
 * a scalar), appended to *path; false if an access of `size` bytes there
 * is not within one member. */
static bool member_at(Dwarf_Die *type, Dwarf_Word off, int size, char **path, int depth)
{
	if (depth > 8)
		return false;
	int tag = dwarf_tag(type);
	Dwarf_Word total;
	if (dwarf_aggregate_size(type, &total) != 0 || off >= total)
		return false;
	if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) {
		Dwarf_Die m;
		if (dwarf_child(type, &m) != 0)
			return false;
		do {
			Dwarf_Die mt;
			Dwarf_Word at = 0, msize;
			if (dwarf_tag(&m) != DW_TAG_member || !type_of(&m, &mt) ||
			    (tag == DW_TAG_structure_type && !member_offset(&m, &at)) ||
			    dwarf_aggregate_size(&mt, &msize) != 0 || off < at || off >= at + msize)
				continue;
			const char *name = dwarf_diename(&m);
			char *longer = name == NULL ? ck_strdup(*path)
				       : (*path)[0] ? ck_strdup_printf("%s.%s", *path, name)
						    : ck_strdup(name);
			free(*path);
			*path = longer;
			return member_at(&mt, off - at, size, path, depth + 1);
		} while (dwarf_siblingof(&m, &m) == 0);
		return false;
	}
	if (tag == DW_TAG_array_type) {
		Dwarf_Die et;
		Dwarf_Word esize;
		if (!type_of(type, &et) || dwarf_aggregate_size(&et, &esize) != 0 || esize == 0)
			return false;
		char *longer =
		    ck_strdup_printf("%s[%llu]", *path, (unsigned long long)(off / esize));
		free(*path);
		*path = longer;
		return member_at(&et, off % esize, size, path, depth + 1);
	}
	return (*path)[0] != '\0' && (size <= 0 || off + (Dwarf_Word)size <= total);
}

/* ---- Which lock guards it ------------------------------------------------------ */

/* The types a lock member can have: the runtime's mutex, pthreads' and C11's. */
static const char *const lock_types[] = {"rt_mutex", "pthread_mutex_t", "pthread_rwlock_t",
					 "pthread_spinlock_t", "mtx_t"};

/* Is member m a lock: is its type, or a typedef on the way to it, one of
 * lock_types? */
static bool is_lock_member(Dwarf_Die *m)
{
	Dwarf_Attribute a;
	Dwarf_Die d;
	if (dwarf_attr_integrate(m, DW_AT_type, &a) == NULL || dwarf_formref_die(&a, &d) == NULL)
		return false;
	for (int depth = 0; depth < 8; depth++) {
		const char *name = dwarf_diename(&d);
		for (size_t k = 0; name != NULL && k < sizeof lock_types / sizeof *lock_types; k++)
			if (strcmp(name, lock_types[k]) == 0)
				return true;
		int tag = dwarf_tag(&d);
		if ((tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		     tag != DW_TAG_volatile_type) ||
		    dwarf_attr_integrate(&d, DW_AT_type, &a) == NULL ||
		    dwarf_formref_die(&a, &d) == NULL)
			return false;
	}
	return false;
}

/*
 * The lock that guards member `name` of struct s, by the convention this
 * code writes its lock protocol in (struct raft in raft/raft_internal.h):
 * a lock guards the fields declared below it, up to the next lock. So it
 * is the lock member nearest above the field, or NULL when none is.
 */
static const char *lock_above(Dwarf_Die *s, const char *name)
{
	Dwarf_Die m;
	const char *lock = NULL;
	if (dwarf_child(s, &m) != 0)
		return NULL;
	do {
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		const char *member = dwarf_diename(&m);
		if (member != NULL && strcmp(member, name) == 0)
			return lock;
		if (member != NULL && is_lock_member(&m))
			lock = member;
	} while (dwarf_siblingof(&m, &m) == 0);
	return NULL;
}

/* The guard as the code would spell it: rf->mu beside rf->role, else
 * "mu (in struct raft)". */
static char *guard_name(const char *field, const char *lock, const char *struct_name)
{
	const char *arrow = strstr(field, "->");
	if (arrow != NULL && strstr(field, " (in struct ") == NULL)
		return ck_strdup_printf("%.*s->%s", (int)(arrow - field), field, lock);
	return ck_strdup_printf("%s (in struct %s)", lock, struct_name);
}

/* ---- Naming one race --------------------------------------------------------- */

/* rf->role, from the first side whose line spells it; else "role (in
 * struct raft)". */
static char *field_name(const ck_finding *f, const char *path, const char *struct_name)
{
	const ck_frame *side[2];
	size_t n = ck_race_sides(f, side, NULL, 2);
	for (size_t i = 0; i < n; i++) {
		if (side[i] == NULL)
			continue;
		char *line = source_line(side[i]->file, side[i]->line);
		char *expr = ck_field_expression(line, path);
		free(line);
		if (expr != NULL)
			return expr;
	}
	return ck_strdup_printf("%s (in struct %s)", path, struct_name);
}

static void name_field(debug_info *di, ck_finding *f)
{
	if (f->block_size == 0 || di == NULL)
		return;
	const ck_frame *side[1];
	const ck_stack *stack[1];
	if (ck_race_sides(f, side, stack, 1) == 0)
		return;
	Dwarf_Die s;
	const char *sname;
	if (!find_struct(di, f, &s, &sname))
		return;
	char *path = ck_strdup("");
	if (member_at(&s, f->block_offset, stack[0]->access_size, &path, 0)) {
		free(f->variable);
		f->variable = field_name(f, path, sname);
		char *top = ck_strndup(path, strcspn(path, ".["));
		const char *lock = lock_above(&s, top);
		free(f->guard);
		f->guard = lock != NULL ? guard_name(f->variable, lock, sname) : NULL;
		free(top);
	}
	free(path);
}

/* TSan's "Mutex M0 (0x7b0c00000010) created at:" stack for label. */
static const ck_stack *creation_stack(const ck_finding *f, const char *label)
{
	char *prefix = ck_strdup_printf("Mutex %s (", label);
	const ck_stack *found = NULL;
	for (size_t i = 0; i < f->nstacks && found == NULL; i++)
		if (f->stacks[i].title != NULL && ck_starts_with(f->stacks[i].title, prefix))
			found = &f->stacks[i];
	free(prefix);
	return found;
}

/* rf->mu: what the code that made the lock passed to the call that made
 * it (the frame just inside the first frame outside the runtime). */
static char *lock_name(const ck_finding *f, const char *label)
{
	const ck_stack *s = creation_stack(f, label);
	for (size_t i = 1; s != NULL && i < s->nframes; i++) {
		const ck_frame *caller = &s->frames[i];
		if (ck_is_runtime_file(caller->file))
			continue;
		char *line = source_line(caller->file, caller->line);
		const char *callee = s->frames[i - 1].function;
		char *arg = ck_call_argument(line, callee);
		/* The runtime's rt_mutex_init(...) is a macro for
		 * rt_mutex_init_at(..., site): the line spells the macro. */
		size_t n = callee ? strlen(callee) : 0;
		if (arg == NULL && n > 3 && strcmp(callee + n - 3, "_at") == 0) {
			char *macro = ck_strdup(callee);
			macro[n - 3] = '\0';
			arg = ck_call_argument(line, macro);
			free(macro);
		}
		free(line);
		return arg;
	}
	return NULL;
}

/* "M0, M1" becomes "rf->mu, cfg->mu"; a label with no name stays. */
static void name_locks(ck_finding *f, ck_stack *s)
{
	if (s->locks == NULL || s->locks[0] == '\0')
		return;
	char *copy = ck_strdup(s->locks);
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	if (m == NULL)
		ck_out_of_memory();
	char *save = NULL;
	int n = 0;
	for (char *label = strtok_r(copy, ", ", &save); label;
	     label = strtok_r(NULL, ", ", &save)) {
		char *name = lock_name(f, label);
		fprintf(m, "%s%s", n++ ? ", " : "", name ? name : label);
		free(name);
	}
	fclose(m);
	free(copy);
	free(s->locks);
	s->locks = out;
}

void ck_name_races(ck_findings *list, const char *binary)
{
	debug_info di = {.fd = -1};
	bool tried = false, have_types = false;
	for (size_t i = 0; i < list->n; i++) {
		ck_finding *f = &list->items[i];
		if (f->kind == NULL || strcmp(f->kind, "data-race") != 0)
			continue;
		if (f->block_size > 0 && binary != NULL && !tried) {
			tried = true; /* the binary is read once, and only when needed */
			have_types = open_debug_info(&di, binary);
		}
		name_field(have_types ? &di : NULL, f);
		for (size_t k = 0; k < f->nstacks; k++)
			if (f->stacks[k].access)
				name_locks(f, &f->stacks[k]);
		char *message = ck_race_message(f);
		if (message != NULL) {
			free(f->message);
			f->message = message;
		}
	}
	close_debug_info(&di);
}
