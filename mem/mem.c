/*
 * Guest address space: see mem.h for the design. This file has the common
 * entry points, the bare implementation (a radix table of host pages) and
 * the paged one (the kernel's side of Sv39/Sv48 page tables kept in guest
 * physical memory, translated by the TLB model).
 *
 * Paged leaf PTEs: V=1 with R/W/X/U as the mapping's protection and A/D left
 * for the walker (or the A/D fault handler) to set. Pages the program cannot
 * access at all (PROT_NONE) and file pages past the end of the file are kept
 * as V=0 entries marked present in bit 63, which hardware ignores when V=0,
 * so that the kernel still knows them (mprotect, munmap, SIGBUS).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem/mem.h"
#include "trace/host_time.h"

#define PTE_SW_PRESENT (1ull << 63) /* V=0 entry for a mapped but inaccessible page */

/* {==== bare: radix table of host pages ================================ */

#define L1_IDX(vpn) (((vpn) >> 18) & 511)
#define L2_IDX(vpn) (((vpn) >> 9) & 511)
#define L3_IDX(vpn) ((vpn) & 511)
#define ENTRY_HOST(e) ((e) & ~(uintptr_t)VM_PAGE_MASK)

static uintptr_t *leaf(const vm_mem *m, uint64_t vpn)
{
    uintptr_t **l2 = m->l1[L1_IDX(vpn)];
    if (!l2) return NULL;
    uintptr_t *l3 = l2[L2_IDX(vpn)];
    return l3 ? &l3[L3_IDX(vpn)] : NULL;
}

static uintptr_t *leaf_alloc(vm_mem *m, uint64_t vpn)
{
    uintptr_t ***l2 = &m->l1[L1_IDX(vpn)];
    if (!*l2 && !(*l2 = calloc(512, sizeof **l2))) return NULL;
    uintptr_t **l3 = &(*l2)[L2_IDX(vpn)];
    if (!*l3 && !(*l3 = calloc(512, sizeof **l3))) return NULL;
    return &(*l3)[L3_IDX(vpn)];
}

/* Release host pages of a run of leaves, coalescing contiguous ones. */
static void bare_release(vm_mem *m, uint64_t vpn, uint64_t n)
{
    uintptr_t run = 0;
    size_t run_len = 0;
    for (uint64_t i = 0; i < n; i++) {
        uintptr_t *e = leaf(m, vpn + i);
        if (!e || !(*e & VM_PAGE_PRESENT)) continue;
        uintptr_t h = ENTRY_HOST(*e);
        if (h && run + run_len == h) {
            run_len += VM_PAGE_SIZE;
        } else {
            if (run) munmap((void *)run, run_len);
            run = h;
            run_len = h ? VM_PAGE_SIZE : 0;
        }
        *e = 0;
        m->mapped_pages--;
    }
    if (run) munmap((void *)run, run_len);
}

static int bare_map(vm_mem *m, uint64_t va, uint64_t len, int prot, void *host, int flags,
                    vm_error *err)
{
    uint64_t vpn = va >> VM_PAGE_SHIFT, n = len >> VM_PAGE_SHIFT;
    /* the memory size bounds what the mappings hold (pages replaced count once) */
    uint64_t limit = m->mem_size / VM_PAGE_SIZE, present = 0;
    for (uint64_t i = 0; limit && i < n && m->mapped_pages + n > limit; i++) {
        const uintptr_t *e = leaf(m, vpn + i);
        present += e && (*e & VM_PAGE_PRESENT);
    }
    if (limit && m->mapped_pages - present + n > limit)
        return vm_error_set(err, VM_ENOMEM, "map 0x%llx+0x%llx: larger than the guest memory left",
                            (unsigned long long)va, (unsigned long long)len);
    for (uint64_t i = 0; i < n; i++)
        if (!leaf_alloc(m, vpn + i))
            return vm_error_set(err, VM_ENOMEM, "map 0x%llx: out of host memory for page tables",
                                (unsigned long long)va);
    int own = 0;
    if (!host && !(flags & VM_PAGE_BEYOND)) {
        host = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
        if (host == MAP_FAILED)
            return vm_error_set(err, VM_ENOMEM, "map 0x%llx+0x%llx: host mmap: %s",
                                (unsigned long long)va, (unsigned long long)len, strerror(errno));
        own = 1;
    }
    (void)own;
    bare_release(m, vpn, n);
    for (uint64_t i = 0; i < n; i++) {
        uintptr_t h = host ? (uintptr_t)host + (i << VM_PAGE_SHIFT) : 0;
        *leaf(m, vpn + i) = h | VM_PAGE_PRESENT | (uintptr_t)flags | (uintptr_t)(prot & 7);
    }
    m->mapped_pages += n;
    return 0;
}

/* {==== paged: the kernel's page tables ================================ */

static int levels_of(const vm_mem *m) { return m->mode == VM_MMU_SV48 ? 4 : 3; }
static inline uint64_t *pt_entry(vm_mem *m, uint64_t table, uint64_t va, int i)
{
    return (uint64_t *)vm_phys_host(m->phys, table) + ((va >> (12 + 9 * i)) & 511);
}
static inline int pte_is_leaf(uint64_t pte)
{
    return ((pte & PTE_V) && (pte & (PTE_R | PTE_X))) || (!(pte & PTE_V) && (pte & PTE_SW_PRESENT));
}
static inline uint64_t pte_make(uint64_t pa, int prot, int flags)
{
    uint64_t bits = PTE_U | ((prot & VM_PROT_R) ? PTE_R : 0) | ((prot & VM_PROT_W) ? PTE_W | PTE_R : 0) |
                    ((prot & VM_PROT_X) ? PTE_X : 0) | ((flags & VM_PAGE_HOSTRO) ? PTE_SW_HOSTRO : 0);
    uint64_t pte = ((pa >> 12) << PTE_PPN_SHIFT) | bits;
    if ((flags & VM_PAGE_BEYOND) || !(prot & 7))
        return pte | PTE_SW_PRESENT | ((flags & VM_PAGE_BEYOND) ? PTE_SW_BEYOND : 0); /* V=0 */
    return pte | PTE_V;
}
static inline int pte_prot(uint64_t pte)
{
    /* R without W... as stored; W implies R here (Linux on RISC-V maps write-only as RW) */
    return ((pte & PTE_R) ? VM_PROT_R : 0) | ((pte & PTE_W) ? VM_PROT_W : 0) |
           ((pte & PTE_X) ? VM_PROT_X : 0);
}

/* Replace the superpage leaf in *slot (at level i) by a table of 512 leaves
 * one level down covering the same memory with the same bits. */
static int pt_split(vm_mem *m, uint64_t *slot, int i)
{
    uint64_t t = vm_phys_alloc(m->phys, VM_FRAME_4K);
    if (!t) return -1;
    m->pt_pages++;
    uint64_t pte = *slot, *child = vm_phys_host(m->phys, t);
    uint64_t step = 1ull << (9 * (i - 1)); /* child size in 4 KiB pages */
    for (int k = 0; k < 512; k++) {
        uint64_t ppn = PTE_PPN(pte) + (uint64_t)k * step;
        child[k] = (pte & ~(((1ull << 44) - 1) << PTE_PPN_SHIFT)) | (ppn << PTE_PPN_SHIFT);
        if ((pte & PTE_SW_BEYOND)) child[k] = pte;
    }
    *slot = ((t >> 12) << PTE_PPN_SHIFT) | PTE_V;
    if (i == 1) m->superpages--;
    return 0;
}

/* The slot of va at level `target`, creating tables and splitting
 * superpages in the way when `create`; NULL if absent (or no memory). */
