/*
 * The Sv39/Sv48 page walker: the privileged spec's translation algorithm,
 * step by step (the step numbers below are the spec's).
 */
#include <string.h>

#include "mem/walk.h"

static int read_pte(vm_phys *p, uint64_t a, uint64_t *pte)
{
    if (a + 8 > p->size) return -1;
    memcpy(pte, vm_phys_host(p, a), 8);
    return 0;
}

int vm_walk(vm_phys *p, const vm_walk_cfg *cfg, vm_pwc *pwc, uint64_t va, int acc,
            vm_walk_result *r)
{
    int levels = cfg->mode == VM_MMU_SV48 ? 4 : 3;
    memset(r, 0, sizeof *r);
    if (!vm_va_canonical(cfg->mode, va)) return -1;
    /* 1. a = satp.ppn * PAGESIZE, i = LEVELS - 1 */
    uint64_t a = cfg->root, pte = 0, pte_addr = 0;
    int i = levels - 1;
    for (;;) {
        /* 2. pte = the PTE at a + va.vpn[i] * PTESIZE (a page-walk cache may
         * hold non-leaf entries) */
        uint64_t vpn_i = (va >> (12 + 9 * i)) & 511;
        pte_addr = a + vpn_i * 8;
        r->levels++;
        if (pwc && i > 0 && vm_pwc_lookup(pwc, i, va, &pte)) {
            r->pwc_hits++;
        } else {
            r->mem_accesses++;
            if (read_pte(p, pte_addr, &pte)) return -1;
        }
        /* 3. invalid or reserved encodings */
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) || (pte & PTE_RESERVED)) return -1;
        /* 4. a leaf has R or X; otherwise descend */
        if (pte & (PTE_R | PTE_X)) break;
        if (pwc && i > 0) vm_pwc_insert(pwc, i, va, pte);
        if (--i < 0) return -1;
        a = PTE_PPN(pte) << 12;
    }
    /* 5. permissions of the leaf for this access and privilege */
    if (cfg->user ? !(pte & PTE_U) : ((pte & PTE_U) && (!cfg->sum || acc == VM_ACC_FETCH)))
        return -1;
    switch (acc) {
    case VM_ACC_FETCH: if (!(pte & PTE_X)) return -1; break;
    case VM_ACC_READ: if (!(pte & PTE_R) && !(cfg->mxr && (pte & PTE_X))) return -1; break;
    case VM_ACC_WRITE: if (!(pte & PTE_W)) return -1; break;
    }
    /* 6. a superpage's low PPN fields must be zero */
    if (i > 0 && (PTE_PPN(pte) & ((1ull << (9 * i)) - 1))) return -1;
    /* 7. accessed/dirty bits */
    if (!(pte & PTE_A) || (acc == VM_ACC_WRITE && !(pte & PTE_D))) {
        if (cfg->ad == VM_AD_FAULT) {
            r->ad_fault = 1;
            return -1;
        }
        pte |= PTE_A | (acc == VM_ACC_WRITE ? PTE_D : 0);
        memcpy(vm_phys_host(p, pte_addr), &pte, 8);
        r->mem_accesses++;
    }
    /* 8. the physical address; a superpage takes the low VPN fields from va */
    uint64_t ppn = PTE_PPN(pte);
    if (i > 0) ppn = (ppn & ~((1ull << (9 * i)) - 1)) | ((va >> 12) & ((1ull << (9 * i)) - 1));
    r->pa = (ppn << 12) | (va & 0xfff);
    r->pte = pte;
    r->pte_addr = pte_addr;
    r->level = i;
    return 0;
}
