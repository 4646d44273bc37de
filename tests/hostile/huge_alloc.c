/* Sixteen gigabytes, every page touched.
 * expect: finding watchdog resource-limit */
#include <stdlib.h>

void hostile_act(void);
void hostile_act(void)
{
	size_t n = (size_t)16 << 30;
	volatile char *p = malloc(n);
	for (size_t i = 0; p != NULL && i < n; i += 4096)
		p[i] = 1;
}
