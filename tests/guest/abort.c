/* abort: abort() kills the process with SIGABRT (status 128+6) after the output that
 * was flushed; the emulator's own diagnostic line (vmsh:/qemu:) is filtered out.
 * run-diff: expect-exit 134
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to abort\n");
	fflush(stdout);
	fprintf(stderr, "stderr before abort\n");
	abort();
}
