/* libm: glibc's libm on the guest — transcendental functions exercise long chains of
 * FP instructions (fma, conversions, classification) whose last bit must match qemu's. */
#include <math.h>
#include <stdio.h>

static volatile double xs[] = {0.0, -0.0, 1e-310, 1e-8, 0.5, 1.0, 2.0, 3.14159265358979, 10.0,
	-7.25, 100.5, 710.0, -745.5, 1e22, INFINITY, -INFINITY, NAN};
#define NX (int)(sizeof xs / sizeof xs[0])

int main(void)
{
	for (int i = 0; i < NX; i++) {
		double x = xs[i];
		printf("x=%a\n sin %a cos %a tan %a asin %a acos %a atan %a\n", x, sin(x), cos(x), tan(x),
		       asin(x / 16), acos(x / 16), atan(x));
		printf(" exp %a expm1 %a exp2 %a log %a log1p %a log2 %a log10 %a\n", exp(x), expm1(x),
		       exp2(x), log(x), log1p(x), log2(x), log10(x));
		printf(" sinh %a cosh %a tanh %a asinh %a sqrt %a cbrt %a\n", sinh(x), cosh(x), tanh(x),
		       asinh(x), sqrt(x), cbrt(x));
		printf(" pow %a %a %a hypot %a atan2 %a fmod %a remainder %a\n", pow(x, 0.5), pow(x, -3.0),
		       pow(1.0001, x), hypot(x, 3.0), atan2(x, -2.0), fmod(x, 0.7), remainder(x, 0.7));
		printf(" erf %a erfc %a lgamma %a tgamma %a floor %a ceil %a round %a trunc %a\n", erf(x),
		       erfc(x), lgamma(x), tgamma(x), floor(x), ceil(x), round(x), trunc(x));
		int e;
		double fr = frexp(x, &e);
		printf(" frexp %a %d ldexp %a logb %a ilogb %d nextafter %a\n", fr, e, ldexp(x, -1074),
		       logb(x), ilogb(x), nextafter(x, 0.0));
		float f = (float)x;
		printf(" f: sin %a exp %a log %a pow %a sqrt %a\n", (double)sinf(f), (double)expf(f),
		       (double)logf(f), (double)powf(f, 1.5f), (double)sqrtf(f));
	}
	double s = 0;
	for (int i = 1; i <= 2000; i++)
		s += sin(i * 0.001) * exp(-i * 0.0005) + log(i);
	printf("sum %.17g\n", s);
	return 0;
}
