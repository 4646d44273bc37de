/* ThreadSanitizer told, from inside, to report nothing.
 * expect: refused calls setenv() */
#include <stdlib.h>

void hostile_act(void);
void hostile_act(void)
{
	setenv("TSAN_OPTIONS", "report_bugs=0", 1);
}
