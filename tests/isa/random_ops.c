/* random_ops: randomized instruction streams, differential against qemu-riscv64.
 *
 * From a fixed seed, generate NBLOCKS straight-line blocks of random RV64IMFD
 * instructions (integer and W-form ALU ops, M, loads and stores of every width at any
 * alignment into a scratch buffer, forward branches that skip one instruction, and FP
 * arithmetic / fused / sign-injection / min-max / compares / classify / conversions /
 * moves with every rounding mode, static and dynamic) into an RWX page, run each block
 * from a pseudo-random register state full of edge values, and print a hash of the final
 * integer registers, f registers, fcsr and scratch memory. Every block rewrites the same
 * page, so an engine that misses the fence.i (via __builtin___clear_cache) runs stale
 * code. Nothing that depends on an address enters the state: the scratch pointer lives
 * in a register the generator never reads or writes, and auipc is not generated.
 *
 * On a mismatch the diff names the first differing block; run the binary by hand with
 * "dump N" to print block N's code and full final state under each emulator.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "isa.h"

#define NBLOCKS 3000
#define BLOCK_LEN 48

/* state layout the generated code loads and stores: x[32], f[32], fcsr, memory */
struct state {
	uint64_t x[32];
	uint64_t f[32];
	uint64_t fcsr;
	uint64_t mem_ptr;	/* loaded into x12 (a2), never touched by the block */
	unsigned char mem[256] __attribute__((aligned(16)));
};

