/* exit_return: the status returned from main is the process's; only the low 8 bits
 * survive (300 -> 44).
 * run-diff: expect-exit 44
 */
#include <stdio.h>

int main(void)
{
	printf("returning 300 from main\n");
	return 300;
}
