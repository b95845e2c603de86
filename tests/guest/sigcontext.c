/* sigcontext: what a signal handler sees and what rt_sigreturn restores — the handler
 * moves the saved pc past a faulting store (REG_PC in the ucontext) and returns; the
 * handler clobbers integer temporaries, f registers, fflags and frm, and the interrupted
 * code must find its own values again; a handler that changes a saved register (a0)
 * changes the interrupted code's value; signals nest (SIGUSR1 raised inside a SIGSEGV
 * handler); a stack overflow is caught on the alternate signal stack. */
#define _GNU_SOURCE
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ucontext.h>
#include <unistd.h>

static volatile int segv_count, usr_count, nested_ok;

static void on_usr1(int sig) { (void)sig; usr_count++; }

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	ucontext_t *uc = ucv;
	segv_count++;
	/* clobber FP state the interrupted code relies on */
	fesetround(FE_UPWARD);
	volatile double x = 1.0, y = 3.0;
	volatile double z = x / y;
	(void)z;
	__asm__ volatile("li t0, 0x1234\n fmv.d.x ft0, t0\n fmv.d.x ft1, t0\n li t1, 0x55" ::: "t0", "t1", "ft0", "ft1");
	/* nested delivery: SIGUSR1 is not blocked inside this handler */
	int before = usr_count;
	raise(SIGUSR1);
	nested_ok = usr_count == before + 1;
	/* skip the faulting 4-byte store; report the fault address in a0 when asked */
	uc->uc_mcontext.__gregs[REG_PC] += 4;
	if (uc->uc_mcontext.__gregs[REG_A0] == 0x5a5a)
		uc->uc_mcontext.__gregs[REG_A0] = (unsigned long)si->si_addr;
}

static sigjmp_buf env;
static void on_overflow(int sig) { (void)sig; siglongjmp(env, 1); }

static __attribute__((noinline)) long recurse(long n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	if (n < 0)	/* never: keeps gcc from calling this an infinite recursion */
		return 0;
	return recurse(n + 1) + pad[0];
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGUSR1, on_usr1);

	uint64_t f0 = 0x400921fb54442d18, f1 = 0xc1e0000000000000, got0, got1, fcsr_in = (2 << 5) | 0x15, fcsr_out;
	uint64_t t1_out;
	__asm__ volatile(
		"fmv.d.x ft0, %[f0]\n fmv.d.x ft1, %[f1]\n fscsr %[fi]\n li t1, 77\n"
		".option push\n .option norvc\n sd zero, 0(zero)\n .option pop\n"
		"fmv.x.d %[g0], ft0\n fmv.x.d %[g1], ft1\n frcsr %[fo]\n mv %[t1], t1\n"
		: [g0] "=&r"(got0), [g1] "=&r"(got1), [fo] "=&r"(fcsr_out), [t1] "=&r"(t1_out)
		: [f0] "r"(f0), [f1] "r"(f1), [fi] "r"(fcsr_in)
		: "t1", "ft0", "ft1", "memory");
	printf("after handler: segv %d nested %d ft0 %d ft1 %d fcsr %llx (want %llx) t1 %llu\n", segv_count, nested_ok,
	       got0 == f0, got1 == f1, (unsigned long long)fcsr_out, (unsigned long long)fcsr_in,
	       (unsigned long long)t1_out);
	fesetround(FE_TONEAREST);

	register unsigned long a0 __asm__("a0") = 0x5a5a;
	__asm__ volatile(".option push\n .option norvc\n sd zero, 24(zero)\n .option pop" : "+r"(a0) : : "memory");
	printf("handler rewrote a0 to the fault address: %lu\n", a0);

	for (int i = 0; i < 100; i++)
		__asm__ volatile(".option push\n .option norvc\n sw zero, 8(zero)\n .option pop" ::: "memory");
	printf("100 more skipped faults: total %d\n", segv_count);

	stack_t ss = {.ss_sp = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		      .ss_size = 1 << 16};
	sigaltstack(&ss, NULL);
	sa.sa_handler = on_overflow;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(env, 1) == 0) {
		recurse(0);
		printf("no overflow?\n");
	} else
		printf("stack overflow caught on the alternate stack\n");
	return 0;
}
