/*
 * Tree pseudo-LRU: a binary tree over the ways (padded to a power of two),
 * one bit per node pointing toward the side to evict next. A use flips the
 * bits on its path to point away from it. With a way count that is not a
 * power of two, a walk that would reach a missing way takes the other side.
 */
#include <string.h>

#include "mem/tlb_policy.h"

static int pow2(int ways)
{
    int p = 1;
    while (p < ways) p <<= 1;
    return p;
}

static size_t plru_bytes(int ways) { return (size_t)(pow2(ways) + 7) / 8; }
static void plru_init(void *st, int ways) { memset(st, 0, plru_bytes(ways)); }

static inline int bit(const unsigned char *b, int i) { return (b[i >> 3] >> (i & 7)) & 1; }
static inline void set_bit(unsigned char *b, int i, int v)
{
    b[i >> 3] = (unsigned char)((b[i >> 3] & ~(1 << (i & 7))) | (v << (i & 7)));
}

/* nodes are numbered 1..P-1 as a heap; leaf of way w is node P + w */
static void plru_touch(void *st, int ways, int way, vm_tlb_pctx *c)
{
    int P = pow2(ways);
    for (int n = P + way; n > 1; n >>= 1) set_bit(st, n >> 1, !(n & 1)); /* point at the sibling */
}

static int plru_victim(void *st, int ways, vm_tlb_pctx *c)
{
    int P = pow2(ways), n = 1;
    while (n < P) {
        int child = 2 * n + bit(st, n);
        /* the lowest way under `child`: if it does not exist, go the other way */
        int lo = child;
        while (lo < P) lo *= 2;
        if (lo - P >= ways) child ^= 1;
        n = child;
    }
    return n - P;
}

const vm_tlb_policy vm_tlb_plru = {"plru", plru_bytes, plru_init, plru_touch, plru_touch, plru_victim};
