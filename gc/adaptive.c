/*
 * adaptive: the default policy. The mechanism (run the policy after each
 * collection, switch collectors at the next safe point by evacuation, measure
 * each collector's throughput over its tenure) lives in heap.c; this file is
 * only the decision, one small function a script can replace through
 * vm_gc_set_policy.
 *
 * Reasoning, in order, never sooner than 16 collections after a switch (a
 * program's start, building its data, looks nothing like its steady state,
 * and every switch copies the live data once):
 *  - A pause target that the running collector misses by 2x is the strongest
 *    signal: go incremental.
 *  - Generational pays off when most of the nursery dies; when on average
 *    more than 80% of it survives, copying is wasted work: use mark-sweep,
 *    whose cost does not depend on survival.
 *  - Under mark-sweep, if generational was measured faster (bytes allocated
 *    per CPU second over its last tenure) by more than 10%, go back.
 * The first version switched on a 50% survival average after 4 collections;
 * binary-trees' stretch tree made it leave generational for good, 1.2-1.5x
 * slower than staying (bench/gc/run, 2026-11-22).
 */
#include "gc/gc_priv.h"

void vm_gc_policy_default(void *ud, const vm_gc_policy_input *in, vm_gc_policy_decision *out)
{
    (void)ud;
    if (in->since_switch < 16) return;
    if (in->pause_target_ns && in->collector != VM_GC_INCREMENTAL &&
        in->max_pause_ns > 2 * in->pause_target_ns) {
        out->collector = VM_GC_INCREMENTAL;
        return;
    }
    if (in->collector == VM_GC_GENERATIONAL && in->survival_avg > 0.8) {
        out->collector = VM_GC_MARKSWEEP;
        return;
    }
    double gen = in->throughput_of[VM_GC_GENERATIONAL];
    if (in->collector == VM_GC_MARKSWEEP && gen > 0 && in->throughput < 0.9 * gen)
        out->collector = VM_GC_GENERATIONAL;
}
