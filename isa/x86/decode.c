/*
 * x86-64 decoding and disassembly through Zydis (see vmlab/x86.h). A thin
 * layer: Zydis does the work; this file fixes the record the rest of vmlab
 * sees (length, bytes, class, branch target, mnemonic) and the text style
 * (Intel syntax, Zydis's default formatter).
 */
#include <stdio.h>
#include <string.h>

#include "vmlab/x86.h"

#ifdef HAVE_ZYDIS
#include <Zydis/Zydis.h>

int vm_x86_available(void) { return 1; }

static int decode_full(const uint8_t *buf, size_t avail, ZydisDecodedInstruction *info,
                       ZydisDecodedOperand *ops)
{
    ZydisDecoder dec;
    if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)))
        return -1;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, buf, avail, info, ops))) return -1;
    return 0;
}

int vm_x86_decode(const uint8_t *buf, size_t avail, uint64_t ip, vm_x86_insn *out)
{
    ZydisDecodedInstruction info;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    memset(out, 0, sizeof *out);
    if (decode_full(buf, avail, &info, ops)) return -1;
    out->len = info.length;
    memcpy(out->bytes, buf, info.length);
    switch (info.meta.category) {
    case ZYDIS_CATEGORY_COND_BR: out->cls = VM_X86_CLASS_BRANCH; break;
    case ZYDIS_CATEGORY_UNCOND_BR: out->cls = VM_X86_CLASS_JUMP; break;
    case ZYDIS_CATEGORY_CALL: out->cls = VM_X86_CLASS_CALL; break;
    case ZYDIS_CATEGORY_RET: out->cls = VM_X86_CLASS_RET; break;
    default: out->cls = VM_X86_CLASS_OTHER; break;
    }
    ZyanU64 t;
    if (info.operand_count_visible > 0 && ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
        ops[0].imm.is_relative && ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&info, &ops[0], ip, &t))) {
        out->has_target = 1;
        out->target = t;
    }
    snprintf(out->mnemonic, sizeof out->mnemonic, "%s", ZydisMnemonicGetString(info.mnemonic));
    return info.length;
}

int vm_x86_disasm(const vm_x86_insn *insn, uint64_t ip, char *buf, size_t size)
{
    ZydisDecodedInstruction info;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    ZydisFormatter fmt;
    if (size) buf[0] = 0;
    if (!insn->len || decode_full(insn->bytes, insn->len, &info, ops) ||
        !ZYAN_SUCCESS(ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL)) ||
        !ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&fmt, &info, ops, info.operand_count_visible,
                                                      buf, size, ip, ZYAN_NULL))) {
        snprintf(buf, size, "?");
        return -1;
    }
    return (int)strlen(buf);
}

#else /* no Zydis */

int vm_x86_available(void) { return 0; }

int vm_x86_decode(const uint8_t *buf, size_t avail, uint64_t ip, vm_x86_insn *out)
{
    (void)buf, (void)avail, (void)ip;
    memset(out, 0, sizeof *out);
    return -1;
}

int vm_x86_disasm(const vm_x86_insn *insn, uint64_t ip, char *buf, size_t size)
{
    (void)insn, (void)ip;
    snprintf(buf, size, "?");
    return -1;
}

#endif
