/*
 * RISC-V RV64GC instruction decoding and disassembly.
 *
 * One decoder serves every engine, the disassembler, the JIT and the Lua
 * `vm.decoder("rv64")` object: a 16- or 32-bit encoding becomes a vm_rv_insn,
 * a flat record of operation, registers and a sign-extended immediate.
 * Compressed encodings are expanded to their base operation (len == 2).
 */
#ifndef VMLAB_RISCV_H
#define VMLAB_RISCV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vm_rv_op {
    VM_RV_ILLEGAL = 0,
#define X(id, mn, cls) VM_RV_##id,
#include "vmlab/riscv_ops.def"
#undef X
    VM_RV_NOPS
};

/* What kind of instruction an op is: for instruction-mix statistics, the
 * engines' block building and the Lua decoder's `class`. */
enum vm_rv_class {
    VM_RV_CLASS_ILLEGAL,
    VM_RV_CLASS_ALU,
    VM_RV_CLASS_MUL,
    VM_RV_CLASS_DIV,
    VM_RV_CLASS_BRANCH,
    VM_RV_CLASS_JUMP,
    VM_RV_CLASS_LOAD,
    VM_RV_CLASS_STORE,
    VM_RV_CLASS_AMO,
    VM_RV_CLASS_FLOAD,
    VM_RV_CLASS_FSTORE,
    VM_RV_CLASS_FP,
    VM_RV_CLASS_CSR,
    VM_RV_CLASS_SYSTEM,
};

typedef struct vm_rv_insn {
    uint32_t raw;   /* the encoding; only the low 16 bits when len == 2 */
    uint16_t op;    /* enum vm_rv_op */
    uint8_t len;    /* 2 or 4 bytes */
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;     /* FP: rounding mode field; AMO: aq << 1 | rl */
    int64_t imm;    /* sign-extended immediate; shift amount; CSR number;
                       fence: the 12-bit fm/pred/succ field */
} vm_rv_insn;

/* Decode the instruction whose first bytes are `raw` (the low 16 bits are
 * enough when they encode a compressed instruction). Always fills *out and
 * returns its length, 2 or 4; an illegal or reserved encoding gets op
 * VM_RV_ILLEGAL (and the length its low bits announce). */
int vm_rv_decode(uint32_t raw, vm_rv_insn *out);

/* Length in bytes announced by the low bits of an encoding. */
static inline int vm_rv_insn_len(uint32_t raw) { return (raw & 3) == 3 ? 4 : 2; }

const char *vm_rv_op_name(int op);  /* "addi", "fcvt.w.d"; "illegal" */
int vm_rv_op_class(int op);         /* enum vm_rv_class */
const char *vm_rv_class_name(int cls);

/* ABI name of integer register r ("zero", "ra", "sp"...) and FP register. */
const char *vm_rv_xreg_name(int r);
const char *vm_rv_freg_name(int r);

/* Disassemble one instruction at guest address `pc` into buf, in GNU
 * objdump's style: with pseudo-instructions and ABI names (aliases != 0) or
 * as `objdump -M no-aliases` prints it. Returns the text length. */
int vm_rv_disasm(const vm_rv_insn *insn, uint64_t pc, int aliases, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