static uint64_t *pt_slot(vm_mem *m, uint64_t va, int target, int create)
{
    uint64_t table = m->root;
    for (int i = levels_of(m) - 1;; i--) {
        uint64_t *slot = pt_entry(m, table, va, i);
        if (i == target) return slot;
        uint64_t pte = *slot;
        if (!(pte & PTE_V) && !(pte & PTE_SW_PRESENT)) {
            if (!create) return NULL;
            uint64_t t = vm_phys_alloc(m->phys, VM_FRAME_4K);
            if (!t) return NULL;
            m->pt_pages++;
            *slot = ((t >> 12) << PTE_PPN_SHIFT) | PTE_V;
            table = t;
        } else if (pte_is_leaf(pte)) {
            if (!create || pt_split(m, slot, i)) return NULL;
            table = PTE_PPN(*slot) << 12;
        } else {
            table = PTE_PPN(pte) << 12;
        }
    }
}

/* The leaf covering va and its level; NULL if unmapped, then *hole is the
 * size of the aligned empty region around va. */
static uint64_t *pt_leaf(vm_mem *m, uint64_t va, int *level, uint64_t *hole)
{
    uint64_t table = m->root;
    for (int i = levels_of(m) - 1; i >= 0; i--) {
        uint64_t *slot = pt_entry(m, table, va, i);
        uint64_t pte = *slot;
        if (!(pte & PTE_V) && !(pte & PTE_SW_PRESENT)) {
            if (hole) *hole = 1ull << (12 + 9 * i);
            return NULL;
        }
        if (pte_is_leaf(pte)) {
            *level = i;
            return slot;
        }
        table = PTE_PPN(pte) << 12;
    }
    if (hole) *hole = VM_PAGE_SIZE;
    return NULL;
}

static int pte_has_frame(uint64_t pte) { return !(pte & PTE_SW_BEYOND); }

/* Remove the mappings of [va, va+len), releasing their frames. */
static void pt_unmap(vm_mem *m, uint64_t va, uint64_t len)
{
    uint64_t end = va + len;
    while (va < end) {
        int lv;
        uint64_t hole = VM_PAGE_SIZE;
        uint64_t *slot = pt_leaf(m, va, &lv, &hole);
        if (!slot) {
            va = (va & ~(hole - 1)) + hole;
            continue;
        }
        uint64_t size = 1ull << (12 + 9 * lv);
        if (lv > 0 && ((va & (size - 1)) || va + size > end)) {
            slot = pt_slot(m, va, 0, 1); /* split down to 4 KiB */
            if (!slot) return;
            lv = 0;
            size = VM_PAGE_SIZE;
        }
        if (pte_has_frame(*slot)) vm_phys_release(m->phys, PTE_PPN(*slot) << 12, size);
        if (lv == 1) m->superpages--;
        *slot = 0;
        m->mapped_pages -= size >> VM_PAGE_SHIFT;
        va += size;
    }
}

static int paged_map(vm_mem *m, uint64_t va, uint64_t len, int prot, int flags, vm_error *err)
{
    /* fail at once, not after filling physical memory page by page */
    if (!(flags & VM_PAGE_BEYOND) &&
        len / VM_PAGE_SIZE > m->phys->size / VM_PAGE_SIZE - m->phys->frames_in_use)
        return vm_error_set(err, VM_ENOMEM, "map 0x%llx+0x%llx: larger than guest physical memory left",
                            (unsigned long long)va, (unsigned long long)len);
    pt_unmap(m, va, len);
    uint64_t end = va + len;
    uint64_t big = (flags & VM_PAGE_BEYOND) ? 0 : vm_mem_map_align(m, len);
    while (va < end) {
        if (big && !(va & (VM_FRAME_2M - 1)) && va + VM_FRAME_2M <= end) {
            uint64_t f = vm_phys_alloc(m->phys, VM_FRAME_2M);
            uint64_t *slot = f ? pt_slot(m, va, 1, 1) : NULL;
            if (slot) {
                *slot = pte_make(f, prot, flags);
                m->superpages++;
                m->mapped_pages += VM_FRAME_2M >> VM_PAGE_SHIFT;
                va += VM_FRAME_2M;
                continue;
            }
            if (f) vm_phys_release(m->phys, f, VM_FRAME_2M);
        }
        uint64_t f = (flags & VM_PAGE_BEYOND) ? 0 : vm_phys_alloc(m->phys, VM_FRAME_4K);
        uint64_t *slot = (f || (flags & VM_PAGE_BEYOND)) ? pt_slot(m, va, 0, 1) : NULL;
        if (!slot) {
            if (f) vm_phys_release(m->phys, f, VM_FRAME_4K);
            return vm_error_set(err, VM_ENOMEM, "map 0x%llx: guest physical memory exhausted",
                                (unsigned long long)va);
        }
        *slot = pte_make(f, prot, flags);
        m->mapped_pages++;
        va += VM_PAGE_SIZE;
    }
    return 0;
}

/* {==== common entry points ============================================ */

static void forget_recent(vm_mem *m);
static void forget_translations(vm_mem *m);

vm_mem *vm_mem_new(const vm_mem_config *cfg, vm_error *err)
{
    vm_mem *m = calloc(1, sizeof *m);
    if (!m) {
        vm_error_set(err, VM_ENOMEM, "address space: out of host memory");
        return NULL;
    }
    vm_mem_config bare = {.mmu = VM_MMU_BARE};
    if (!cfg) cfg = &bare;
    m->mode = cfg->mmu;
    /* bare mode without a size: no limit (0) */
    m->mem_size = cfg->mem_size ? cfg->mem_size : cfg->mmu == VM_MMU_BARE ? 0 : VM_PHYS_SIZE;
    if (cfg->mem_size && ((cfg->mem_size & VM_PAGE_MASK) || cfg->mem_size < VM_MEM_MIN ||
                          cfg->mem_size > VM_MEM_MAX)) {
        vm_error_set(err, VM_EINVAL,
                     "memory size %llu: must be a multiple of 4 KiB from 4 MiB to 1 TiB",
                     (unsigned long long)cfg->mem_size);
        goto fail;
    }
    m->pages = cfg->pages;
    m->tlb_mode = cfg->tlb_mode;
    forget_recent(m);
    forget_translations(m);
    if (m->mode == VM_MMU_BARE) return m;
    if (m->mode != VM_MMU_SV39 && m->mode != VM_MMU_SV48) {
        vm_error_set(err, VM_EINVAL, "mmu mode %d: expected bare, sv39 or sv48", m->mode);
        goto fail;
    }
    if (!(m->phys = vm_phys_new(m->mem_size, err))) goto fail;
    m->root = vm_phys_alloc(m->phys, VM_FRAME_4K);
    m->pt_pages = 1;
    m->wcfg = (vm_walk_cfg){.mode = m->mode, .root = m->root, .user = 1, .ad = cfg->ad};
    if (!(m->tlb = vm_tlb_hier_new(cfg->tlb, err))) goto fail;
    if (cfg->nshadows > VM_MAX_SHADOWS) {
        vm_error_set(err, VM_EINVAL, "at most %d shadow TLB configurations", VM_MAX_SHADOWS);
        goto fail;
    }
    for (int i = 0; i < cfg->nshadows; i++) {
        if (!(m->shadow[i] = vm_tlb_hier_new(cfg->shadows[i], err))) goto fail;
        m->nshadows++;
    }
    /* the repeat-hit shortcut is exact only for page sizes that every
     * hierarchy's L1 of that kind holds */
    for (int k = 0; k < 2; k++) {
        unsigned s = 0xf;
        for (int i = -1; i < m->nshadows; i++) {
            vm_tlb_hier *h = i < 0 ? m->tlb : m->shadow[i];
            vm_tlb *l1 = h->lv[k ? VM_TLB_L1I : VM_TLB_L1D];
            s &= l1 ? (unsigned)l1->sizes : 0;
        }
        m->short_sizes[k] = s;
    }
    m->exact = cfg->tlb_mode == VM_TLBMODE_EXACT;
    m->use_hot = m->exact && !m->nshadows; /* (`hot` was emptied above) */
    vm_mem_policy_changed(m);
    return m;
fail:
    vm_mem_free(m);
    return NULL;
}

