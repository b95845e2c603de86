/*
 * Linux user-mode personality, process side: file-descriptor table, working
 * directory, signals (actions, mask, delivery on the guest stack with an
 * rt_sigframe laid out as riscv64 Linux does, rt_sigreturn) and the mapping
 * of hart traps to signals.
 *
 * The guest has its own fd table and working directory (a host directory fd),
 * so several machines in one process do not disturb each other or the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/linux_priv.h"

void vm_linux_warn(vm_machine *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(m->log, "%s: warning: ", m->name);
    vfprintf(m->log, fmt, ap);
    fputc('\n', m->log);
    fflush(m->log);
    va_end(ap);
}

/* {==== file descriptors ================================================ */

int lx_fd_host(vm_linux *lx, int64_t gfd)
{
    if (gfd < 0 || gfd >= lx->nfds) return -1;
    return lx->fds[gfd];
}

int lx_fd_alloc(vm_linux *lx, int host, int min)
{
    if (min < 0) min = 0;
    for (int i = min; i < lx->nfds; i++)
        if (lx->fds[i] < 0) {
            lx->fds[i] = host;
            return i;
        }
    int n = lx->nfds < 64 ? 64 : lx->nfds * 2;
    while (n <= min) n *= 2;
    if (n > 65536) return -EMFILE;
    int *nf = realloc(lx->fds, sizeof *nf * (size_t)n);
    if (!nf) return -ENOMEM;
    for (int i = lx->nfds; i < n; i++) nf[i] = -1;
    int slot = lx->nfds > min ? lx->nfds : min;
    lx->fds = nf;
    lx->nfds = n;
    lx->fds[slot] = host;
    return slot;
}

/* Put host fd at guest slot `gfd`, closing what was there (dup3 semantics). */
int lx_fd_set(vm_linux *lx, int gfd, int host)
{
    if (gfd >= lx->nfds) {
        int n = lx->nfds ? lx->nfds : 64;
        while (n <= gfd) n *= 2;
        if (n > 65536) return -EBADF;
        int *nf = realloc(lx->fds, sizeof *nf * (size_t)n);
        if (!nf) return -ENOMEM;
        for (int i = lx->nfds; i < n; i++) nf[i] = -1;
        lx->fds = nf;
        lx->nfds = n;
    }
    if (lx->fds[gfd] >= 0) close(lx->fds[gfd]);
    lx->fds[gfd] = host;
    return gfd;
}

int lx_fd_close(vm_linux *lx, int64_t gfd)
{
    int h = lx_fd_host(lx, gfd);
    if (h < 0) return -EBADF;
    lx->fds[gfd] = -1;
    return close(h) ? -errno : 0;
}

/* {==== setup ============================================================ */

int vm_linux_init(vm_machine *m, const char *sysroot, vm_error *err)
{
    vm_linux *lx = &m->lx;
    memset(lx, 0, sizeof *lx);
    lx->cwd_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lx->cwd_fd < 0)
        return vm_error_set(err, VM_EIO, "working directory: %s", strerror(errno));
    if (!getcwd(lx->cwd, sizeof lx->cwd)) strcpy(lx->cwd, "/");
    if (sysroot && *sysroot) {
        if (!realpath(sysroot, lx->sysroot)) {
            int e = errno;
            close(lx->cwd_fd);
            return vm_error_set(err, VM_EINVAL, "sysroot %s: %s", sysroot, strerror(e));
        }
        if (!strcmp(lx->sysroot, "/")) lx->sysroot[0] = 0;
    }
    /* the guest gets its own copies of the standard streams */
    for (int i = 0; i < 3; i++) {
        int h = fcntl(i, F_DUPFD, 3);
        if (h >= 0 && lx_fd_set(lx, i, h) < 0) close(h);
        if (h < 0 && lx_fd_set(lx, i, -1) < 0) break;
    }
    return 0;
}

void vm_linux_fini(vm_machine *m)
{
    vm_linux *lx = &m->lx;
    for (int i = 0; i < lx->nfds; i++)
        if (lx->fds[i] >= 0) close(lx->fds[i]);
    free(lx->fds);
    lx->fds = NULL;
    lx->nfds = 0;
    if (lx->cwd_fd >= 0) close(lx->cwd_fd);
    lx->cwd_fd = -1;
}

int vm_linux_map_trampoline(vm_machine *m, vm_error *err)
{
    /* li a7, 139 (rt_sigreturn); ecall */
    static const uint32_t code[2] = {0x08b00893, 0x00000073};
    if (vm_mem_map(m->hart.mem, VM_TRAMPOLINE, VM_PAGE_SIZE, VM_PROT_R | VM_PROT_X, 0, err))
        return -1;
    return vm_mem_write_force(m->hart.mem, VM_TRAMPOLINE, code, sizeof code);
}

