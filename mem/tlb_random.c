/* Random: a uniformly chosen victim from the TLB's seeded xorshift
 * generator, so that a run is repeatable for a given seed. */
#include "mem/tlb_policy.h"

static size_t rnd_bytes(int ways) { return 0; }
static void rnd_init(void *st, int ways) {}
static void rnd_touch(void *st, int ways, int way, vm_tlb_pctx *c) {}
static int rnd_victim(void *st, int ways, vm_tlb_pctx *c) { return (int)(vm_tlb_rand(c) % (uint64_t)ways); }

const vm_tlb_policy vm_tlb_random = {"random", rnd_bytes, rnd_init, rnd_touch, rnd_touch, rnd_victim};
