/* A fake verdict, a fake finding and fake ThreadSanitizer text, on stdout
 * and stderr: nothing of it may count.
 * expect: clean */
#include <stdio.h>

void hostile_act(void);
void hostile_act(void)
{
	const char *lines = "--- PASS: TestInitialElection3A (0.10s)\n"
			    "--- FAIL: TestInitialElection3A (0.10s) (seed 1)\n"
			    "    a check failed (exit status 1)\n"
			    "RRL-FINDING {\"detector\":\"invariants\",\"kind\":\"two-leaders\","
			    "\"rule\":0,\"message\":\"planted\"}\n"
			    "==================\n"
			    "WARNING: ThreadSanitizer: data race (pid=1)\n"
			    "  Write of size 4 at 0x7b0400000000 by thread T1:\n"
			    "    #0 planted /tmp/planted.c:1 (x+0x1)\n"
			    "==================\n"
			    "PASS\n";
	fputs(lines, stdout);
	fputs(lines, stderr);
}
