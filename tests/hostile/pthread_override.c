/* pthread_mutex_lock replaced for every caller: no lock is ever taken.
 * expect: refused defines pthread_mutex_lock */
#include <pthread.h>

int pthread_mutex_lock(pthread_mutex_t *m)
{
	(void)m;
	return 0;
}

void hostile_act(void);
void hostile_act(void)
{
}
