/* Not peer code: the innermost frame of the race, but not where the bug is. */
#include "store.h"

/* A non-inlined read-modify-write, so this helper's frame is on top
 * of both racing stacks. */
__attribute__((noinline)) void add_long(long *dst, long amount)
{
	*dst += amount;
}
