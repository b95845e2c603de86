/* FIFO: the victim is the way filled longest ago; hits change nothing. */
#include <string.h>

#include "mem/tlb_policy.h"

static size_t fifo_bytes(int ways) { return (size_t)ways * sizeof(uint64_t); }
static void fifo_init(void *st, int ways) { memset(st, 0, fifo_bytes(ways)); }
static void fifo_hit(void *st, int ways, int way, vm_tlb_pctx *c) {}
static void fifo_fill(void *st, int ways, int way, vm_tlb_pctx *c) { ((uint64_t *)st)[way] = ++c->clock; }

static int fifo_victim(void *st, int ways, vm_tlb_pctx *c)
{
    const uint64_t *t = st;
    int v = 0;
    for (int w = 1; w < ways; w++)
        if (t[w] < t[v]) v = w;
    return v;
}

const vm_tlb_policy vm_tlb_fifo = {"fifo", fifo_bytes, fifo_init, fifo_hit, fifo_fill, fifo_victim};
