/*
 * The memory and pids caps of a sandboxed command, with cgroups.
 *
 * An address-space limit (RLIMIT_AS, RLIMIT_DATA) is no use here:
 * ThreadSanitizer maps terabytes of shadow memory at start and refuses to
 * run under one. A memory cgroup counts what is really used. Two layouts
 * exist, and both are handled:
 *
 *   v1 (and hybrid, as on Debian 12 with systemd's legacy setup): one
 *      hierarchy per controller, /sys/fs/cgroup/memory/... and
 *      /sys/fs/cgroup/pids/...
 *   v2: one hierarchy, /sys/fs/cgroup/..., the controllers switched on
 *      for children in the parent's cgroup.subtree_control
 *
 * The command's cgroups are made under the caller's own, so the caps
 * nest inside whatever cap the caller already has (a CI runner's).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "sandbox.h"

#define ROOT "/sys/fs/cgroup"

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int write_file(const char *dir, const char *name, const char *value)
{
	char *path = ck_strdup_printf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	free(path);
	if (f == NULL)
		return -1;
	int rc = fputs(value, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* The number after "key " in a flat keyed file (memory.events,
 * pids.events, memory.oom_control); 0 when absent. */
static long keyed_value(const char *dir, const char *name, const char *key)
{
	char *path = ck_strdup_printf("%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return 0;
	char k[64];
	long v, found = 0;
	while (fscanf(f, "%63s %ld", k, &v) == 2)
		if (strcmp(k, key) == 0)
			found = v;
	fclose(f);
	return found;
}

/* The caller's own cgroup path in one hierarchy, from /proc/self/cgroup:
 * "4:memory:/a/b" for v1's memory, "0::/a/b" for v2. */
static char *own_path(const char *controller)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	if (f == NULL)
		return NULL;
	char line[4096];
	char *found = NULL;
	while (found == NULL && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		char *list = strchr(line, ':');
		char *path = list ? strchr(list + 1, ':') : NULL;
		if (path == NULL)
			continue;
		*path++ = '\0';
		list++;
		bool match = controller == NULL ? list[0] == '\0' : false;
		for (char *c = controller ? strtok(list, ",") : NULL; c; c = strtok(NULL, ","))
			match |= strcmp(c, controller) == 0;
		if (match)
			found = ck_strdup(path);
	}
	fclose(f);
	return found;
}

