/*
 * Lesson 03, repaired, and the other edges that order two threads.
 *
 * A store-release of ready, read by a load-acquire that sees it, orders
 * everything the producer did before the store before everything the
 * consumer does after the load: the message is visible. pthread_create
 * orders what the parent did before it with the child's start, and
 * pthread_join orders the child's end with what the parent does after it:
 * reading `after_join` needs no lock.
 *
 * expect: clean
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int message;
static atomic_int ready;
static int before_create;   /* written before pthread_create, read by the child */
static int after_join;      /* written by the child, read after pthread_join */

static void *producer(void *unused)
{
	message = 42 + before_create;
	atomic_store_explicit(&ready, 1, memory_order_release);
	after_join = 7;
	return NULL;
}

int main(void)
{
	before_create = 0;
	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);
	while (!atomic_load_explicit(&ready, memory_order_acquire))
		;
	printf("message = %d\n", message);
	pthread_join(t, NULL);
	printf("after_join = %d\n", after_join);
	return 0;
}
