/* syscalls: the Linux user-mode layer through less common doors — an unknown system
 * call number (must fail with ENOSYS; vmsh's own warning line starts with "vmsh:" and
 * is filtered), readv/writev, pipe2 and dup3 flags, getdents64 called directly, statx,
 * faccessat, chdir/getcwd, ioctl(TCGETS) on a non-terminal (ENOTTY), readlink of
 * /proc/self/exe (the guest program, not the emulator), prlimit64, sched_getaffinity,
 * gettid, and errors for bad pointers (EFAULT). Only relations and error codes are
 * printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argc;
	errno = 0;
	long r = syscall(1000, 1, 2, 3);
	printf("unknown syscall 1000: %ld ENOSYS %d\n", r, errno == ENOSYS);
	errno = 0;
	r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8);
	printf("clock_gettime bad pointer: %ld EFAULT %d\n", r, errno == EFAULT);
	errno = 0;
	const char *volatile bad = (const char *)16;
	r = write(1, bad, 10);
	printf("write from bad pointer: %ld EFAULT %d\n", r, errno == EFAULT);

	struct iovec iov[3] = {{"writev ", 7}, {"in three ", 9}, {"pieces\n", 7}};
	fflush(stdout);
	printf("writev %zd\n", writev(1, iov, 3));
	int p[2];
	printf("pipe2 %d", pipe2(p, O_CLOEXEC | O_NONBLOCK));
	printf(" cloexec %d nonblock %d\n", (fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0,
	       (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	char c;
	errno = 0;
	printf("read empty nonblocking pipe: %zd EAGAIN %d\n", read(p[0], &c, 1), errno == EAGAIN);
	write(p[1], "abcdefghij", 10);
	char a1[3] = {0}, a2[5] = {0};
	struct iovec riov[2] = {{a1, 2}, {a2, 4}};
	printf("readv %zd [%s][%s]\n", readv(p[0], riov, 2), a1, a2);
	printf("dup3 %d cloexec %d, dup3 same fd %d EINVAL %d\n", dup3(p[1], 30, O_CLOEXEC),
	       fcntl(30, F_GETFD) & FD_CLOEXEC, dup3(30, 30, 0), errno == EINVAL);
	close(p[0]); close(p[1]); close(30);

	printf("mkdir %d chdir %d\n", mkdir("d", 0755), chdir("d"));
	char cwd[4096];
	printf("getcwd ends in /d %d\n", getcwd(cwd, sizeof cwd) && strcmp(cwd + strlen(cwd) - 2, "/d") == 0);
	for (int i = 0; i < 5; i++) {
		char n[8];
		snprintf(n, sizeof n, "f%d", i);
		close(open(n, O_CREAT | O_WRONLY, 0600));
	}
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	char buf[4096];
	long nb, entries = 0, sumlen = 0;
	while ((nb = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0)
		for (long off = 0; off < nb;) {
			unsigned short reclen;
			memcpy(&reclen, buf + off + 16, 2);
			entries++;
			sumlen += (long)strlen(buf + off + 19);
			off += reclen;
		}
	printf("getdents64: %ld entries, name bytes %ld, end %ld\n", entries, sumlen, nb);
	struct statx sx;
	printf("statx %d size %llu isreg %d\n", statx(dfd, "f1", 0, STATX_SIZE | STATX_TYPE, &sx),
	       (unsigned long long)sx.stx_size, S_ISREG(sx.stx_mode));
	printf("faccessat W %d, missing %d ENOENT %d\n", faccessat(dfd, "f2", W_OK, 0), faccessat(dfd, "zz", F_OK, 0),
	       errno == ENOENT);
	close(dfd);
	chdir("..");

	struct termios t;
	int fd = open("tty-test", O_CREAT | O_RDWR, 0600);
	errno = 0;
	printf("ioctl TCGETS on a file: %d ENOTTY %d\n", ioctl(fd, TCGETS, &t), errno == ENOTTY);
	close(fd);

	char exe[4096] = {0};
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	printf("/proc/self/exe is the guest program: %d\n", n > 0 && strstr(exe, base) != NULL);
	struct rlimit rl;
	printf("getrlimit NOFILE %d cur<=max %d\n", getrlimit(RLIMIT_NOFILE, &rl),
	       rl.rlim_cur <= rl.rlim_max || rl.rlim_max == RLIM_INFINITY);
	cpu_set_t set;
	CPU_ZERO(&set);
	printf("sched_getaffinity %d cpus>=1 %d\n", sched_getaffinity(0, sizeof set, &set), CPU_COUNT(&set) >= 1);
	printf("gettid == getpid %d\n", (pid_t)syscall(SYS_gettid) == getpid());
	return 0;
}
