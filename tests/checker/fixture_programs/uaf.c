/*
 * A use after free across threads (rule 0): one thread frees a block that
 * another still reads, with nothing ordering the two. ThreadSanitizer
 * reports heap-use-after-free. The sleep only makes the free come first in
 * real time; nothing synchronises.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct reply {
	int term;
};

static struct reply *last_reply;

/* Frees the block while the main thread still uses it. */
static void *drop_reply(void *arg)
{
	(void)arg;
	free(last_reply);
	return NULL;
}

int main(void)
{
	last_reply = malloc(sizeof *last_reply);
	last_reply->term = 3;
	pthread_t t;
	pthread_create(&t, NULL, drop_reply, NULL);
	usleep(200 * 1000);
	int term = last_reply->term; /* read after the free */
	pthread_join(t, NULL);
	printf("term=%d\n", term);
	return 0;
}