void vm_mem_free(vm_mem *m)
{
    if (!m) return;
    for (int i = 0; i < 512; i++) {
        if (!m->l1[i]) continue;
        for (int j = 0; j < 512; j++) {
            if (!m->l1[i][j]) continue;
            bare_release(m, ((uint64_t)i << 18) | ((uint64_t)j << 9), 512);
            free(m->l1[i][j]);
        }
        free(m->l1[i]);
    }
    vm_phys_free(m->phys);
    vm_tlb_hier_free(m->tlb);
    for (int i = 0; i < m->nshadows; i++) vm_tlb_hier_free(m->shadow[i]);
    free(m->watch);
    free(m);
}

#define NPREV (VM_RECENT - 2)

static void forget(struct vm_last *r)
{
    r->vpn = ~0ull;
    r->idx = -1;
}

static void forget_entries(struct vm_tcache_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) e[i].vpn = ~0ull;
}

/* No cached host address of any page: the page, 2 MiB, access-site and
 * exact-mode `hot` caches, the watched page stored to last, the bare
 * regions' uniformity (the mappings changed, or there are none yet). */
static void forget_translations(vm_mem *m)
{
    for (int a = 0; a < 3; a++) forget_entries(m->tc[a], VM_TCACHE_SIZE);
    for (int a = 0; a < 2; a++) forget_entries(m->btc[a], VM_BTC_SIZE);
    for (int a = 0; a < 2; a++) forget_entries(m->stc[a], VM_STC_SIZE);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < VM_HOT_SIZE; i++) m->hot[k][i].vpn = ~0ull;
    memset(m->bare_region, 0, sizeof m->bare_region);
    m->wtc.vpn = ~0ull;
}

/* No recent pages (their hits must have been parked). */
static void forget_recent(vm_mem *m)
{
    for (int k = 0; k < 2; k++) {
        forget(&m->last[k]);
        forget(&m->second[k]);
        m->b_mru[k] = 0;
        for (int i = 0; i < NPREV; i++) forget(&m->prev[k][i]);
    }
}

static inline void park(vm_mem *m, int k, struct vm_last *r)
{
    if (!r->n) return; /* (most are not hit between two slow accesses) */
    m->pending[k][r->size] += r->n;
    r->n = 0;
}

/* Move the repeat hits of the recent entries to the pending counters (done
 * on every slow-path access, after replay, which reads them). */
static inline void park_hits(vm_mem *m, int k)
{
    park(m, k, &m->last[k]);
    if (!m->multi) return;
    park(m, k, &m->second[k]);
    for (int i = 0; i < NPREV; i++) park(m, k, &m->prev[k][i]);
}

static void policy_hit(vm_tlb *t, int idx)
{
    int set = idx / t->ways;
    t->ctx.set = set;
    t->policy->hit(t->pstate + (size_t)set * t->pbytes, t->ways, idx - set * t->ways, &t->ctx);
}

/* The policy updates of the hits on the recent entries since the last slow
 * access: one per entry hit since (n > 0: hits are parked at every slow
 * access), in the order of their last hits (struct vm_last): the `prev`
 * entries by stamp (each was the older of the pair when it left, and every
 * entry that left later, or is in the pair now, was hit after it), then the
 * pair's older and newer entry. Entries not hit since keep their places,
 * older than all of those. The entries are where they were: only a slow
 * access changes the L1, and it replays first. */
static void replay(vm_mem *m, int k)
{
    if (!m->multi) return; /* `last` only: hits on the newest entry change nothing */
    vm_tlb *l1 = m->tlb->lv[k ? VM_TLB_L1I : VM_TLB_L1D];
    const struct vm_last *order[NPREV];
    int n = 0;
    for (int i = 0; i < NPREV; i++) { /* insertion sort by stamp */
        const struct vm_last *p = &m->prev[k][i];
        if (p->idx < 0 || !p->n) continue; /* not hit since */
        int j = n++;
        for (; j > 0 && order[j - 1]->stamp > p->stamp; j--) order[j] = order[j - 1];
        order[j] = p;
    }
    for (int i = 0; i < n; i++) policy_hit(l1, order[i]->idx);
    const struct vm_last *newer = m->b_mru[k] ? &m->second[k] : &m->last[k];
    const struct vm_last *older = m->b_mru[k] ? &m->last[k] : &m->second[k];
    if (older->idx >= 0 && older->n) policy_hit(l1, older->idx);
    if (newer->idx >= 0 && newer->n) policy_hit(l1, newer->idx);
}

void vm_mem_policy_changed(vm_mem *m)
{
    vm_tlb *i = m->tlb ? m->tlb->lv[VM_TLB_L1I] : NULL, *d = m->tlb ? m->tlb->lv[VM_TLB_L1D] : NULL;
    int multi = m->exact && !m->nshadows && i && d && i != d &&
                vm_tlb_policy_order_only(i->policy) && vm_tlb_policy_order_only(d->policy);
    if (!multi && m->multi) /* statistics were synced: no hits wait */
        for (int k = 0; k < 2; k++) {
            if (m->b_mru[k]) { /* `last` must be the newest */
                struct vm_last t = m->last[k];
                m->last[k] = m->second[k];
                m->second[k] = t;
                m->b_mru[k] = 0;
            }
            forget(&m->second[k]);
            for (int j = 0; j < NPREV; j++) forget(&m->prev[k][j]);
        }
    m->multi = multi;
}

/* Is the L1 entry of r still r's page? */
static int in_l1(const vm_tlb *l1, const struct vm_last *r)
{
    if (r->idx < 0) return 0;
    const vm_tlb_entry *e = &l1->e[r->idx];
    return e->valid && e->size == r->size && e->tag == r->vpn >> (9 * r->size);
}

/* A slow access of kind k made page *e the newest one: it takes its place
 * in the pair (the older one's, which moves to `prev`, stamped, in a free
 * slot or the oldest one's), or only `last` without `multi`. If the L1 lost
 * entries (`changed`: an eviction or a flush), the ones it lost leave. */
static void pair_enter(vm_mem *m, int k, const struct vm_last *e, int changed)
{
    if (!m->multi) {
        m->last[k] = *e;
        m->b_mru[k] = 0;
        return;
    }
    vm_tlb *l1 = m->tlb->lv[k ? VM_TLB_L1I : VM_TLB_L1D];
    struct vm_last *newer = m->b_mru[k] ? &m->second[k] : &m->last[k];
    struct vm_last *older = m->b_mru[k] ? &m->last[k] : &m->second[k];
    if (changed) {
        if (!in_l1(l1, newer)) forget(newer);
        if (!in_l1(l1, older)) forget(older);
    }
    /* one pass over `prev`: what the L1 lost leaves, e's page leaves (one
     * place per page), and the place for the pair's older entry: the first
     * free one, else the oldest */
    struct vm_last *free_at = NULL, *oldest = NULL;
    for (int i = 0; i < NPREV; i++) {
        struct vm_last *p = &m->prev[k][i];
        if (p->vpn == e->vpn || (changed && !in_l1(l1, p))) forget(p);
        if (p->idx < 0) {
            if (!free_at) free_at = p;
        } else if (!oldest || p->stamp < oldest->stamp) {
            oldest = p;
        }
    }
    struct vm_last *slot;
    if (e->vpn == newer->vpn)
        slot = newer;
    else if (e->vpn == older->vpn || older->vpn == ~0ull)
        slot = older;
    else if (newer->vpn == ~0ull)
        slot = newer;
    else { /* the older one leaves the pair */
        struct vm_last *p = free_at ? free_at : oldest;
        if (older->ok) {
            *p = *older;
            p->stamp = ++m->clock[k];
        }
        slot = older;
    }
    *slot = *e;
    m->b_mru[k] = slot == &m->second[k];
}

