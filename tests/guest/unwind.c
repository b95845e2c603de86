/* unwind: stack unwinding through DWARF call-frame information — glibc's backtrace()
 * (libgcc's _Unwind_Backtrace reading .eh_frame) from inside a recursion, from a signal
 * handler (through the kernel's signal frame, which the unwinder recognises by the
 * rt_sigreturn trampoline), and __attribute__((cleanup)) handlers run at scope exit.
 * Frame counts are printed, never addresses.
 * run-diff: cflags -fasynchronous-unwind-tables -fno-omit-frame-pointer -fno-optimize-sibling-calls
 */
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int cleanups;
static void cleanup(int *p) { cleanups += *p; }

static __attribute__((noinline)) int depth(int n)
{
	if (n == 0) {
		void *frames[128];
		return backtrace(frames, 128);
	}
	int __attribute__((cleanup(cleanup))) guard = 1;
	int r = depth(n - 1);
	__asm__ volatile("" : "+r"(r));
	return r;
}

static volatile int in_handler_frames;
static void on_usr1(int sig)
{
	(void)sig;
	void *frames[128];
	in_handler_frames = backtrace(frames, 128);
}

static __attribute__((noinline)) void raise_from(int n)
{
	if (n == 0) {
		raise(SIGUSR1);
		return;
	}
	raise_from(n - 1);
	__asm__ volatile("");
}

int main(void)
{
	int base = depth(0);
	for (int n = 1; n <= 20; n += 19)
		printf("depth %d: backtrace frames grow by %d\n", n, depth(n) - base);
	printf("cleanup handlers run: %d\n", cleanups);
	signal(SIGUSR1, on_usr1);
	raise_from(0);
	int h0 = in_handler_frames;
	raise_from(10);
	printf("through the signal frame: 10 more frames seen %d (%d)\n", in_handler_frames - h0 == 10,
	       in_handler_frames - h0);
	return 0;
}
