/* csr: the FP control and status registers through every Zicsr form — csrrw/csrrs/csrrc
 * and their immediate variants on fflags, frm and fcsr, showing how fcsr = frm<<5 | fflags
 * aliases the other two and that writes ignore bits outside each field; accrued flags
 * accumulate (an op never clears them); an FP op with dynamic rounding while frm holds
 * a reserved value (5, 6, 7) is an illegal instruction (SIGILL). Counters (cycle,
 * instret, time) are read but never printed: their values differ between emulators. */
#include "isa.h"
#include <setjmp.h>
#include <signal.h>
#include <string.h>

static sigjmp_buf env;
static void on_ill(int sig) { (void)sig; siglongjmp(env, 1); }

#define CSR(insn, csr, src) ({ uint64_t o; __asm__ volatile(insn " %0," csr ",%1" : "=r"(o) : "r"(src)); o; })
#define CSRI(insn, csr, imm) ({ uint64_t o; __asm__ volatile(insn " %0," csr "," #imm : "=r"(o)); o; })
#define RD(csr) ({ uint64_t o; __asm__ volatile("csrr %0," csr : "=r"(o)); o; })

int main(void)
{
	printf("initial fcsr %llx\n", (unsigned long long)RD("fcsr"));
	unsigned long long a, b, c, d;
	a = CSR("csrrw", "fcsr", 0xffffffffffffffff);
	b = RD("fcsr"); c = RD("frm"); d = RD("fflags");
	printf("csrrw fcsr,~0: old %llx fcsr %llx frm %llx fflags %llx\n", a, b, c, d);
	a = CSR("csrrw", "frm", 0x12);
	printf("csrrw frm,0x12: old %llx fcsr %llx frm %llx\n", a, (unsigned long long)RD("fcsr"),
	       (unsigned long long)RD("frm"));
	a = CSR("csrrc", "fflags", 0x5);
	printf("csrrc fflags,5: old %llx fflags %llx\n", a, (unsigned long long)RD("fflags"));
	a = CSR("csrrs", "fflags", 0x104);
	printf("csrrs fflags,0x104: old %llx fflags %llx\n", a, (unsigned long long)RD("fflags"));
	a = CSRI("csrrwi", "fflags", 9);
	b = CSRI("csrrsi", "fflags", 16);
	c = CSRI("csrrci", "fflags", 1);
	printf("csrrwi/si/ci fflags: %llx %llx %llx now %llx\n", a, b, c, (unsigned long long)RD("fflags"));
	a = CSRI("csrrwi", "frm", 3);
	b = CSRI("csrrsi", "frm", 4);
	c = CSRI("csrrci", "frm", 2);
	printf("csrrwi/si/ci frm: %llx %llx %llx now %llx fcsr %llx\n", a, b, c, (unsigned long long)RD("frm"),
	       (unsigned long long)RD("fcsr"));
	/* csrrs/csrrc with x0 or imm 0 read without writing */
	__asm__ volatile("csrrs %0,fcsr,x0\n csrrci %1,fcsr,0" : "=r"(a), "=r"(b));
	printf("read-only forms %llx %llx\n", a, b);
	/* the pseudo-instructions */
	__asm__ volatile("fscsr %0,%2\n frcsr %1" : "=r"(a), "=r"(b) : "r"(0x47L));
	__asm__ volatile("fsrmi %0,1\n frrm %1\n fsflagsi %2,0x1f\n frflags %3" : "=r"(a), "=r"(b), "=r"(c), "=r"(d));
	printf("fscsr/frcsr %llx, fsrmi %llx frrm %llx fsflagsi %llx frflags %llx\n",
	       (unsigned long long)RD("fcsr"), a, b, c, d);
	/* flags accumulate across operations */
	uint64_t x = 0x3ff0000000000000, zero = 0, three = 0x4008000000000000;
	__asm__ volatile("fsflags x0\n fmv.d.x ft0,%1\n fmv.d.x ft1,%2\n fmv.d.x ft2,%3\n"
			 "fdiv.d ft3,ft0,ft1\n fdiv.d ft3,ft0,ft2\n fadd.d ft3,ft0,ft0\n frflags %0"
			 : "=r"(a) : "r"(x), "r"(zero), "r"(three) : "ft0", "ft1", "ft2", "ft3");
	printf("accrued after 1/0, 1/3, 1+1: %llx\n", a);
	/* counters: read, not printed */
	uint64_t cy, ins, tm;
	__asm__ volatile("rdcycle %0\n rdinstret %1\n rdtime %2" : "=r"(cy), "=r"(ins), "=r"(tm));
	(void)cy; (void)ins; (void)tm;
	/* reserved rounding modes */
	signal(SIGILL, on_ill);
	for (int rm = 0; rm < 8; rm++) {
		volatile int trapped = 0;
		uint64_t r = 0;
		if (sigsetjmp(env, 1) == 0) {
			__asm__ volatile("fsrm %1\n fmv.d.x ft0,%2\n fadd.d ft1,ft0,ft0\n fmv.x.d %0,ft1"
					 : "=r"(r) : "r"((uint64_t)rm), "r"(three) : "ft0", "ft1");
		} else
			trapped = 1;
		printf("frm=%d dyn fadd.d: %s %llx\n", rm, trapped ? "SIGILL" : "ok", (unsigned long long)r);
	}
	__asm__ volatile("fsrm x0");
	return 0;
}
