/* Sixteen gigabytes, every page touched. The memory cap stops it, unless
 * the watchdog's limit on a call into the peer (here raft_make) comes
 * first, as it can where touching the capped amount takes seconds.
 * expect: finding watchdog resource-limit|hang */
#include <stdlib.h>

void hostile_act(void);
void hostile_act(void)
{
	size_t n = (size_t)16 << 30;
	volatile char *p = malloc(n);
	for (size_t i = 0; p != NULL && i < n; i += 4096)
		p[i] = 1;
}
