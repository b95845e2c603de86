/*
 * Linux system calls for riscv64 guests (the asm-generic numbering).
 *
 * Most calls pass through to the host after translating guest file
 * descriptors, paths (sysroot, /proc/self/exe) and structures whose layout
 * differs (struct stat). Memory calls (brk, mmap, munmap, mprotect, mremap,
 * madvise) edit the guest address space. Guest buffers are copied through
 * host bounce buffers: guest pages are not contiguous in host memory, and a
 * copy makes the check that the whole buffer is accessible (-EFAULT) exact.
 * Errno values are the same on x86-64 and riscv64 Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/linux_priv.h"

/* riscv64 system call numbers (include/uapi/asm-generic/unistd.h) */
#define SYSCALLS(X)                                                                                \
    X(17, getcwd) X(23, dup) X(24, dup3) X(25, fcntl) X(29, ioctl) X(33, mknodat) X(34, mkdirat)   \
    X(35, unlinkat) X(36, symlinkat) X(37, linkat) X(38, renameat) X(43, statfs) X(44, fstatfs)  \
    X(45, truncate) X(46, ftruncate) X(47, fallocate) X(48, faccessat) X(49, chdir) X(50, fchdir) \
    X(51, chroot) X(52, fchmod) X(53, fchmodat) X(54, fchownat) X(55, fchown) X(56, openat)       \
    X(57, close) X(59, pipe2) X(61, getdents64) X(62, lseek) X(63, read) X(64, write)             \
    X(65, readv) X(66, writev) X(67, pread64) X(68, pwrite64) X(69, preadv) X(70, pwritev)        \
    X(71, sendfile) X(72, pselect6) X(73, ppoll) X(78, readlinkat) X(79, newfstatat)              \
    X(80, fstat) X(81, sync) X(82, fsync) X(83, fdatasync) X(88, utimensat) X(93, exit)           \
    X(94, exit_group) X(96, set_tid_address) X(98, futex) X(99, set_robust_list)                  \
    X(100, get_robust_list) X(101, nanosleep) X(102, getitimer) X(103, setitimer)                 \
    X(113, clock_gettime) X(114, clock_getres) X(115, clock_nanosleep) X(122, sched_setaffinity)  \
    X(123, sched_getaffinity) X(124, sched_yield) X(129, kill) X(130, tkill) X(131, tgkill)       \
    X(132, sigaltstack) X(133, rt_sigsuspend) X(134, rt_sigaction) X(135, rt_sigprocmask)         \
    X(136, rt_sigpending) X(137, rt_sigtimedwait) X(139, rt_sigreturn) X(146, setfsuid)          \
    X(148, getresuid) X(150, getresgid) X(153, times) X(154, setpgid) X(155, getpgid)             \
    X(156, getsid) X(157, setsid) X(158, getgroups) X(160, uname) X(163, getrlimit)               \
    X(164, setrlimit) X(165, getrusage) X(166, umask) X(167, prctl) X(169, gettimeofday)          \
    X(172, getpid) X(173, getppid) X(174, getuid) X(175, geteuid) X(176, getgid)                 \
    X(177, getegid) X(178, gettid) X(179, sysinfo) X(198, socket) X(199, socketpair)             \
    X(200, bind) X(201, listen) X(202, accept) X(203, connect) X(204, getsockname)               \
    X(206, sendto) X(207, recvfrom) X(208, setsockopt) X(209, getsockopt) X(210, shutdown)       \
    X(211, sendmsg) X(212, recvmsg) X(214, brk) X(215, munmap) X(216, mremap) X(220, clone)       \
    X(221, execve) X(222, mmap) X(226, mprotect) X(227, msync) X(228, mlock) X(229, munlock)     \
    X(233, madvise) X(242, accept4) X(258, riscv_hwprobe) X(259, riscv_flush_icache)             \
    X(260, wait4) X(261, prlimit64) X(276, renameat2) X(278, getrandom) X(279, memfd_create)      \
    X(283, membarrier) X(291, statx) X(293, rseq) X(424, pidfd_send_signal) X(435, clone3)       \
    X(436, close_range) X(439, faccessat2) X(441, epoll_pwait2)

const char *vm_syscall_name(uint64_t nr)
{
    switch (nr) {
#define NAME(n, s) case n: return #s;
        SYSCALLS(NAME)
#undef NAME
    }
    return NULL;
}

/* {==== guest memory helpers ============================================ */

#define BOUNCE_MAX (64u << 20)

static void *copy_in(vm_machine *m, uint64_t va, size_t n, int *rc)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        *rc = -ENOMEM;
        return NULL;
    }
    vm_mem_fault f;
    if (n && vm_mem_read(m->hart.mem, va, p, n, &f)) {
        free(p);
        *rc = -EFAULT;
        return NULL;
    }
    return p;
}

static int copy_out(vm_machine *m, uint64_t va, const void *p, size_t n)
{
    vm_mem_fault f;
    return n && vm_mem_write(m->hart.mem, va, p, n, &f) ? -EFAULT : 0;
}

/* A guest output buffer must be writable before the host call runs, so that
 * a bad pointer fails with EFAULT and has no side effect. */
static int check_writable(vm_machine *m, uint64_t va, size_t n)
{
    for (uint64_t a = va & ~VM_PAGE_MASK; n && a < va + n; a += VM_PAGE_SIZE) {
        vm_mem_fault f;
        if (!vm_mem_ptr(m->hart.mem, a < va ? va : a, VM_ACC_WRITE, &f)) return -EFAULT;
    }
    return 0;
}

static int get_path(vm_machine *m, uint64_t va, char *buf)
{
    vm_mem_fault f;
    if (vm_mem_read_str(m->hart.mem, va, buf, PATH_MAX, &f))
        return errno == ENAMETOOLONG ? -ENAMETOOLONG : -EFAULT;
    return 0;
}

/* Host path for a guest path: /proc/self/exe is the program, and with a
 * sysroot an absolute path that exists there is taken from there (qemu -L). */
static const char *host_path(vm_linux *lx, const char *p, char *buf)
{
    if (!strcmp(p, "/proc/self/exe")) return lx->exe;
    if (lx->sysroot[0] && p[0] == '/') {
        snprintf(buf, PATH_MAX * 2, "%s%s", lx->sysroot, p);
        if (faccessat(AT_FDCWD, buf, F_OK, AT_SYMLINK_NOFOLLOW) == 0) return buf;
    }
    return p;
}

