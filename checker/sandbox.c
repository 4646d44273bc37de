/*
 * Running one untrusted command in the sandbox. See sandbox.h.
 *
 * The order matters, and each step is there for a reason:
 *   1. the cgroups are made, by the trusted side, with the caps set;
 *   2. the child starts a session of its own (one process group to kill),
 *      enters the cgroups, takes the rlimits, closes every descriptor but
 *      0-2 and drops to the unprivileged user: from here on nothing it
 *      does can undo a step before;
 *   3. it execs bwrap, which builds the namespaces (no network, a
 *      read-only root, a private /tmp, one writable directory, a pid
 *      namespace whose end kills every process in it) and execs the
 *      command; in the fallback, it execs the command itself;
 *   4. the parent waits, kills the group and the cgroup's processes at
 *      the wall-clock limit, and only returns once the cgroup is empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "sandbox.h"

#define POLL_NS (20 * 1000 * 1000)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Who the command runs as: when started as root, the unprivileged user
 * (its rlimits then count, and it owns nothing of the grader's). */
typedef struct identity {
	bool drop;
	uid_t uid;
	gid_t gid;
} identity;

static int resolve_identity(const sb_options *o, identity *id, sb_result *r)
{
	*id = (identity){0};
	if (geteuid() != 0)
		return 0;
	const char *name = o->user != NULL ? o->user : "nobody";
	struct passwd *pw = getpwnam(name);
	if (pw == NULL) {
		r->error = ck_strdup_printf("no user '%s' to run the command as", name);
		return -1;
	}
	*id = (identity){.drop = true, .uid = pw->pw_uid, .gid = pw->pw_gid};
	return 0;
}

/* The writable directory becomes the unprivileged user's. */
static uid_t chown_uid;
static gid_t chown_gid;

static int chown_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return lchown(path, chown_uid, chown_gid) == 0 ? 0 : -1;
}

static int give_write_dir(const sb_options *o, const identity *id, sb_result *r)
{
	if (o->write_dir == NULL || !id->drop)
		return 0;
	chown_uid = id->uid;
	chown_gid = id->gid;
	if (nftw(o->write_dir, chown_one, 32, FTW_PHYS) != 0) {
		r->error = ck_strdup_printf("cannot hand %s to the sandbox's user: %s", o->write_dir,
					    strerror(errno));
		return -1;
	}
	return 0;
}

static void set_limit(int resource, long soft, long hard)
{
	struct rlimit rl = {.rlim_cur = (rlim_t)soft, .rlim_max = (rlim_t)hard};
	setrlimit(resource, &rl);
}

/* RLIMIT_NPROC counts every process of the user, machine-wide, so two
 * sandboxes as the same user would share it: it is the cap only where
 * the pids cgroup is missing. */
static void set_limits(const sb_options *o, const sb_cgroup *cg)
{
	if (o->cpu_s > 0)
		set_limit(RLIMIT_CPU, o->cpu_s, o->cpu_s + 5); /* SIGXCPU, then SIGKILL */
	if (o->file_mb > 0)
		set_limit(RLIMIT_FSIZE, o->file_mb * 1024 * 1024, o->file_mb * 1024 * 1024);
	if (o->open_files > 0)
		set_limit(RLIMIT_NOFILE, o->open_files, o->open_files);
	if (o->procs > 0 && cg->pids == NULL)
		set_limit(RLIMIT_NPROC, o->procs, o->procs);
	set_limit(RLIMIT_CORE, 0, 0);
}

/* The private /tmp would hide a checkout that lives under /tmp, and with it
 * the command's own program: the directory the command runs in, and its
 * program's, are let in again, read-only. again[i] is NULL where there is
 * no need; free both after. */
static char *under_tmp(char *path)
{
	if (path != NULL && strncmp(path, "/tmp/", 5) == 0)
		return path;
	free(path);
	return NULL;
}

static void let_in_again(char *const *command, char *again[2])
{
	again[0] = under_tmp(getcwd(NULL, 0));
	char *program = command[0][0] == '/' ? ck_strdup(command[0]) : NULL;
	if (program != NULL)
		*strrchr(program, '/') = '\0';
	again[1] = under_tmp(program);
}

