/* signals: guest signal handling — SIGSEGV handlers that siglongjmp out (NULL read,
 * NULL write, a write to a read-only page), SIGILL from an illegal instruction, SIGBUS-free
 * misaligned access (riscv64 Linux emulates it), raise(SIGUSR1) with SA_SIGINFO, a handler
 * that returns normally (rt_sigreturn) with registers intact, sigprocmask blocking and
 * pending delivery, SA_RESETHAND, and signals ignored with SIG_IGN. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile sig_atomic_t got, last_sig, last_code, handler_runs;
static volatile void *last_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	siglongjmp(env, 1);
}

static void on_usr(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got++;
	last_sig = sig;
	last_code = si->si_code;
	handler_runs++;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);

	for (int round = 0; round < 3; round++) {
		if (sigsetjmp(env, 1) == 0) {
			volatile int *p = (volatile int *)(uintptr_t)(16 * round);
			if (round == 1)
				*p = 5;
			else
				(void)*p;
			printf("round %d: no fault?\n", round);
		} else
			printf("round %d: sig %d code %d addr %lu\n", round, last_sig, last_code,
			       (unsigned long)(uintptr_t)last_addr);
	}
	char *volatile ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sigsetjmp(env, 1) == 0) {
		ro[100] = 1;
		printf("ro write: no fault?\n");
	} else
		printf("ro write: sig %d code %d (SEGV_ACCERR %d) at +%ld\n", last_sig, last_code, SEGV_ACCERR,
		       (long)((char *)last_addr - ro));
	if (sigsetjmp(env, 1) == 0) {
		__asm__ volatile(".4byte 0x00000000");	/* defined illegal instruction */
		printf("illegal: no fault?\n");
	} else
		printf("illegal: sig %d code %d (ILL_ILLOPC %d)\n", last_sig, last_code, ILL_ILLOPC);
	/* the mask is restored by siglongjmp(…, savemask=1): a second fault is delivered */
	if (sigsetjmp(env, 1) == 0)
		*(volatile char *volatile)last_addr = 0;	/* last_addr is 32, unmapped */
	printf("second segv after siglongjmp delivered: %d\n", last_sig == SIGSEGV);

	char *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i++)
		buf[i] = (char)i;
	uint64_t mis;
	memcpy(&mis, buf + 3, 8);
	volatile uint64_t *vm = (volatile uint64_t *)(buf + 3);
	printf("misaligned load %016llx via pointer %016llx\n", (unsigned long long)mis, (unsigned long long)*vm);

	sa.sa_sigaction = on_usr;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	register long keep1 = 0x1111, keep2 = 0x2222;
	printf("raise %d\n", raise(SIGUSR1));
	printf("handler ran %d sig %d code SI_TKILL %d keep %lx %lx\n", (int)got, last_sig, last_code == SI_TKILL,
	       keep1, keep2);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	printf("blocked: ran %d, pending %d\n", (int)got, sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: ran %d\n", (int)got);
	kill(getpid(), SIGUSR1);
	printf("kill self: ran %d code SI_USER %d\n", (int)got, last_code == SI_USER);

	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	struct sigaction now;
	sigaction(SIGUSR2, NULL, &now);
	printf("SA_RESETHAND: ran %d, now default %d\n", (int)got, now.sa_handler == SIG_DFL);
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	printf("SIG_IGN survived, handler runs %d\n", (int)handler_runs);
	stack_t ss = {.ss_sp = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		      .ss_size = 65536};
	printf("sigaltstack %d\n", sigaltstack(&ss, NULL));
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("on altstack: ran %d\n", (int)got);
	return 0;
}
