/* setjmp_varargs: non-local control flow (setjmp/longjmp, through several frames and
 * with callee-saved registers live), variadic functions mixing int, double and long
 * double (which travel in integer register pairs on RV64), and deep recursion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static jmp_buf jb;
static int depth_reached;

static __attribute__((noinline)) void dive(int n)
{
	volatile char pad[64];
	memset((char *)pad, n, sizeof pad);
	depth_reached = n;
	if (n == 37)
		longjmp(jb, n * 3);
	if (n > 1000)
		return;
	dive(n + 1);
	pad[0]++;
}

static double vsum(const char *fmt, ...)
{
	va_list ap;
	double s = 0;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		switch (*p) {
		case 'i': s += va_arg(ap, int); break;
		case 'l': s += (double)va_arg(ap, long long); break;
		case 'd': s += va_arg(ap, double); break;
		case 'L': s += (double)va_arg(ap, long double); break;
		case 's': s += strlen(va_arg(ap, const char *)); break;
		}
	}
	va_end(ap);
	return s;
}

static void vprint(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	char buf[128];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	printf("vprint(%d): %s | ", n, buf);
	vprintf(fmt, ap2);
	printf("\n");
	va_end(ap2);
	va_end(ap);
}

static __attribute__((noinline)) unsigned long rec(unsigned long n, unsigned long acc)
{
	volatile unsigned long local[4] = {n, acc, n ^ acc, n * 3};
	if (n == 0)
		return acc;
	unsigned long r = rec(n - 1, acc * 6364136223846793005UL + n);
	return r ^ local[2] ^ local[3];
}

static int ackermann(int m, int n)
{
	if (m == 0) return n + 1;
	if (n == 0) return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

int main(void)
{
	volatile int counter = 0;
	register long keep = 0x1234;
	int r = setjmp(jb);
	counter++;
	if (r == 0) {
		dive(0);
		printf("not reached\n");
	}
	printf("longjmp returned %d, counter %d, depth %d keep %lx\n", r, counter, depth_reached, keep);
	jmp_buf jb2;
	if ((r = setjmp(jb2)) < 5) {
		printf("round %d\n", r);
		longjmp(jb2, r + 1);
	}
	if (setjmp(jb2) == 0)
		longjmp(jb2, 0);	/* longjmp(…, 0) returns 1 */
	else
		printf("longjmp 0 -> nonzero ok\n");
	printf("vsum %.17g\n", vsum("idLsild", 1, 2.5, 3.25L, "four", 5, 6LL, 7.125));
	printf("vsum %.17g\n", vsum("LLLLLLLLdi", 1.0L, 2.0L, 3.0L, 4.0L, 5.0L, 6.0L, 7.0L, 8.5L, 9.0, 10));
	vprint("%d %s %.3f %Lg %c %lx", -5, "str", 2.0 / 3, 1.5L, 'q', 0xabcdefUL);
	printf("rec %lx\n", rec(50000, 1));
	printf("ackermann(2,300)=%d (3,6)=%d\n", ackermann(2, 300), ackermann(3, 6));
	return 0;
}