void vm_mem_sync_stats(vm_mem *m)
{
    if (!m->tlb) return;
    for (int k = 0; k < 2; k++) {
        replay(m, k);
        park_hits(m, k);
        int acc = k ? VM_ACC_FETCH : VM_ACC_READ;
        for (int sz = 0; sz < 4; sz++) {
            uint64_t n = m->pending[k][sz];
            if (!n) continue;
            vm_tlb_repeat_hits(m->tlb, acc, n, sz);
            for (int i = 0; i < m->nshadows; i++) vm_tlb_repeat_hits(m->shadow[i], acc, n, sz);
            m->pending[k][sz] = 0;
        }
    }
}

void vm_mem_flush(vm_mem *m, uint64_t va, uint64_t len)
{
    vm_mem_sync_stats(m);
    forget_recent(m);
    forget_translations(m); /* a page may come back with another frame */
    if (!m->tlb) return;
    /* sfence.vma per page for small ranges, all for large ones */
    int all = len > 64 * VM_PAGE_SIZE;
    for (int i = -1; i < m->nshadows; i++) {
        vm_tlb_hier *h = i < 0 ? m->tlb : m->shadow[i];
        if (all) vm_tlb_flush(h, ~0ull, -1);
        else
            for (uint64_t a = va & ~VM_PAGE_MASK; a < va + len; a += VM_PAGE_SIZE) vm_tlb_flush(h, a, -1);
    }
}

static int range_ok(uint64_t va, uint64_t len)
{
    return !(va & VM_PAGE_MASK) && !(len & VM_PAGE_MASK) && len && va < VM_VA_LIMIT &&
           len <= VM_VA_LIMIT - va;
}

uint64_t vm_mem_map_align(const vm_mem *m, uint64_t len)
{
    if (m->mode == VM_MMU_BARE || m->pages == VM_PAGES_4K) return 0;
    return len >= VM_FRAME_2M ? VM_FRAME_2M : 0;
}

int vm_mem_map(vm_mem *m, uint64_t va, uint64_t len, int prot, int flags, vm_error *err)
{
    if (!range_ok(va, len))
        return vm_error_set(err, VM_EINVAL, "map 0x%llx+0x%llx: not a page-aligned user range",
                            (unsigned long long)va, (unsigned long long)len);
    int rc = m->mode == VM_MMU_BARE ? bare_map(m, va, len, prot, NULL, flags, err)
                                    : paged_map(m, va, len, prot, flags, err);
    vm_mem_flush(m, va, len);
    return rc;
}

int vm_mem_map_file(vm_mem *m, uint64_t va, uint64_t len, int prot, int fd, uint64_t off, int shared)
{
    if (!range_ok(va, len)) return -EINVAL;
    int flags = 0, rc = 0;
    if (m->mode == VM_MMU_BARE) {
        void *h = mmap(NULL, len, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, (off_t)off);
        if (h == MAP_FAILED && errno == EACCES && shared) {
            if (prot & VM_PROT_W) return -EACCES;
            h = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)off);
            flags = VM_PAGE_HOSTRO;
        }
        if (h == MAP_FAILED) return -errno;
        if (bare_map(m, va, len, prot, h, flags, NULL)) {
            munmap(h, len);
            return -ENOMEM;
        }
    } else {
        pt_unmap(m, va, len);
        uint64_t n = len >> VM_PAGE_SHIFT, pa = vm_phys_alloc_run(m->phys, n);
        if (!pa) return -ENOMEM;
        rc = vm_phys_map_file(m->phys, pa, len, fd, off, shared, 1);
        if (rc == -EACCES && shared) {
            if (prot & VM_PROT_W) rc = -EACCES;
            else {
                rc = vm_phys_map_file(m->phys, pa, len, fd, off, shared, 0);
                flags = VM_PAGE_HOSTRO;
            }
        }
        if (rc) {
            for (uint64_t i = 0; i < n; i++) vm_phys_release(m->phys, pa + i * VM_PAGE_SIZE, VM_PAGE_SIZE);
            return rc;
        }
        for (uint64_t i = 0; i < n; i++) {
            uint64_t *slot = pt_slot(m, va + i * VM_PAGE_SIZE, 0, 1);
            if (!slot) return -ENOMEM;
            *slot = pte_make(pa + i * VM_PAGE_SIZE, prot, flags);
            m->mapped_pages++;
        }
    }
    vm_mem_flush(m, va, len);
    return 0;
}

int vm_mem_unmap(vm_mem *m, uint64_t va, uint64_t len)
{
    if (!range_ok(va, len)) return -1;
    if (m->mode == VM_MMU_BARE) bare_release(m, va >> VM_PAGE_SHIFT, len >> VM_PAGE_SHIFT);
    else pt_unmap(m, va, len);
    vm_mem_flush(m, va, len);
    return 0;
}

uintptr_t vm_mem_entry(vm_mem *m, uint64_t va)
{
    if (va >= VM_VA_LIMIT) return 0;
    if (m->mode == VM_MMU_BARE) {
        const uintptr_t *e = leaf(m, va >> VM_PAGE_SHIFT);
        return e ? *e : 0;
    }
    int lv;
    uint64_t *slot = pt_leaf(m, va, &lv, NULL);
    if (!slot) return 0;
    uint64_t pte = *slot;
    uintptr_t host = 0;
    if (pte_has_frame(pte)) {
        uint64_t pa = (PTE_PPN(pte) << 12) + (va & ((1ull << (12 + 9 * lv)) - 1) & ~VM_PAGE_MASK);
        host = (uintptr_t)vm_phys_host(m->phys, pa);
    }
    return host | VM_PAGE_PRESENT | (uintptr_t)pte_prot(pte) |
           ((pte & PTE_SW_HOSTRO) ? VM_PAGE_HOSTRO : 0) | ((pte & PTE_SW_BEYOND) ? VM_PAGE_BEYOND : 0);
}

