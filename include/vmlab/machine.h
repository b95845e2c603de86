/*
 * The machine: one RV64GC hart, its address space, an execution engine and
 * (in user mode) the Linux personality that runs a riscv64 Linux program as
 * qemu-riscv64 does. Several machines can live in one process; each owns all
 * of its state. Create, load, run, free:
 *
 *     vm_error err;
 *     vm_machine *m = vm_machine_new(&(vm_machine_config){.engine = "interp"}, &err);
 *     if (!m || vm_machine_load(m, "hello", argc, argv, environ, &err)) ...err.msg...
 *     vm_run_result r;
 *     vm_machine_run(m, 0, &r);   // 0: no instruction limit
 *     vm_machine_free(m);
 */
#ifndef VMLAB_MACHINE_H
#define VMLAB_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmlab/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vm_machine vm_machine;

typedef struct vm_machine_config {
    const char *engine;  /* "interp" (default) */
    const char *sysroot; /* like qemu-user's -L: the program's interpreter and the
                            absolute paths it opens are looked up here first */
    int strict;          /* an unknown system call stops the machine */
    FILE *log;           /* warnings go here (default stderr), one line each */
    const char *name;    /* prefix of warnings (default "vmsh") */
    /* memory system (doc/mmu.md); NULL fields take the defaults */
    const char *mmu;      /* "sv39" (default), "sv48" or "bare" */
    const char *tlb;      /* TLB spec, e.g. "l1i=32x4:lru,l1d=64x4:plru,l2=1024x8:lru" */
    const char *tlb_mode; /* "exact" (default) or "fast" */
    const char *pages;    /* "4k" (default), "2m" or "auto" */
    const char *ad;       /* "hw" (default: the walker sets A/D) or "fault" */
    const char *shadow_tlbs[16]; /* extra TLB specs observing the same accesses */
    int nshadow_tlbs;
    uint64_t mem_size; /* guest memory in bytes, a multiple of 4 KiB from 4 MiB to
                          1 TiB; 0: the default. sv39/sv48: the size of guest physical
                          memory (default 64 GiB); bare: the most the program's
                          mappings may hold (default: no limit) */
} vm_machine_config;

vm_machine *vm_machine_new(const vm_machine_config *cfg, vm_error *err);
void vm_machine_free(vm_machine *m);

/* Load an ELF program with its arguments and environment, build its initial
 * stack as Linux does. Fails with a message naming the file and the reason. */
int vm_machine_load(vm_machine *m, const char *path, int argc, char *const argv[],
                    char *const envp[], vm_error *err);

enum vm_run_kind {
    VM_RUN_EXITED,   /* the program exited: status is its exit code */
    VM_RUN_SIGNALED, /* killed by a signal: status is the signal number */
    VM_RUN_LIMIT,    /* the instruction limit was reached; run again to go on */
    VM_RUN_ERROR,    /* the machine cannot go on (message in msg) */
    VM_RUN_BREAK,    /* stopped at a breakpoint (pc) */
    VM_RUN_HOOK,     /* a hook asked to stop */
    VM_RUN_WATCH,    /* a write hit a watchpoint (vm_machine_watch_add) */
};

typedef struct vm_run_result {
    int kind;           /* enum vm_run_kind */
    int status;         /* exit code or signal number */
    int has_addr;       /* addr is meaningful (a memory fault) */
    uint64_t addr;      /* faulting address */
    uint64_t pc;        /* pc of the last instruction, or of the faulting one */
    /* VM_RUN_WATCH: the write (has_addr, addr: its first byte) was write_len bytes,
     * made by the instruction at write_pc (a store, an atomic, or the ecall of a
     * system call); it has retired and pc is the next instruction */
    uint64_t write_pc, write_len;
    char msg[384];      /* one line: why it stopped (for signals, with disassembly) */
} vm_run_result;

/* Run until the program ends or max_insns more instructions retire
 * (max_insns == 0: no limit). */
int vm_machine_run(vm_machine *m, uint64_t max_insns, vm_run_result *res);

uint64_t vm_machine_insns(const vm_machine *m);
const char *vm_machine_engine_name(const vm_machine *m);
/* Switch engine between runs. */
int vm_machine_set_engine(vm_machine *m, const char *name, vm_error *err);
/* The engines built into this vmlab, by index from 0; NULL past the last. */
const char *vm_engine_name(int i);

/* {==== inspecting and changing the machine (debuggers, Lua, tests) ==== */

uint64_t vm_machine_pc(const vm_machine *m);
void vm_machine_set_pc(vm_machine *m, uint64_t pc);
/* Integer register r (0..31; x0 reads 0 and ignores writes), FP register
 * bits (singles are NaN-boxed). */
uint64_t vm_machine_x(const vm_machine *m, int r);
void vm_machine_set_x(vm_machine *m, int r, uint64_t v);
uint64_t vm_machine_f(const vm_machine *m, int r);
void vm_machine_set_f(vm_machine *m, int r, uint64_t v);
/* CSRs visible in user mode: fflags, frm, fcsr, cycle, instret. -1 if csr
 * is not one of them. */
int vm_machine_csr(const vm_machine *m, unsigned csr, uint64_t *v);
int vm_machine_set_csr(vm_machine *m, unsigned csr, uint64_t v);

