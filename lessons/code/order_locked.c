/*
 * Lesson 02, repaired. The writer's two stores are one critical section
 * and so are the reader's two loads. Either the reader's section comes
 * first and it sees (0, 0), or it comes second and sees (2, 1): a mutex
 * orders the sections, and everything written before an unlock is visible
 * after the next lock of the same mutex.
 *
 * expect: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int a, b;   /* mu guards both */

static void *writer(void *unused)
{
	pthread_mutex_lock(&mu);
	a = 1;
	b = 2;
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void reader(void)
{
	pthread_mutex_lock(&mu);
	int seen_b = b;
	int seen_a = a;
	pthread_mutex_unlock(&mu);
	printf("b = %d, a = %d\n", seen_b, seen_a);
	if (seen_b == 2 && seen_a != 1) {
		printf("BROKEN: saw the second store without the first\n");
		exit(1);
	}
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	reader();
	pthread_join(t, NULL);
	return 0;
}
