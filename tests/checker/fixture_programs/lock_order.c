/*
 * A lock-order inversion (rule 4): one thread takes A then B, a later one
 * takes B then A. The threads run one after the other, so the program never
 * hangs, but the two orders together can deadlock; both detectors report it.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

/* Establishes the order A -> B. */
static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	return NULL;
}

/* Takes the same two locks in the opposite order, B -> A. */
static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, a_then_b, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, b_then_a, NULL);
	pthread_join(t, NULL);
	puts("no hang this time");
	return 0;
}
