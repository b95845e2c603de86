/* fp_env: floating point through the C library's <fenv.h> — every rounding mode with
 * fesetround, accrued flags with fetestexcept, NaNs, signed zeros, fmin/fmax, fma,
 * conversions (lrint/llrint and out-of-range casts, which RISC-V saturates), subnormals;
 * float and double. Built with -frounding-math so gcc keeps the operations at run time.
 * run-diff: cflags -frounding-math -fno-builtin
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double dv[] = {0.0, -0.0, 1.0, -1.0, 1.5, 2.5, -2.5, 0.1, 1e308, -1e308,
	DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MAX, INFINITY, -INFINITY, NAN, 3.0, 1.0 / 3.0,
	9.2233720368547758e18, -9.2233720368547758e18, 4294967296.0, -2147483649.0, 0x1.fffffffffffffp52};
#define ND (int)(sizeof dv / sizeof dv[0])
static volatile float fv[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 1.5f, 2.5f, -2.5f, 0.1f, 1e38f,
	FLT_MIN, 1e-45f, FLT_MAX, INFINITY, -INFINITY, NAN, 3.0f, 16777217.0f, 3e9f, -3e9f};
#define NF (int)(sizeof fv / sizeof fv[0])

static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
static const char *mname[] = {"near", "up", "down", "zero"};

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static void flags(const char *what)
{
	int f = fetestexcept(FE_ALL_EXCEPT);
	printf(" %s[%s%s%s%s%s]", what, f & FE_INVALID ? "V" : "", f & FE_DIVBYZERO ? "Z" : "",
	       f & FE_OVERFLOW ? "O" : "", f & FE_UNDERFLOW ? "U" : "", f & FE_INEXACT ? "X" : "");
	feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
	for (int m = 0; m < 4; m++) {
		if (fesetround(modes[m]) != 0 || fegetround() != modes[m])
			printf("fesetround %s FAILED\n", mname[m]);
		printf("== mode %s\n", mname[m]);
		for (int i = 0; i < ND; i++) {
			double a = dv[i], b = dv[(i * 7 + 3) % ND], c = dv[(i * 5 + 1) % ND];
			feclearexcept(FE_ALL_EXCEPT);
			printf("d %016llx %016llx:", (unsigned long long)dbits(a), (unsigned long long)dbits(b));
			printf(" add %016llx", (unsigned long long)dbits(a + b)); flags("");
			printf(" mul %016llx", (unsigned long long)dbits(a * b)); flags("");
			printf(" div %016llx", (unsigned long long)dbits(a / b)); flags("");
			printf(" sqrt %016llx", (unsigned long long)dbits(sqrt(a))); flags("");
			printf(" fma %016llx", (unsigned long long)dbits(fma(a, b, c))); flags("");
			printf(" rint %016llx", (unsigned long long)dbits(rint(a))); flags("");
			printf(" llrint %lld", (long long)llrint(a)); flags("");
			printf(" lrint %ld", lrint(a)); flags("");
			printf(" f %08x", (unsigned)fbits((float)a)); flags("");
			printf("\n");
		}
		for (int i = 0; i < NF; i++) {
			float a = fv[i], b = fv[(i * 7 + 3) % NF], c = fv[(i * 3 + 2) % NF];
			feclearexcept(FE_ALL_EXCEPT);
			printf("s %08x %08x:", (unsigned)fbits(a), (unsigned)fbits(b));
			printf(" add %08x", (unsigned)fbits(a + b)); flags("");
			printf(" sub %08x", (unsigned)fbits(a - b)); flags("");
			printf(" mul %08x", (unsigned)fbits(a * b)); flags("");
			printf(" div %08x", (unsigned)fbits(a / b)); flags("");
			printf(" sqrt %08x", (unsigned)fbits(sqrtf(a))); flags("");
			printf(" fma %08x", (unsigned)fbits(fmaf(a, b, c))); flags("");
			printf(" lrintf %ld", lrintf(a)); flags("");
			printf(" d %016llx", (unsigned long long)dbits((double)a)); flags("");
			printf("\n");
		}
	}
	fesetround(FE_TONEAREST);
	/* saturating conversions: the casts are UB in C, gcc emits fcvt.*.*, rtz */
	for (int i = 0; i < ND; i++) {
		volatile double a = dv[i];
		feclearexcept(FE_ALL_EXCEPT);
		printf("cvt %016llx: l %lld lu %llu w %d wu %u", (unsigned long long)dbits(a),
		       (long long)a, (unsigned long long)a, (int)a, (unsigned)a);
		flags("");
		printf("\n");
	}
	for (int i = 0; i < ND; i++)
		for (int j = 0; j < ND; j += 3) {
			double a = dv[i], b = dv[j];
			printf("mm %016llx %016llx min %016llx max %016llx eq %d lt %d le %d un %d",
			       (unsigned long long)dbits(a), (unsigned long long)dbits(b),
			       (unsigned long long)dbits(fmin(a, b)), (unsigned long long)dbits(fmax(a, b)),
			       a == b, a < b, a <= b, isunordered(a, b));
			flags("");
			printf(" class %d sb %d\n", fpclassify(a), signbit(a) != 0);
		}
	/* subnormal arithmetic and gradual underflow */
	volatile double t = DBL_MIN;
	for (int i = 0; i < 56; i += 5) {
		double s = t / (double)(1ULL << i);
		printf("sub %d %016llx %a", i, (unsigned long long)dbits(s), s);
		flags("");
		printf("\n");
	}
	volatile float tf = FLT_MIN;
	for (int i = 0; i < 26; i += 3) {
		float s = tf / (float)(1U << i);
		printf("subf %d %08x %a", i, (unsigned)fbits(s), (double)s);
		flags("");
		printf("\n");
	}
	printf("neg0 %016llx copysign %016llx nan-sign %d\n", (unsigned long long)dbits(-dv[0]),
	       (unsigned long long)dbits(copysign(1.0, dv[1])), signbit(-dv[16]) != 0);
	fenv_t env;
	fegetenv(&env);
	fesetround(FE_UPWARD);
	feraiseexcept(FE_OVERFLOW | FE_INEXACT);
	fesetenv(&env);
	printf("fesetenv restores: round %d flags %d\n", fegetround() == FE_TONEAREST,
	       fetestexcept(FE_ALL_EXCEPT));
	return 0;
}