/* Guest virtual memory, as the program sees it (permissions checked;
 * `force` writes ignore write protection, as a debugger's do). Fails with
 * VM_EFAULT naming the first inaccessible address. */
int vm_machine_read(vm_machine *m, uint64_t va, void *buf, size_t n, vm_error *err);
int vm_machine_write(vm_machine *m, uint64_t va, const void *buf, size_t n, int force,
                     vm_error *err);

/* Execute exactly n instructions (fewer if the program ends or stops). */
int vm_machine_step(vm_machine *m, uint64_t n, vm_run_result *res);

/* Breakpoints: a run stops (VM_RUN_BREAK) before executing an instruction
 * at one of these addresses; a run started at a breakpoint executes it. */
int vm_machine_break_add(vm_machine *m, uint64_t pc, vm_error *err);
int vm_machine_break_del(vm_machine *m, uint64_t pc);

/* Watchpoints: a run stops (VM_RUN_WATCH) right after an instruction or a
 * system call writes a byte of [va, va+len) (whether or not the value
 * changes), with the pc after it and the exact instruction count. Writes by
 * vm_machine_write and vm_machine_write_phys are not reported. The pages
 * holding watched bytes lose their fast-path translation for stores; other
 * accesses run at full speed (doc/lua-api.md, "Costs"). */
int vm_machine_watch_add(vm_machine *m, uint64_t va, uint64_t len, vm_error *err);
int vm_machine_watch_del(vm_machine *m, uint64_t va, uint64_t len); /* -1: no such watch */

/* Address translation, as a probe: what the MMU would do for an access of
 * the program at va, without making one (no TLB lookup or fill, no
 * statistics, no A/D update). */
typedef struct vm_translation {
    uint64_t va, pa;           /* pa: va's physical address (bare mode: pa == va) */
    uint64_t page_size;        /* of the leaf: 4 KiB, 2 MiB, 1 GiB */
    int level;                 /* leaf level of the page table: 0 for 4 KiB */
    int r, w, x;               /* the page's permissions */
    int accessed, dirty;       /* PTE A and D bits (bare: 0) */
    uint64_t pte;              /* the leaf PTE (bare: 0) */
    int in_l1i, in_l1d, in_l2; /* the TLB level holds a translation of va now */
} vm_translation;
enum vm_access {
    VM_ACCESS_ANY = 0,
    VM_ACCESS_READ = 'r',
    VM_ACCESS_WRITE = 'w',
    VM_ACCESS_EXEC = 'x'
};
/* Fails (VM_EFAULT, naming va) when nothing is mapped at va or the page does
 * not allow `access` (VM_ACCESS_ANY: any mapped page). */
int vm_machine_translate(vm_machine *m, uint64_t va, int access, vm_translation *t, vm_error *err);

/* Guest physical memory (sv39/sv48: [0, mem_size); bare: physical =
 * virtual, any mapped page whatever its permissions). Not a modelled access
 * and no permission check; a write must land in memory in use (a frame the
 * kernel handed out), invalidates translated code, and leaves TLBs alone:
 * after writing page tables, flush (vm_machine_tlb_flush) as sfence.vma would. */
int vm_machine_read_phys(vm_machine *m, uint64_t pa, void *buf, size_t n, vm_error *err);
int vm_machine_write_phys(vm_machine *m, uint64_t pa, const void *buf, size_t n, vm_error *err);
/* Guest memory size in bytes (0 in bare mode without a limit). */
uint64_t vm_machine_mem_size(const vm_machine *m);

/* Event hooks, called from the run loop: the system call (number, args) before it runs and
 * its result after; the program's end; a fault (the signal it raises, before the guest sees
 * it). A hook returning non-zero stops the run (VM_RUN_HOOK) after the event. */
typedef struct vm_hooks {
    int (*syscall_enter)(void *ud, vm_machine *m, uint64_t nr, const uint64_t args[6]);
    int (*syscall_exit)(void *ud, vm_machine *m, uint64_t nr, int64_t ret);
    void (*exit)(void *ud, vm_machine *m, const vm_run_result *r);
    int (*fault)(void *ud, vm_machine *m, int sig, uint64_t addr, uint64_t pc);
    void *ud;
} vm_hooks;
void vm_machine_set_hooks(vm_machine *m, const vm_hooks *h);

/* Name of a system call number ("write"), or NULL. */
const char *vm_syscall_name(uint64_t nr);

/* Replace the replacement policy of one TLB level ("l1i", "l1d", "l2",
 * "pwc") of the machine's real TLB hierarchy, e.g. with a policy whose
 * functions call a script through `ud` (see mem/tlb_policy.h). The level's
 * entries are kept; its policy state starts afresh. */
struct vm_tlb_policy;
int vm_machine_set_tlb_policy(vm_machine *m, const char *level, const struct vm_tlb_policy *p,
                              void *ud, vm_error *err);
/* sfence.vma: drop every cached translation (real and shadow TLBs). */
void vm_machine_tlb_flush(vm_machine *m);

/* Print the TLB statistics table (real and shadow TLBs) to f; nothing in
 * bare mode. */
void vm_machine_print_tlb(vm_machine *m, FILE *f);

/* Statistics as JSON members ("key": value, ...) without braces, so that the
 * caller can add its own; returns the length. */
int vm_machine_stats_json(vm_machine *m, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
