/* ptrchase: a pointer-chasing walk over a large buffer (default 256 MiB) arranged as
 * one random cycle (Sattolo's algorithm) of cache-line-sized nodes, so every step is a
 * dependent load to an unpredictable page: bound by cache and TLB misses natively, and
 * by the emulator's guest-address translation (softmmu / TLB model) under emulation.
 * Usage: ptrchase [STEPS [MIB]]   (default 3000000 steps over 256 MiB) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct node { struct node *next; uint64_t pad[7]; } node;	/* 64 bytes */

int main(int argc, char **argv)
{
	long steps = argc > 1 ? atol(argv[1]) : 3000000;
	long mib = argc > 2 ? atol(argv[2]) : 256;
	size_t n = (size_t)mib * (1 << 20) / sizeof(node);
	node *buf = malloc(n * sizeof(node));
	uint32_t *perm = malloc(n * sizeof(uint32_t));
	if (!buf || !perm) { printf("ptrchase: out of memory\n"); return 1; }
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	uint64_t x = 0x2545F4914F6CDD1DULL;
	for (size_t i = n - 1; i > 0; i--) {	/* Sattolo: a single cycle through all nodes */
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		size_t j = (size_t)(x % i);
		uint32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		buf[perm[i]].next = &buf[perm[(i + 1) % n]];
		buf[perm[i]].pad[0] = i;
	}
	free(perm);
	node *p = &buf[0];
	uint64_t sum = 0;
	for (long s = 0; s < steps; s++) {
		p = p->next;
		sum += p->pad[0];
	}
	printf("ptrchase: %ld steps over %ld MiB (%zu nodes)\n", steps, mib, n);
	printf("checksum %016llx\n", (unsigned long long)(sum ^ p->pad[0]));
	free(buf);
	return 0;
}