int vm_mem_protect(vm_mem *m, uint64_t va, uint64_t len, int prot, int *why)
{
    if (!range_ok(va, len)) {
        *why = EINVAL;
        return -1;
    }
    for (uint64_t a = va; a < va + len; a += VM_PAGE_SIZE) {
        uintptr_t e = vm_mem_entry(m, a);
        if (!(e & VM_PAGE_PRESENT)) {
            *why = ENOMEM;
            return -1;
        }
        if ((prot & VM_PROT_W) && (e & VM_PAGE_HOSTRO)) {
            *why = EACCES;
            return -1;
        }
    }
    if (m->mode == VM_MMU_BARE) {
        for (uint64_t a = va; a < va + len; a += VM_PAGE_SIZE) {
            uintptr_t *e = leaf(m, a >> VM_PAGE_SHIFT);
            *e = (*e & ~(uintptr_t)7) | (uintptr_t)(prot & 7);
        }
    } else {
        for (uint64_t a = va; a < va + len;) {
            int lv;
            uint64_t *slot = pt_leaf(m, a, &lv, NULL);
            uint64_t size = 1ull << (12 + 9 * lv);
            if (lv > 0 && ((a & (size - 1)) || a + size > va + len)) {
                slot = pt_slot(m, a, 0, 1);
                if (!slot) {
                    *why = ENOMEM;
                    return -1;
                }
                size = VM_PAGE_SIZE;
            }
            uint64_t pte = *slot;
            int flags = ((pte & PTE_SW_HOSTRO) ? VM_PAGE_HOSTRO : 0) |
                        ((pte & PTE_SW_BEYOND) ? VM_PAGE_BEYOND : 0);
            /* keep the frame and the accessed/dirty state */
            *slot = pte_make(PTE_PPN(pte) << 12, prot, flags) | (pte & (PTE_A | PTE_D));
            a += size;
        }
    }
    vm_mem_flush(m, va, len);
    return 0;
}

int vm_mem_move(vm_mem *m, uint64_t old, uint64_t new_va, uint64_t len, vm_error *err)
{
    if (!range_ok(old, len) || !range_ok(new_va, len))
        return vm_error_set(err, VM_EINVAL, "move: bad range");
    for (uint64_t o = 0; o < len; o += VM_PAGE_SIZE) {
        if (m->mode == VM_MMU_BARE) {
            uintptr_t *src = leaf(m, (old + o) >> VM_PAGE_SHIFT);
            uintptr_t *dst = leaf_alloc(m, (new_va + o) >> VM_PAGE_SHIFT);
            if (!dst) return vm_error_set(err, VM_ENOMEM, "move: out of memory");
            *dst = src ? *src : 0;
            if (src) *src = 0;
        } else {
            uint64_t *src = pt_slot(m, old + o, 0, 1); /* splits a superpage in the way */
            uint64_t *dst = pt_slot(m, new_va + o, 0, 1);
            if (!src || !dst) return vm_error_set(err, VM_ENOMEM, "move: out of memory");
            *dst = *src;
            *src = 0;
        }
    }
    vm_mem_flush(m, old, len);
    vm_mem_flush(m, new_va, len);
    return 0;
}

/* Mapped? Sets *skip to how far an unmapped run extends (at least a page). */
static int mapped_at(vm_mem *m, uint64_t va, uint64_t *skip)
{
    *skip = VM_PAGE_SIZE;
    if (m->mode == VM_MMU_BARE) {
        uint64_t vpn = va >> VM_PAGE_SHIFT;
        if (!m->l1[L1_IDX(vpn)]) {
            *skip = (1ull << 30) - (va & ((1ull << 30) - 1));
            return 0;
        }
        if (!m->l1[L1_IDX(vpn)][L2_IDX(vpn)]) {
            *skip = (1ull << 21) - (va & ((1ull << 21) - 1));
            return 0;
        }
        return (vm_mem_entry(m, va) & VM_PAGE_PRESENT) != 0;
    }
    int lv;
    uint64_t hole;
    if (pt_leaf(m, va, &lv, &hole)) return 1;
    *skip = hole - (va & (hole - 1));
    return 0;
}

int vm_mem_is_free(vm_mem *m, uint64_t va, uint64_t len)
{
    uint64_t skip;
    for (uint64_t a = va; a < va + len; a += skip)
        if (mapped_at(m, a, &skip)) return 0;
    return 1;
}

uint64_t vm_mem_find_free(vm_mem *m, uint64_t len, uint64_t align, uint64_t bottom, uint64_t top)
{
    if (align < VM_PAGE_SIZE) align = VM_PAGE_SIZE;
    if (!len || top < len) return 0;
    uint64_t start = (top - len) & ~(align - 1);
    /* Walk down: the highest free window. A window is checked upward with
     * hole skipping (cheap when it is free); if it is not, it is scanned down
     * from its top to its highest mapped page h, and the next window ends at
     * or below h, so the downward scans never look at a page twice. (Moving
     * below h after only the upward scan stepped one page at a time under a
     * large mapping and rescanned the window each time: quadratic, 2.4 s for
     * a 16 MiB mmap under a 256 MiB one.) */
    while (start >= bottom && start + len <= top) {
        uint64_t skip;
        if (vm_mem_is_free(m, start, len)) return start;
        uint64_t h = start + len;
        do h -= VM_PAGE_SIZE;
        while (h > start && !mapped_at(m, h, &skip));
        if (h < len + bottom) return 0;
        start = (h - len) & ~(align - 1);
    }
    return 0;
}

/* {==== translation ==================================================== */

static void fault_info(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f)
{
    if (!f) return;
    uintptr_t e = vm_mem_entry(m, va);
    static const int need[3] = {VM_PROT_R, VM_PROT_W, VM_PROT_X};
    f->addr = va;
    f->mapped = !!(e & VM_PAGE_PRESENT);
    f->bus = (e & VM_PAGE_PRESENT) && (e & VM_PAGE_BEYOND) && (e & need[acc]);
}

/* The kernel's A/D fault handler (VM_AD_FAULT mode): set the bits and let
 * the access retry, as Linux does on hardware without A/D updates. */
static int fix_ad(vm_mem *m, uint64_t va, int acc)
{
    int lv;
    uint64_t *slot = pt_leaf(m, va, &lv, NULL);
    if (!slot || !(*slot & PTE_V)) return -1;
    *slot |= PTE_A | (acc == VM_ACC_WRITE ? PTE_D : 0);
    m->ad_faults++;
    return 0;
}

static unsigned ok_bits(uint64_t pte, int kind)
{
    if (kind) return (pte & PTE_X) ? 1u << VM_ACC_FETCH : 0;
    return ((pte & PTE_R) ? 1u << VM_ACC_READ : 0) |
           ((pte & PTE_W) && (pte & PTE_D) ? 1u << VM_ACC_WRITE : 0);
}

/* Does page vpn hold a watched byte? */
static int page_watched(const vm_mem *m, uint64_t vpn)
{
    for (int i = 0; i < m->nwatch; i++)
        if (vpn >= m->watch[i].va >> VM_PAGE_SHIFT &&
            vpn <= (m->watch[i].va + m->watch[i].len - 1) >> VM_PAGE_SHIFT)
            return 1;
    return 0;
}

/* The `last` shortcut's access bits for a data page: no write on a watched page. */
static inline unsigned last_ok(const vm_mem *m, uint64_t vpn, int kind, unsigned ok)
{
    if (!kind && m->nwatch && page_watched(m, vpn)) ok &= ~(1u << VM_ACC_WRITE);
    return ok;
}

/* Bare mode: do the 512 pages of vpn's 2 MiB region map to contiguous host
 * memory with one set of flags? (A region a single mapping covers: one host
 * mmap.) The answer is remembered until the mappings change: a page-cache
 * miss is frequent (ptrchase misses on every step) and the interpreters,
 * which do not probe the region cache, take this path on every one. */
static int bare_uniform(vm_mem *m, uint64_t vpn)
{
    uint64_t region = vpn >> 9, *memo = &m->bare_region[region & 63];
    if (*memo >> 1 == region + 1) return *memo & 1;
    const uintptr_t *t = leaf(m, region << 9);
    int ok = t && (t[0] & VM_PAGE_PRESENT) && ENTRY_HOST(t[0]) && !(t[0] & VM_PAGE_BEYOND);
    for (int i = 1; ok && i < 512; i++) ok = t[i] == t[0] + ((uintptr_t)i << VM_PAGE_SHIFT);
    *memo = (region + 1) << 1 | (uint64_t)ok;
    return ok;
}