/* {==== signals ========================================================== */

/* Actions whose default is to do nothing. */
static int default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT ||
           sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGSTOP;
}

static void terminate(vm_machine *m, int sig)
{
    m->lx.exited = 1;
    m->lx.killed_by = sig;
}

/* Layout of riscv64 Linux's struct rt_sigframe (arch/riscv/kernel/signal.c):
 * siginfo (128 bytes), then ucontext: uc_flags, uc_link, uc_stack (24),
 * uc_sigmask (8, padded to 128), uc_mcontext at 16-byte alignment:
 * pc, x1..x31 (256 bytes), then the FP state f0..f31 and fcsr. */
enum {
    FR_INFO = 0,
    FR_UC = 128,
    UC_STACK = 16,
    UC_SIGMASK = 40,
    UC_MCONTEXT = 176,
    FR_REGS = FR_UC + UC_MCONTEXT,
    FR_FP = FR_REGS + 256,
    FR_FCSR = FR_FP + 256,
    FR_SIZE = FR_FP + 528,
};

#define SA_SIGINFO_  4
#define SA_ONSTACK_  0x08000000
#define SA_RESTART_  0x10000000
#define SA_NODEFER_  0x40000000
#define SA_RESETHAND_ 0x80000000u
#define SS_ONSTACK_  1
#define SS_DISABLE_  2

static int on_altstack(vm_linux *lx, uint64_t sp)
{
    return lx->ss_size && sp > lx->ss_sp && sp - lx->ss_sp <= lx->ss_size;
}

/* Deliver `sig` to its handler: build the frame and enter the handler.
 * Returns 0, or -1 if the frame cannot be written (the guest then dies). */
static int deliver(vm_machine *m, int sig, int code, uint64_t addr, int is_fault)
{
    vm_linux *lx = &m->lx;
    vm_cpu *c = &m->hart.cpu;
    vm_sigaction *sa = &lx->sig[sig];
    uint64_t sp = c->x[2];
    if ((sa->flags & SA_ONSTACK_) && lx->ss_size && !(lx->ss_flags & SS_DISABLE_) &&
        !on_altstack(lx, sp))
        sp = lx->ss_sp + lx->ss_size;
    sp = (sp - FR_SIZE) & ~15ull;

    unsigned char fr[FR_SIZE];
    memset(fr, 0, sizeof fr);
    int32_t si[3] = {sig, 0, code};
    memcpy(fr + FR_INFO, si, sizeof si);
    if (is_fault) {
        memcpy(fr + FR_INFO + 16, &addr, 8);
    } else {
        int32_t pid_uid[2] = {(int32_t)getpid(), (int32_t)getuid()};
        memcpy(fr + FR_INFO + 16, pid_uid, 8);
    }
    uint64_t st[3] = {lx->ss_sp, (uint64_t)(on_altstack(lx, c->x[2]) ? SS_ONSTACK_
                                            : lx->ss_size ? 0 : SS_DISABLE_),
                      lx->ss_size};
    memcpy(fr + FR_UC + UC_STACK, st, sizeof st);
    memcpy(fr + FR_UC + UC_SIGMASK, &lx->sigmask, 8);
    memcpy(fr + FR_REGS, &c->pc, 8);
    memcpy(fr + FR_REGS + 8, &c->x[1], 31 * 8);
    memcpy(fr + FR_FP, c->f, 32 * 8);
    uint32_t fcsr = c->frm << 5 | c->fflags;
    memcpy(fr + FR_FCSR, &fcsr, 4);

    vm_mem_fault f;
    if (vm_mem_write(m->hart.mem, sp, fr, sizeof fr, &f)) return -1;

    lx->sigmask |= sa->mask;
    if (!(sa->flags & SA_NODEFER_)) lx->sigmask |= 1ull << (sig - 1);
    lx->sigmask &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    uint64_t handler = sa->handler;
    if (sa->flags & SA_RESETHAND_) sa->handler = 0;
    c->res_valid = 0;
    c->x[10] = (uint64_t)sig;
    c->x[11] = sp + FR_INFO;
    c->x[12] = sp + FR_UC;
    c->x[2] = sp;
    c->x[1] = VM_TRAMPOLINE;
    c->pc = handler;
    return 0;
}

/* Raise `sig` for the guest now: run its handler, ignore it, or end the
 * program as Linux's default action would. Synchronous faults that are
 * blocked or ignored kill, as the kernel's force_sig does. */
