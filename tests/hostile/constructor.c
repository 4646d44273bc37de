/* Code that runs before the harness's main.
 * expect: refused runs code before main */
#include <stdio.h>

__attribute__((constructor)) static void before_main(void)
{
	fputs("before main\n", stderr);
}

void hostile_act(void);
void hostile_act(void)
{
}
