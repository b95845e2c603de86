/* rv64f: every F-extension instruction on the single edge values — the same coverage
 * as rv64d.c (rounding modes static and dynamic, fused ops, fmin/fmax with -0/NaN/sNaN,
 * sign injection, quiet/signalling compares, fclass, saturating fcvt in all directions,
 * fmv.x.w sign extension) for binary32. Results are printed as 32-bit values; the
 * NaN-boxing of single results is checked separately in nanbox.c. */
#include "fp_run.h"

#define BIN_LIST(M) EACH_RM(M, fadd, "fadd.s", "w") EACH_RM(M, fsub, "fsub.s", "w") \
	EACH_RM(M, fmul, "fmul.s", "w") EACH_RM(M, fdiv, "fdiv.s", "w") \
	NO_RM(M, fmin, "fmin.s", "w") NO_RM(M, fmax, "fmax.s", "w") NO_RM(M, fsgnj, "fsgnj.s", "w") \
	NO_RM(M, fsgnjn, "fsgnjn.s", "w") NO_RM(M, fsgnjx, "fsgnjx.s", "w")
#define CMP_LIST(M) M(feq, "feq.s", "w") M(flt, "flt.s", "w") M(fle, "fle.s", "w")
#define TER_LIST(M) EACH_RM(M, fmadd, "fmadd.s", "w") EACH_RM(M, fmsub, "fmsub.s", "w") \
	EACH_RM(M, fnmsub, "fnmsub.s", "w") EACH_RM(M, fnmadd, "fnmadd.s", "w")
#define UNF_LIST(M) EACH_RM(M, fsqrt, "fsqrt.s", "w", "w") NO_RM(M, fmv, "fmv.s", "w", "w") \
	NO_RM(M, fneg, "fneg.s", "w", "w") NO_RM(M, fabs, "fabs.s", "w", "w")
#define UNX_LIST(M) EACH_RM(M, fcvt_w_s, "fcvt.w.s", "w") EACH_RM(M, fcvt_wu_s, "fcvt.wu.s", "w") \
	EACH_RM(M, fcvt_l_s, "fcvt.l.s", "w") EACH_RM(M, fcvt_lu_s, "fcvt.lu.s", "w") \
	NO_RM(M, fclass, "fclass.s", "w") NO_RM(M, fmv_x_w, "fmv.x.w", "w")
#define FRX_LIST(M) EACH_RM(M, fcvt_s_l, "fcvt.s.l", "w") EACH_RM(M, fcvt_s_lu, "fcvt.s.lu", "w") \
	EACH_RM(M, fcvt_s_w, "fcvt.s.w", "w") EACH_RM(M, fcvt_s_wu, "fcvt.s.wu", "w") \
	NO_RM(M, fmv_w_x, "fmv.w.x", "w")

BIN_LIST(F2)
CMP_LIST(X2)
TER_LIST(F3)
UNF_LIST(F1)
UNX_LIST(X1)
FRX_LIST(FX)

static const struct fp_entry bin[] = {BIN_LIST(ENTRY)}, cmp[] = {CMP_LIST(ENTRY_X2)}, ter[] = {TER_LIST(ENTRY)},
	unf[] = {UNF_LIST(ENTRY)}, unx[] = {UNX_LIST(ENTRY)}, frx[] = {FRX_LIST(ENTRY)};

int main(void)
{
	uint64_t v[COUNT(svals)];
	for (int i = 0; i < COUNT(svals); i++)
		v[i] = svals[i];
	static const uint64_t c[] = {0x00000000, 0x80000000, 0xbf800000, 0x00000001, 0x7f7fffff, 0xff800000,
		0x7f800001, 0x33800000};
	const uint64_t m = 0xffffffff, all = ~0ull;
	run2(bin, COUNT(bin), v, COUNT(v), m);
	run2(cmp, COUNT(cmp), v, COUNT(v), all);
	run3(ter, COUNT(ter), v, COUNT(v), c, COUNT(c), m);
	run1(unf, COUNT(unf), v, COUNT(v), m);
	run1(unx, COUNT(unx), v, COUNT(v), all);	/* fmv.x.w: sign-extended, keep all 64 bits */
	run1(frx, COUNT(frx), ivals, COUNT(ivals), m);
	uint64_t a = 0x3f800001, n = 0xbf800001, cc = 0x3f800002;
	printf("fma single rounding %llx/%s\n", (unsigned long long)(fmadd_rne(a, a, n, 0) & m), fl(fp_flags));
	printf("fma tiny addend %llx/%s\n", (unsigned long long)(fmadd_rne(a, n, cc, 0) & m), fl(fp_flags));
	return 0;
}
