/*
 * Lesson 03. Publishing a message through a volatile flag: wrong.
 *
 * The producer writes the message, then sets ready. The consumer spins until
 * it sees ready, then reads the message. volatile makes the compiler load
 * ready on every turn of the loop, but it creates no happens-before edge:
 * neither compiler nor CPU must keep the message stores before the flag
 * store. ThreadSanitizer reports the flag at the lines marked RACE. The
 * message is raced on too, but TSan does not promise to report every race
 * in one run: in ours it reported the first one between these two threads.
 *
 * main publishes three times. With one round, 8 runs in 900 reported
 * nothing: the flag's store came at nearly the instant of the consumer's
 * first load, a case TSan can miss. A race between the same two lines is
 * reported once; a later round sometimes reports the message's race too.
 *
 * expect: tsan-race
 */
#include <pthread.h>
#include <stdio.h>

int message;        /* written once per round by the producer */
volatile int ready; /* "the message is there" */

static void *producer(void *unused)
{
	message = 42;
	ready = 1; /* RACE */
	return NULL;
}

int main(void)
{
	for (int round = 0; round < 3; round++) {
		ready = 0; /* ordered before the producer's start by pthread_create */
		pthread_t t;
		pthread_create(&t, NULL, producer, NULL);
		while (!ready) /* RACE */
			;
		printf("message = %d\n", message);
		pthread_join(t, NULL);
	}
	return 0;
}
