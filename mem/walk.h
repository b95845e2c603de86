/*
 * RISC-V Sv39/Sv48 page-table entries and the hardware page walker, exactly
 * as the privileged specification (section "Virtual Address Translation
 * Process") defines them: valid/reserved encodings, leaf permissions,
 * U/SUM/MXR, misaligned superpages, A/D either updated by the walker or
 * raising a page fault.
 *
 * The walker reads page-table entries from guest physical memory; every
 * memory access it makes is counted (and may be served by a page-walk cache
 * the caller supplies), since walk cost is what TLB labs measure.
 */
#ifndef VMLAB_WALK_H
#define VMLAB_WALK_H

#include <stdint.h>

#include "mem/access.h"
#include "mem/phys.h"

enum {
    PTE_V = 1 << 0, PTE_R = 1 << 1, PTE_W = 1 << 2, PTE_X = 1 << 3,
    PTE_U = 1 << 4, PTE_G = 1 << 5, PTE_A = 1 << 6, PTE_D = 1 << 7,
    /* RSW (bits 8-9) is the kernel's: vmlab's user mode keeps two facts there */
    PTE_SW_HOSTRO = 1 << 8, /* backed by a read-only host file mapping */
    PTE_SW_BEYOND = 1 << 9, /* file page past the end of the file: SIGBUS */
};
#define PTE_PPN_SHIFT 10
#define PTE_PPN(pte)  (((pte) >> 10) & ((1ull << 44) - 1))
/* bits 63:54 (N, PBMT and reserved) must be zero without Svnapot/Svpbmt */
#define PTE_RESERVED  (~((1ull << 54) - 1))

enum vm_mmu_mode { VM_MMU_BARE = 0, VM_MMU_SV39 = 39, VM_MMU_SV48 = 48 };
enum vm_ad_mode { VM_AD_HW = 0, VM_AD_FAULT = 1 };

typedef struct vm_walk_cfg {
    int mode;       /* VM_MMU_SV39 / VM_MMU_SV48 */
    uint64_t root;  /* physical address of the root table (satp.PPN << 12) */
    int user;       /* the access is from U-mode */
    int sum, mxr;   /* sstatus.SUM, sstatus.MXR */
    int ad;         /* enum vm_ad_mode */
} vm_walk_cfg;

/* A page-walk cache, if the caller has one: asked for a non-leaf entry at
 * (level, va prefix) before memory is read (implemented in tlb.c). */
typedef struct vm_pwc vm_pwc;
int vm_pwc_lookup(vm_pwc *c, int level, uint64_t va, uint64_t *pte);
void vm_pwc_insert(vm_pwc *c, int level, uint64_t va, uint64_t pte);

typedef struct vm_walk_result {
    uint64_t pa;        /* translated physical address (when ok) */
    uint64_t pte;       /* the leaf PTE (after A/D update) */
    uint64_t pte_addr;  /* its physical address */
    int level;          /* leaf level: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB */
    int levels;         /* page-table entries examined (levels visited) */
    int mem_accesses;   /* PTE reads + A/D writes made by this walk */
    int pwc_hits;       /* non-leaf reads served by the page-walk cache */
    int ad_fault;       /* failed only because A/D needed updating in VM_AD_FAULT mode */
} vm_walk_result;

/* Translate va for an access of type acc (VM_ACC_*). Returns 0, or -1 for a
 * page fault (access fault on a PTE outside physical memory is a fault
 * too). */
int vm_walk(vm_phys *p, const vm_walk_cfg *cfg, vm_pwc *pwc, uint64_t va, int acc,
            vm_walk_result *r);

/* Canonical check: bits 63..VA_BITS-1 equal bit VA_BITS-1. */
static inline int vm_va_canonical(int mode, uint64_t va)
{
    int bits = mode == VM_MMU_SV48 ? 48 : 39;
    int64_t s = (int64_t)(va << (64 - bits)) >> (64 - bits);
    return (uint64_t)s == va;
}

#endif
