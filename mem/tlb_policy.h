/*
 * TLB replacement policies: one interface, one small file per policy
 * (tlb_lru.c, tlb_plru.c, tlb_fifo.c, tlb_random.c). A policy keeps its own
 * per-set state of state_bytes(ways) bytes; the TLB tells it about hits and
 * fills and asks it for a victim when a full set needs room (invalid ways
 * are filled first, without asking). A new policy is a new file with one of
 * these tables, added to vm_tlb_policies[] in tlb.c; a scripting layer can
 * supply one whose functions call into the script through `ud`.
 */
#ifndef VMLAB_TLB_POLICY_H
#define VMLAB_TLB_POLICY_H

#include <stddef.h>
#include <stdint.h>

typedef struct vm_tlb_pctx {
    uint64_t clock; /* advances on every TLB access (for LRU ages) */
    uint64_t rng;   /* xorshift state, seeded per TLB (repeatable runs) */
    int set;        /* the set being worked on */
    void *ud;       /* a scripted policy's context */
} vm_tlb_pctx;

typedef struct vm_tlb_policy {
    const char *name;
    size_t (*state_bytes)(int ways);
    void (*init)(void *st, int ways);
    void (*hit)(void *st, int ways, int way, vm_tlb_pctx *ctx);
    void (*fill)(void *st, int ways, int way, vm_tlb_pctx *ctx);
    int (*victim)(void *st, int ways, vm_tlb_pctx *ctx);
} vm_tlb_policy;

extern const vm_tlb_policy vm_tlb_lru, vm_tlb_plru, vm_tlb_fifo, vm_tlb_random;
const vm_tlb_policy *vm_tlb_policy_find(const char *name);
/* 1 for the built-in policies: their state after a run of hits depends only
 * on the order of each way's last hit (LRU ages, PLRU tree bits; FIFO and
 * random ignore hits), which lets mem.c credit hits late and replay them
 * in that order. A scripted policy may count hits: 0. */
int vm_tlb_policy_order_only(const vm_tlb_policy *p);

static inline uint64_t vm_tlb_rand(vm_tlb_pctx *c)
{
    uint64_t x = c->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return c->rng = x;
}

#endif