static char **bwrap_argv(const sb_options *o, char **command, char *const again[2])
{
	size_t n = 0, cap = 46 + 3 * o->nhide + 3 * o->nread;
	for (char **a = command; *a; a++)
		cap++;
	char **v = ck_calloc(cap, sizeof *v);
	const char *fixed[] = {"bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
			       "--tmpfs", "/tmp", "--unshare-all", "--die-with-parent",
			       "--new-session", "--cap-drop", "ALL"};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		v[n++] = (char *)fixed[i];
	for (size_t i = 0; i < 2; i++)
		if (again[i] != NULL) {
			v[n++] = "--ro-bind";
			v[n++] = again[i];
			v[n++] = again[i];
		}
	/* Then the hidden directories, even inside what was let in. */
	for (size_t i = 0; i < o->nhide; i++) {
		v[n++] = "--tmpfs";
		v[n++] = (char *)o->hide[i];
	}
	for (size_t i = 0; i < o->nread; i++) {
		v[n++] = "--ro-bind";
		v[n++] = (char *)o->read[i];
		v[n++] = (char *)o->read[i];
	}
	if (o->write_dir != NULL) {
		v[n++] = "--bind";
		v[n++] = (char *)o->write_dir;
		v[n++] = (char *)o->write_dir;
	}
	v[n++] = "--";
	for (char **a = command; *a; a++)
		v[n++] = *a;
	v[n] = NULL;
	return v;
}

/* In the child: steps 2 and 3. Never returns. A failure before the
 * command starts is written to report_fd (closed on exec), so the parent
 * can tell it from the command's own exit code. */
static void __attribute__((noreturn)) child(const sb_options *o, const identity *id,
					    const sb_cgroup *cg, char **argv, int report_fd)
{
	setsid();
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	const char *step = "enter the cgroups";
	if (sb_cgroup_enter(cg) != 0)
		goto failed;
	set_limits(o, cg);
	for (int fd = 3; fd < 1024; fd++) {
		bool keep = fd == report_fd;
		for (size_t k = 0; k < o->nkeep_fds; k++)
			keep |= fd == o->keep_fds[k];
		if (!keep)
			close(fd);
	}
	step = "drop to the sandbox's user";
	if (id->drop && (setgroups(0, NULL) != 0 || setgid(id->gid) != 0 || setuid(id->uid) != 0))
		goto failed;
	step = "run";
	execvp(argv[0], argv);
failed:
	dprintf(report_fd, "cannot %s %s: %s", step, strcmp(step, "run") == 0 ? argv[0] : "",
		strerror(errno));
	_exit(125);
}

/* Start argv as a sandboxed child; its pid, or -1 with r->error set. */
static pid_t spawn(const sb_options *o, const identity *id, const sb_cgroup *cg, char **argv,
		   sb_result *r)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) != 0) {
		r->error = ck_strdup_printf("pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(report[0]);
		child(o, id, cg, argv, report[1]);
	}
	close(report[1]);
	if (pid < 0) {
		r->error = ck_strdup_printf("fork: %s", strerror(errno));
		close(report[0]);
		return -1;
	}
	char why[512];
	ssize_t n = read(report[0], why, sizeof why - 1);
	close(report[0]);
	if (n > 0) {
		why[n] = '\0';
		r->error = ck_strdup(why);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* Wait for pid, killing its group and cgroup at the deadline. */
static int wait_for(pid_t pid, const sb_options *o, const sb_cgroup *cg, sb_result *r,
		    double start)
{
	int status = 0;
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR)
			return -1;
		if (o->wall_s > 0 && !r->timed_out && now_s() - start > o->wall_s) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			sb_cgroup_kill_all(cg);
		}
		nanosleep(&(struct timespec){.tv_nsec = POLL_NS}, NULL);
	}
}

/* Can bwrap make its namespaces here, as this user? Inside an
 * unprivileged container it cannot. */
