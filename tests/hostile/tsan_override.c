/* ThreadSanitizer's own entry point, redefined to see nothing.
 * expect: refused defines __tsan_read4 */
void __tsan_read4(void *addr);
void __tsan_read4(void *addr)
{
	(void)addr;
}

void hostile_act(void);
void hostile_act(void)
{
}
