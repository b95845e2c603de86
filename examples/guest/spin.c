/* A bundled guest program that never ends on its own: it prints one line
 * and spins, for tests of Ctrl-C stopping a guest in the REPL. */
#include <stdio.h>

int main(void)
{
    volatile unsigned long n = 0;
    printf("spinning\n");
    fflush(stdout);
    for (;;) n++;
}