/* May stores to the 2 MiB region of vpn bypass the slow path? Not with a
 * watched byte in it, nor a page of the running engine's code; when no
 * engine runs, not at all: none could tell us about code. */
static int region_stores_ok(const vm_mem *m, uint64_t vpn)
{
    uint64_t lo = (vpn >> 9) << (9 + VM_PAGE_SHIFT), hi = lo + (1ull << VM_BTC_SHIFT);
    if (!m->nocache) return 0;
    if (m->nwatch && m->watch_lo < hi && m->watch_hi > lo)
        for (int i = 0; i < m->nwatch; i++)
            if (m->watch[i].va < hi && m->watch[i].va + m->watch[i].len > lo) return 0;
    for (uint64_t p = lo >> VM_PAGE_SHIFT; p < hi >> VM_PAGE_SHIFT; p++)
        if (m->nocache[p & m->nocache_mask]) return 0;
    return 1;
}

void vm_mem_set_code_pages(vm_mem *m, const uint16_t *counts, uint64_t mask)
{
    m->nocache = counts;
    m->nocache_mask = mask;
    if (!counts) return;
    /* page entries made while no engine ran: the kernel's copies in system
     * calls. (The site and 2 MiB store entries are made only while an engine
     * runs, checked against its code then; an engine that translates code
     * drops them (vm_mem_drop_stores), and an engine is new when it takes
     * over a machine. Sweeping them too cost 1-15 us per system call.) */
    for (int i = 0; i < VM_TCACHE_SIZE; i++) {
        struct vm_tcache_entry *t = &m->tc[VM_ACC_WRITE][i];
        if (t->vpn != ~0ull && counts[t->vpn & mask]) t->vpn = ~0ull;
    }
}

void vm_mem_drop_stores(vm_mem *m, uint64_t va, uint64_t len)
{
    if (!len) return;
    uint64_t first = va >> VM_PAGE_SHIFT, last = (va + len - 1) >> VM_PAGE_SHIFT;
    if (last < first || last - first >= VM_TCACHE_SIZE) { /* cheaper to drop them all */
        forget_entries(m->tc[VM_ACC_WRITE], VM_TCACHE_SIZE);
        forget_entries(m->btc[VM_ACC_WRITE], VM_BTC_SIZE);
        forget_entries(m->stc[VM_ACC_WRITE], VM_STC_SIZE);
        return;
    }
    for (uint64_t vpn = first; vpn <= last; vpn++) {
        struct vm_tcache_entry *t = &m->tc[VM_ACC_WRITE][vpn & (VM_TCACHE_SIZE - 1)];
        if (t->vpn == vpn) t->vpn = ~0ull;
        t = &m->btc[VM_ACC_WRITE][(vpn >> 9) & (VM_BTC_SIZE - 1)];
        if (t->vpn == vpn >> 9) t->vpn = ~0ull;
    }
    for (int i = 0; i < VM_STC_SIZE; i++) {
        struct vm_tcache_entry *t = &m->stc[VM_ACC_WRITE][i];
        if (t->vpn != ~0ull && t->vpn >> VM_PAGE_SHIFT >= first && t->vpn >> VM_PAGE_SHIFT <= last)
            t->vpn = ~0ull;
    }
}

static void btc_fill(vm_mem *m, uint64_t vpn, int acc, uintptr_t addend)
{
    struct vm_tcache_entry *b = &m->btc[acc][(vpn >> 9) & (VM_BTC_SIZE - 1)];
    if (b->vpn == vpn >> 9) return; /* there already (region_stores_ok scans 512 pages) */
    if (acc == VM_ACC_WRITE && !region_stores_ok(m, vpn)) return;
    b->vpn = vpn >> 9;
    b->addend = addend;
}

void *vm_mem_access_slow(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f)
{
    static const int need[3] = {VM_PROT_R, VM_PROT_W, VM_PROT_X};
    uint64_t vpn = va >> VM_PAGE_SHIFT;
    /* fast and bare modes: a store to the watched page translated last is
     * served here, as the translation cache would (it cannot hold the page) */
    if (acc == VM_ACC_WRITE && m->wtc.vpn == vpn) return (void *)(uintptr_t)(va + m->wtc.addend);
    if (m->exact && m->multi) { /* the pair's other page, or an older one */
        int k = acc == VM_ACC_FETCH;
        struct vm_last *b = &m->second[k], *a = &m->last[k];
        if (b->vpn == vpn && (b->ok >> acc) & 1) {
            b->n++;
            m->b_mru[k] = 1;
            return (void *)(uintptr_t)(va + b->addend);
        }
        for (int i = 0; i < NPREV; i++) {
            struct vm_last *p = &m->prev[k][i];
            if (p->vpn == vpn && (p->ok >> acc) & 1) { /* into `last`; the pair's older one out */
                struct vm_last t = *p;
                if (m->b_mru[k]) { /* `second` is newer: `last` leaves */
                    *p = *a;
                } else { /* `last` is newer: `second` leaves, `last` moves there */
                    *p = *b;
                    *b = *a;
                }
                p->stamp = ++m->clock[k];
                *a = t;
                a->n++;
                m->b_mru[k] = 0;
                return (void *)(uintptr_t)(va + t.addend);
            }
        }
    }
    if (__builtin_expect(++m->tc_misses % VM_TLB_SAMPLE == 0, 0) && m->tlb)
        return vm_host_time_slow(m, va, acc, f); /* --stats host_time: time this one */
    uintptr_t host_page;
    if (m->mode == VM_MMU_BARE) {
        uintptr_t e = vm_mem_entry(m, va);
        if (!(e & VM_PAGE_PRESENT) || !(e & need[acc]) || (e & VM_PAGE_BEYOND)) {
            fault_info(m, va, acc, f);
            return NULL;
        }
        host_page = ENTRY_HOST(e);
        if (acc != VM_ACC_FETCH && bare_uniform(m, vpn))
            btc_fill(m, vpn, acc, host_page - (vpn << VM_PAGE_SHIFT));
    } else {
        int kind = acc == VM_ACC_FETCH;
        if (m->exact) {
            replay(m, kind);
            park_hits(m, kind);
        }
        vm_tlb *l1 = m->tlb->lv[kind ? VM_TLB_L1I : VM_TLB_L1D];
        uint64_t lost = l1 ? l1->st.evictions + l1->st.flushes : 0;
        if (m->use_hot && l1) {
            /* an L1 hit on a page this path saw before: count it and update
             * the policy exactly as the model's lookup would */
            struct vm_hot *hs = &m->hot[kind][vpn & (VM_HOT_SIZE - 1)];
            vm_tlb_entry *e = &l1->e[hs->idx];
            if (hs->vpn == vpn && e->valid && e->tag == va >> (12 + 9 * e->size) &&
                ((ok_bits(e->pte, kind) >> acc) & 1)) {
                l1->st.accesses++;
                l1->st.hits++;
                l1->st.hits_by_size[e->size]++;
                m->tlb->cycles += m->tlb->cost.l1_hit;
                policy_hit(l1, hs->idx);
                struct vm_last r = {
                    .vpn = vpn, .addend = hs->addend, .size = e->size, .idx = hs->idx};
                r.ok = (m->short_sizes[kind] >> e->size) & 1
                           ? last_ok(m, vpn, kind, ok_bits(e->pte, kind))
                           : 0;
                pair_enter(m, kind, &r, 0);
                return (void *)(uintptr_t)(va + hs->addend);
            }
        }
        uint64_t pa, pte;
        int size, adf, tries = 0;
        while (vm_tlb_translate(m->tlb, m->phys, &m->wcfg, va, acc, &pa, &size, &pte, &adf)) {
            if (!adf || tries++ || fix_ad(m, va, acc)) {
                fault_info(m, va, acc, f);
                return NULL;
            }
            /* the handler changed a PTE: sfence.vma for that page, then retry */
            vm_tlb_flush(m->tlb, va & ~VM_PAGE_MASK, -1);
        }
        for (int i = 0; i < m->nshadows; i++) vm_tlb_observe(m->shadow[i], m->phys, &m->wcfg, va, acc);
        host_page = (uintptr_t)vm_phys_host(m->phys, pa & ~VM_PAGE_MASK);
        if (m->use_hot && l1) {
            struct vm_hot *hs = &m->hot[kind][vpn & (VM_HOT_SIZE - 1)];
            hs->vpn = vpn;
            hs->addend = host_page - (vpn << VM_PAGE_SHIFT);
            hs->idx = l1->last_idx;
        }
        if (m->exact) {
            struct vm_last r = {
                .vpn = vpn, .addend = host_page - (vpn << VM_PAGE_SHIFT), .size = size};
            r.ok =
                (m->short_sizes[kind] >> size) & 1 ? last_ok(m, vpn, kind, ok_bits(pte, kind)) : 0;
            r.idx = l1 && (l1->sizes >> size & 1) ? l1->last_idx : -1;
            pair_enter(m, kind, &r, !l1 || l1->st.evictions + l1->st.flushes != lost);
            return (void *)(host_page + (va & VM_PAGE_MASK));
        }
        if (acc == VM_ACC_WRITE && !(pte & PTE_D)) /* not cacheable for stores yet */
            return (void *)(host_page + (va & VM_PAGE_MASK));
        if (acc != VM_ACC_FETCH && size >= VM_PG_2M) /* a superpage: one contiguous frame */
            btc_fill(m, vpn, acc, host_page - (vpn << VM_PAGE_SHIFT));
    }
    if (acc == VM_ACC_WRITE && m->nwatch && page_watched(m, vpn)) { /* stores stay slow */
        m->wtc.vpn = vpn;
        m->wtc.addend = host_page - (vpn << VM_PAGE_SHIFT);
        return (void *)(host_page + (va & VM_PAGE_MASK));
    }
    if (acc == VM_ACC_WRITE && m->nocache && m->nocache[vpn & m->nocache_mask])
        return (void *)(host_page + (va & VM_PAGE_MASK));
    struct vm_tcache_entry *t = &m->tc[acc][vpn & (VM_TCACHE_SIZE - 1)];
    t->vpn = vpn;
    t->addend = host_page - (vpn << VM_PAGE_SHIFT);
    return (void *)(host_page + (va & VM_PAGE_MASK));
}

