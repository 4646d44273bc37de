/*
 * A program that misbehaves on purpose, one way per mode, for the
 * sandbox's tests (test_sandbox.c). Each mode is something a submission
 * could do to the machine that grades it.
 *
 *   hostile spin            loop forever
 *   hostile fork-bomb       fork without end
 *   hostile flood           print without end
 *   hostile write PATH      create PATH (exit 0 if it could, 3 if not)
 *   hostile read PATH       read PATH (exit 0 if it could, 3 if not)
 *   hostile connect PORT    connect to 127.0.0.1:PORT (exit 0 if it could, 3 if not)
 *   hostile sleep           sleep for a day
 *   hostile alloc MB        allocate MB megabytes and touch every page
 *   hostile escape          leave a process behind in a session of its own
 *                           (its command line says "hostile escape"), then exit 0
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int could(int ok)
{
	return ok ? 0 : 3;
}

static int try_connect(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return could(0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	return could(connect(s, (struct sockaddr *)&a, sizeof a) == 0);
}

static int alloc(long mb)
{
	size_t n = (size_t)mb * 1024 * 1024;
	volatile char *p = malloc(n); /* volatile: the compiler may not drop the writes */
	if (p == NULL)
		return could(0);
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	return 0;
}

static int escape(void)
{
	if (fork() == 0) {
		setsid();
		if (fork() == 0)
			for (;;)
				pause();
		_exit(0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	if (strcmp(mode, "spin") == 0)
		for (volatile unsigned long i = 0;; i++)
			;
	if (strcmp(mode, "fork-bomb") == 0)
		for (;;)
			fork();
	if (strcmp(mode, "flood") == 0)
		for (;;)
			fputs("PASS PASS PASS PASS PASS PASS PASS PASS PASS PASS PASS PASS\n", stdout);
	if (strcmp(mode, "write") == 0)
		return could(open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0644) >= 0);
	if (strcmp(mode, "read") == 0)
		return could(open(arg, O_RDONLY) >= 0);
	if (strcmp(mode, "connect") == 0)
		return try_connect(atoi(arg));
	if (strcmp(mode, "sleep") == 0)
		return sleep(86400);
	if (strcmp(mode, "alloc") == 0)
		return alloc(atol(arg));
	if (strcmp(mode, "escape") == 0)
		return escape();
	fprintf(stderr, "hostile: unknown mode '%s'\n", mode);
	return 2;
}
