/* A loop that never ends, in raft_make.
 * expect: finding watchdog */
void hostile_act(void);
void hostile_act(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}
