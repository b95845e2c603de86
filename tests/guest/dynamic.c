/* dynamic: a dynamically linked program — the kernel-style load of the interpreter
 * (ld-linux-riscv64-lp64d.so.1) from the sysroot given with -L, relocations, libc and
 * libm as shared objects, dlopen/dlsym at run time, and thread-local storage.
 * run-diff: dynamic
 * run-diff: libs -lm -ldl
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread int tls_counter = 7;

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(int argc, char **argv)
{
	(void)argv;
	volatile double x = 0.75;
	printf("libm: cos %a exp %a pow %a\n", cos(x), exp(x), pow(x, 3.5));
	int v[10] = {5, 3, 9, 1, 7, 2, 8, 0, 6, 4};
	qsort(v, 10, sizeof v[0], cmp);
	for (int i = 0; i < 10; i++)
		printf("%d%c", v[i], i == 9 ? '\n' : ' ');
	tls_counter += argc;
	printf("tls %d\n", tls_counter);
	void *h = dlopen("libm.so.6", RTLD_NOW);
	if (!h) { printf("dlopen failed: %s\n", dlerror()); return 1; }
	double (*fn)(double) = (double (*)(double))dlsym(h, "cbrt");
	printf("dlsym cbrt %d cbrt(27) = %g\n", fn != NULL, fn ? fn(27.0) : 0.0);
	printf("dlsym missing %d\n", dlsym(h, "no_such_symbol_here") == NULL);
	dlclose(h);
	char *s = strdup("dynamic strdup");
	printf("%s %zu\n", s, strlen(s));
	free(s);
	return 0;
}
