/* The machine's internals, shared by core/ (machine, loader, Linux personality). */
#ifndef VMLAB_MACHINE_PRIV_H
#define VMLAB_MACHINE_PRIV_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "engines/engine.h"
#include "vmlab/machine.h"
#include "trace/host_time.h"
#include "vmlab/trace.h"

/* User-mode address-space layout (Sv39 user half, like Linux on riscv64). */
#define VM_STACK_TOP    0x3ffffff000ull       /* highest stack byte + 1 */
#define VM_STACK_SIZE   (8ull << 20)
#define VM_TRAMPOLINE   0x3ffffff000ull       /* signal-return code page */
#define VM_MMAP_TOP     (VM_STACK_TOP - (128ull << 20))
#define VM_MMAP_BOTTOM  0x0000100000ull
#define VM_PIE_BASE     0x2aaaaaa000ull       /* 2/3 of the space, as ELF_ET_DYN_BASE */

typedef struct vm_sigaction {
    uint64_t handler, flags, mask;
} vm_sigaction;

/* The Linux user-mode personality: what the kernel keeps for a process. */
typedef struct vm_linux {
    int *fds;           /* guest fd -> host fd, -1 when free */
    int nfds;
    int cwd_fd;         /* host fd of the guest's working directory */
    char cwd[PATH_MAX];
    char sysroot[PATH_MAX];
    char exe[PATH_MAX]; /* absolute path of the program, for /proc/self/exe */
    uint64_t brk_start, brk_cur;
    vm_sigaction sig[65];
    uint64_t sigmask, pending;
    int pending_code[65];
    uint64_t ss_sp, ss_size;
    int ss_flags;
    uint64_t clear_tid;
    /* what the last fault was, for the signal it raises */
    uint64_t fault_addr;
    int fault_code;
    unsigned char warned[1024 / 8]; /* unknown syscalls already warned about */
    int exited, exit_code, killed_by;
    int stopped_error; /* --strict stop */
    char stop_msg[256];
} vm_linux;

struct vm_machine {
    vm_hart hart;                /* cpu + address space */
    const vm_engine_ops *eng;
    void *eng_state;
    vm_linux lx;
    int strict;
    int loaded;
    FILE *log;
    char name[32];
    uint64_t syscalls;
    double wall_s;
    char program[PATH_MAX];
    vm_hooks hooks;
    int has_hooks;
    int exit_reported;
    struct vm_tracer *tracer;    /* trace/: vm_machine_set_tracer; NULL: off */
    uint64_t trace_fine;         /* the fine events the hart was last set up for */
    vm_host_time host;           /* trace/host_time.h: system calls timed */
};

/* core/elf.c */
int vm_elf_load_program(vm_machine *m, const char *path, int argc, char *const argv[],
                        char *const envp[], vm_error *err);
/* core/linux.c */
int vm_linux_init(vm_machine *m, const char *sysroot, vm_error *err);
void vm_linux_fini(vm_machine *m);
void vm_linux_syscall(vm_machine *m);
/* A trap of the hart becomes a guest signal (delivered or fatal). */
void vm_linux_trap(vm_machine *m);
/* The signal a hart trap raises, with its si_code and address. */
int vm_linux_trap_signal(vm_machine *m, int *code, uint64_t *addr);
/* Deliver pending unblocked signals; called after each system call. */
void vm_linux_deliver_pending(vm_machine *m);
void vm_linux_warn(vm_machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vm_linux_map_trampoline(vm_machine *m, vm_error *err);

#endif
