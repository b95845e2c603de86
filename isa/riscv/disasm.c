/* Placeholder: the objdump-exact disassembler replaces this file. */
#include <stdio.h>
#include "vmlab/riscv.h"

int vm_rv_disasm(const vm_rv_insn *insn, uint64_t pc, int aliases, char *buf, size_t size)
{
    (void)pc;
    (void)aliases;
    return snprintf(buf, size, "%s", vm_rv_op_name(insn->op));
}
