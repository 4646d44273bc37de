/* The run's results deleted and replaced.
 * expect: refused calls unlink() */
#include <stdio.h>
#include <unistd.h>

void hostile_act(void);
void hostile_act(void)
{
	unlink("plain.seed1.results");
	rename("planted.results", "plain.seed1.results");
}
