/* printf_strtod: formatting and parsing — integer formats, widths, %a/%e/%g, and
 * decimal <-> binary round trips through strtod/strtof/strtold (long double is IEEE
 * quad on riscv64, all soft-float in libgcc). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static const char *inputs[] = {"0", "-0", "1", "0.1", "3.141592653589793238462643", "1e308", "1e309",
	"-1e-320", "4.9406564584124654e-324", "2.2250738585072011e-308", "0x1.8p3", "inf", "-nan",
	"1e-400", "123456789012345678901234567890", "9007199254740993", "  +42.5xyz", "junk",
	"2.4703282292062327e-324", "1.7976931348623157e308", "0.000001", "1e23", "8.589973e9"};

int main(void)
{
	printf("[%d] [%5d] [%-5d] [%05d] [%+d] [%x] [%#o] [%llu] [%lld] [%" PRIx64 "]\n", 42, 42, 42, 42,
	       42, 0xdeadU, 8, 18446744073709551615ULL, -9223372036854775807LL - 1, UINT64_C(0xfedcba9876543210));
	printf("[%s] [%10.3s] [%-6s] [%c] [%%]\n", "hello", "abcdef", "ab", 'z');
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char *end;
		errno = 0;
		double d = strtod(inputs[i], &end);
		int e = errno;
		float f = strtof(inputs[i], NULL);
		long double ld = strtold(inputs[i], NULL);
		char buf[64];
		snprintf(buf, sizeof buf, "%.17g", d);
		double back = strtod(buf, NULL);
		printf("'%s' -> %.17g %a %e %g erange %d used %d | f %.9g %a | ld %.36Lg %La | rt %s\n",
		       inputs[i], d, d, d, d, e == ERANGE, (int)(end - inputs[i]), (double)f, (double)f,
		       ld, ld, memcmp(&back, &d, 8) == 0 ? "same" : "DIFF");
	}
	for (int i = -20; i <= 20; i++) {
		double v = 1.0;
		for (int k = 0; k < (i < 0 ? -i : i); k++)
			v = i < 0 ? v / 7.0 : v * 7.0;
		printf("%d %.0f %.3f %.10e %.20g %g\n", i, v, v, v, v, v);
	}
	printf("strtol %ld %ld %lu %ld\n", strtol("-0x7fff", NULL, 16), strtol("777", NULL, 8),
	       strtoul("18446744073709551615", NULL, 10), strtol("99999999999999999999", NULL, 10));
	long double q = 1.0L / 3.0L;
	printf("quad %.36Lg %La %Lg\n", q, q * q, q + 1e-30L);
	int n1, n2;
	double sd;
	char word[16];
	int got = sscanf("12 0x1f 2.5e3 word", "%d %i %lf %15s", &n1, &n2, &sd, word);
	printf("sscanf %d %d %d %g %s\n", got, n1, n2, sd, word);
	return 0;
}