static void raise_sig(vm_machine *m, int sig, int code, uint64_t addr, int is_fault)
{
    vm_linux *lx = &m->lx;
    vm_sigaction *sa = &lx->sig[sig];
    int blocked = (lx->sigmask >> (sig - 1)) & 1;
    if (is_fault && (blocked || sa->handler == 1)) {
        sa->handler = 0;
        lx->sigmask &= ~(1ull << (sig - 1));
        blocked = 0;
    }
    VM_TRACE(m->tracer, signal, (uint64_t)sig, (uint64_t)code, addr, blocked ? 3 : sa->handler == 1 ? 1 : sa->handler ? 0 : default_ignored(sig) ? 1 : 2);
    if (blocked) {
        lx->pending |= 1ull << (sig - 1);
        return;
    }
    if (sa->handler == 1) return; /* SIG_IGN */
    if (sa->handler == 0) {
        if (!default_ignored(sig)) terminate(m, sig);
        return;
    }
    if (deliver(m, sig, code, addr, is_fault)) {
        /* no room for the frame: Linux kills with SIGSEGV */
        lx->fault_addr = m->hart.cpu.x[2];
        terminate(m, SIGSEGV);
    }
}

void vm_linux_post_signal(vm_machine *m, int sig, int code)
{
    m->lx.pending |= 1ull << (sig - 1);
    m->lx.pending_code[sig] = code;
}

void vm_linux_deliver_pending(vm_machine *m)
{
    vm_linux *lx = &m->lx;
    while (!lx->exited) {
        uint64_t ready = lx->pending & ~lx->sigmask;
        if (!ready) return;
        int sig = __builtin_ctzll(ready) + 1;
        lx->pending &= ~(1ull << (sig - 1));
        raise_sig(m, sig, lx->pending_code[sig], 0, 0);
    }
}

int64_t vm_linux_sigreturn(vm_machine *m)
{
    vm_cpu *c = &m->hart.cpu;
    vm_linux *lx = &m->lx;
    unsigned char fr[FR_SIZE];
    vm_mem_fault f;
    if (vm_mem_read(m->hart.mem, c->x[2], fr, sizeof fr, &f)) {
        lx->fault_addr = c->x[2];
        terminate(m, SIGSEGV);
        return 0;
    }
    memcpy(&c->pc, fr + FR_REGS, 8);
    memcpy(&c->x[1], fr + FR_REGS + 8, 31 * 8);
    memcpy(c->f, fr + FR_FP, 32 * 8);
    uint32_t fcsr;
    memcpy(&fcsr, fr + FR_FCSR, 4);
    c->fflags = fcsr & 0x1f;
    c->frm = (fcsr >> 5) & 7;
    memcpy(&lx->sigmask, fr + FR_UC + UC_SIGMASK, 8);
    lx->sigmask &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    c->res_valid = 0;
    return (int64_t)c->x[10]; /* the syscall return must not clobber a0 */
}

int vm_linux_trap_signal(vm_machine *m, int *codep, uint64_t *addrp)
{
    vm_cpu *c = &m->hart.cpu;
    int sig, code;
    switch (c->trap_cause) {
    case VM_TRAP_ILLEGAL: sig = SIGILL; code = ILL_ILLOPC; break;
    case VM_TRAP_BREAKPOINT: sig = SIGTRAP; code = TRAP_BRKPT; break;
    case VM_TRAP_LOAD_MISALIGNED: case VM_TRAP_STORE_MISALIGNED: case VM_TRAP_INSN_MISALIGNED:
        sig = SIGBUS;
        code = BUS_ADRALN;
        break;
    default:
        if (c->trap_bus) {
            sig = SIGBUS;
            code = BUS_ADRERR;
        } else {
            sig = SIGSEGV;
            code = c->trap_mapped ? SEGV_ACCERR : SEGV_MAPERR;
        }
        break;
    }
    uint64_t addr = c->trap_tval;
    if (sig == SIGILL || sig == SIGTRAP) addr = c->pc;
    *codep = code;
    *addrp = addr;
    return sig;
}

void vm_linux_trap(vm_machine *m)
{
    int code;
    uint64_t addr;
    int sig = vm_linux_trap_signal(m, &code, &addr);
    m->lx.fault_addr = addr;
    m->lx.fault_code = code;
    raise_sig(m, sig, code, addr, 1);
}

int vm_linux_kill_self(vm_machine *m, int sig, int code)
{
    if (sig == 0) return 0;
    if (sig < 1 || sig > 64) return -EINVAL;
    m->lx.fault_addr = 0;
    m->lx.fault_code = code;
    vm_linux_post_signal(m, sig, code);
    return 0;
}
