/* A known guest for the trace tests: main calls work() which spends most of
 * its time in hot(); one fence.i (the threaded engine and the JIT flush their
 * code caches: one jit_flush), one write, one exit_group. */
#include <unistd.h>

__attribute__((noinline)) unsigned long hot(unsigned long x)
{
    for (int i = 0; i < 64; i++) x = x * 6364136223846793005ul + 1442695040888963407ul;
    return x;
}

__attribute__((noinline)) unsigned long work(int n)
{
    unsigned long s = 0;
    for (int i = 0; i < n; i++) s += hot((unsigned long)i);
    return s;
}

int main(void)
{
    unsigned long s = work(2000);
    __asm__ volatile(".word 0x0000100f" ::: "memory"); /* fence.i (Zifencei) */
    char msg[] = "hot done\n";
    write(1, msg, sizeof msg - 1);
    return s == 12345 ? 4 : 3; /* 3, but the compiler cannot know */
}
