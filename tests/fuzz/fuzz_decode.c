/*
 * libFuzzer harness for the RISC-V decoder and disassembler: decode the
 * input as an instruction stream (the last 8 bytes also give the pc) and
 * disassemble every instruction in both styles, and a vm_rv_insn made of
 * arbitrary field values. Checks: the decoded fields
 * are in range, and the text is NUL-terminated, fits the buffer and is a
 * prefix of the full text for every buffer size (vm_rv_disasm has snprintf
 * semantics; all sizes are tried on an input's first instruction, one size
 * on the others, which keeps the fuzzer fast). Built by tests/fuzz/run-fuzz.
 */
/* fuzz-sources: isa/riscv/decode.c isa/riscv/disasm.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "vmlab/riscv.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t off = 0; off + 2 <= size;) {
        uint32_t w = data[off] | (uint32_t)data[off + 1] << 8;
        if (off + 4 <= size) w |= (uint32_t)data[off + 2] << 16 | (uint32_t)data[off + 3] << 24;
        vm_rv_insn in;
        int len = vm_rv_decode(w, &in);
        CHECK((len == 2 || len == 4) && len == in.len && len == vm_rv_insn_len(w));
        CHECK(in.op < VM_RV_NOPS && in.rd < 32 && in.rs1 < 32 && in.rs2 < 32 && in.rs3 < 32);
        CHECK(vm_rv_op_name(in.op) != NULL);
        uint64_t pc = 0;
        memcpy(&pc, data + (size >= 8 ? size - 8 : 0), size >= 8 ? 8 : 0);
        for (int aliases = 0; aliases < 2; aliases++) {
            char full[256], small[sizeof full + 1];
            int n = vm_rv_disasm(&in, pc, aliases, full, sizeof full);
            CHECK(n > 0 && (size_t)n < sizeof full && strlen(full) == (size_t)n);
            /* every buffer size for the first instruction, one for the rest */
            size_t lo = off ? (w >> 7) % ((size_t)n + 2) : 0, hi = off ? lo : (size_t)n + 1;
            for (size_t cap = lo; cap <= hi; cap++) {
                memset(small, 'X', sizeof small);
                CHECK(vm_rv_disasm(&in, pc, aliases, cap ? small : NULL, cap) == n);
                if (cap) {
                    size_t got = strnlen(small, cap);
                    CHECK(got < cap && got == ((size_t)n < cap ? (size_t)n : cap - 1));
                    CHECK(memcmp(small, full, got) == 0);
                    CHECK(small[cap] == 'X'); /* nothing written past size */
                }
            }
        }
        /* Any struct, not only the decoder's, must be safe to print (the
         * Lua binding and the tracer may hand over their own). */
        vm_rv_insn junk = {.raw = w, .op = (uint16_t)(w % (VM_RV_NOPS + 4)),
                           .len = (uint8_t)(w >> 8), .rd = (uint8_t)(w >> 3),
                           .rs1 = (uint8_t)(w >> 11), .rs2 = (uint8_t)(w >> 19),
                           .rs3 = (uint8_t)(w >> 24), .rm = (uint8_t)(w >> 13),
                           .imm = (int64_t)((uint64_t)w << 32 | (w * 2654435761u))};
        char jbuf[128];
        int jn = vm_rv_disasm(&junk, pc, w & 1, jbuf, sizeof jbuf);
        CHECK(jn > 0 && strlen(jbuf) == ((size_t)jn < sizeof jbuf ? (size_t)jn : sizeof jbuf - 1));
        off += (size_t)len;
    }
    return 0;
}
