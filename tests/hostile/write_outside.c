/* A file written outside the submission's directory.
 * expect: refused calls fopen() */
#include <stdio.h>

void hostile_act(void);
void hostile_act(void)
{
	FILE *f = fopen("/etc/rrl-hostile", "w");
	if (f != NULL)
		fclose(f);
}
