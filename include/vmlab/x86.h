/*
 * x86-64 instruction decoding and disassembly, backed by Zydis: the same
 * shape as the RISC-V decoder (vmlab/riscv.h) — decode bytes into a flat
 * record, then print it — for the JIT's --jit-dump, the Lua decoder and the
 * labs that read the host code the JIT emits.
 *
 * No state is kept between calls (Zydis's decoder and formatter are set up on
 * the stack per call), so any number of threads and machines may use it.
 * Without Zydis (configure found no libzydis-dev) decoding fails (-1) and
 * vm_x86_available() is 0.
 */
#ifndef VMLAB_X86_H
#define VMLAB_X86_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What kind of instruction it is, for control-flow views and statistics. */
enum vm_x86_class {
    VM_X86_CLASS_OTHER,
    VM_X86_CLASS_BRANCH, /* conditional jump */
    VM_X86_CLASS_JUMP,   /* unconditional jump */
    VM_X86_CLASS_CALL,
    VM_X86_CLASS_RET,
};

typedef struct vm_x86_insn {
    uint8_t len;          /* 1..15 bytes */
    uint8_t bytes[15];    /* the encoding */
    uint8_t cls;          /* enum vm_x86_class */
    uint8_t has_target;   /* a relative branch, jump or call: target is set */
    uint64_t target;      /* its absolute target, given the ip it was decoded at */
    char mnemonic[24];    /* "mov", "jnz" */
} vm_x86_insn;

/* 1 if this vmlab was built with Zydis. */
int vm_x86_available(void);

/* Decode the 64-bit-mode instruction at buf (at most `avail` bytes), which
 * lives at address ip. Returns its length, or -1 (invalid, truncated, or no
 * Zydis). */
int vm_x86_decode(const uint8_t *buf, size_t avail, uint64_t ip, vm_x86_insn *out);

/* Intel-syntax text of a decoded instruction at ip ("mov rax, qword ptr
 * [rbp+0x50]"). Returns the text length (-1 on failure, buf then "?"). */
int vm_x86_disasm(const vm_x86_insn *insn, uint64_t ip, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
