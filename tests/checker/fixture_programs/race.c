/*
 * Two data races for the detectors: two threads update a global counter
 * and a field of a heap block with no lock. Nothing orders the writes, so
 * ThreadSanitizer and Helgrind must report both (rule 1).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
	int id;
	int balance; /* shared, written without a lock: the heap race */
};

int hits; /* shared, written without a lock: the global race */

/* Each thread does the same unsynchronised read-modify-writes. */
static void *worker(void *arg)
{
	struct account *acct = arg;
	hits++;
	acct->balance += 10;
	return NULL;
}

int main(void)
{
	struct account *acct = calloc(1, sizeof *acct);
	pthread_t a, b;
	pthread_create(&a, NULL, worker, acct);
	pthread_create(&b, NULL, worker, acct);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("hits=%d balance=%d\n", hits, acct->balance);
	free(acct);
	return 0;
}
