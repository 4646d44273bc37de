/*
 * A crash (an abort, a bad pointer) reported like any other finding, with
 * the history of the crashing thread's peer and the stack where it died.
 *
 * A peer that crashes on state another critical section left half made
 * (a leader whose next_index was not yet set, a match_index beyond its own
 * log) dies far from the bug; the peer's last critical sections, with the
 * lines where each took and let go of the lock, show where that state was
 * made. Without this, a crash is only the runner's "crashed: Aborted".
 *
 * Best effort: the report is made in the signal handler, with functions
 * that are not async-signal-safe (it formats JSON). A crash inside malloc
 * could make it hang, so an alarm ends the process if it takes more than
 * two seconds. Then the signal's default action ends the process as
 * before, so the runner still sees the crash. AddressSanitizer's builds
 * keep its own crash reports, so there the handler is not installed. The
 * runtime is built without ThreadSanitizer (invisible to it), so TSan
 * builds have the handler, and the runner tells TSan not to report its
 * signal-unsafe calls (harness/runner.c).
 */
#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "finding.h"
#include "history.h"
#include "rt_internal.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RT_SANITIZED 1
#endif
#endif

/* Sanitizer builds report crashes their own way: no handler there. */
#ifndef RT_SANITIZED
static const int crash_signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
static volatile sig_atomic_t crashing;
/* Static: the handler should not need memory it cannot get. */
static rt_history crash_history;

static void die_of(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_crash(int sig)
{
	if (crashing) /* a second crash, in the report or in another thread */
		die_of(sig);
	crashing = 1;
	alarm(2);
	rt_thread_rec *self = rt_self();
	int peer = self->peer;
	rt_finding_info info = {
		.detector = "invariants",
		.kind = "crash",
		.rule = RULE_OTHER,
		.peer = peer >= 0 ? peer : FINDING_NO_PEER,
		.term = FINDING_NO_TERM,
	};
	if (peer >= 0) {
		rt_history_collect(&crash_history, &peer, 1, 30);
		info.peers = &peer;
		info.npeers = 1;
		info.history = &crash_history;
	}
	/* Skip this handler and the signal trampoline. */
	if (peer >= 0)
		rt_finding_with_stack(&info, 2, "peer %d crashed in thread '%s': %s", peer,
				      self->name, strsignal(sig));
	else
		rt_finding_with_stack(&info, 2, "thread '%s' crashed: %s", self->name,
				      strsignal(sig));
	die_of(sig);
}
#endif

void rt_crash_report_install(void)
{
#ifndef RT_SANITIZED
	void *warm_up[1];
	backtrace(warm_up, 1); /* loads the unwinder now, not in the handler */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++)
		sigaction(crash_signals[i], &sa, NULL);
#endif
}
