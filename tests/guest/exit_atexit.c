/* exit_atexit: exit(42) runs atexit handlers in reverse order and flushes stdio.
 * run-diff: expect-exit 42
 */
#include <stdio.h>
#include <stdlib.h>

static void h1(void) { printf("atexit 1 (runs last)\n"); }
static void h2(void) { printf("atexit 2 (runs first)\n"); }

int main(void)
{
	atexit(h1);
	atexit(h2);
	printf("buffered before exit");	/* no newline: only the exit-time flush prints it */
	fprintf(stderr, "to stderr\n");
	exit(42);
}
