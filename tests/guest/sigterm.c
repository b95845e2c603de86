/* sigterm: a signal sent to itself with kill() and not handled ends the process with
 * that signal (SIGTERM: status 128+15); output flushed before it survives.
 * run-diff: expect-exit 143
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("sending SIGTERM to myself\n");
	fflush(stdout);
	kill(getpid(), SIGTERM);
	printf("not reached\n");
	return 0;
}
