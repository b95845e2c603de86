/*
 * Architectural state of one RV64GC hart in user mode, shared by every engine.
 * Engines read and write it directly; it is plain data so that the JIT can
 * address its fields from generated code (offsetof) and Lua can show it.
 */
#ifndef VMLAB_CPU_H
#define VMLAB_CPU_H

#include <stdint.h>

/* Trap causes (mcause values of the privileged spec). */
enum vm_trap {
    VM_TRAP_INSN_MISALIGNED = 0,
    VM_TRAP_INSN_ACCESS = 1,
    VM_TRAP_ILLEGAL = 2,
    VM_TRAP_BREAKPOINT = 3,
    VM_TRAP_LOAD_MISALIGNED = 4,
    VM_TRAP_LOAD_ACCESS = 5,
    VM_TRAP_STORE_MISALIGNED = 6,
    VM_TRAP_STORE_ACCESS = 7,
    VM_TRAP_ECALL_U = 8,
    VM_TRAP_INSN_PAGE = 12,
    VM_TRAP_LOAD_PAGE = 13,
    VM_TRAP_STORE_PAGE = 15,
};

/* fflags bits */
enum { VM_FF_NX = 1, VM_FF_UF = 2, VM_FF_OF = 4, VM_FF_DZ = 8, VM_FF_NV = 16 };

typedef struct vm_cpu {
    uint64_t x[32];
    uint64_t f[32];     /* singles are NaN-boxed: upper 32 bits all ones */
    uint64_t pc;
    uint32_t fflags;    /* accrued exceptions, 5 bits */
    uint32_t frm;       /* dynamic rounding mode, 3 bits */
    uint64_t res_addr;  /* LR/SC reservation */
    int res_valid;
    uint64_t insns;     /* retired instructions, exact */
    /* the last trap, filled by an engine before it returns VM_STOP_TRAP */
    int trap_cause;
    uint64_t trap_tval;
    int trap_bus;       /* a load/store beyond the end of a file mapping */
    int trap_mapped;    /* the faulting page is mapped (permission fault) */
} vm_cpu;

#endif
