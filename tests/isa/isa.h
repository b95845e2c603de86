/* isa.h: shared helpers of the tests/isa programs — the edge values every test feeds
 * to instructions, and small printers. Each test is one C file whose instructions are
 * written in inline assembly, so that exactly the instruction under test (not what gcc
 * would choose) runs; results are printed in hex and compared against qemu-riscv64 by
 * tests/guest/run-diff. ".option norvc" keeps base encodings where the compressed form
 * is not what is being tested. */
#ifndef VMLAB_TESTS_ISA_H
#define VMLAB_TESTS_ISA_H

#include <stdint.h>
#include <stdio.h>

#define NORVC ".option push\n.option norvc\n"
#define POPRVC "\n.option pop\n"
#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Integer edge values: zero, small, sign boundaries of 8/16/32/64 bits, W-form
 * operands whose upper half is garbage, shift amounts at and beyond the limits. */
static const uint64_t ivals[] = {
	0, 1, 2, 3, 5, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x17fffffff, 0xdeadbeef80000000,
	0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xffffffffffffffff,
	0xfffffffffffffffe, 0xffffffff7fffffff, 0x123456789abcdef0, 0xfedcba9876543210,
	0x00000000fffffffe, 0x5555555555555555,
};

/* Double edge values: signed zeros, ones, inexact fractions, subnormals, extremes,
 * infinities, the canonical qNaN, a qNaN with payload, sNaNs, integer limits. */
static const uint64_t dvals[] = {
	0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
	0x3fb999999999999a, 0x3fd5555555555555, 0x4004000000000000, 0xc00c000000000000,
	0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000, 0x7fefffffffffffff,
	0xffefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
	0x7ff8000000000123, 0x7ff0000000000001, 0xfff4000000000000, 0x43e0000000000000,
	0xc3e0000000000000, 0x41dfffffffc00000, 0x41efffffffe00000, 0xc1e0000000200000,
	0x4330000000000001, 0x3fe0000000000000, 0x3ff8000000000000, 0xbfe8000000000000,
};

/* Single edge values, same classes. */
static const uint32_t svals[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3dcccccd, 0x3eaaaaab, 0x40200000,
	0xc0600000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
	0xff800000, 0x7fc00000, 0x7fc00123, 0x7f800001, 0xffa00000, 0x5f000000, 0xdf000000,
	0x4effffff, 0x4f7fffff, 0xcf000001, 0x4b800001, 0x3f000000, 0x3fc00000, 0xbf400000,
};

/* fflags as letters NV DZ OF UF NX */
static inline const char *fl(uint64_t f)
{
	static char b[8][6];
	static int k;
	char *s = b[k++ & 7], *p = s;
	if (f & 16) *p++ = 'V';
	if (f & 8) *p++ = 'Z';
	if (f & 4) *p++ = 'O';
	if (f & 2) *p++ = 'U';
	if (f & 1) *p++ = 'X';
	if (p == s) *p++ = '-';
	*p = 0;
	return s;
}


/* {====== FP instruction wrappers. Operands travel as raw bits in integer registers
 * and are moved with fmv so that no compiler code touches them (sNaN stays sNaN).
 * Every wrapper first sets frm (FRM argument) and clears fflags, and leaves the accrued
 * flags in fp_flags: static-rounding forms run with frm = some other mode, so an
 * engine that uses frm instead of the instruction's rm field is caught. L is the
 * fmv suffix: "d" for double, "w" for single. */
static uint64_t fp_flags __attribute__((unused));

#define FP_PRE "fsrm %[frm]\n fsflags x0\n"
#define FP_POST "\n frflags %[fl]"

/* f = op(f, f) */
#define F2(fn, insn, rm, L) \
	static uint64_t fn(uint64_t a, uint64_t b, uint64_t frm) { uint64_t r; \
	__asm__ volatile(FP_PRE "fmv." L ".x ft0,%[a]\n fmv." L ".x ft1,%[b]\n" insn " ft2,ft0,ft1" rm \
			 "\n fmv.x." L " %[r],ft2" FP_POST \
			 : [r] "=&r"(r), [fl] "=&r"(fp_flags) : [a] "r"(a), [b] "r"(b), [frm] "r"(frm) \
			 : "ft0", "ft1", "ft2"); return r; }
