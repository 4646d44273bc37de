/* A sleep past every timeout, through the runtime's own sleep (which the
 * policy allows).
 * expect: finding watchdog */
#include "rt/rt.h"

void hostile_act(void);
void hostile_act(void)
{
	rt_sleep_ms(1000L * 1000 * 1000);
}
