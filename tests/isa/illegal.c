/* illegal: the decoder's edges — encodings that must raise SIGILL (reserved compressed
 * forms, undefined funct fields, reserved rounding modes, F/D ops with unsupported
 * formats, privileged instructions and CSRs from user mode, writes to read-only
 * counters), their legal neighbours that must not, and ebreak/c.ebreak (SIGTRAP).
 * Each encoding is copied into an RWX page followed by a return and called under
 * handlers that siglongjmp back; the test prints which signal arrived, its si_code,
 * and whether si_addr is the instruction. Registers written by the legal encodings
 * are caller-saved temporaries (t0, t1, a5, ft0), so calling them is harmless.
 * qemu-riscv64 7.2 enables the bit-manipulation extensions (Zba/Zbb/Zbc/Zbs) by default,
 * so encodings in their space (rori, clz, andn...) are left out: vmsh is RV64GC. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "isa.h"

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(env, 1);
}

struct enc { uint32_t bits; int len; const char *what; };

static const struct enc cases[] = {
	/* 16-bit */
	{0x0000, 2, "c.illegal (all zeros)"},
	{0x0010, 2, "c.addi4spn nzuimm=0 (reserved)"},
	{0x005c, 2, "c.addi4spn a5,sp,4"},
	{0x6101, 2, "c.addi16sp sp,0 (reserved)"},
	{0x6281, 2, "c.lui t0,0 (reserved)"},
	{0x6285, 2, "c.lui t0,1"},
	{0x4002, 2, "c.lwsp x0 (reserved)"},
	{0x6002, 2, "c.ldsp x0 (reserved)"},
	{0x8002, 2, "c.jr x0 (reserved)"},
	{0x9002, 2, "c.ebreak"},
	{0x0001, 2, "c.nop"},
	{0x0281, 2, "c.addi t0,0 (hint)"},
	{0x9f9d, 2, "c.subw a5,a5"},
	{0x9fc1, 2, "CA funct6=100111 funct2=10 (reserved)"},
	{0x9fe1, 2, "CA funct6=100111 funct2=11 (reserved)"},
	{0x1002, 2, "c.slli x0,32 (hint)"},
	/* 32-bit integer */
	{0x00000013, 4, "nop"},
	{0x04a282b3, 4, "OP funct7=2 (undefined)"},
	{0x02a282b3, 4, "mul t0,t0,a0"},
	{0x4202d293, 4, "srai t0,t0,32"},
	{0x1002d293, 4, "OP-IMM f3=5 funct6=000100 (undefined)"},
	{0x0202929b, 4, "slliw t0,t0,32 (shamt[5] set: reserved)"},
	{0x0002f283, 4, "load funct3=7 (undefined)"},
	{0x00007023, 4, "store funct3=7 (undefined)"},
	{0x0000100f, 4, "fence.i"},
	{0x0ff0000f, 4, "fence iorw,iorw"},
	{0x8330000f, 4, "fence.tso"},
	{0x0100000f, 4, "pause (fence w,0: a hint)"},
	{0x00100073, 4, "ebreak"},
	{0x00200073, 4, "uret (no N extension: illegal)"},
	{0x10200073, 4, "sret (illegal in U)"},
	{0x30200073, 4, "mret (illegal in U)"},
	{0x10500073, 4, "wfi"},
	{0x12000073, 4, "sfence.vma (illegal in U)"},
	{0x300022f3, 4, "csrr t0,mstatus (illegal in U)"},
	{0x100022f3, 4, "csrr t0,sstatus (illegal in U)"},
	{0xc00022f3, 4, "rdcycle t0"},
	{0xc01022f3, 4, "rdtime t0"},
	{0xc02022f3, 4, "rdinstret t0"},
	{0xc0029073, 4, "csrw cycle,t0 (read-only: illegal)"},
	{0xc0202073, 4, "csrrs x0,instret,x0 (read only, no write: legal)"},
	{0xc020a073, 4, "csrrs x0,instret,ra (write attempt: illegal)"},
	{0x7ff022f3, 4, "csrr t0,0x7ff (nonexistent)"},
	{0x003022f3, 4, "frcsr t0"},
	{0x00302073, 4, "csrrs x0,fcsr,x0"},
	/* A */
	{0x0002c2af, 4, "AMO funct3=4 (undefined)"},
	{0x2802b2af, 4, "AMO funct5=00101 (undefined)"},
	/* F/D */
	{0x00000053, 4, "fadd.s ft0,ft0,ft0,rne"},
	{0x00005053, 4, "fadd.s rm=5 (reserved)"},
	{0x00006053, 4, "fadd.s rm=6 (reserved)"},
	{0x06000053, 4, "fadd.q (fmt=3: no Q)"},
	{0x04000053, 4, "fadd.h (fmt=2: no Zfh)"},
	{0x58100053, 4, "fsqrt.s rs2=1 (reserved)"},
	{0xe00012d3, 4, "fclass.s t0,ft0"},
	{0xe00022d3, 4, "fclass.s funct3=2 (undefined)"},
	{0xe00012d3 | (1 << 20), 4, "fclass.s rs2=1 (reserved)"},
	{0xe00002d3 | (1 << 12) | (1 << 13), 4, "fmv.x.w funct3=3 (undefined)"},
	{0xf0000053, 4, "fmv.w.x ft0,x0"},
	{0xf0001053, 4, "fmv.w.x funct3=1 (undefined)"},
	{0x20003053, 4, "fsgnj.s funct3=3 (undefined)"},
	{0x28002053, 4, "fmin.s funct3=2 (undefined)"},
	{0xa0003253, 4, "feq/flt/fle funct3=3 (undefined)"},
	{0x42000053, 4, "fcvt.d.s ft0,ft0"},
	{0x40200053, 4, "fcvt.s.h (rs2=2: no Zfh)"},
	{0xc04002d3, 4, "fcvt.w.s rs2=4 (undefined)"},
	{0x00000043, 4, "fmadd.s ft0,ft0,ft0,ft0,rne"},
	{0x06000043, 4, "fmadd.q (fmt=3)"},
	{0x00005043, 4, "fmadd.s rm=5 (reserved)"},
	{0x00007007, 4, "FP load funct3=7 (undefined)"},
	{0x00001007, 4, "FP load funct3=1 (Zfh flh: not implemented)"},
	/* other major opcodes */
	{0x0000000b, 4, "custom-0"},
	{0x0000005b, 4, "custom-2"},
	{0x00000077, 4, "OP-P/reserved 0x77"},
	{0xffffffff, 4, "all ones (>= 192-bit prefix)"},
	{0x0000003f, 4, "48-bit encoding prefix (not supported)"},
};

int main(void)
{
	unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) { perror("mmap"); return 1; }
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	for (int i = 0; i < COUNT(cases); i++) {
		const struct enc *e = &cases[i];
		/* the instruction, then "ret" (jalr x0,0(ra)) */
		uint32_t ret = 0x00008067;
		memcpy(page, &e->bits, (size_t)e->len);
		memcpy(page + e->len, &ret, 4);
		__builtin___clear_cache((char *)page, (char *)page + 8);
		got_sig = 0;
		if (sigsetjmp(env, 1) == 0)
			((void (*)(void))(uintptr_t)page)();
		if (got_sig)
			printf("%0*x %-60s SIG%s code %d at-insn %d\n", e->len * 2, e->bits, e->what,
			       got_sig == SIGILL ? "ILL" : got_sig == SIGTRAP ? "TRAP" : got_sig == SIGSEGV ? "SEGV" : "BUS",
			       got_code, got_addr == (void *)page);
		else
			printf("%0*x %-60s ok\n", e->len * 2, e->bits, e->what);
	}
	return 0;
}
