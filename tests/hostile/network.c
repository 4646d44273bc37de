/* A connection out of the grader.
 * expect: refused calls socket() */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

void hostile_act(void);
void hostile_act(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};
	inet_pton(AF_INET, "1.1.1.1", &a.sin_addr);
	connect(s, (struct sockaddr *)&a, sizeof a);
}
