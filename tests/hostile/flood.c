/* Output without end, on stderr.
 * expect: finding watchdog resource-limit */
#include <stdio.h>

void hostile_act(void);
void hostile_act(void)
{
	for (;;)
		fputs("flooding the grader's disk, one line at a time .........................\n",
		      stderr);
}
