/* A bundled guest program for the Lua examples: the longest Collatz chain
 * below N. collatz_steps is a real (not inlined) function and `calls` a
 * global, so that scripts can break on the one and watch the other. */
#include <stdio.h>
#include <stdlib.h>

long calls;

__attribute__((noinline)) long collatz_steps(long n)
{
    long steps = 0;
    calls++;
    while (n != 1) {
        n = n % 2 ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 10, best = 0, arg = 1;
    for (long i = 1; i <= count; i++) {
        long s = collatz_steps(i);
        if (s > best) {
            best = s;
            arg = i;
        }
    }
    printf("longest chain up to %ld: %ld (%ld steps, %ld calls)\n", count, arg, best, calls);
    return 0;
}
