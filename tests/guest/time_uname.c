/* time_uname: clocks and system identity, printing only what is deterministic —
 * relations (monotonic does not go backwards, nanosleep sleeps at least as asked,
 * realtime is after 2020), uname's sysname and machine, and getrandom's return value. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static double ts(struct timespec t) { return (double)t.tv_sec + t.tv_nsec * 1e-9; }

int main(void)
{
	struct timespec a, b, r, res;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int mono_ok = 1;
	for (int i = 0; i < 1000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		mono_ok &= ts(b) >= ts(a);
		a = b;
	}
	printf("monotonic non-decreasing %d, nsec in range %d\n", mono_ok, b.tv_nsec >= 0 && b.tv_nsec < 1000000000);
	clock_gettime(CLOCK_REALTIME, &r);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	time_t t = time(NULL);
	/* glibc's time() reads the coarse clock, up to a tick behind clock_gettime's: the
	 * second may not have turned yet (seen under qemu-riscv64 on a loaded host) */
	printf("realtime after 2020 %d, gettimeofday agrees %d, time() agrees %d\n", r.tv_sec > 1577836800,
	       tv.tv_sec - r.tv_sec >= 0 && tv.tv_sec - r.tv_sec < 5, t - r.tv_sec >= -1 && t - r.tv_sec < 5);
	printf("clock_getres monotonic %d ok %d\n", clock_getres(CLOCK_MONOTONIC, &res),
	       res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
	struct timespec req = {0, 2000000}, before, after;
	clock_gettime(CLOCK_MONOTONIC, &before);
	int rc = nanosleep(&req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &after);
	printf("nanosleep %d slept >= 2ms %d\n", rc, ts(after) - ts(before) >= 0.002);
	clock_t c = clock();
	printf("clock() non-negative %d\n", c >= 0);
	struct timespec pc;
	printf("process cputime %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &pc) == 0 && ts(pc) >= 0);
	struct tm tm;
	time_t fixed = 1700000000;
	gmtime_r(&fixed, &tm);
	char buf[64];
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %j", &tm);
	printf("gmtime %s\n", buf);
	struct utsname u;
	printf("uname %d sysname %s machine %s\n", uname(&u), u.sysname, u.machine);
	unsigned char rnd[32];
	printf("getrandom %zd\n", getrandom(rnd, sizeof rnd, 0));
	printf("pid positive %d, getpid stable %d, ppid differs %d\n", getpid() > 0, getpid() == getpid(),
	       getppid() != getpid());
	printf("uid==euid %d, gid==egid %d\n", getuid() == geteuid(), getgid() == getegid());
	printf("sysconf pagesize %ld, nprocs >= 1 %d\n", sysconf(_SC_PAGESIZE), sysconf(_SC_NPROCESSORS_ONLN) >= 1);
	return 0;
}
