/* exit_raw: _exit(255) leaves stdio unflushed (stdout is a file here, so fully buffered:
 * the first line must NOT appear), while write(2) output does.
 * run-diff: expect-exit 255
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	printf("this buffered line is lost\n");
	const char *m = "written with write(2)\n";
	write(1, m, strlen(m));
	_exit(255);
}
