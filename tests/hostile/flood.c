/* Output without end, on stderr, a megabyte at a time.
 * expect: finding watchdog resource-limit */
#include <stdio.h>
#include <string.h>

void hostile_act(void);
void hostile_act(void)
{
	static char megabyte[1 << 20];
	memset(megabyte, '.', sizeof megabyte);
	for (;;)
		fwrite(megabyte, 1, sizeof megabyte, stderr);
}
