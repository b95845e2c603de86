/* segv: a write through NULL with no handler kills the process with SIGSEGV (128+11).
 * run-diff: expect-exit 139
 */
#include <stdio.h>

int main(void)
{
	volatile int *p = (volatile int *)0;
	printf("writing to NULL\n");
	fflush(stdout);
	*p = 1;
	printf("not reached\n");
	return 0;
}
