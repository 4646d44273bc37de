/* A system call made directly, past every function the policy names.
 * expect: refused makes a system call itself */
void hostile_act(void);
void hostile_act(void)
{
	static const char msg[] = "written by a raw write(2)\n";
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(1L), "D"(2L), "S"(msg), "d"(sizeof msg - 1)
			 : "rcx", "r11", "memory");
	(void)ret;
}
