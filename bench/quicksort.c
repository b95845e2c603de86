/* quicksort: our own in-place quicksort (median of three, insertion sort below 16
 * elements, recursion on the smaller side) of pseudo-random 32-bit keys, several rounds
 * over fresh data: unpredictable branches, swaps, and call/return.
 * Usage: quicksort [N]   (keys per round, 4 rounds; default 1500000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void isort(int32_t *a, long n)
{
	for (long i = 1; i < n; i++) {
		int32_t v = a[i];
		long j = i - 1;
		while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
		a[j + 1] = v;
	}
}

static void swap(int32_t *a, int32_t *b) { int32_t t = *a; *a = *b; *b = t; }

static void qsort_rec(int32_t *a, long n)
{
	while (n > 16) {
		long m = n / 2;
		if (a[m] < a[0]) swap(&a[m], &a[0]);
		if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
		if (a[n - 1] < a[m]) swap(&a[n - 1], &a[m]);
		int32_t p = a[m];
		long i = 0, j = n - 1;
		for (;;) {
			while (a[i] < p) i++;
			while (a[j] > p) j--;
			if (i >= j) break;
			swap(&a[i], &a[j]);
			i++; j--;
		}
		long left = j + 1;
		if (left < n - left) { qsort_rec(a, left); a += left; n -= left; }
		else { qsort_rec(a + left, n - left); n = left; }
	}
	isort(a, n);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1500000;
	int32_t *a = malloc(sizeof(int32_t) * (size_t)n);
	uint64_t x = 0x9e3779b97f4a7c15ULL, sum = 0;
	for (int round = 0; round < 4; round++) {
		for (long i = 0; i < n; i++) {
			x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
			a[i] = (int32_t)((x * 0x2545F4914F6CDD1DULL) >> 32) % (round == 3 ? 1000 : 1 << 30);
		}
		qsort_rec(a, n);
		for (long i = 1; i < n; i++)
			if (a[i - 1] > a[i]) { printf("quicksort: NOT SORTED at %ld\n", i); return 1; }
		for (long i = 0; i < n; i += 97)
			sum = sum * 31 + (uint32_t)a[i];
	}
	printf("quicksort: %ld keys x 4 rounds, min %d max %d\n", n, a[0], a[n - 1]);
	printf("checksum %016llx\n", (unsigned long long)sum);
	free(a);
	return 0;
}
