/*
 * Lesson 02. Two threads, two shared ints, no synchronisation.
 *
 * In each round the writer stores a then b, while the main thread loads b
 * then a. Nothing orders one thread's accesses against the other's, so the
 * reader may see (b, a) = (0, 0), (2, 1), (0, 1), and also (2, 0): the C
 * standard gives a program with a data race no meaning at all. The program
 * counts what it saw over many rounds; ThreadSanitizer reports the
 * unordered pairs at the lines marked RACE.
 *
 * expect: tsan-race
 */
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 1000

int a, b;   /* shared by both threads, guarded by nothing */

static void *writer(void *unused)
{
	a = 1; /* RACE */
	b = 2; /* RACE */
	return NULL;
}

int main(void)
{
	long seen[3][2] = {{0}};   /* seen[b][a] */
	for (int round = 0; round < ROUNDS; round++) {
		a = 0;
		b = 0;
		pthread_t t;
		pthread_create(&t, NULL, writer, NULL);
		int seen_b = b; /* RACE */
		int seen_a = a; /* RACE */
		pthread_join(t, NULL);
		seen[seen_b][seen_a]++;
	}
	printf("over %d rounds the reader saw\n", ROUNDS);
	printf("  b = 0, a = 0: %ld\n", seen[0][0]);
	printf("  b = 0, a = 1: %ld\n", seen[0][1]);
	printf("  b = 2, a = 1: %ld\n", seen[2][1]);
	printf("  b = 2, a = 0: %ld\n", seen[2][0]);
	return 0;
}
