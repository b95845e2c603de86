/* nanbox: NaN-boxing of singles in the 64-bit f registers. A single written by an F
 * instruction or flw has its upper 32 bits all ones; an f register whose upper half is
 * not all ones (put there with fmv.d.x or fld) must read as the canonical NaN to every
 * single-precision instruction that interprets it (fadd.s, fcvt.d.s, fclass.s, feq.s,
 * fsgnj.s...), while fmv.x.w and fsw just move its low 32 bits. */
#include "isa.h"

static const uint64_t boxes[] = {
	0xffffffff3f800000, /* properly boxed 1.0f */
	0x000000003f800000, /* upper half zero */
	0xfffffffe3f800000, /* one bit missing */
	0x7fffffff40000000, /* top bit missing */
	0x3ff0000000000000, /* a double 1.0 */
	0xffffffff7f800001, /* boxed sNaN */
	0xffffffffffc00000, /* boxed negative qNaN */
};

#define USE(insn, extra) ({ uint64_t r, f; __asm__ volatile("fsflags x0\n fmv.d.x ft0,%2\n fmv.d.x ft1,%3\n" \
	insn extra "\n frflags %1" : "=&r"(r), "=&r"(f) : "r"(x), "r"(one) : "ft0", "ft1", "ft2"); flg = f; r; })

int main(void)
{
	const uint64_t one = 0xffffffff3f800000;
	for (int i = 0; i < COUNT(boxes); i++) {
		uint64_t x = boxes[i], flg;
		printf("in %016llx\n", (unsigned long long)x);
#define SHOW(name, insn) do { uint64_t r = USE(insn, ""); \
	printf("  %-10s %016llx %s\n", name, (unsigned long long)r, fl(flg)); } while (0)
		SHOW("fadd.s", "fadd.s ft2,ft0,ft1\n fmv.x.d %0,ft2");
		SHOW("fmul.s", "fmul.s ft2,ft1,ft0\n fmv.x.d %0,ft2");
		SHOW("fsgnj.s", "fsgnj.s ft2,ft0,ft1\n fmv.x.d %0,ft2");
		SHOW("fsgnjn.s", "fsgnjn.s ft2,ft1,ft0\n fmv.x.d %0,ft2");
		SHOW("fmin.s", "fmin.s ft2,ft0,ft1\n fmv.x.d %0,ft2");
		SHOW("fmax.s", "fmax.s ft2,ft1,ft0\n fmv.x.d %0,ft2");
		SHOW("fsqrt.s", "fsqrt.s ft2,ft0\n fmv.x.d %0,ft2");
		SHOW("fmadd.s", "fmadd.s ft2,ft1,ft1,ft0\n fmv.x.d %0,ft2");
		SHOW("fcvt.d.s", "fcvt.d.s ft2,ft0\n fmv.x.d %0,ft2");
		SHOW("fcvt.w.s", "fcvt.w.s %0,ft0");
		SHOW("fclass.s", "fclass.s %0,ft0");
		SHOW("feq.s", "feq.s %0,ft0,ft0");
		SHOW("flt.s", "flt.s %0,ft0,ft1");
		SHOW("fmv.x.w", "fmv.x.w %0,ft0");
		SHOW("fmv.s", "fmv.s ft2,ft0\n fmv.x.d %0,ft2");
		uint32_t st = 0;
		__asm__ volatile("fmv.d.x ft0,%1\n fsw ft0,0(%0)" : : "r"(&st), "r"(x) : "ft0", "memory");
		printf("  fsw        %08x\n", st);
	}
	/* results of single ops and flw are boxed */
	uint32_t mem = 0x40490fdb;
	uint64_t r1, r2, r3, r4;
	__asm__ volatile("flw ft0,0(%4)\n fmv.x.d %0,ft0\n fcvt.s.w ft1,%5\n fmv.x.d %1,ft1\n"
			 "fmv.w.x ft2,%5\n fmv.x.d %2,ft2\n fcvt.s.d ft3,ft0\n fmv.x.d %3,ft3"
			 : "=r"(r1), "=r"(r2), "=r"(r3), "=r"(r4) : "r"(&mem), "r"(-7L) : "ft0", "ft1", "ft2", "ft3");
	printf("boxed: flw %016llx fcvt.s.w %016llx fmv.w.x %016llx fcvt.s.d(of boxed) %016llx\n",
	       (unsigned long long)r1, (unsigned long long)r2, (unsigned long long)r3, (unsigned long long)r4);
	uint64_t d = 0x400921fb54442d18, back;
	__asm__ volatile("fld ft0,0(%1)\n fsd ft0,0(%1)\n ld %0,0(%1)" : "=r"(back) : "r"(&d) : "ft0", "memory");
	printf("fld/fsd %016llx\n", (unsigned long long)back);
	return 0;
}
