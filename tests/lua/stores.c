/* A guest program for watchpoint tests and costs (tests/lua/run-api,
 * tests/lua/watch_costs.lua): a loop storing to the words of one page.
 * `hot.untouched` shares that page and is never written; `elsewhere` is on
 * a page of its own; `counter` is written once per outer round, by a plain
 * store, an atomic add, and a read() system call into it at the end;
 * `fvalue` by a floating-point store; `cross` at its end by one misaligned
 * 8-byte store across its two pages. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct {
    long a[500];
    long untouched;
} hot __attribute__((aligned(4096)));
long elsewhere __attribute__((aligned(4096)));
long counter;
long atomic_word;
double fvalue;
char cross[8192] __attribute__((aligned(4096)));

static void store_across(char *p, long v) /* sd at a misaligned address: the compiler would split it */
{
    __asm__ volatile("sd %1, 0(%0)" : : "r"(p), "r"(v) : "memory");
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 10, sum = 0;
    volatile long *a = hot.a;
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < 500; i++) a[i] += r + i;
        counter = r + 1;
        __atomic_fetch_add(&atomic_word, 1, __ATOMIC_SEQ_CST);
        *(volatile double *)&fvalue = (double)r * 0.5;
    }
    store_across(cross + 4092, 0x1122334455667788);
    for (int i = 0; i < 500; i++) sum += a[i];
    if (argc > 2) { /* the kernel writes `counter` from a pipe */
        int p[2];
        long v = 12345;
        if (pipe(p) || write(p[1], &v, sizeof v) != sizeof v || read(p[0], &counter, sizeof counter) != sizeof counter)
            return 2;
    }
    printf("sum %ld counter %ld atomic %ld untouched %ld elsewhere %ld cross %lx\n", sum, counter,
           atomic_word, hot.untouched, elsewhere, *(volatile long *)(cross + 4092));
    return 0;
}