static uint64_t rng = 0x853c49e6748fea9bULL;
static uint64_t rnd(void)
{
	rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
	return rng;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

/* integer registers a block may read and write: t0-t2, a1, a3-a7, t3-t6 */
static const unsigned xr[] = {5, 6, 7, 11, 13, 14, 15, 16, 17, 28, 29, 30, 31};
/* f registers: ft0-ft7, fa0-fa7, ft8-ft11 (all caller-saved) */
static const unsigned fr[] = {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31};
#define XR() xr[pick(COUNT(xr))]
#define XS() (pick(16) ? xr[pick(COUNT(xr))] : 0u)	/* sources may be x0 */
#define FR() fr[pick(COUNT(fr))]

static uint32_t R(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{ return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op; }
static uint32_t I(int imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{ return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op; }
static uint32_t S(int imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{ return (uint32_t)((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (uint32_t)(imm & 0x1f) << 7 | op; }
static uint32_t R4(unsigned rs3, unsigned fmt, unsigned rs2, unsigned rs1, unsigned rm, unsigned rd, unsigned op)
{ return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | op; }

static unsigned rm(void) { static const unsigned m[] = {0, 1, 2, 3, 4, 7, 7}; return m[pick(7)]; }

static int random_insn(uint32_t *out)	/* 0: nothing generated, try again */
{
	unsigned k = pick(100);
	if (k < 30) {	/* OP / OP-32, with M */
		static const unsigned f3f7[][2] = {{0, 0}, {0, 32}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {5, 32},
			{6, 0}, {7, 0}, {0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}};
		static const unsigned w[][2] = {{0, 0}, {0, 32}, {1, 0}, {5, 0}, {5, 32}, {0, 1}, {4, 1}, {5, 1},
			{6, 1}, {7, 1}};
		if (pick(3)) { unsigned i = pick(COUNT(f3f7)); *out = R(f3f7[i][1], XS(), XS(), f3f7[i][0], XR(), 0x33); }
		else { unsigned i = pick(COUNT(w)); *out = R(w[i][1], XS(), XS(), w[i][0], XR(), 0x3b); }
	} else if (k < 45) {	/* OP-IMM / OP-IMM-32 / LUI */
		static const int imms[] = {0, 1, -1, 2047, -2048, 31, 32, 63, 0x555, -0x2aa};
		int imm = pick(2) ? imms[pick(COUNT(imms))] : (int)(rnd() & 0xfff) - 2048;
		unsigned f3 = pick(8), sh = pick(64);
		switch (pick(4)) {
		case 0: case 1:
			if (f3 == 1) *out = I((int)sh, XS(), 1, XR(), 0x13);
			else if (f3 == 5) *out = I((int)(sh | (pick(2) ? 0x400 : 0)), XS(), 5, XR(), 0x13);
			else *out = I(imm, XS(), f3, XR(), 0x13);
			break;
		case 2:
			switch (pick(4)) {
			case 0: *out = I(imm, XS(), 0, XR(), 0x1b); break;
			case 1: *out = I((int)(sh & 31), XS(), 1, XR(), 0x1b); break;
			default: *out = I((int)((sh & 31) | (pick(2) ? 0x400 : 0)), XS(), 5, XR(), 0x1b); break;
			}
			break;
		default: *out = (uint32_t)(rnd() & 0xfffff000) | XR() << 7 | 0x37; break;
		}
	} else if (k < 55) {	/* loads and stores at any alignment in mem[0..255] */
		unsigned f3 = pick(7), width = 1u << (f3 & 3);
		int off = (int)pick(256 - width + 1);
		if (pick(2)) *out = I(off, 12, f3, XR(), 0x03);	/* lb lh lw ld lbu lhu lwu */
		else *out = S(off, XS(), 12, f3 & 3, 0x23);	/* sb sh sw sd */
	} else if (k < 60) {	/* forward branch over the next instruction (imm = 8) */
		static const unsigned f3s[] = {0, 1, 4, 5, 6, 7};
		*out = (uint32_t)(8 >> 1 & 0xf) << 8 | R(0, XS(), XS(), f3s[pick(6)], 0, 0x63);
	} else {	/* F and D */
		unsigned fmt = pick(2);	/* 0 single, 1 double */
		switch (pick(14)) {
		case 0: case 1: *out = R((pick(4) << 2) | fmt, FR(), FR(), rm(), FR(), 0x53); break; /* add sub mul div */
		case 2: *out = R(0x2c | fmt, 0, FR(), rm(), FR(), 0x53); break;			/* sqrt */
		case 3: *out = R(0x10 | fmt, FR(), FR(), pick(3), FR(), 0x53); break;		/* sgnj n x */
		case 4: *out = R(0x14 | fmt, FR(), FR(), pick(2), FR(), 0x53); break;		/* min max */
		case 5: *out = R(0x50 | fmt, FR(), FR(), pick(3), XR(), 0x53); break;		/* fle flt feq */
		case 6: *out = R(0x70 | fmt, 0, FR(), 1, XR(), 0x53); break;			/* fclass */
		case 7: *out = R(0x60 | fmt, pick(4), FR(), rm(), XR(), 0x53); break;		/* fcvt.[w|wu|l|lu].fmt */
		case 8: *out = R(0x68 | fmt, pick(4), XS(), rm(), FR(), 0x53); break;		/* fcvt.fmt.[w|wu|l|lu] */
		case 9: *out = R(0x20 | fmt, 1 - fmt, FR(), rm(), FR(), 0x53); break;		/* fcvt.s.d / fcvt.d.s */
		case 10: *out = R(0x70 | fmt, 0, FR(), 0, XR(), 0x53); break;			/* fmv.x.w / fmv.x.d */
		case 11: *out = R(0x78 | fmt, 0, XS(), 0, FR(), 0x53); break;			/* fmv.w.x / fmv.d.x */
		default: *out = R4(FR(), fmt, FR(), FR(), rm(), FR(), 0x43 + 4 * pick(4)); break; /* fmadd... */
		}
	}
	return 1;
}

/* block code: fcsr and registers loaded from *a0, the random body, registers stored back */
static int gen_block(uint32_t *code)
{
	int n = 0;
	code[n++] = I(8 * 64, 10, 3, 5, 0x03);			/* ld t0, fcsr(a0) */
	code[n++] = I(3, 5, 1, 0, 0x73);			/* csrrw x0, fcsr, t0 */
	code[n++] = I(8 * 65, 10, 3, 12, 0x03);			/* ld a2, mem_ptr(a0) */
	for (int i = 0; i < COUNT(xr); i++)
		code[n++] = I(8 * (int)xr[i], 10, 3, xr[i], 0x03);	/* ld */
	for (int i = 0; i < COUNT(fr); i++)
		code[n++] = I(256 + 8 * (int)fr[i], 10, 3, fr[i], 0x07);	/* fld */
	for (int i = 0; i < BLOCK_LEN;)
		if (random_insn(&code[n]))
			n++, i++;
	code[n++] = 0x00000013;					/* nop: a branch target */
	for (int i = 0; i < COUNT(xr); i++)
		code[n++] = S(8 * (int)xr[i], xr[i], 10, 3, 0x23);	/* sd */
	for (int i = 0; i < COUNT(fr); i++)
		code[n++] = S(256 + 8 * (int)fr[i], fr[i], 10, 3, 0x27);	/* fsd */
	code[n++] = I(3, 0, 2, 5, 0x73);			/* csrrs t0, fcsr, x0 */
	code[n++] = S(8 * 64, 5, 10, 3, 0x23);			/* sd t0, fcsr(a0) */
	code[n++] = 0x00008067;					/* ret */
	return n;
}

static uint64_t edge(void)
{
	switch (pick(4)) {
	case 0: return ivals[pick(COUNT(ivals))];
	case 1: return dvals[pick(COUNT(dvals))];
	case 2: return 0xffffffff00000000ULL | svals[pick(COUNT(svals))];	/* boxed single */
	default: return pick(8) ? rnd() : rnd() & 0xffffffff;
	}
}

static uint64_t hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

int main(int argc, char **argv)
{
	long dump = argc > 2 && strcmp(argv[1], "dump") == 0 ? atol(argv[2]) : -1;
	uint32_t *code = mmap(NULL, 65536, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) { perror("mmap"); return 1; }
	void (*run)(struct state *) = (void (*)(struct state *))(uintptr_t)code;
	static struct state st;
	uint64_t total = 0xcbf29ce484222325ULL;
	for (long b = 0; b < NBLOCKS; b++) {
		int n = gen_block(code);
		__builtin___clear_cache((char *)code, (char *)(code + n));
		memset(&st, 0, sizeof st);
		for (int i = 0; i < 32; i++) {
			st.x[i] = edge();
			st.f[i] = edge();
		}
		st.fcsr = pick(5) << 5;
		for (int i = 0; i < 256; i++)
			st.mem[i] = (unsigned char)rnd();
		st.mem_ptr = (uint64_t)(uintptr_t)st.mem;
		run(&st);
		st.mem_ptr = 0;
		uint64_t h = hash(&st, sizeof st, 0xcbf29ce484222325ULL);
		total = hash(&h, 8, total);
		if (b % 100 == 0 || b == dump)
			printf("block %ld %016llx\n", b, (unsigned long long)h);
		if (b == dump) {
			for (int i = 0; i < n; i++)
				printf("  code %3d %08x\n", i, code[i]);
			for (int i = 0; i < 32; i++)
				printf("  x%-2d %016llx  f%-2d %016llx\n", i, (unsigned long long)st.x[i], i,
				       (unsigned long long)st.f[i]);
			printf("  fcsr %llx\n", (unsigned long long)st.fcsr);
		}
	}
	printf("blocks %d x %d random instructions, total %016llx\n", NBLOCKS, BLOCK_LEN, (unsigned long long)total);
	return 0;
}