static int copy(vm_mem *m, uint64_t va, void *buf, size_t n, int acc, int force, vm_mem_fault *f)
{
    unsigned char *p = buf;
    while (n) {
        size_t chunk = VM_PAGE_SIZE - (va & VM_PAGE_MASK);
        if (chunk > n) chunk = n;
        unsigned char *h;
        if (force) {
            uintptr_t e = vm_mem_entry(m, va);
            if (!(e & VM_PAGE_PRESENT) || !ENTRY_HOST(e)) return -1;
            h = (unsigned char *)ENTRY_HOST(e) + (va & VM_PAGE_MASK);
        } else {
            if (va >= VM_VA_LIMIT) {
                if (f) *f = (vm_mem_fault){.addr = va};
                return -1;
            }
            h = vm_mem_ptr(m, va, acc, f);
            if (!h) return -1;
            if (acc == VM_ACC_WRITE && vm_mem_watch_maybe(m, va, chunk))
                vm_mem_watch_check(m, va, chunk);
        }
        if (acc == VM_ACC_WRITE) memcpy(h, p, chunk);
        else memcpy(p, h, chunk);
        p += chunk;
        va += chunk;
        n -= chunk;
    }
    return 0;
}

int vm_mem_read(vm_mem *m, uint64_t va, void *dst, size_t n, vm_mem_fault *f)
{
    return copy(m, va, dst, n, VM_ACC_READ, 0, f);
}

int vm_mem_write(vm_mem *m, uint64_t va, const void *src, size_t n, vm_mem_fault *f)
{
    return copy(m, va, (void *)src, n, VM_ACC_WRITE, 0, f);
}

int vm_mem_write_force(vm_mem *m, uint64_t va, const void *src, size_t n)
{
    return copy(m, va, (void *)src, n, VM_ACC_WRITE, 1, NULL);
}

int vm_mem_read_force(vm_mem *m, uint64_t va, void *dst, size_t n)
{
    return copy(m, va, dst, n, VM_ACC_READ, 1, NULL);
}

int vm_mem_read_str(vm_mem *m, uint64_t va, char *dst, size_t max, vm_mem_fault *f)
{
    for (size_t i = 0; i < max; i++) {
        if (va + i >= VM_VA_LIMIT) {
            if (f) *f = (vm_mem_fault){.addr = va + i};
            return -1;
        }
        const char *h = vm_mem_ptr(m, va + i, VM_ACC_READ, f);
        if (!h) return -1;
        if (!(dst[i] = *h)) return 0;
    }
    if (f) *f = (vm_mem_fault){.addr = va, .mapped = 1};
    errno = ENAMETOOLONG;
    return -1;
}

/* {==== write watches ================================================== */

static void watch_bounds(vm_mem *m)
{
    m->watch_lo = m->watch_hi = 0; /* none: no va satisfies va < 0 */
    for (int i = 0; i < m->nwatch; i++) {
        if (!i || m->watch[i].va < m->watch_lo) m->watch_lo = m->watch[i].va;
        if (m->watch[i].va + m->watch[i].len > m->watch_hi)
            m->watch_hi = m->watch[i].va + m->watch[i].len;
    }
}

int vm_mem_watch_add(vm_mem *m, uint64_t va, uint64_t len, vm_error *err)
{
    if (!len || va + len < va)
        return vm_error_set(err, VM_EINVAL, "watch 0x%llx+%llu: empty or wrapping range",
                            (unsigned long long)va, (unsigned long long)len);
    struct vm_watch *w = realloc(m->watch, sizeof *w * (size_t)(m->nwatch + 1));
    if (!w)
        return vm_error_set(err, VM_ENOMEM, "watch 0x%llx: out of memory", (unsigned long long)va);
    m->watch = w;
    w[m->nwatch++] = (struct vm_watch){va, len};
    watch_bounds(m);
    /* take the pages off the fast paths: the exact mode's data shortcut
     * (its uncredited hits stay in n, parked by the next slow access) and
     * the cached write translations */
    uint64_t first = va >> VM_PAGE_SHIFT, last = (va + len - 1) >> VM_PAGE_SHIFT;
    if (m->last[0].vpn >= first && m->last[0].vpn <= last) m->last[0].vpn = ~0ull;
    if (m->second[0].vpn >= first && m->second[0].vpn <= last) m->second[0].vpn = ~0ull;
    for (int i = 0; i < NPREV; i++)
        if (m->prev[0][i].vpn >= first && m->prev[0][i].vpn <= last) m->prev[0][i].vpn = ~0ull;
    vm_mem_drop_stores(m, va, len);
    return 0;
}

