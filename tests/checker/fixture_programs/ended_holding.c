/*
 * A process ended while a thread holds a lock, as the watchdog ends a
 * hang: a worker takes a lock and waits for good; main ends the process
 * with _exit. Helgrind then reports the worker as "Exiting thread still
 * holds 1 lock". Run as `ended_holding mark`, main first writes the
 * watchdog's mark into Helgrind's XML, as watchdog_end_process does, and
 * the checker must drop that report.
 */
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "../../../harness/watchdog.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static sem_t taken;

static void *hold_forever(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	sem_post(&taken);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	sem_init(&taken, 0, 0);
	pthread_create(&t, NULL, hold_forever, NULL);
	sem_wait(&taken);
	if (argc > 1 && strcmp(argv[1], "mark") == 0)
		VALGRIND_PRINTF("%s\n", WATCHDOG_ENDED_MARK);
	_exit(WATCHDOG_EXIT_CODE);
}