/* f = op(f, f, f) */
#define F3(fn, insn, rm, L) \
	static uint64_t fn(uint64_t a, uint64_t b, uint64_t c, uint64_t frm) { uint64_t r; \
	__asm__ volatile(FP_PRE "fmv." L ".x ft0,%[a]\n fmv." L ".x ft1,%[b]\n fmv." L ".x ft3,%[c]\n" \
			 insn " ft2,ft0,ft1,ft3" rm "\n fmv.x." L " %[r],ft2" FP_POST \
			 : [r] "=&r"(r), [fl] "=&r"(fp_flags) : [a] "r"(a), [b] "r"(b), [c] "r"(c), [frm] "r"(frm) \
			 : "ft0", "ft1", "ft2", "ft3"); return r; }
/* x = op(f, f): comparisons */
#define X2(fn, insn, L) \
	static uint64_t fn(uint64_t a, uint64_t b, uint64_t frm) { uint64_t r; \
	__asm__ volatile(FP_PRE "fmv." L ".x ft0,%[a]\n fmv." L ".x ft1,%[b]\n" insn " %[r],ft0,ft1" FP_POST \
			 : [r] "=&r"(r), [fl] "=&r"(fp_flags) : [a] "r"(a), [b] "r"(b), [frm] "r"(frm) \
			 : "ft0", "ft1"); return r; }
/* f(LD) = op(f(LS)) */
#define F1(fn, insn, rm, LS, LD) \
	static uint64_t fn(uint64_t a, uint64_t frm) { uint64_t r; \
	__asm__ volatile(FP_PRE "fmv." LS ".x ft0,%[a]\n" insn " ft2,ft0" rm "\n fmv.x." LD " %[r],ft2" FP_POST \
			 : [r] "=&r"(r), [fl] "=&r"(fp_flags) : [a] "r"(a), [frm] "r"(frm) : "ft0", "ft2"); return r; }
/* x = op(f): fcvt to integer, fclass */
#define X1(fn, insn, rm, LS) \
	static uint64_t fn(uint64_t a, uint64_t frm) { uint64_t r; \
	__asm__ volatile(FP_PRE "fmv." LS ".x ft0,%[a]\n" insn " %[r],ft0" rm FP_POST \
			 : [r] "=&r"(r), [fl] "=&r"(fp_flags) : [a] "r"(a), [frm] "r"(frm) : "ft0"); return r; }
/* f = op(x): fcvt from integer */
#define FX(fn, insn, rm, LD) \
	static uint64_t fn(uint64_t a, uint64_t frm) { uint64_t r; \
	__asm__ volatile(FP_PRE insn " ft2,%[a]" rm "\n fmv.x." LD " %[r],ft2" FP_POST \
			 : [r] "=&r"(r), [fl] "=&r"(fp_flags) : [a] "r"(a), [frm] "r"(frm) : "ft2"); return r; }

/* Expand M once per rounding mode: dynamic (rm " ": frm decides), then the five static
 * ones; NO_RM (rm ""): instructions without a rounding mode. The table entry records
 * which frm values to run the function with. */
#define EACH_RM(M, fn, insn, ...) \
	M(fn##_dyn, insn, " ", __VA_ARGS__) M(fn##_rne, insn, ",rne", __VA_ARGS__) \
	M(fn##_rtz, insn, ",rtz", __VA_ARGS__) M(fn##_rdn, insn, ",rdn", __VA_ARGS__) \
	M(fn##_rup, insn, ",rup", __VA_ARGS__) M(fn##_rmm, insn, ",rmm", __VA_ARGS__)
#define NO_RM(M, fn, insn, ...) M(fn##_dyn, insn, "", __VA_ARGS__)

struct fp_entry { const char *name; int dyn; void *fn; };
#define ENTRY(fn, insn, rm, ...) {insn rm, rm[0] == ' ' ? 1 : rm[0] == 0 ? 2 : 0, (void *)fn},
#define ENTRY_X2(fn, insn, ...) {insn, 2, (void *)fn},

/* frm values a dynamic-rounding entry (dyn 1) runs with: RNE RTZ RDN RUP RMM; static
 * entries (dyn 0) run once with frm = RUP (3), or RDN (2) for ",rup" itself; entries
 * without a rounding mode (dyn 2) once with frm = RMM (4), which they must ignore. */
static inline int frm_list(const struct fp_entry *e, int k, uint64_t *frm)
{
	if (e->dyn == 1) { if (k > 4) return 0; *frm = (uint64_t)k; return 1; }
	if (k > 0) return 0;
	if (e->dyn == 2) { *frm = 4; return 1; }
	*frm = e->name[0] && __builtin_strstr(e->name, ",rup") ? 2 : 3;
	return 1;
}
/* ======} */

#endif
