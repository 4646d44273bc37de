/* A build that never ends: the compiler reads /dev/zero.
 * expect: build-failed the build was stopped */
#include "/dev/zero"

void hostile_act(void);
void hostile_act(void)
{
}