/* A fresh cgroup directory under the caller's in one hierarchy. */
static char *make_child(const char *hierarchy, const char *own)
{
	static unsigned serial;
	char *dir = ck_strdup_printf("%s%s%srrl-sandbox.%ld.%u", hierarchy, own,
				     own[strlen(own) - 1] == '/' ? "" : "/", (long)getpid(),
				     serial++);
	if (mkdir(dir, 0755) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

static void why(sb_cgroup *cg, const char *what, const char *dir)
{
	free(cg->why_not);
	cg->why_not = ck_strdup_printf("%s (%s: %s)", what, dir, strerror(errno));
}

static void create_v1(sb_cgroup *cg, long memory_mb, long procs)
{
	cg->version = 1;
	char *own = own_path("memory");
	if (own != NULL && memory_mb > 0) {
		cg->memory = make_child(ROOT "/memory", own);
		if (cg->memory == NULL) {
			why(cg, "cannot make a memory cgroup", ROOT "/memory");
		} else {
			char bytes[32];
			snprintf(bytes, sizeof bytes, "%ld", memory_mb * 1024 * 1024);
			if (write_file(cg->memory, "memory.limit_in_bytes", bytes) != 0)
				why(cg, "cannot set memory.limit_in_bytes", cg->memory);
			/* No swap beyond the cap, where the kernel accounts swap. */
			if (exists(ROOT "/memory/memory.memsw.limit_in_bytes"))
				write_file(cg->memory, "memory.memsw.limit_in_bytes", bytes);
		}
	} else if (memory_mb > 0) {
		errno = ENOENT;
		why(cg, "no memory controller in /proc/self/cgroup", "/proc/self/cgroup");
	}
	free(own);
	own = own_path("pids");
	if (own != NULL && procs > 0) {
		cg->pids = make_child(ROOT "/pids", own);
		char n[32];
		snprintf(n, sizeof n, "%ld", procs);
		if (cg->pids != NULL)
			write_file(cg->pids, "pids.max", n);
	}
	free(own);
}

static void create_v2(sb_cgroup *cg, long memory_mb, long procs)
{
	cg->version = 2;
	char *own = own_path(NULL);
	if (own == NULL) {
		errno = ENOENT;
		why(cg, "no v2 entry in /proc/self/cgroup", "/proc/self/cgroup");
		return;
	}
	char *parent = ck_strdup_printf(ROOT "%s", own);
	/* Refused when the parent holds processes itself (v2's rule that
	 * only leaves hold processes), unless it is the root. */
	write_file(parent, "cgroup.subtree_control", "+memory +pids");
	cg->memory = make_child(ROOT, own);
	if (cg->memory == NULL) {
		why(cg, "cannot make a cgroup", parent);
	} else {
		cg->pids = ck_strdup(cg->memory);
		char v[32];
		snprintf(v, sizeof v, "%ld", memory_mb * 1024 * 1024);
		if (memory_mb > 0 && write_file(cg->memory, "memory.max", v) != 0)
			why(cg, "the memory controller is not enabled for children", parent);
		write_file(cg->memory, "memory.swap.max", "0");
		snprintf(v, sizeof v, "%ld", procs);
		if (procs > 0)
			write_file(cg->memory, "pids.max", v);
	}
	free(parent);
	free(own);
}

void sb_cgroup_create(sb_cgroup *cg, long memory_mb, long procs)
{
	*cg = (sb_cgroup){0};
	if (exists(ROOT "/cgroup.controllers"))
		create_v2(cg, memory_mb, procs);
	else if (exists(ROOT "/memory") || exists(ROOT "/pids"))
		create_v1(cg, memory_mb, procs);
	else {
		errno = ENOENT;
		why(cg, "no cgroup file system", ROOT);
	}
}

int sb_cgroup_enter(const sb_cgroup *cg)
{
	char pid[32];
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	int rc = 0;
	if (cg->memory != NULL && write_file(cg->memory, "cgroup.procs", pid) != 0)
		rc = -1;
	if (cg->pids != NULL && (cg->memory == NULL || strcmp(cg->pids, cg->memory) != 0) &&
	    write_file(cg->pids, "cgroup.procs", pid) != 0)
		rc = -1;
	return rc;
}

bool sb_cgroup_oom(const sb_cgroup *cg)
{
	if (cg->memory == NULL)
		return false;
	if (cg->version == 2)
		return keyed_value(cg->memory, "memory.events", "oom_kill") > 0;
	return keyed_value(cg->memory, "memory.oom_control", "oom_kill") > 0;
}

bool sb_cgroup_pids_hit(const sb_cgroup *cg)
{
	return cg->pids != NULL && keyed_value(cg->pids, "pids.events", "max") > 0;
}

/* Every pid in dir/cgroup.procs gets SIGKILL; how many there were. */
static int kill_listed(const char *dir)
{
	char *path = ck_strdup_printf("%s/cgroup.procs", dir);
	FILE *f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return 0;
	long pid;
	int n = 0;
	while (fscanf(f, "%ld", &pid) == 1) {
		kill((pid_t)pid, SIGKILL);
		n++;
	}
	fclose(f);
	return n;
}

bool sb_cgroup_kill_all(const sb_cgroup *cg)
{
	bool any = false;
	const char *dirs[] = {cg->memory, cg->pids};
	for (int i = 0; i < 2; i++) {
		if (dirs[i] == NULL)
			continue;
		/* A fork bomb forks while it is being killed: go round until
		 * the list stays empty. */
		for (int round = 0; round < 200; round++) {
			int n = kill_listed(dirs[i]);
			if (n == 0)
				break;
			any = true;
			nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
		}
	}
	return any;
}

/* A cgroup is removed once its last process has been reaped. */
static void remove_dir(const char *dir)
{
	for (int tries = 0; tries < 100 && rmdir(dir) != 0 && errno == EBUSY; tries++)
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
}

void sb_cgroup_destroy(sb_cgroup *cg)
{
	if (cg->pids != NULL && (cg->memory == NULL || strcmp(cg->pids, cg->memory) != 0))
		remove_dir(cg->pids);
	if (cg->memory != NULL)
		remove_dir(cg->memory);
	free(cg->memory);
	free(cg->pids);
	free(cg->why_not);
	*cg = (sb_cgroup){0};
}
