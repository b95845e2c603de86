/* exit_group: the exit_group system call (94 on riscv64) issued directly, status 1.
 * run-diff: expect-exit 1
 */
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	write(1, "before exit_group\n", 18);
	syscall(SYS_exit_group, 1);
	write(1, "not reached\n", 12);
	return 3;
}
