/*
 * Keeping the runtime's bookkeeping out of the detectors' sight, and giving
 * them the one happens-before edge the bookkeeping must provide.
 *
 * The files in platform/rt are built without TSan instrumentation (RT_TSAN is
 * defined instead in TSan builds), so TSan never sees their memory
 * accesses; it still intercepts the pthread calls they make. Helgrind sees
 * everything, so the shared tables are excluded from its checking.
 */
#include <valgrind/helgrind.h>

#include "rt_internal.h"
#include "track.h"

#ifdef RT_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#endif

extern atomic_uint_least64_t rt_lock_after[];
extern size_t rt_lock_after_size;

static char all_finished_token;

void rt_track_hide_from_helgrind(void)
{
	VALGRIND_HG_DISABLE_CHECKING(rt_threads, sizeof rt_threads);
	VALGRIND_HG_DISABLE_CHECKING(rt_lock_after, rt_lock_after_size);
	rt_history_hide_from_helgrind();
}

void rt_track_thread_finished(void)
{
#ifdef RT_TSAN
	__tsan_release(&all_finished_token);
#endif
	ANNOTATE_HAPPENS_BEFORE(&all_finished_token);
}

void rt_track_all_finished(void)
{
#ifdef RT_TSAN
	__tsan_acquire(&all_finished_token);
#endif
	ANNOTATE_HAPPENS_AFTER(&all_finished_token);
}