static int host_dirfd(vm_linux *lx, int64_t gdirfd, const char *path)
{
    if (path && path[0] == '/') return AT_FDCWD;
    if ((int)gdirfd == AT_FDCWD) return lx->cwd_fd;
    int h = lx_fd_host(lx, (int)gdirfd);
    return h < 0 ? -EBADF : h;
}

/* host result -> guest result: -errno on failure (evaluates its argument once) */
static inline int64_t ERR(int64_t r) { return r < 0 ? -errno : r; }

/* {==== files ============================================================ */

static int64_t sys_openat(vm_machine *m, uint64_t *a)
{
    char path[PATH_MAX], buf[PATH_MAX * 2];
    int rc = get_path(m, a[1], path);
    if (rc) return rc;
    int d = host_dirfd(&m->lx, (int64_t)a[0], path);
    if (d == -EBADF) return -EBADF;
    int h = openat(d, host_path(&m->lx, path, buf), (int)a[2], (mode_t)a[3]);
    if (h < 0) return -errno;
    int g = lx_fd_alloc(&m->lx, h, 0);
    if (g < 0) close(h);
    return g;
}

static int64_t sys_read(vm_machine *m, uint64_t *a, int64_t off, int positional)
{
    int h = lx_fd_host(&m->lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    size_t n = a[2] > BOUNCE_MAX ? BOUNCE_MAX : a[2];
    int rc = check_writable(m, a[1], n);
    if (rc) return rc;
    void *buf = malloc(n ? n : 1);
    if (!buf) return -ENOMEM;
    ssize_t r = positional ? pread(h, buf, n, off) : read(h, buf, n);
    if (r < 0) r = -errno;
    else if (copy_out(m, a[1], buf, (size_t)r)) r = -EFAULT;
    free(buf);
    return r;
}

static int64_t sys_write(vm_machine *m, uint64_t *a, int64_t off, int positional)
{
    int h = lx_fd_host(&m->lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    size_t n = a[2] > BOUNCE_MAX ? BOUNCE_MAX : a[2];
    int rc = 0;
    void *buf = copy_in(m, a[1], n, &rc);
    if (!buf) return rc;
    ssize_t r = positional ? pwrite(h, buf, n, off) : write(h, buf, n);
    if (r < 0) r = -errno;
    free(buf);
    return r;
}

/* readv/writev through one bounce buffer: one host call keeps their
 * atomicity (a pipe write of one record stays one record). */
static int64_t sys_rwv(vm_machine *m, uint64_t *a, int is_write, int64_t off, int positional)
{
    int h = lx_fd_host(&m->lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    uint64_t cnt = a[2];
    if (cnt > 1024) return -EINVAL;
    int rc = 0;
    uint64_t *iov = copy_in(m, a[1], cnt * 16, &rc);
    if (!iov) return rc;
    size_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        if (iov[2 * i + 1] > BOUNCE_MAX - total) {
            iov[2 * i + 1] = BOUNCE_MAX - total;
            cnt = i + 1;
        }
        total += iov[2 * i + 1];
    }
    unsigned char *buf = malloc(total ? total : 1);
    if (!buf) {
        free(iov);
        return -ENOMEM;
    }
    ssize_t r;
    if (is_write) {
        size_t o = 0;
        vm_mem_fault f;
        for (uint64_t i = 0; i < cnt; i++) {
            if (vm_mem_read(m->hart.mem, iov[2 * i], buf + o, iov[2 * i + 1], &f)) {
                free(buf);
                free(iov);
                return -EFAULT;
            }
            o += iov[2 * i + 1];
        }
        r = positional ? pwrite(h, buf, total, off) : write(h, buf, total);
        if (r < 0) r = -errno;
    } else {
        for (uint64_t i = 0; i < cnt; i++)
            if ((rc = check_writable(m, iov[2 * i], iov[2 * i + 1]))) {
                free(buf);
                free(iov);
                return rc;
            }
        r = positional ? pread(h, buf, total, off) : read(h, buf, total);
        if (r < 0) {
            r = -errno;
        } else {
            size_t o = 0;
            for (uint64_t i = 0; i < cnt && o < (size_t)r; i++) {
                size_t k = iov[2 * i + 1];
                if (k > (size_t)r - o) k = (size_t)r - o;
                copy_out(m, iov[2 * i], buf + o, k);
                o += k;
            }
        }
    }
    free(buf);
    free(iov);
    return r;
}

/* struct stat of asm-generic (riscv64): 128 bytes */
static int put_stat(vm_machine *m, uint64_t va, const struct stat *st)
{
    unsigned char o[128];
    memset(o, 0, sizeof o);
    uint64_t q;
    uint32_t w;
#define Q(off, v) (q = (uint64_t)(v), memcpy(o + (off), &q, 8))
#define W(off, v) (w = (uint32_t)(v), memcpy(o + (off), &w, 4))
    Q(0, st->st_dev);
    Q(8, st->st_ino);
    W(16, st->st_mode);
    W(20, st->st_nlink);
    W(24, st->st_uid);
    W(28, st->st_gid);
    Q(32, st->st_rdev);
    Q(48, st->st_size);
    W(56, st->st_blksize);
    Q(64, st->st_blocks);
    Q(72, st->st_atim.tv_sec);
    Q(80, st->st_atim.tv_nsec);
    Q(88, st->st_mtim.tv_sec);
    Q(96, st->st_mtim.tv_nsec);
    Q(104, st->st_ctim.tv_sec);
    Q(112, st->st_ctim.tv_nsec);
#undef Q
#undef W
    return copy_out(m, va, o, sizeof o);
}

static int64_t sys_newfstatat(vm_machine *m, uint64_t *a)
{
    char path[PATH_MAX], buf[PATH_MAX * 2];
    int rc = get_path(m, a[1], path);
    if (rc) return rc;
    int flags = (int)a[3];
    struct stat st;
    int r;
    if (path[0] == 0 && (flags & AT_EMPTY_PATH)) {
        int h = (int)a[0] == AT_FDCWD ? m->lx.cwd_fd : lx_fd_host(&m->lx, (int64_t)a[0]);
        if (h < 0) return -EBADF;
        r = fstat(h, &st);
    } else {
        int d = host_dirfd(&m->lx, (int64_t)a[0], path);
        if (d == -EBADF) return -EBADF;
        r = fstatat(d, host_path(&m->lx, path, buf), &st, flags);
    }
    if (r) return -errno;
    if ((rc = check_writable(m, a[2], 128))) return rc;
    return put_stat(m, a[2], &st);
}

static int64_t sys_fstat(vm_machine *m, uint64_t *a)
{
    int h = lx_fd_host(&m->lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    struct stat st;
    if (fstat(h, &st)) return -errno;
    return put_stat(m, a[1], &st);
}

static int64_t sys_statx(vm_machine *m, uint64_t *a)
{
    char path[PATH_MAX], buf[PATH_MAX * 2];
    int rc = get_path(m, a[1], path);
    if (rc) return rc;
    int flags = (int)a[2];
    int d;
    if (path[0] == 0 && (flags & AT_EMPTY_PATH)) {
        d = (int)a[0] == AT_FDCWD ? m->lx.cwd_fd : lx_fd_host(&m->lx, (int64_t)a[0]);
        if (d < 0) return -EBADF;
    } else {
        d = host_dirfd(&m->lx, (int64_t)a[0], path);
        if (d == -EBADF) return -EBADF;
    }
    unsigned char sx[256]; /* struct statx: the same layout on every arch */
    long r = syscall(SYS_statx, d, host_path(&m->lx, path, buf), flags, (unsigned)a[3], sx);
    if (r) return -errno;
    return copy_out(m, a[4], sx, sizeof sx);
}

static int64_t sys_getdents64(vm_machine *m, uint64_t *a)
{
    int h = lx_fd_host(&m->lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    size_t n = a[2] > BOUNCE_MAX ? BOUNCE_MAX : a[2];
    int rc = check_writable(m, a[1], n);
    if (rc) return rc;
    void *buf = malloc(n ? n : 1);
    if (!buf) return -ENOMEM;
    long r = syscall(SYS_getdents64, h, buf, n);
    if (r < 0) r = -errno;
    else copy_out(m, a[1], buf, (size_t)r);
    free(buf);
    return r;
}

static int64_t sys_readlinkat(vm_machine *m, uint64_t *a)
{
    char path[PATH_MAX], buf[PATH_MAX * 2], out[PATH_MAX];
    int rc = get_path(m, a[1], path);
    if (rc) return rc;
    ssize_t r;
    if (!strcmp(path, "/proc/self/exe")) {
        r = (ssize_t)strlen(m->lx.exe);
        memcpy(out, m->lx.exe, (size_t)r);
    } else {
        int d = host_dirfd(&m->lx, (int64_t)a[0], path);
        if (d == -EBADF) return -EBADF;
        r = readlinkat(d, host_path(&m->lx, path, buf), out, sizeof out);
        if (r < 0) return -errno;
    }
    if ((size_t)r > a[3]) r = (ssize_t)a[3];
    return copy_out(m, a[2], out, (size_t)r) ? -EFAULT : r;
}

static int64_t path_op(vm_machine *m, uint64_t *a, int kind)
{
    char path[PATH_MAX];
    int rc = get_path(m, a[1], path);
    if (rc) return rc;
    int d = host_dirfd(&m->lx, (int64_t)a[0], path);
    if (d == -EBADF) return -EBADF;
    char buf[PATH_MAX * 2];
    switch (kind) {
    case 0: return ERR(unlinkat(d, path, (int)a[2]));
    case 1: return ERR(mkdirat(d, path, (mode_t)a[2]));
    case 2: return ERR(faccessat(d, host_path(&m->lx, path, buf), (int)a[2], 0));
    case 3: return ERR(faccessat(d, host_path(&m->lx, path, buf), (int)a[2], (int)a[3]));
    case 4: return ERR(fchmodat(d, path, (mode_t)a[2], 0));
    case 5: return ERR(fchownat(d, path, (uid_t)a[2], (gid_t)a[3], (int)a[4]));
    case 6: return ERR(mknodat(d, path, (mode_t)a[2], (dev_t)a[3]));
    }
    return -ENOSYS;
}

static int64_t sys_renameat2(vm_machine *m, uint64_t *a, int has_flags)
{
    char p1[PATH_MAX], p2[PATH_MAX];
    int rc = get_path(m, a[1], p1);
    if (rc || (rc = get_path(m, a[3], p2))) return rc;
    int d1 = host_dirfd(&m->lx, (int64_t)a[0], p1), d2 = host_dirfd(&m->lx, (int64_t)a[2], p2);
    if (d1 == -EBADF || d2 == -EBADF) return -EBADF;
    return ERR(syscall(SYS_renameat2, d1, p1, d2, p2, has_flags ? (unsigned)a[4] : 0u));
}

static int64_t sys_symlinkat(vm_machine *m, uint64_t *a)
{
    char target[PATH_MAX], path[PATH_MAX];
    int rc = get_path(m, a[0], target);
    if (rc || (rc = get_path(m, a[2], path))) return rc;
    int d = host_dirfd(&m->lx, (int64_t)a[1], path);
    if (d == -EBADF) return -EBADF;
    return ERR(symlinkat(target, d, path));
}

static int64_t sys_linkat(vm_machine *m, uint64_t *a)
{
    char p1[PATH_MAX], p2[PATH_MAX];
    int rc = get_path(m, a[1], p1);
    if (rc || (rc = get_path(m, a[3], p2))) return rc;
    int d1 = host_dirfd(&m->lx, (int64_t)a[0], p1), d2 = host_dirfd(&m->lx, (int64_t)a[2], p2);
    if (d1 == -EBADF || d2 == -EBADF) return -EBADF;
    return ERR(linkat(d1, p1, d2, p2, (int)a[4]));
}

static int64_t sys_utimensat(vm_machine *m, uint64_t *a)
{
    char path[PATH_MAX];
    struct timespec ts[2], *tp = NULL;
    if (a[2]) {
        int rc = 0;
        void *p = copy_in(m, a[2], sizeof ts, &rc);
        if (!p) return rc;
        memcpy(ts, p, sizeof ts);
        free(p);
        tp = ts;
    }
    if (!a[1]) {
        int h = lx_fd_host(&m->lx, (int64_t)a[0]);
        if (h < 0) return -EBADF;
        return ERR(futimens(h, tp));
    }
    int rc = get_path(m, a[1], path);
    if (rc) return rc;
    int d = host_dirfd(&m->lx, (int64_t)a[0], path);
    if (d == -EBADF) return -EBADF;
    return ERR(utimensat(d, path, tp, (int)a[3]));
}

static int64_t sys_chdir(vm_machine *m, uint64_t *a, int by_fd)
{
    vm_linux *lx = &m->lx;
    int h;
    if (by_fd) {
        int src = lx_fd_host(lx, (int64_t)a[0]);
        if (src < 0) return -EBADF;
        h = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } else {
        char path[PATH_MAX];
        int rc = get_path(m, a[0], path);
        if (rc) return rc;
        h = openat(lx->cwd_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (h < 0) return -errno;
    /* the guest's cwd string: the directory's own path as the kernel knows it */
    char link[64], real[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", h);
    ssize_t n = readlink(link, real, sizeof real - 1);
    if (n > 0) {
        real[n] = 0;
        strcpy(lx->cwd, real);
    }
    close(lx->cwd_fd);
    lx->cwd_fd = h;
    return 0;
}

static int64_t sys_getcwd(vm_machine *m, uint64_t *a)
{
    size_t n = strlen(m->lx.cwd) + 1;
    if (a[1] < n) return -ERANGE;
    return copy_out(m, a[0], m->lx.cwd, n) ? -EFAULT : (int64_t)n;
}

static int64_t sys_fcntl(vm_machine *m, uint64_t *a)
{
    vm_linux *lx = &m->lx;
    int h = lx_fd_host(lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    int cmd = (int)a[1];
    switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
        int nh = fcntl(h, cmd, 3);
        if (nh < 0) return -errno;
        int g = lx_fd_alloc(lx, nh, (int)a[2]);
        if (g < 0) close(nh);
        return g;
    }
    case F_GETFD: case F_SETFD: case F_GETFL: case F_SETFL: case F_GETOWN: case F_SETOWN:
    case F_GETPIPE_SZ: case F_SETPIPE_SZ: case F_ADD_SEALS: case F_GET_SEALS:
        /* the host fd's flags are the guest's (FD_CLOEXEC included) */
        return ERR(fcntl(h, cmd, (long)a[2]));
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK:
    case F_OFD_SETLKW: {
        struct flock fl; /* same layout on 64-bit Linux */
        int rc = 0;
        void *p = copy_in(m, a[2], sizeof fl, &rc);
        if (!p) return rc;
        memcpy(&fl, p, sizeof fl);
        free(p);
        if (fcntl(h, cmd, &fl)) return -errno;
        return copy_out(m, a[2], &fl, sizeof fl);
    }
    }
    return -EINVAL;
}

static int64_t sys_ioctl(vm_machine *m, uint64_t *a)
{
    int h = lx_fd_host(&m->lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    unsigned long req = (unsigned long)a[1];
    size_t size;
    int in = 0, out = 0;
    switch (req) {
    /* the kernel's struct termios (36 bytes) and winsize are generic */
    case TCGETS: size = 36; out = 1; break;
    case TCSETS: case TCSETSW: case TCSETSF: size = 36; in = 1; break;
    case TIOCGWINSZ: size = 8; out = 1; break;
    case TIOCSWINSZ: size = 8; in = 1; break;
    case FIONREAD: case TIOCGPGRP: size = 4; out = 1; break;
    case TIOCSPGRP: case FIONBIO: size = 4; in = 1; break;
    case FIOCLEX: case FIONCLEX: return 0;
    default: return -ENOTTY;
    }
    unsigned char buf[64];
    int rc = 0;
    if (in) {
        void *p = copy_in(m, a[2], size, &rc);
        if (!p) return rc;
        memcpy(buf, p, size);
        free(p);
    }
    if (ioctl(h, req, buf) < 0) return -errno;
    if (out && copy_out(m, a[2], buf, size)) return -EFAULT;
    return 0;
}

static int64_t sys_pipe2(vm_machine *m, uint64_t *a)
{
    int p[2];
    if (pipe2(p, (int)a[1])) return -errno;
    int g0 = lx_fd_alloc(&m->lx, p[0], 0);
    int g1 = g0 < 0 ? g0 : lx_fd_alloc(&m->lx, p[1], 0);
    int32_t g[2] = {g0, g1};
    if (g0 < 0 || g1 < 0 || copy_out(m, a[0], g, 8)) {
        if (g0 >= 0) lx_fd_close(&m->lx, g0);
        else close(p[0]);
        if (g1 >= 0) lx_fd_close(&m->lx, g1);
        else close(p[1]);
        return g0 < 0 ? g0 : g1 < 0 ? g1 : -EFAULT;
    }
    return 0;
}

static int64_t sys_dup3(vm_machine *m, uint64_t *a, int is_dup3)
{
    vm_linux *lx = &m->lx;
    int h = lx_fd_host(lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    if (is_dup3 && a[0] == a[1]) return -EINVAL;
    if ((int64_t)a[1] < 0 || a[1] >= 65536) return -EBADF;
    if (is_dup3 && (a[2] & ~(uint64_t)O_CLOEXEC)) return -EINVAL;
    int nh = fcntl(h, (a[2] & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 3);
    if (nh < 0) return -errno;
    return lx_fd_set(lx, (int)a[1], nh);
}

static int64_t sys_dup(vm_machine *m, uint64_t *a)
{
    int h = lx_fd_host(&m->lx, (int64_t)a[0]);
    if (h < 0) return -EBADF;
    int nh = fcntl(h, F_DUPFD, 3);
    if (nh < 0) return -errno;
    int g = lx_fd_alloc(&m->lx, nh, 0);
    if (g < 0) close(nh);
    return g;
}

static int64_t sys_ppoll(vm_machine *m, uint64_t *a)
{
    uint64_t n = a[1];
    if (n > 4096) return -EINVAL;
    int rc = 0;
    struct pollfd *g = copy_in(m, a[0], n * sizeof *g, &rc);
    if (!g) return rc;
    struct pollfd *hp = malloc((n ? n : 1) * sizeof *hp);
    if (!hp) {
        free(g);
        return -ENOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        hp[i] = g[i];
        hp[i].fd = g[i].fd < 0 ? -1 : lx_fd_host(&m->lx, g[i].fd);
        if (g[i].fd >= 0 && hp[i].fd < 0) hp[i].fd = -1; /* POLLNVAL below */
    }
    struct timespec ts, *tp = NULL;
    if (a[2]) {
        void *p = copy_in(m, a[2], sizeof ts, &rc);
        if (!p) {
            free(g);
            free(hp);
            return rc;
        }
        memcpy(&ts, p, sizeof ts);
        free(p);
        tp = &ts;
    }
    int r = ppoll(hp, n, tp, NULL);
    if (r < 0) r = -errno;
    else
        for (uint64_t i = 0; i < n; i++) {
            g[i].revents = hp[i].revents;
            if (g[i].fd >= 0 && hp[i].fd < 0) g[i].revents = POLLNVAL;
        }
    if (r >= 0) copy_out(m, a[0], g, n * sizeof *g);
    free(g);
    free(hp);
    return r;
}

/* {==== memory =========================================================== */

static int prot_guest(uint64_t p)
{
    return ((p & PROT_READ) ? VM_PROT_R : 0) | ((p & PROT_WRITE) ? VM_PROT_W : 0) |
           ((p & PROT_EXEC) ? VM_PROT_X : 0);
}

static void invalidate(vm_machine *m, uint64_t va, uint64_t len)
{
    m->eng->invalidate(m->eng_state, va, len);
}

static int64_t sys_brk(vm_machine *m, uint64_t *a)
{
    vm_linux *lx = &m->lx;
    uint64_t want = a[0];
    if (want < lx->brk_start || want >= VM_MMAP_BOTTOM + (VM_MMAP_TOP - VM_MMAP_BOTTOM) / 2)
        return (int64_t)lx->brk_cur;
    /* with --pages=2m the heap grows in 2 MiB steps, so it can be superpages */
    uint64_t step = m->hart.mem->pages == VM_PAGES_2M ? VM_FRAME_2M : VM_PAGE_SIZE;
    uint64_t old_end = (lx->brk_cur + step - 1) & ~(step - 1);
    uint64_t new_end = (want + step - 1) & ~(step - 1);
    if (lx->brk_cur == lx->brk_start) old_end = (lx->brk_start + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    if (new_end > old_end) {
        if (!vm_mem_is_free(m->hart.mem, old_end, new_end - old_end)) return (int64_t)lx->brk_cur;
        if (vm_mem_map(m->hart.mem, old_end, new_end - old_end, VM_PROT_R | VM_PROT_W, 0, NULL))
            return (int64_t)lx->brk_cur;
    } else if (new_end < old_end) {
        vm_mem_unmap(m->hart.mem, new_end, old_end - new_end);
        invalidate(m, new_end, old_end - new_end);
    }
    lx->brk_cur = want;
    return (int64_t)want;
}

static int64_t sys_mmap(vm_machine *m, uint64_t *a)
{
    uint64_t addr = a[0], len = a[1];
    int prot = prot_guest(a[2]), flags = (int)a[3];
    int64_t gfd = (int64_t)a[4];
    uint64_t off = a[5];
    if (!len) return -EINVAL;
    if (off & VM_PAGE_MASK) return -EINVAL;
    if (len > VM_VA_LIMIT) return -ENOMEM;
    len = (len + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    int type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) return -EINVAL;
    int fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed) {
        if (addr & VM_PAGE_MASK) return -EINVAL;
        if (addr >= VM_VA_LIMIT || len > VM_VA_LIMIT - addr) return -ENOMEM;
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
            !vm_mem_is_free(m->hart.mem, addr, len))
            return -EEXIST;
    } else {
        addr &= ~VM_PAGE_MASK;
        if (!addr || addr < VM_MMAP_BOTTOM || addr >= VM_VA_LIMIT || len > VM_VA_LIMIT - addr ||
            !vm_mem_is_free(m->hart.mem, addr, len))
            addr = vm_mem_find_free(m->hart.mem, len, vm_mem_map_align(m->hart.mem, len),
                                    VM_MMAP_BOTTOM, VM_MMAP_TOP);
        if (!addr) return -ENOMEM;
    }
    if (flags & MAP_ANONYMOUS) {
        if (vm_mem_map(m->hart.mem, addr, len, prot, 0, NULL)) return -ENOMEM;
        invalidate(m, addr, len);
        return (int64_t)addr;
    }
    int h = lx_fd_host(&m->lx, gfd);
    if (h < 0) return -EBADF;
    struct stat st;
    if (fstat(h, &st)) return -errno;
    /* pages past the end of the file: SIGBUS on access, as on Linux */
    uint64_t file_pages = 0;
    if (S_ISREG(st.st_mode)) {
        uint64_t fsz = (uint64_t)st.st_size;
        file_pages = fsz > off ? ((fsz - off + VM_PAGE_MASK) & ~VM_PAGE_MASK) : 0;
        if (file_pages > len) file_pages = len;
    } else {
        file_pages = len;
    }
    if (file_pages) {
        int rc = vm_mem_map_file(m->hart.mem, addr, file_pages, prot, h, off, type != MAP_PRIVATE);
        if (rc) return rc;
    }
    if (len > file_pages &&
        vm_mem_map(m->hart.mem, addr + file_pages, len - file_pages, prot, VM_PAGE_BEYOND, NULL))
        return -ENOMEM;
    invalidate(m, addr, len);
    return (int64_t)addr;
}

static int64_t sys_munmap(vm_machine *m, uint64_t *a)
{
    uint64_t addr = a[0], len = (a[1] + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    if ((addr & VM_PAGE_MASK) || !len) return -EINVAL;
    if (addr >= VM_VA_LIMIT || len > VM_VA_LIMIT - addr) return -EINVAL;
    vm_mem_unmap(m->hart.mem, addr, len);
    invalidate(m, addr, len);
    return 0;
}

static int64_t sys_mprotect(vm_machine *m, uint64_t *a)
{
    uint64_t addr = a[0], len = (a[1] + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    if (addr & VM_PAGE_MASK) return -EINVAL;
    if (!len) return 0;
    int why = 0;
    if (addr >= VM_VA_LIMIT || len > VM_VA_LIMIT - addr) return -ENOMEM;
    if (vm_mem_protect(m->hart.mem, addr, len, prot_guest(a[2]), &why)) return -why;
    invalidate(m, addr, len);
    return 0;
}

static int64_t sys_mremap(vm_machine *m, uint64_t *a)
{
    uint64_t old = a[0], olen = (a[1] + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    uint64_t nlen = (a[2] + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    int flags = (int)a[3];
    if ((old & VM_PAGE_MASK) || !nlen) return -EINVAL;
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) return -EINVAL;
    if ((flags & MREMAP_FIXED) && (!(flags & MREMAP_MAYMOVE) || (a[4] & VM_PAGE_MASK)))
        return -EINVAL;
    if (old >= VM_VA_LIMIT || olen > VM_VA_LIMIT - old) return -EFAULT;
    for (uint64_t p = old; p < old + olen; p += VM_PAGE_SIZE)
        if (!(vm_mem_entry(m->hart.mem, p) & VM_PAGE_PRESENT)) return -EFAULT;
    int prot = (int)(vm_mem_entry(m->hart.mem, old) & 7);
    if (flags & MREMAP_FIXED) { /* to [na, na + nlen), replacing what is there */
        uint64_t na = a[4], keep = nlen < olen ? nlen : olen;
        if (na >= VM_VA_LIMIT || nlen > VM_VA_LIMIT - na || (na < old + olen && old < na + nlen))
            return -EINVAL;
        vm_mem_unmap(m->hart.mem, na, nlen);
        invalidate(m, na, nlen);
        if (vm_mem_move(m->hart.mem, old, na, keep, NULL)) return -ENOMEM;
        if (olen > keep) vm_mem_unmap(m->hart.mem, old + keep, olen - keep);
        if (nlen > keep && vm_mem_map(m->hart.mem, na + keep, nlen - keep, prot, 0, NULL))
            return -ENOMEM;
        invalidate(m, old, olen);
        return (int64_t)na;
    }
    if (nlen <= olen) {
        if (nlen < olen) {
            vm_mem_unmap(m->hart.mem, old + nlen, olen - nlen);
            invalidate(m, old + nlen, olen - nlen);
        }
        return (int64_t)old;
    }
    if (old + nlen <= VM_VA_LIMIT && vm_mem_is_free(m->hart.mem, old + olen, nlen - olen)) {
        if (vm_mem_map(m->hart.mem, old + olen, nlen - olen, prot, 0, NULL)) return -ENOMEM;
        return (int64_t)old;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    uint64_t na = vm_mem_find_free(m->hart.mem, nlen, vm_mem_map_align(m->hart.mem, nlen),
                                   VM_MMAP_BOTTOM, VM_MMAP_TOP);
    if (!na) return -ENOMEM;
    /* the pages themselves move (their frames, file mappings included) */
    if (vm_mem_move(m->hart.mem, old, na, olen, NULL)) return -ENOMEM;
    if (vm_mem_map(m->hart.mem, na + olen, nlen - olen, prot, 0, NULL)) return -ENOMEM;
    invalidate(m, old, olen);
    return (int64_t)na;
}

static int64_t sys_madvise(vm_machine *m, uint64_t *a)
{
    uint64_t addr = a[0], len = (a[1] + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    if (addr & VM_PAGE_MASK) return -EINVAL;
    if (a[2] != MADV_DONTNEED && a[2] != MADV_FREE) return 0; /* advice only */
    /* DONTNEED: private anonymous pages read back as zero, private file pages
     * as the file: exactly what host MADV_DONTNEED does to the host pages */
    for (uint64_t p = addr; p < addr + len; p += VM_PAGE_SIZE) {
        uintptr_t e = vm_mem_entry(m->hart.mem, p);
        if (!(e & VM_PAGE_PRESENT)) return -ENOMEM;
        void *h = (void *)(e & ~(uintptr_t)VM_PAGE_MASK);
        if (h && a[2] == MADV_DONTNEED) madvise(h, VM_PAGE_SIZE, MADV_DONTNEED);
    }
    return 0;
}

/* {==== process, time, signals ========================================== */

static int64_t sys_rt_sigaction(vm_machine *m, uint64_t *a)
{
    int sig = (int)a[0];
    if (a[3] != 8) return -EINVAL;
    if (sig < 1 || sig > 64) return -EINVAL;
    vm_sigaction *sa = &m->lx.sig[sig];
    uint64_t old[3] = {sa->handler, sa->flags, sa->mask};
    if (a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
        int rc = 0;
        uint64_t *n = copy_in(m, a[1], 24, &rc);
        if (!n) return rc;
        sa->handler = n[0];
        sa->flags = n[1];
        sa->mask = n[2];
        free(n);
    }
    if (a[2] && copy_out(m, a[2], old, 24)) return -EFAULT;
    return 0;
}

static int64_t sys_rt_sigprocmask(vm_machine *m, uint64_t *a)
{
    vm_linux *lx = &m->lx;
    if (a[3] != 8) return -EINVAL;
    uint64_t old = lx->sigmask;
    if (a[1]) {
        uint64_t set;
        vm_mem_fault f;
        if (vm_mem_read(m->hart.mem, a[1], &set, 8, &f)) return -EFAULT;
        switch (a[0]) {
        case SIG_BLOCK: lx->sigmask |= set; break;
        case SIG_UNBLOCK: lx->sigmask &= ~set; break;
        case SIG_SETMASK: lx->sigmask = set; break;
        default: return -EINVAL;
        }
        lx->sigmask &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    }
    if (a[2] && copy_out(m, a[2], &old, 8)) return -EFAULT;
    return 0;
}

static int64_t sys_sigaltstack(vm_machine *m, uint64_t *a)
{
    vm_linux *lx = &m->lx;
    uint64_t sp = m->hart.cpu.x[2];
    int on = lx->ss_size && sp > lx->ss_sp && sp - lx->ss_sp <= lx->ss_size;
    uint64_t old[3] = {lx->ss_sp, (uint64_t)(on ? 1 : lx->ss_size ? 0 : 2), lx->ss_size};
    if (a[0]) {
        int rc = 0;
        uint64_t *n = copy_in(m, a[0], 24, &rc);
        if (!n) return rc;
        int fl = (int)n[1];
        if (on) {
            free(n);
            return -EPERM;
        }
        if (fl & 2) {
            lx->ss_sp = lx->ss_size = 0;
            lx->ss_flags = 2;
        } else {
            if (n[2] < 2048) {
                free(n);
                return -ENOMEM;
            }
            lx->ss_sp = n[0];
            lx->ss_size = n[2];
            lx->ss_flags = 0;
        }
        free(n);
    }
    if (a[1] && copy_out(m, a[1], old, 24)) return -EFAULT;
    return 0;
}

static int is_self(int64_t pid) { return pid == 0 || pid == getpid(); }

static int64_t sys_kill(vm_machine *m, uint64_t *a, int kind)
{
    int64_t pid = (int64_t)a[0];
    int sig = (int)(kind == 2 ? a[2] : a[1]);
    int self = kind == 2 ? is_self((int64_t)a[0]) && a[1] == (uint64_t)getpid()
                         : kind == 1 ? a[0] == (uint64_t)getpid() : is_self(pid);
    if (sig < 0 || sig > 64) return -EINVAL;
    if (self) return vm_linux_kill_self(m, sig, kind == 0 ? SI_USER : SI_TKILL);
    if (kind != 0) return -ESRCH; /* other threads do not exist */
    return ERR(kill((pid_t)pid, sig));
}

static int64_t sys_futex(vm_machine *m, uint64_t *a)
{
    int op = (int)a[1] & FUTEX_CMD_MASK;
    switch (op) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
        uint32_t v;
        vm_mem_fault f;
        if (vm_mem_read(m->hart.mem, a[0], &v, 4, &f)) return -EFAULT;
        if (v != (uint32_t)a[2]) return -EAGAIN;
        /* one thread: nobody can wake us. With a timeout, time out; without,
         * say so rather than hang. */
        if (a[3]) return -ETIMEDOUT;
        vm_linux_warn(m, "futex: wait with no other thread to wake it (returning EAGAIN)");
        return -EAGAIN;
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
        return 0;
    }
    return -ENOSYS;
}

static int64_t sys_prlimit(vm_machine *m, uint64_t *a, int which_arg, int new_arg, int old_arg)
{
    int res = (int)a[which_arg];
    struct rlimit rl;
    if (getrlimit(res, &rl)) return -errno;
    if (res == RLIMIT_STACK) rl.rlim_cur = VM_STACK_SIZE;
    if (old_arg >= 0 && a[old_arg] && copy_out(m, a[old_arg], &rl, sizeof rl)) return -EFAULT;
    (void)new_arg; /* limits the guest sets are accepted and not enforced */
    return 0;
}

static int64_t sys_uname(vm_machine *m, uint64_t *a)
{
    struct utsname u;
    if (uname(&u)) return -errno;
    snprintf(u.machine, sizeof u.machine, "riscv64");
    return copy_out(m, a[0], &u, sizeof u);
}

static int64_t unsupported(vm_machine *m, uint64_t nr, const char *what)
{
    const char *name = vm_syscall_name(nr);
    if (nr < sizeof m->lx.warned * 8 && !(m->lx.warned[nr / 8] & (1u << (nr % 8)))) {
        m->lx.warned[nr / 8] |= (unsigned char)(1u << (nr % 8));
        if (name)
            vm_linux_warn(m, "syscall %s (%llu) %s: returning ENOSYS", name,
                          (unsigned long long)nr, what);
        else
            vm_linux_warn(m, "unknown syscall %llu: returning ENOSYS", (unsigned long long)nr);
    }
    if (m->strict) {
        m->lx.stopped_error = 1;
        snprintf(m->lx.stop_msg, sizeof m->lx.stop_msg, "%s syscall %s (%llu) with --strict",
                 name ? "unsupported" : "unknown", name ? name : "?", (unsigned long long)nr);
    }
    return -ENOSYS;
}

/* {==== dispatch ========================================================= */

void vm_linux_syscall(vm_machine *m)
{
    vm_cpu *c = &m->hart.cpu;
    uint64_t nr = c->x[17];
    uint64_t a[6] = {c->x[10], c->x[11], c->x[12], c->x[13], c->x[14], c->x[15]};
    vm_linux *lx = &m->lx;
    int64_t r;
    m->syscalls++;

    switch (nr) {
    case 63: r = sys_read(m, a, 0, 0); break;
    case 64: r = sys_write(m, a, 0, 0); break;
    case 65: r = sys_rwv(m, a, 0, 0, 0); break;
    case 66: r = sys_rwv(m, a, 1, 0, 0); break;
    case 67: r = sys_read(m, a, (int64_t)a[3], 1); break;
    case 68: r = sys_write(m, a, (int64_t)a[3], 1); break;
    case 69: r = sys_rwv(m, a, 0, (int64_t)a[3], 1); break;
    case 70: r = sys_rwv(m, a, 1, (int64_t)a[3], 1); break;
    case 56: r = sys_openat(m, a); break;
    case 57: r = lx_fd_close(lx, (int64_t)a[0]); break;
    case 62: {
        int h = lx_fd_host(lx, (int64_t)a[0]);
        r = h < 0 ? -EBADF : ERR(lseek(h, (off_t)a[1], (int)a[2]));
        break;
    }
    case 80: r = sys_fstat(m, a); break;
    case 79: r = sys_newfstatat(m, a); break;
    case 291: r = sys_statx(m, a); break;
    case 61: r = sys_getdents64(m, a); break;
    case 78: r = sys_readlinkat(m, a); break;
    case 35: r = path_op(m, a, 0); break;
    case 34: r = path_op(m, a, 1); break;
    case 48: r = path_op(m, a, 2); break;
    case 439: r = path_op(m, a, 3); break;
    case 53: r = path_op(m, a, 4); break;
    case 54: r = path_op(m, a, 5); break;
    case 33: r = path_op(m, a, 6); break;
    case 38: r = sys_renameat2(m, a, 0); break;
    case 276: r = sys_renameat2(m, a, 1); break;
    case 36: r = sys_symlinkat(m, a); break;
    case 37: r = sys_linkat(m, a); break;
    case 88: r = sys_utimensat(m, a); break;
    case 17: r = sys_getcwd(m, a); break;
    case 49: r = sys_chdir(m, a, 0); break;
    case 50: r = sys_chdir(m, a, 1); break;
    case 23: r = sys_dup(m, a); break;
    case 24: r = sys_dup3(m, a, 1); break;
    case 25: r = sys_fcntl(m, a); break;
    case 29: r = sys_ioctl(m, a); break;
    case 59: r = sys_pipe2(m, a); break;
    case 73: r = sys_ppoll(m, a); break;
    case 46: case 52: case 55: case 82: case 83: case 44: {
        int h = lx_fd_host(lx, (int64_t)a[0]);
        if (h < 0) {
            r = -EBADF;
            break;
        }
        switch (nr) {
        case 46: r = ERR(ftruncate(h, (off_t)a[1])); break;
        case 52: r = ERR(fchmod(h, (mode_t)a[1])); break;
        case 55: r = ERR(fchown(h, (uid_t)a[1], (gid_t)a[2])); break;
        case 82: r = ERR(fsync(h)); break;
        case 83: r = ERR(fdatasync(h)); break;
        default: {
            unsigned char sf[120]; /* struct statfs: the same on 64-bit x86 and riscv */
            r = ERR(syscall(SYS_fstatfs, h, sf));
            if (!r) r = copy_out(m, a[1], sf, sizeof sf);
        }
        }
        break;
    }
    case 43: {
        char path[PATH_MAX], buf[PATH_MAX * 2];
        unsigned char sf[120];
        r = get_path(m, a[0], path);
        if (!r) r = ERR(syscall(SYS_statfs, host_path(lx, path, buf), sf));
        if (!r) r = copy_out(m, a[1], sf, sizeof sf);
        break;
    }
    case 81: sync(); r = 0; break;
    case 166: r = umask((mode_t)a[0]); break;

    case 214: r = sys_brk(m, a); break;
    case 222: r = sys_mmap(m, a); break;
    case 215: r = sys_munmap(m, a); break;
    case 226: r = sys_mprotect(m, a); break;
    case 216: r = sys_mremap(m, a); break;
    case 233: r = sys_madvise(m, a); break;
    case 227: case 228: case 229: r = 0; break; /* msync (copies are host mappings), mlock */
    case 259: /* riscv_flush_icache */
        invalidate(m, a[0], a[1] - a[0]);
        r = 0;
        break;

    case 93: case 94:
        lx->exited = 1;
        lx->exit_code = (int)(a[0] & 0xff);
        r = 0;
        break;
    case 96: lx->clear_tid = a[0]; r = getpid(); break;
    case 99: r = 0; break; /* set_robust_list: one thread, nothing to clean up */
    case 98: r = sys_futex(m, a); break;
    case 293: r = -ENOSYS; break; /* rseq: optional for glibc, like qemu-user */
    case 172: case 178: r = getpid(); break;
    case 173: r = getppid(); break;
    case 174: r = getuid(); break;
    case 175: r = geteuid(); break;
    case 176: r = getgid(); break;
    case 177: r = getegid(); break;
    case 148: case 150: {
        uint32_t ids[3];
        if (nr == 148) {
            uid_t u[3];
            getresuid(&u[0], &u[1], &u[2]);
            for (int i = 0; i < 3; i++) ids[i] = u[i];
        } else {
            gid_t g[3];
            getresgid(&g[0], &g[1], &g[2]);
            for (int i = 0; i < 3; i++) ids[i] = g[i];
        }
        r = 0;
        for (int i = 0; i < 3 && !r; i++) r = copy_out(m, a[i], &ids[i], 4);
        break;
    }
    case 155: r = ERR(getpgid((pid_t)a[0])); break;
    case 156: r = ERR(getsid((pid_t)a[0])); break;
    case 154: r = ERR(setpgid((pid_t)a[0], (pid_t)a[1])); break;
    case 157: r = ERR(setsid()); break;
    case 158: {
        gid_t g[256];
        int n = getgroups(256, g);
        if (n < 0) {
            r = -errno;
            break;
        }
        if (a[0] == 0) {
            r = n;
            break;
        }
        if ((int)a[0] < n) {
            r = -EINVAL;
            break;
        }
        uint32_t gg[256];
        for (int i = 0; i < n; i++) gg[i] = g[i];
        r = copy_out(m, a[1], gg, (size_t)n * 4);
        if (!r) r = n;
        break;
    }
    case 160: r = sys_uname(m, a); break;
    case 261: r = a[0] && !is_self((int64_t)a[0]) ? -EPERM : sys_prlimit(m, a, 1, 2, 3); break;
    case 163: r = sys_prlimit(m, a, 0, -1, 1); break;
    case 164: r = 0; break;
    case 165: {
        struct rusage ru;
        r = ERR(getrusage((int)a[0], &ru));
        if (!r) r = copy_out(m, a[1], &ru, sizeof ru);
        break;
    }
    case 153: {
        struct tms t;
        r = (int64_t)times(&t);
        if (a[0] && copy_out(m, a[0], &t, sizeof t)) r = -EFAULT;
        break;
    }
    case 179: {
        struct sysinfo si;
        r = ERR(sysinfo(&si));
        if (!r) r = copy_out(m, a[0], &si, sizeof si);
        break;
    }
    case 278: {
        size_t n = a[1] > 65536 ? 65536 : a[1];
        unsigned char *buf = malloc(n ? n : 1);
        if (!buf) {
            r = -ENOMEM;
            break;
        }
        ssize_t got = getrandom(buf, n, (unsigned)a[2]);
        r = got < 0 ? -errno : copy_out(m, a[0], buf, (size_t)got) ? -EFAULT : got;
        free(buf);
        break;
    }
    case 123: { /* one hart: CPU 0 */
        if (a[1] < 8) {
            r = -EINVAL;
            break;
        }
        unsigned char mask[128] = {1};
        size_t n = a[1] < sizeof mask ? a[1] : sizeof mask;
        r = copy_out(m, a[2], mask, n) ? -EFAULT : (int64_t)8;
        break;
    }
    case 122: r = 0; break;
    case 124: sched_yield(); r = 0; break;
    case 167: r = unsupported(m, nr, "is not implemented"); break;

    case 113: case 114: {
        struct timespec ts;
        r = ERR(nr == 113 ? clock_gettime((clockid_t)a[0], &ts) : clock_getres((clockid_t)a[0], &ts));
        if (!r && a[1]) r = copy_out(m, a[1], &ts, sizeof ts);
        break;
    }
    case 169: {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        r = a[0] ? copy_out(m, a[0], &tv, sizeof tv) : 0;
        break;
    }
    case 101: case 115: {
        uint64_t tsa = nr == 101 ? a[0] : a[2], rema = nr == 101 ? a[1] : a[3];
        struct timespec ts, rem;
        vm_mem_fault f;
        if (vm_mem_read(m->hart.mem, tsa, &ts, sizeof ts, &f)) {
            r = -EFAULT;
            break;
        }
        int e = nr == 101 ? (nanosleep(&ts, &rem) ? errno : 0)
                          : clock_nanosleep((clockid_t)a[0], (int)a[1], &ts, &rem);
        r = -e;
        if (e == EINTR && rema) copy_out(m, rema, &rem, sizeof rem);
        break;
    }

    case 134: r = sys_rt_sigaction(m, a); break;
    case 135: r = sys_rt_sigprocmask(m, a); break;
    case 132: r = sys_sigaltstack(m, a); break;
    case 136: r = copy_out(m, a[0], &lx->pending, 8); break;
    case 129: r = sys_kill(m, a, 0); break;
    case 130: r = sys_kill(m, a, 1); break;
    case 131: r = sys_kill(m, a, 2); break;
    case 139: r = vm_linux_sigreturn(m); break;

    case 220: case 435:
        r = unsupported(m, nr, "(threads and fork come with a later version of vmlab)");
        break;
    case 221: r = unsupported(m, nr, "(running another program is not supported yet)"); break;
    case 260: r = -ECHILD; break;
    default: r = unsupported(m, nr, "is not implemented"); break;
    }
    c->x[10] = (uint64_t)r;
}
