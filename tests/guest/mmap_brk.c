/* mmap_brk: the memory syscalls directly — brk/sbrk growth and shrink, anonymous mmap
 * (private and shared), munmap of a middle page, MAP_FIXED replacement, mremap growth
 * with MREMAP_MAYMOVE, mprotect to read-only (a write is caught by a SIGSEGV handler),
 * file-backed mmap of a scratch file, and mmap errors. Addresses are never printed,
 * only relations between them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile void *fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_addr = si->si_addr;
	siglongjmp(env, sig);
}

static int try_write(volatile char *p)
{
	if (sigsetjmp(env, 1) == 0) {
		*p = 1;
		return 0;
	}
	return fault_addr == p ? 1 : 2;	/* 1: faulted at p, 2: faulted elsewhere */
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	printf("pagesize %ld\n", pg);
	struct sigaction sa = {0};
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);

	char *b0 = sbrk(0);
	char *b1 = sbrk(1 << 20);
	char *b2 = sbrk(0);
	memset(b1, 0x5a, 1 << 20);
	printf("sbrk grew %ld, old break returned %d\n", (long)(b2 - b0), b1 == b0);
	if (brk(b0 + 4096) != 0)
		printf("brk shrink failed\n");
	printf("brk shrink now %ld\n", (long)((char *)sbrk(0) - b0));

	size_t len = 16 * pg;
	char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) { perror("mmap"); return 1; }
	int zero = 1;
	for (size_t i = 0; i < len; i++)
		zero &= a[i] == 0;
	printf("anon zeroed %d aligned %d\n", zero, ((uintptr_t)a % pg) == 0);
	for (size_t i = 0; i < len; i++)
		a[i] = (char)i;
	printf("munmap middle %d\n", munmap(a + 4 * pg, pg));
	printf("write to unmapped page: %d\n", try_write(a + 4 * pg + 17));
	printf("neighbour intact %d %d\n", a[4 * pg - 1] == (char)(4 * pg - 1), a[5 * pg] == (char)(5 * pg));
	char *f = mmap(a + 4 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED at hole %d, zero %d\n", f == a + 4 * pg, f[100] == 0);
	printf("mprotect ro %d\n", mprotect(a, 2 * pg, PROT_READ));
	printf("read ro %d, write ro: %d\n", a[pg + 1], try_write(a + pg + 5));
	printf("mprotect rw %d, write: %d\n", mprotect(a, 2 * pg, PROT_READ | PROT_WRITE), try_write(a + pg + 5));
	printf("PROT_NONE %d, write: %d\n", mprotect(a + 8 * pg, pg, PROT_NONE), try_write(a + 8 * pg));

	munmap(a, len);
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < len; i++)
		a[i] = (char)i;
	char *r = mremap(a, len, 64 * len, MREMAP_MAYMOVE);
	if (r == MAP_FAILED) { perror("mremap"); return 1; }
	printf("mremap keeps data %d %d, new tail zero %d\n", r[3] == 3, r[15 * pg + 9] == (char)(15 * pg + 9),
	       r[63 * len] == 0);
	r = mremap(r, 64 * len, 2 * pg, 0);
	printf("mremap shrink in place ok %d\n", r != MAP_FAILED);
	munmap(r, 2 * pg);

	char *sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	strcpy(sh, "shared anon");
	printf("%s\n", sh);
	munmap(sh, pg);

	int fd = open("mapped.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 3 * 4096 + 100; i++) {
		char c = (char)('a' + i % 26);
		if (write(fd, &c, 1) != 1) { perror("write"); return 1; }
	}
	char *m = mmap(NULL, 4 * 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	printf("file map at offset 4096: %.10s ... last %c, beyond eof in page zero %d\n", m, m[2 * 4096 + 99],
	       m[2 * 4096 + 100] == 0);
	munmap(m, 4 * 4096);
	char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memcpy(w, "WRITTEN", 7);
	msync(w, 4096, MS_SYNC);
	munmap(w, 4096);
	char buf[8] = {0};
	pread(fd, buf, 7, 0);
	printf("shared file map wrote back: %s\n", buf);
	close(fd);
	unlink("mapped.bin");

	errno = 0;
	void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap len 0: failed %d errno EINVAL %d\n", bad == MAP_FAILED, errno == EINVAL);
	errno = 0;
	bad = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 12345, 0);
	printf("mmap bad fd: failed %d errno EBADF %d\n", bad == MAP_FAILED, errno == EBADF);
	printf("munmap unaligned: %d errno EINVAL %d\n", munmap(a + 1, pg), errno == EINVAL);
	return 0;
}
