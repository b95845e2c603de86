/* site_inval: loads and stores that walk pages from hot loops, then the pages change
 * under them: made read-only, unmapped, mapped again with other contents, moved by
 * mremap. In the fast TLB mode the JIT gives each such access its own translation
 * entry (vm_mem.stc in mem/mem.h); every change of the mapping must reach those
 * entries as it reaches the translation cache, or a store lands in a read-only page,
 * or a load reads a page that is gone; and a page that receives translated code must
 * leave the store entries, or a store to the code (no fence.i) goes unseen. Before each change, the loops run over the last
 * page alone (touch), so that every one of their accesses (a loop's first iteration may
 * be translated apart from the others) holds an entry for the page the accesses after
 * the change go to.
 * run-diff: vmsh-flags --tlb-mode=fast
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 4
#define LEN (PAGES * 4096)
#define N (LEN / (int)sizeof(long))
#define TAIL(p) ((p) + N - 8) /* the last 8 longs: on the last page */

static sigjmp_buf env;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

__attribute__((noinline)) static void fill_(volatile long *p, long v, int n)
{
	for (int i = 0; i < n; i++) p[i] = v + i;
}

__attribute__((noinline)) static long sum_(volatile long *p, int n)
{
	long s = 0;
	for (int i = 0; i < n; i++) s += p[i];
	return s;
}

__attribute__((noinline)) static void put_(volatile uint32_t *p, const uint32_t *w, int n)
{
	for (int i = 0; i < n; i++) p[i] = w[i];
}

/* called through pointers: the JIT would otherwise translate the first iteration of
 * the loops into each caller's superblock, each with accesses of its own */
static void (*volatile fill)(volatile long *, long, int) = fill_;
static long (*volatile sum)(volatile long *, int) = sum_;
static void (*volatile put_p)(volatile uint32_t *, const uint32_t *, int) = put_;

static void put(volatile uint32_t *p, uint32_t a, uint32_t b)
{
	uint32_t w[2] = {a, b};
	put_p(p, w, 2);
}

/* one store: the first iteration of put_'s loop, in the block of its entry */
static void put1(volatile uint32_t *p, uint32_t a) { put_p(p, &a, 1); }

static uint32_t addi_a0(int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (10 << 15) | (10 << 7) | 0x13; }
#define RET 0x00008067u /* jalr x0, 0(ra) */
#define NOP 0x00000013u

/* twice: an access's entry is filled from the translation cache, which its first
 * access may have filled */
static long touch(long *p)
{
	for (int i = 0; i < 2; i++) fill(TAIL(p), 11, 8);
	return sum(TAIL(p), 8) + sum(TAIL(p), 8);
}

/* run f and say whether it faulted */
#define TRY(what, stmt)                                                                      \
	do {                                                                                 \
		if (!sigsetjmp(env, 1)) {                                                    \
			stmt;                                                                \
			printf("%s: no fault\n", what);                                      \
		} else {                                                                     \
			printf("%s: SIGSEGV\n", what);                                       \
		}                                                                            \
	} while (0)

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);

	long *a = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) { perror("mmap"); return 1; }
	for (int round = 0; round < 4; round++) {
		fill(a, round * 1000, N);
		printf("round %d: sum %ld\n", round, sum(a, N));
	}
	/* read-only: the store site's entry for these pages must go */
	printf("touch %ld\n", touch(a));
	if (mprotect(a, LEN, PROT_READ)) { perror("mprotect"); return 1; }
	TRY("store to read-only", fill(TAIL(a), 5, 8));
	printf("after: sum %ld\n", sum(a, N));
	/* no access: the load site's entry too */
	sum(TAIL(a), 8);
	sum(TAIL(a), 8);
	if (mprotect(a, LEN, PROT_NONE)) { perror("mprotect"); return 1; }
	long s = -1;
	TRY("load from PROT_NONE", s = sum(TAIL(a), 8));
	printf("s %ld\n", s);
	/* unmapped, then mapped again (fresh zeros) at the same address */
	mprotect(a, LEN, PROT_READ | PROT_WRITE);
	printf("touch %ld\n", touch(a));
	munmap(a, LEN);
	TRY("load from unmapped", s = sum(TAIL(a), 8));
	TRY("store to unmapped", fill(TAIL(a), 1, 8));
	long *b = mmap(a, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (b != a) { perror("mmap fixed"); return 1; }
	printf("remapped: sum %ld\n", sum(TAIL(b), 8));
	printf("remapped: sum %ld\n", sum(b, N));
	fill(b, 77, N);
	printf("refilled: sum %ld\n", sum(b, N));
	printf("touch %ld\n", touch(b));
	/* moved: the old address is gone, the new one has the data */
	long *c = mremap(b, LEN, LEN, MREMAP_MAYMOVE | MREMAP_FIXED, (char *)b + 64 * LEN);
	if (c == MAP_FAILED) { perror("mremap"); return 1; }
	TRY("load from the old place", s = sum(TAIL(b), 8));
	printf("moved: sum %ld\n", sum(c, N));
	TRY("store to the old place", fill(TAIL(b), 1, 8));
	fill(c, 3, N);
	printf("moved, refilled: sum %ld\n", sum(c, N));

	/* stores to a page before and after it holds translated code: the entries are
	 * made by stores to data on the page before the code there is translated. The
	 * first round's store to the code drops every translation (and the accesses'
	 * entries are then given out again from the first), so that in the second
	 * round no other access of the program takes the store's entry in between. */
	for (int round = 0; round < 2; round++) {
		uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (code == MAP_FAILED) { perror("mmap rwx"); return 1; }
		long (*f)(long) = (long (*)(long))(uintptr_t)code;
		put(code, addi_a0(1), RET);
		__builtin___clear_cache((char *)code, (char *)(code + 2));
		for (int i = 0; i < 2; i++) put1(code + 512, NOP); /* the store's entry: this page */
		long r1 = f(0) + f(0);     /* translated */
		put1(code, addi_a0(5));    /* no fence.i: still seen (as qemu-riscv64 does) */
		long r2 = f(0);
		printf("code, round %d: %ld %ld\n", round, r1, r2);
	}
	return 0;
}
