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
};

typedef struct vm_run_result {
    int kind;           /* enum vm_run_kind */
    int status;         /* exit code or signal number */
    int has_addr;       /* addr is meaningful (a memory fault) */
    uint64_t addr;      /* faulting address */
    uint64_t pc;        /* pc of the last instruction, or of the faulting one */
    char msg[384];      /* one line: why it stopped (for signals, with disassembly) */
} vm_run_result;

/* Run until the program ends or max_insns more instructions retire
 * (max_insns == 0: no limit). */
int vm_machine_run(vm_machine *m, uint64_t max_insns, vm_run_result *res);

uint64_t vm_machine_insns(const vm_machine *m);
const char *vm_machine_engine_name(const vm_machine *m);
/* Switch engine between runs. */
int vm_machine_set_engine(vm_machine *m, const char *name, vm_error *err);

/* Statistics as JSON members ("key": value, ...) without braces, so that the
 * caller can add its own; returns the length. */
int vm_machine_stats_json(vm_machine *m, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
