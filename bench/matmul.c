/* matmul: dense double-precision matrix multiply C = A * B, N x N, in i-k-j order (the
 * inner loop is a streaming multiply-add over rows), plus a trace-like checksum. FP
 * throughput with regular memory access; emulators that do FP in software pay here.
 * Usage: matmul [N]   (default 700) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 700;
	double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n),
	       *c = calloc((size_t)n * n, sizeof(double));
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 17.0 - 0.5;
			b[i * n + j] = (double)((i * 5 + j * 11) % 23) / 7.0 - 1.25;
		}
	for (int i = 0; i < n; i++)
		for (int k = 0; k < n; k++) {
			double aik = a[i * n + k];
			double *crow = c + i * n;
			const double *brow = b + k * n;
			for (int j = 0; j < n; j++)
				crow[j] += aik * brow[j];
		}
	double tr = 0, s = 0;
	for (int i = 0; i < n; i++) {
		tr += c[i * n + i];
		for (int j = 0; j < n; j += 7)
			s += c[i * n + j] * (double)(j % 5 - 2);
	}
	uint64_t bits;
	double mix = tr * 3.0 + s;
	memcpy(&bits, &mix, sizeof bits);
	printf("matmul: n %d trace %.6f sample %.6f\n", n, tr, s);
	printf("checksum %016llx\n", (unsigned long long)bits);
	free(a); free(b); free(c);
	return 0;
}
