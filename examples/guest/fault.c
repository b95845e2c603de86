/* A bundled guest program that dies by SIGSEGV after printing one line:
 * for the examples and tests of faults surfacing as results in Lua. */
#include <stdio.h>

int main(int argc, char **argv)
{
    volatile int *p = (int *)(long)(argc * 16); /* 0x10: unmapped */
    printf("about to fault\n");
    fflush(stdout);
    return *p;
}
