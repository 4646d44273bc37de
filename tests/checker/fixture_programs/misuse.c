/*
 * Mutex and thread misuse (rule 0): unlocking a mutex nobody holds,
 * unlocking one another thread holds, locking an error-checking mutex twice,
 * locking a mutex whose owner exited holding it, destroying a locked mutex,
 * and leaving a finished thread unjoined.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t never_locked = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t held_by_other = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t abandoned = PTHREAD_MUTEX_INITIALIZER;

/* The one mistake that needs a second thread: it takes a lock and
 * exits holding it, so main's unlock is by the wrong thread. */
static void *take_and_exit(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&held_by_other);
	return NULL;
}

/* Exits holding a lock that nobody will ever release. */
static void *take_abandoned(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&abandoned);
	return NULL;
}

/* A thread that finishes but is never joined or detached. */
static void *forgotten(void *arg)
{
	(void)arg;
	return NULL;
}

/* Locking an error-checking mutex twice fails instead of hanging. */
static void double_lock(void)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t m;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &attr);
	pthread_mutex_lock(&m);
	pthread_mutex_lock(&m); /* EDEADLK */
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&attr);
}

/* Re-initialising a mutex still owned by an exited thread and locking
 * it again: ThreadSanitizer sees a second owner (a double lock). */
static void relock_abandoned(void)
{
	pthread_t t;
	pthread_create(&t, NULL, take_abandoned, NULL);
	pthread_join(t, NULL);
	pthread_mutex_init(&abandoned, NULL);
	pthread_mutex_lock(&abandoned);
	pthread_mutex_unlock(&abandoned);
}

/* Destroying a mutex while it is locked. */
static void destroy_locked(void)
{
	pthread_mutex_t m;
	pthread_mutex_init(&m, NULL);
	pthread_mutex_lock(&m);
	pthread_mutex_destroy(&m);
}

int main(void)
{
	pthread_mutex_unlock(&never_locked);

	pthread_t t;
	pthread_create(&t, NULL, take_and_exit, NULL);
	pthread_join(t, NULL);
	pthread_mutex_unlock(&held_by_other);

	double_lock();
	relock_abandoned();
	destroy_locked();

	pthread_create(&t, NULL, forgotten, NULL);
	usleep(200 * 1000); /* lets it finish, so the leak is reported at exit */
	puts("misuse done");
	return 0;
}
