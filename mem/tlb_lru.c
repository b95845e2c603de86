/* LRU: each way remembers when it was last used; the victim is the oldest.
 * O(ways) per victim choice, exact for any associativity. */
#include <string.h>

#include "mem/tlb_policy.h"

static size_t lru_bytes(int ways) { return (size_t)ways * sizeof(uint64_t); }
static void lru_init(void *st, int ways) { memset(st, 0, lru_bytes(ways)); }
static void lru_touch(void *st, int ways, int way, vm_tlb_pctx *c) { ((uint64_t *)st)[way] = ++c->clock; }

static int lru_victim(void *st, int ways, vm_tlb_pctx *c)
{
    const uint64_t *age = st;
    int v = 0;
    for (int w = 1; w < ways; w++)
        if (age[w] < age[v]) v = w;
    return v;
}

const vm_tlb_policy vm_tlb_lru = {"lru", lru_bytes, lru_init, lru_touch, lru_touch, lru_victim};
