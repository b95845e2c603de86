/* rv64d: every D-extension instruction on the double edge values — arithmetic and
 * fused multiply-add under each static rounding mode and under dynamic frm = each mode,
 * fsqrt, fmin/fmax with signed zeros, qNaN and sNaN, sign injection, comparisons (feq is
 * quiet, flt/fle signal on any NaN), fclass, fcvt to and from 32/64-bit signed/unsigned
 * integers with saturation and NV, fcvt.s.d/fcvt.d.s, fmv, and the accrued fflags of each. */
#include "fp_run.h"

#define BIN_LIST(M) EACH_RM(M, fadd, "fadd.d", "d") EACH_RM(M, fsub, "fsub.d", "d") \
	EACH_RM(M, fmul, "fmul.d", "d") EACH_RM(M, fdiv, "fdiv.d", "d") \
	NO_RM(M, fmin, "fmin.d", "d") NO_RM(M, fmax, "fmax.d", "d") NO_RM(M, fsgnj, "fsgnj.d", "d") \
	NO_RM(M, fsgnjn, "fsgnjn.d", "d") NO_RM(M, fsgnjx, "fsgnjx.d", "d")
#define CMP_LIST(M) M(feq, "feq.d", "d") M(flt, "flt.d", "d") M(fle, "fle.d", "d")
#define TER_LIST(M) EACH_RM(M, fmadd, "fmadd.d", "d") EACH_RM(M, fmsub, "fmsub.d", "d") \
	EACH_RM(M, fnmsub, "fnmsub.d", "d") EACH_RM(M, fnmadd, "fnmadd.d", "d")
#define UNF_LIST(M) EACH_RM(M, fsqrt, "fsqrt.d", "d", "d") EACH_RM(M, fcvt_s_d, "fcvt.s.d", "d", "w") \
	NO_RM(M, fcvt_d_s, "fcvt.d.s", "w", "d") NO_RM(M, fmv, "fmv.d", "d", "d") \
	NO_RM(M, fneg, "fneg.d", "d", "d") NO_RM(M, fabs, "fabs.d", "d", "d")
#define UNX_LIST(M) EACH_RM(M, fcvt_w_d, "fcvt.w.d", "d") EACH_RM(M, fcvt_wu_d, "fcvt.wu.d", "d") \
	EACH_RM(M, fcvt_l_d, "fcvt.l.d", "d") EACH_RM(M, fcvt_lu_d, "fcvt.lu.d", "d") \
	NO_RM(M, fclass, "fclass.d", "d") NO_RM(M, fmv_x_d, "fmv.x.d", "d")
#define FRX_LIST(M) EACH_RM(M, fcvt_d_l, "fcvt.d.l", "d") EACH_RM(M, fcvt_d_lu, "fcvt.d.lu", "d") \
	NO_RM(M, fcvt_d_w, "fcvt.d.w", "d") NO_RM(M, fcvt_d_wu, "fcvt.d.wu", "d") \
	NO_RM(M, fmv_d_x, "fmv.d.x", "d")

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
	uint64_t v[COUNT(dvals)], sv[COUNT(svals)];
	for (int i = 0; i < COUNT(dvals); i++)
		v[i] = dvals[i];
	for (int i = 0; i < COUNT(svals); i++)
		sv[i] = svals[i] | 0xffffffff00000000ull;
	/* addends for the fused ops: zeros, one, a tiny and a huge value, inf, NaNs */
	static const uint64_t c[] = {0x0000000000000000, 0x8000000000000000, 0xbff0000000000000, 0x0000000000000001,
		0x7fefffffffffffff, 0xfff0000000000000, 0x7ff0000000000001, 0x3c90000000000000};
	const uint64_t all = ~0ull;
	run2(bin, COUNT(bin), v, COUNT(v), all);
	run2(cmp, COUNT(cmp), v, COUNT(v), all);
	run3(ter, COUNT(ter), v, COUNT(v), c, COUNT(c), all);
	run1(unf, 2 * 6, v, COUNT(v), all);			/* fsqrt, fcvt.s.d */
	run1(unf + 12, 1, sv, COUNT(sv), all);			/* fcvt.d.s from singles */
	run1(unf + 13, COUNT(unf) - 13, v, COUNT(v), all);	/* fmv, fneg, fabs */
	run1(unx, COUNT(unx), v, COUNT(v), all);
	run1(frx, COUNT(frx), ivals, COUNT(ivals), all);
	/* exact product + addend: fma must not round twice */
	uint64_t a = 0x3ff0000000000001, m = 0xbff0000000000001, cc = 0x3ff0000000000002;
	printf("fma single rounding %llx/%s\n", (unsigned long long)fmadd_rne(a, a, m, 0), fl(fp_flags));
	printf("fma tiny addend %llx/%s\n", (unsigned long long)fmadd_rne(a, m, cc, 0), fl(fp_flags));
	return 0;
}