int vm_mem_watch_del(vm_mem *m, uint64_t va, uint64_t len)
{
    for (int i = 0; i < m->nwatch; i++)
        if (m->watch[i].va == va && m->watch[i].len == len) {
            m->watch[i] = m->watch[--m->nwatch];
            watch_bounds(m);
            m->wtc.vpn = ~0ull; /* the page may be unwatched now: back to the translation cache */
            return 0;           /* its pages come back to the fast paths on their next miss */
        }
    return -1;
}

int vm_mem_watch_check(vm_mem *m, uint64_t va, uint64_t n)
{
    for (int i = 0; i < m->nwatch; i++) {
        const struct vm_watch *w = &m->watch[i];
        if (va + n > w->va && va < w->va + w->len) {
            if (!m->watch_hit) {
                m->watch_hit = 1;
                m->watch_hit_va = va;
                m->watch_hit_len = n;
            }
            return 1;
        }
    }
    return 0;
}

/* {==== probes and physical memory ===================================== */

int vm_mem_lookup(vm_mem *m, uint64_t va, vm_mem_probe *r)
{
    memset(r, 0, sizeof *r);
    if (va >= VM_VA_LIMIT) return -1;
    if (m->mode == VM_MMU_BARE) {
        uintptr_t e = vm_mem_entry(m, va);
        if (!(e & VM_PAGE_PRESENT)) return -1;
        r->mapped = 1;
        r->pa = va;
        r->prot = (int)(e & 7);
        r->has_frame = ENTRY_HOST(e) != 0;
        return 0;
    }
    int lv;
    uint64_t *slot = pt_leaf(m, va, &lv, NULL);
    if (!slot) return -1;
    uint64_t pte = *slot, size = 1ull << (12 + 9 * lv);
    r->mapped = 1;
    r->level = lv;
    r->pte = pte;
    r->prot = pte_prot(pte);
    r->has_frame = pte_has_frame(pte);
    r->pa = r->has_frame ? (PTE_PPN(pte) << 12) + (va & (size - 1)) : 0;
    /* which TLB levels hold it: a look at the entries, not a lookup (no
     * counting, no policy update) */
    for (int k = 0; k < VM_TLB_NLEVELS; k++) {
        const vm_tlb *t = m->tlb->lv[k];
        for (int i = 0; t && i < t->sets * t->ways; i++) {
            const vm_tlb_entry *e = &t->e[i];
            if (e->valid && e->tag == va >> (12 + 9 * e->size)) {
                r->in_tlb |= 1u << k;
                break;
            }
        }
    }
    return 0;
}

/* Copy n bytes between host addresses through a pipe, so that a page the
 * host cannot read or write (a read-only shared file mapping, a file page
 * past a truncated end) fails with EFAULT instead of a signal. */
static int host_copy_checked(void *dst, const void *src, size_t n)
{
    int p[2];
    if (pipe(p)) return -1;
    int rc = 0;
    while (n && !rc) {
        size_t k = n < 4096 ? n : 4096;
        rc = write(p[1], src, k) != (ssize_t)k || read(p[0], dst, k) != (ssize_t)k ? -1 : 0;
        dst = (char *)dst + k;
        src = (const char *)src + k;
        n -= k;
    }
    close(p[0]);
    close(p[1]);
    return rc;
}

static int frame_free(const vm_phys *p, uint64_t pa)
{
    if (pa < VM_FRAME_2M || pa >= p->bump) return 1; /* page 0 is never handed out */
    for (size_t i = 0; i < p->n4k; i++)
        if (p->free4k[i] == (pa & ~(VM_FRAME_4K - 1))) return 1;
    for (size_t i = 0; i < p->n2m; i++)
        if (p->free2m[i] == (pa & ~(VM_FRAME_2M - 1))) return 1;
    return 0;
}

static int phys_copy(vm_mem *m, uint64_t pa, void *buf, size_t n, int write, vm_error *err)
{
    const char *what = write ? "written" : "read";
    unsigned char *b = buf;
    while (n) {
        size_t chunk = VM_PAGE_SIZE - (pa & VM_PAGE_MASK);
        if (chunk > n) chunk = n;
        unsigned char *h;
        if (m->mode == VM_MMU_BARE) {
            uintptr_t e = pa < VM_VA_LIMIT ? vm_mem_entry(m, pa) : 0;
            if (!(e & VM_PAGE_PRESENT) || !ENTRY_HOST(e))
                return vm_error_set(
                    err, VM_EFAULT,
                    "physical address 0x%llx: no memory there (bare mode: physical = virtual)",
                    (unsigned long long)pa);
            h = (unsigned char *)ENTRY_HOST(e) + (pa & VM_PAGE_MASK);
        } else {
            if (pa >= m->phys->size)
                return vm_error_set(
                    err, VM_EFAULT, "physical address 0x%llx: beyond the %llu MiB of guest memory",
                    (unsigned long long)pa, (unsigned long long)(m->phys->size >> 20));
            if (write && frame_free(m->phys, pa))
                return vm_error_set(
                    err, VM_EFAULT,
                    "physical address 0x%llx: not in a frame in use (free memory stays zero)",
                    (unsigned long long)pa);
            h = vm_phys_host(m->phys, pa);
        }
        if (write ? host_copy_checked(h, b, chunk) : host_copy_checked(b, h, chunk))
            return vm_error_set(err, VM_EFAULT,
                                "physical address 0x%llx: cannot be %s (host mapping: %s)",
                                (unsigned long long)pa, what, write ? "read-only" : "no data");
        b += chunk;
        pa += chunk;
        n -= chunk;
    }
    return 0;
}

int vm_mem_phys_read(vm_mem *m, uint64_t pa, void *dst, size_t n, vm_error *err)
{
    return phys_copy(m, pa, dst, n, 0, err);
}

int vm_mem_phys_write(vm_mem *m, uint64_t pa, const void *src, size_t n, vm_error *err)
{
    return phys_copy(m, pa, (void *)src, n, 1, err);
}

/* {==== statistics ===================================================== */

int vm_mem_stats_json(vm_mem *m, uint64_t insns, char *buf, size_t size)
{
    static const char *const pages[] = {"4k", "2m", "auto"};
    size_t n = 0;
#define OUT(...)                                                                  \
    do {                                                                          \
        int k_ = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__);         \
        if (k_ > 0) n += (size_t)k_;                                              \
    } while (0)
    if (m->mode == VM_MMU_BARE) {
        OUT("\"mmu\": \"bare\"");
        return (int)n;
    }
    vm_mem_sync_stats(m);
    OUT("\"mmu\": \"sv%d\", \"pages\": \"%s\", \"tlb_mode\": \"%s\", \"page_tables\": {\"pages\": %llu, "
        "\"superpages_2m\": %llu, \"ad_faults\": %llu}, \"tlb\": {",
        m->mode, pages[m->pages], m->tlb_mode == VM_TLBMODE_EXACT ? "exact" : "fast",
        (unsigned long long)m->pt_pages, (unsigned long long)m->superpages,
        (unsigned long long)m->ad_faults);
    int k = vm_tlb_stats_json(m->tlb, insns, buf + (n < size ? n : size), n < size ? size - n : 0);
    if (k > 0) n += (size_t)k;
    OUT("}, \"walks\": {\"count\": %llu, \"mem_accesses\": %llu}, \"shadow\": [",
        (unsigned long long)m->tlb->walks, (unsigned long long)m->tlb->walk_mem);
    for (int i = 0; i < m->nshadows; i++) {
        OUT("%s{", i ? ", " : "");
        k = vm_tlb_stats_json(m->shadow[i], insns, buf + (n < size ? n : size), n < size ? size - n : 0);
        if (k > 0) n += (size_t)k;
        OUT("}");
    }
    OUT("]");
#undef OUT
    return (int)n;
}
