/* Page faults follow the permissions, and become the signals Linux sends:
 * store to a read-only page, load from PROT_NONE, access to an unmapped page,
 * fetch from a page without execute permission, store to the code, access
 * past the end of a file mapping (SIGBUS), and mprotect/mremap changing the
 * picture. Differential against qemu-riscv64 (run-diff). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile unsigned long got_addr;

static void handler(int sig, siginfo_t *si, void *uc)
{
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (unsigned long)si->si_addr;
    siglongjmp(env, 1);
}

#define TRY(name, base, stmt)                                                                 \
    do {                                                                                      \
        got_sig = 0;                                                                          \
        if (!sigsetjmp(env, 1)) {                                                             \
            stmt;                                                                             \
            printf("%-28s no fault\n", name);                                                 \
        } else {                                                                              \
            printf("%-28s signal %d code %d at base%+ld\n", name, got_sig, got_code,          \
                   (long)(got_addr - (unsigned long)(base)));                                 \
        }                                                                                     \
    } while (0)

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    long pg = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 7, 4 * pg);

    mprotect(p, pg, PROT_READ);
    TRY("store to read-only", p, p[12] = 1);
    TRY("load from read-only", p, printf("%-28s %d\n", "  value", p[12]));
    mprotect(p + pg, pg, PROT_NONE);
    TRY("load from PROT_NONE", p, printf("%d\n", *(volatile char *)(p + pg + 5)));
    mprotect(p + pg, pg, PROT_READ | PROT_WRITE);
    TRY("PROT_NONE page kept data", p, printf("%-28s %d\n", "  value", p[pg + 5]));
    munmap(p + 2 * pg, pg);
    TRY("load from unmapped", p, printf("%d\n", *(volatile char *)(p + 2 * pg + 9)));
    TRY("store to unmapped", p, *(volatile char *)(p + 2 * pg + 9) = 3);

    /* code: a `ret` (c.jr ra = 0x8082) placed in a data page */
    unsigned short ret = 0x8082;
    memcpy(p + 3 * pg, &ret, 2);
    __builtin___clear_cache(p + 3 * pg, p + 3 * pg + 2);
    void (*fn)(void) = (void (*)(void))(p + 3 * pg);
    TRY("fetch from non-executable", p, fn());
    mprotect(p + 3 * pg, pg, PROT_READ | PROT_EXEC);
    TRY("fetch after mprotect exec", p, fn());
    TRY("store to code", (char *)main, *(volatile char *)((char *)main + 4) = 0);

    /* a file mapping longer than the file: the page past its end is SIGBUS */
    char name[] = "faults-XXXXXX";
    int fd = mkstemp(name);
    if (write(fd, "0123456789", 10) != 10) return 2;
    char *f = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE, fd, 0);
    TRY("file page within the file", f, printf("%-28s %c\n", "  value", f[3]));
    TRY("file page past its end", f, printf("%d\n", *(volatile char *)(f + pg + 1)));
    unlink(name);

    /* mremap keeps data when it moves */
    char *q = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(q, "moved intact");
    char *r = mremap(q, pg, 64 * pg, MREMAP_MAYMOVE);
    printf("mremap: %s, grown tail %d\n", r, r[40 * pg]);
    TRY("old place after a move", q, printf("%d\n", *(volatile char *)q));
    return 0;
}
