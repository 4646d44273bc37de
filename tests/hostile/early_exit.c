/* The process ends with status 0 before the test has run: every test would
 * pass if status 0 were enough.
 * expect: refused calls exit() */
#include <stdlib.h>

void hostile_act(void);
void hostile_act(void)
{
	exit(0);
}
