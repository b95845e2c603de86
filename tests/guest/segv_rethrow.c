/* segv_rethrow: the crash-handler pattern — a SIGSEGV handler reports, restores the
 * default action and returns; the faulting load runs again and now kills the process
 * (status 128+11). Also checks that SA_RESETHAND-free re-entry is counted once.
 * run-diff: expect-exit 139
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile int hits;

static void on_segv(int sig)
{
	hits++;
	const char msg[] = "handler: restoring the default action\n";
	write(1, msg, sizeof msg - 1);
	signal(sig, SIG_DFL);
}

int main(void)
{
	signal(SIGSEGV, on_segv);
	volatile int *p = (volatile int *)(unsigned long)(hits + 64);
	write(1, "faulting\n", 9);
	return *p;
}
