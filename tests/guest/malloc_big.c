/* malloc_big: the allocator end to end — many small blocks (brk heap), large blocks that
 * glibc serves with mmap, realloc growing across the mmap threshold (mremap), calloc
 * zeroing, aligned allocation. Contents are checked after each move. Sized to stay
 * around 10^8 guest instructions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pattern is written to and checked at every STRIDE-th byte (and the last byte is
 * written unless it is one of those): enough to catch a lost or misplaced page, cheap enough for an interpreter.
 * check() looks at the STRIDE positions only, so a prefix of a filled block checks. */
#define STRIDE 61

static uint64_t fill(unsigned char *p, size_t n, unsigned seed)
{
	uint64_t h = 1469598103934665603ULL;
	if (n == 0)
		return h;
	for (size_t i = 0; i < n; i += STRIDE) {
		p[i] = (unsigned char)(i * 2654435761U + seed);
		h = (h ^ p[i]) * 1099511628211ULL;
	}
	if ((n - 1) % STRIDE != 0)
		p[n - 1] = (unsigned char)~seed;
	return h ^ p[n - 1];
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i += STRIDE)
		if (p[i] != (unsigned char)(i * 2654435761U + seed))
			return 0;
	return 1;
}

int main(void)
{
	enum { NSMALL = 5000 };
	static void *small[NSMALL];
	uint64_t h = 0;
	for (int i = 0; i < NSMALL; i++) {
		size_t n = 1 + (size_t)(i * 7919) % 600;
		small[i] = malloc(n);
		if (!small[i]) { printf("malloc small failed\n"); return 1; }
		h += fill(small[i], n, i);
	}
	for (int i = 0; i < NSMALL; i += 2)
		free(small[i]);
	int ok = 1;
	for (int i = 1; i < NSMALL; i += 2)
		ok &= check(small[i], 1 + (size_t)(i * 7919) % 600, i);
	for (int i = 1; i < NSMALL; i += 2)
		free(small[i]);
	printf("small blocks hash %016llx intact %d\n", (unsigned long long)h, ok);

	size_t sizes[] = {1 << 16, 1 << 20, 5 << 20, 64 << 20, 3 << 20};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		unsigned char *p = malloc(sizes[k]);
		if (!p) { printf("malloc %zu failed\n", sizes[k]); return 1; }
		uint64_t hh = fill(p, sizes[k], (unsigned)k);
		printf("large %zu hash %016llx check %d\n", sizes[k], (unsigned long long)hh,
		       check(p, sizes[k], (unsigned)k));
		free(p);
	}
	/* realloc growth: 1 KiB -> 96 MiB doubling, old content must follow */
	size_t n = 1024;
	unsigned char *p = malloc(n);
	fill(p, n, 99);
	while (n < (96u << 20)) {
		size_t m = n * 2 + 4096;
		unsigned char *q = realloc(p, m);
		if (!q) { printf("realloc failed\n"); return 1; }
		if (!check(q, n, 99)) { printf("realloc %zu -> %zu lost data\n", n, m); return 1; }
		fill(q, m, 99);
		p = q;
		n = m;
	}
	p = realloc(p, 100);
	printf("realloc chain to %zu ok, shrink keeps %d\n", n, check(p, 100, 99));
	free(p);
	unsigned char *z = calloc(3 << 20, 1);
	size_t nz = 0;
	for (size_t i = 0; i < (3u << 20); i += 8)
		nz += *(uint64_t *)(z + i) != 0;
	printf("calloc nonzero bytes %zu\n", nz);
	free(z);
	void *al = NULL;
	int rc = posix_memalign(&al, 1 << 16, 1000);
	printf("posix_memalign rc %d aligned %d\n", rc, ((uintptr_t)al & 0xffff) == 0);
	free(al);
	char *s = aligned_alloc(4096, 8192);
	printf("aligned_alloc aligned %d\n", ((uintptr_t)s & 4095) == 0);
	free(s);
	return 0;
}
