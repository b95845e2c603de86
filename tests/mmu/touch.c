/* Touch N pages cyclically R times (page i at i * STRIDE pages from a 4 MiB-
 * aligned base) with one load each: the access pattern of the TLB labs. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 32, rounds = argc > 2 ? atol(argv[2]) : 10;
    long stride = argc > 3 ? atol(argv[3]) : 1;
    size_t len = (size_t)(n * stride + 1) * 4096 + (8u << 20);
    char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return 1;
    volatile char *base = (char *)(((unsigned long)raw + (4u << 20) - 1) & ~((4ul << 20) - 1));
    for (long i = 0; i < n; i++) base[i * stride * 4096] = (char)i; /* first touch */
    long sum = 0;
    for (long r = 0; r < rounds; r++)
        for (long i = 0; i < n; i++) sum += base[i * stride * 4096];
    printf("%ld\n", sum);
    return 0;
}