static bool bwrap_works(const sb_options *o, const identity *id, char **why)
{
	char *probe[] = {"/bin/true", NULL};
	sb_options quiet = {.user = o->user};
	sb_cgroup none = {0};
	char *again[2];
	let_in_again(probe, again);
	char **argv = bwrap_argv(&quiet, probe, again);
	sb_result ignored = {0};
	/* bwrap's complaint goes nowhere: the reason is said below. */
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
	dup2(null, STDERR_FILENO);
	pid_t pid = spawn(&quiet, id, &none, argv, &ignored);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	free(argv);
	free(again[0]);
	free(again[1]);
	free(ignored.error);
	int status = -1;
	if (pid > 0 && waitpid(pid, &status, 0) != pid)
		status = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	*why = ck_strdup_printf("bwrap cannot make its namespaces here (%s %d)",
				WIFEXITED(status) ? "exit" : "status", WIFEXITED(status)
									   ? WEXITSTATUS(status)
									   : status);
	return false;
}

/* bwrap passes on a signal's death as 128 + the signal. */
static void read_status(int status, bool via_bwrap, sb_result *r)
{
	if (WIFSIGNALED(status)) {
		r->signal = WTERMSIG(status);
	} else if (WIFEXITED(status)) {
		int code = WEXITSTATUS(status);
		if (via_bwrap && code > 128 && code < 128 + 65)
			r->signal = code - 128;
		else
			r->exit_code = code;
	}
	r->cpu_limit = r->signal == SIGXCPU;
	r->file_limit = r->signal == SIGXFSZ;
}

int sb_run(const sb_options *o, sb_result *r)
{
	*r = (sb_result){.exit_code = -1, .mode = "bwrap"};
	identity id;
	if (resolve_identity(o, &id, r) != 0 || give_write_dir(o, &id, r) != 0)
		return -1;
	if (o->no_bwrap) {
		r->mode = "fallback";
		r->why_fallback = ck_strdup("asked for (--no-bwrap)");
	} else if (!bwrap_works(o, &id, &r->why_fallback)) {
		r->mode = "fallback";
	}
	bool via_bwrap = strcmp(r->mode, "bwrap") == 0;

	sb_cgroup cg;
	sb_cgroup_create(&cg, o->memory_mb, o->procs);
	r->memory_capped = o->memory_mb > 0 && cg.memory != NULL && cg.why_not == NULL;
	r->memory_cap = r->memory_capped ? ck_strdup_printf("cgroup v%d memory", cg.version)
			: o->memory_mb > 0 ? ck_strdup(cg.why_not ? cg.why_not : "no cgroup")
					   : ck_strdup("not asked for");

	char *again[2] = {NULL, NULL};
	if (via_bwrap)
		let_in_again(o->argv, again);
	char **argv = via_bwrap ? bwrap_argv(o, o->argv, again) : o->argv;
	double start = now_s();
	pid_t pid = spawn(o, &id, &cg, argv, r);
	int rc = 0;
	if (pid < 0) {
		rc = -1;
	} else {
		int status = wait_for(pid, o, &cg, r, start);
		r->wall_s = now_s() - start;
		read_status(status, via_bwrap, r);
		if (r->timed_out) {
			r->signal = 0;
			r->exit_code = -1;
		}
		/* Whatever outlived the command dies now: its group, then
		 * anything in the cgroup that left the group. */
		r->leftovers = kill(-pid, SIGKILL) == 0;
		r->leftovers |= sb_cgroup_kill_all(&cg);
	}
	r->out_of_memory = sb_cgroup_oom(&cg);
	r->procs_limit = sb_cgroup_pids_hit(&cg);
	sb_cgroup_destroy(&cg);
	if (via_bwrap)
		free(argv);
	free(again[0]);
	free(again[1]);
	return rc;
}

int sb_exit_status(const sb_result *r)
{
	if (r->error != NULL)
		return 125;
	if (r->timed_out)
		return 124;
	if (r->signal > 0)
		return 128 + r->signal;
	return r->exit_code;
}

void sb_result_free(sb_result *r)
{
	free(r->why_fallback);
	free(r->memory_cap);
	free(r->error);
	*r = (sb_result){0};
}
