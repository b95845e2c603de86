/*
 * The synthetic mutator: a tunable stand-in for a real program.
 *
 * Registers (shadow-stack slots) hold the mutator's roots. The first tenth of
 * them are long-lived: an allocation lands there with probability
 * `long_lived`, otherwise in a random short-lived register, dropping what was
 * there. Object lifetimes therefore follow from the register counts: a short
 * register is overwritten about every (0.9 * regs) allocations. Sizes: refs
 * uniform in [0, max_refs], raw bytes geometric with mean `mean_bytes`. With
 * probability `mutate` an operation is instead a pointer store of a random
 * register into a random slot (links objects, old to young included), and
 * one in eight of those is a load. All of it goes through vm_gc_rec_*, so a
 * run can be recorded as a trace at no extra cost when no path is given.
 */
#include <math.h>

#include "gc/gc_priv.h"

void vm_gc_synth_init(vm_gc_synth *s)
{
    s->seed = 1;
    s->ops = 1000000;
    s->regs = 1024;
    s->max_refs = 4;
    s->mean_bytes = 16;
    s->mutate = 0.3;
    s->long_lived = 0.02;
}

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dull;
}

static double unit(uint64_t *x)
{
    return (double)(rnd(x) >> 11) * (1.0 / 9007199254740992.0);
}

int vm_gc_run_synth(vm_gc_heap *h, const vm_gc_synth *s, const char *record_path, long *check,
                    vm_error *err)
{
    if (s->regs < 10)
        return vm_error_set(err, VM_EINVAL, "gc: synthetic mutator needs >= 10 registers");
    vm_gc_rec *r = vm_gc_rec_open(h, record_path, s->regs, err);
    if (!r) return -1;
    uint64_t x = s->seed ? s->seed : 1;
    unsigned nlong = s->regs / 10;
    long sum = 0;
    int rc = 0;
    for (uint64_t i = 0; i < s->ops && rc == 0; i++) {
        if (unit(&x) < s->mutate) {
            unsigned a = (unsigned)(rnd(&x) % s->regs), b = (unsigned)(rnd(&x) % s->regs);
            vm_gc_ref o = vm_gc_rec_get(r, a);
            if (!o || vm_gc_nrefs(o) == 0) continue;
            unsigned slot = (unsigned)(rnd(&x) % vm_gc_nrefs(o));
            if ((rnd(&x) & 7) == 0) {
                unsigned d = nlong + (unsigned)(rnd(&x) % (s->regs - nlong));
                vm_gc_rec_read(r, d, a, slot);
            } else {
                vm_gc_rec_write(r, a, slot, b);
            }
            continue;
        }
        unsigned nrefs = s->max_refs ? (unsigned)(rnd(&x) % (s->max_refs + 1)) : 0;
        unsigned nbytes = 0;
        if (s->mean_bytes) {
            double u = unit(&x);
            nbytes = (unsigned)(-log(1.0 - u) * s->mean_bytes);
            if (nbytes > 65536) nbytes = 65536;
        }
        unsigned dst = unit(&x) < s->long_lived ? (unsigned)(rnd(&x) % nlong)
                                                : nlong + (unsigned)(rnd(&x) % (s->regs - nlong));
        rc = vm_gc_rec_alloc(r, dst, 1 + (unsigned)(i & 7), nrefs, nbytes, err);
        sum += nrefs;
    }
    for (unsigned i = 0; i < s->regs; i++) {
        vm_gc_ref o = vm_gc_rec_get(r, i);
        if (o) sum += vm_gc_shape(o) + vm_gc_nrefs(o);
    }
    if (vm_gc_rec_close(r, rc == 0 ? err : NULL) < 0) rc = -1;
    if (check) *check = sum;
    return rc;
}
