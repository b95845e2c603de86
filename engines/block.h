/*
 * What the caching engines (threaded interpreter, JIT) share about guest
 * basic blocks: finding and decoding one, and knowing which guest pages hold
 * translated code so that a store into them invalidates it.
 *
 * Block: straight-line code from a pc up to and including the first
 * instruction that leaves it (branch, jump, ecall, ebreak, illegal, fence.i,
 * an atomic — see vm_block_ends), or before a breakpoint, or at a maximum
 * length. Every instruction is fetched through vm_mem_ptr(VM_ACC_FETCH) as
 * the interpreter does, so a fetch fault is found at translation and the
 * block simply ends before the faulting instruction (which then faults, with
 * the interpreter's exact trap, when it is reached).
 *
 * Code pages: a per-engine table of counts indexed by the low 20 bits of the
 * guest page number (4 GiB apart pages share a slot: harmless, a shared slot
 * only sends a store to the slow path that finds nothing to invalidate). The
 * store fast path is one load and a test; the count is the number of live
 * blocks touching pages of that slot.
 */
#ifndef VMLAB_BLOCK_H
#define VMLAB_BLOCK_H

#include <stdint.h>

#include "engines/engine.h"
#include "vmlab/riscv.h"

#define VM_BLOCK_MAX 64          /* guest instructions per block */
#define VM_CODEPAGE_BITS 20

/* Does `op` end a block? */
int vm_block_ends(int op);

/* Decode the block at pc into out[0..max) (max <= VM_BLOCK_MAX). Returns the
 * number of instructions (0: the first fetch faults, *f says how) and the
 * end address in *end. quiet: read the code without making fetch accesses
 * (vm_mem_read_force: the TLB model's exact mode must only count the fetches
 * the engine makes when it executes; permissions are then checked by those
 * fetches). A quiet decode that cannot read the first instruction makes the
 * real fetch to report its fault. */
int vm_block_decode(vm_hart *h, uint64_t pc, int max, int quiet, vm_rv_insn *out,
                    uint64_t *end, vm_mem_fault *f);
/* The same with flags: VM_BLOCK_THROUGH_BRANCHES decodes on past conditional
 * branches (their fall-through path; the block is still contiguous code). */
enum { VM_BLOCK_THROUGH_BRANCHES = 1 };
int vm_block_decode_flags(vm_hart *h, uint64_t pc, int max, int quiet, int flags,
                          vm_rv_insn *out, uint64_t *end, vm_mem_fault *f);

typedef struct vm_codepages {
    uint16_t *cnt; /* 1 << VM_CODEPAGE_BITS counters */
} vm_codepages;

int vm_codepages_init(vm_codepages *cp);
void vm_codepages_fini(vm_codepages *cp);
void vm_codepages_clear(vm_codepages *cp);
/* Count [start, end) in (delta +1) or out (-1). Returns -1 if a counter
 * would overflow (the caller then flushes everything). */
int vm_codepages_add(vm_codepages *cp, uint64_t start, uint64_t end, int delta);

/* May the store [va, va+size) touch translated code? */
static inline int vm_codepages_hit(const vm_codepages *cp, uint64_t va, unsigned size)
{
    const uint64_t mask = (1u << VM_CODEPAGE_BITS) - 1;
    return (cp->cnt[(va >> VM_PAGE_SHIFT) & mask] |
            cp->cnt[((va + size - 1) >> VM_PAGE_SHIFT) & mask]) != 0;
}

#endif
