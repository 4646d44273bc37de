/*
 * Keeping the runtime's own bookkeeping out of the detectors' sight.
 */
#ifndef RT_TRACK_H
#define RT_TRACK_H

/* Tell Helgrind not to check the thread table and the lock-order graph:
 * the watchdog reads them without locks on purpose. */
void rt_track_hide_from_helgrind(void);

/* Happens-before from every finished thread to the thread that waited for
 * them all (rt_threads_wait_quiet), so that freeing their data afterwards is
 * not reported as a race. Seen by TSan and Helgrind; no-ops otherwise. */
void rt_track_thread_finished(void);
void rt_track_all_finished(void);

#endif
