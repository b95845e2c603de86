/* Guest basic blocks and code-page accounting for the caching engines: see block.h. */
#include <stdlib.h>
#include <string.h>

#include "engines/block.h"

int vm_block_ends(int op)
{
    switch (vm_rv_op_class(op)) {
    case VM_RV_CLASS_BRANCH:
    case VM_RV_CLASS_JUMP:
    case VM_RV_CLASS_SYSTEM: /* ecall, ebreak, fence.i, privileged (illegal); fence too */
    case VM_RV_CLASS_ILLEGAL:
    case VM_RV_CLASS_AMO: /* a store into code from an atomic ends the block anyway */
        return 1;
    }
    return 0;
}

/* Fetch the 16 bits at pc: counted (vm_mem_ptr) or quiet. */
static int fetch16(vm_hart *h, uint64_t pc, int quiet, uint16_t *v, vm_mem_fault *f)
{
    if (quiet) return vm_mem_read_force(h->mem, pc, v, 2);
    const uint16_t *p = vm_mem_ptr(h->mem, pc, VM_ACC_FETCH, f);
    if (!p) return -1;
    *v = *p;
    return 0;
}

int vm_block_decode(vm_hart *h, uint64_t pc, int max, int quiet, vm_rv_insn *out,
                    uint64_t *end, vm_mem_fault *f)
{
    return vm_block_decode_flags(h, pc, max, quiet, 0, out, end, f);
}

int vm_block_decode_flags(vm_hart *h, uint64_t pc, int max, int quiet, int flags,
                          vm_rv_insn *out, uint64_t *end, vm_mem_fault *f)
{
    int n = 0;
    uint64_t start = pc;
    vm_mem_fault f1 = {.addr = pc};
    while (n < max) {
        if (n > 0 && h->nbreak && vm_hart_is_break(h, pc)) break;
        uint16_t lo, hi = 0;
        if (fetch16(h, pc, quiet, &lo, &f1)) {
            if (n == 0) goto fault;
            break;
        }
        uint32_t raw = lo;
        if ((raw & 3) == 3) {
            if (fetch16(h, pc + 2, quiet, &hi, &f1)) {
                if (n == 0) goto fault;
                break;
            }
            raw |= (uint32_t)hi << 16;
        }
        vm_rv_decode(raw, &out[n]);
        pc += out[n].len;
        int op = out[n++].op;
        if (vm_block_ends(op) && !((flags & VM_BLOCK_THROUGH_BRANCHES) &&
                                   vm_rv_op_class(op) == VM_RV_CLASS_BRANCH))
            break;
    }
    *end = pc;
    return n;
fault:
    /* a quiet read failed: the real fetch says how (and counts, as the
     * interpreter's failing fetch does) */
    if (quiet) {
        if (!vm_mem_ptr(h->mem, start, VM_ACC_FETCH, &f1)) *f = f1;
        else if (!vm_mem_ptr(h->mem, start + 2, VM_ACC_FETCH, &f1)) *f = f1;
        else *f = (vm_mem_fault){.addr = start};
    } else {
        *f = f1;
    }
    *end = start;
    return 0;
}

int vm_codepages_init(vm_codepages *cp)
{
    cp->cnt = calloc((size_t)1 << VM_CODEPAGE_BITS, sizeof *cp->cnt);
    return cp->cnt ? 0 : -1;
}

void vm_codepages_fini(vm_codepages *cp)
{
    free(cp->cnt);
    cp->cnt = NULL;
}

void vm_codepages_clear(vm_codepages *cp)
{
    memset(cp->cnt, 0, ((size_t)1 << VM_CODEPAGE_BITS) * sizeof *cp->cnt);
}

int vm_codepages_add(vm_codepages *cp, uint64_t start, uint64_t end, int delta)
{
    const uint64_t mask = (1u << VM_CODEPAGE_BITS) - 1;
    int rc = 0;
    for (uint64_t pg = start >> VM_PAGE_SHIFT; pg <= (end - 1) >> VM_PAGE_SHIFT; pg++) {
        uint16_t *k = &cp->cnt[pg & mask];
        if (delta > 0 && *k == UINT16_MAX) rc = -1;
        else if (delta < 0 && *k == 0) continue;
        else *k = (uint16_t)(*k + delta);
    }
    return rc;
}
