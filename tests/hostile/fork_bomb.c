/* A fork bomb.
 * expect: refused calls fork() */
#include <unistd.h>

void hostile_act(void);
void hostile_act(void)
{
	for (;;)
		fork();
}
