/* The harness's watchdog replaced by one that watches nothing.
 * expect: refused defines watchdog_start */
void watchdog_start(const char *test, long budget_ms);
void watchdog_start(const char *test, long budget_ms)
{
	(void)test;
	(void)budget_ms;
}

void hostile_act(void);
void hostile_act(void)
{
}
