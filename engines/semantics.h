/*
 * The integer semantics of RV64GC, once, for every engine that executes
 * decoded instructions (the reference interpreter's switch, the threaded
 * interpreter's handlers, the JIT's helper for what it does not emit).
 *
 * This header holds the shared helpers (CSRs, sign extension). The operation
 * list itself is engines/semantics_ops.h, an X-macro file that is included
 * where the engine wants one body per operation:
 *
 *     #define SEM_OP(id, ...) case VM_RV_##id: { __VA_ARGS__; } break;
 *     switch (op) {
 *     #include "engines/semantics_ops.h"
 *     }
 *
 * Each body is written against a small vocabulary the including engine
 * defines (see the list at the top of semantics_ops.h): operand accessors
 * (A, B, IMM, PC, LEN, RD...), effects (SET_RD, JUMP, BRANCH) and memory and
 * exit actions (LOAD, STORE, AMO_PTR, TRAP, ILLEGAL, ECALL, FENCE_I). That is
 * the whole contract: how an engine keeps its operands (a decoded record, a
 * pre-decoded threaded slot) and how it leaves (a `goto`, a block exit) stay
 * its own business, while what an instruction computes is written here once.
 */
#ifndef VMLAB_SEMANTICS_H
#define VMLAB_SEMANTICS_H

#include <stdint.h>
#include <time.h>

#include "engines/cpu.h"

static inline int64_t vm_sx32(uint64_t v) { return (int64_t)(int32_t)v; }

enum { VM_CSR_FFLAGS = 0x001, VM_CSR_FRM = 0x002, VM_CSR_FCSR = 0x003, VM_CSR_CYCLE = 0xc00,
       VM_CSR_TIME = 0xc01, VM_CSR_INSTRET = 0xc02 };

/* Read a user CSR; `retired` is the exact retired-instruction count before
 * this instruction. -1: the CSR does not exist (illegal instruction). */
static inline int vm_csr_read(const vm_cpu *c, unsigned csr, uint64_t retired, uint64_t *v)
{
    switch (csr) {
    case VM_CSR_FFLAGS: *v = c->fflags; return 0;
    case VM_CSR_FRM: *v = c->frm; return 0;
    case VM_CSR_FCSR: *v = c->frm << 5 | c->fflags; return 0;
    case VM_CSR_CYCLE: /* the model retires one instruction per cycle */
    case VM_CSR_INSTRET: *v = retired; return 0;
    case VM_CSR_TIME: {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        *v = (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100; /* 10 MHz timebase */
        return 0;
    }
    }
    return -1;
}

/* Write a user CSR; -1 when it is read-only or absent. */
static inline int vm_csr_write(vm_cpu *c, unsigned csr, uint64_t v)
{
    switch (csr) {
    case VM_CSR_FFLAGS: c->fflags = v & 0x1f; return 0;
    case VM_CSR_FRM: c->frm = v & 7; return 0;
    case VM_CSR_FCSR:
        c->fflags = v & 0x1f;
        c->frm = (v >> 5) & 7;
        return 0;
    }
    return -1; /* counters are read-only, everything else is absent */
}

#endif
