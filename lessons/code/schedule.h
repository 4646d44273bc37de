/*
 * A forced schedule for the examples of rules 2, 3 and 5.
 *
 * Those bugs need one unlucky interleaving: another thread must run inside
 * a window a few microseconds wide. In a real run that happens once in
 * thousands; here the threads take turns by step number, so the window
 * opens on every run and the lesson can show what happens inside it.
 *
 *   step_wait(&s, 2)   block until step 2 has been reached
 *   step_next(&s)      move to the next step and wake whoever waits
 *
 * Call both without holding any other lock: waiting with a lock held is the
 * rule-4 mistake, and the runtime would report it.
 */
#ifndef LESSON_SCHEDULE_H
#define LESSON_SCHEDULE_H

#include "rt/rt.h"

typedef struct schedule {
	rt_mutex mu;
	rt_cond changed;   /* broadcast when step grows */
	int step;          /* mu guards step */
} schedule;

static inline void step_init(schedule *s)
{
	rt_mutex_init(&s->mu, "schedule.mu", 0);
	rt_cond_init(&s->changed);
	s->step = 0;
}

static inline void step_wait(schedule *s, int step)
{
	rt_mutex_lock(&s->mu);
	while (s->step < step)
		rt_cond_wait(&s->changed, &s->mu);
	rt_mutex_unlock(&s->mu);
}

static inline void step_next(schedule *s)
{
	rt_mutex_lock(&s->mu);
	s->step++;
	rt_cond_broadcast(&s->changed);
	rt_mutex_unlock(&s->mu);
}

#endif
