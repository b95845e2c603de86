/*
 * adaptive: the default policy. The mechanism (run the policy after each
 * collection, switch collectors at the next safe point by evacuation,
 * measure each collector's recent throughput: bytes allocated per CPU second
 * over its last four collection intervals) lives in heap.c; this file is only
 * the decision, one small function a script can replace through
 * vm_gc_set_policy.
 *
 * It starts generational and decides only with evidence: at least 4
 * collections and max_heap bytes (4 x live without a limit) allocated since
 * the last switch, since a program's start looks nothing like its steady
 * state and every switch copies the live data once.
 *  - A pause target that the running collector misses by 2x: go incremental.
 *  - Generational with much of the nursery surviving (over 30%) and over 20%
 *    of the time in GC, recently: copying may be wasted work. Try mark-sweep.
 *  - After that trial, measure generational once more (its first measure
 *    included the program's start), then keep whichever of the two was
 *    measured faster, switching only for a 10% gain.
 * Measured on bench/gc/run (2026-11-22): a first version that left
 * generational after 4 collections at 50% survival was fooled by
 * binary-trees' stretch tree and ran 1.2-1.5x slower than the best fixed
 * collector; requiring 16 collections then never left generational on the
 * synthetic mutator, where mark-sweep is 1.5x faster.
 */
#include "gc/gc_priv.h"

void vm_gc_policy_default(void *ud, const vm_gc_policy_input *in, vm_gc_policy_decision *out)
{
    (void)ud;
    size_t enough = in->max_heap ? in->max_heap : 4 * in->live;
    if (in->since_switch < 4 || in->alloc_since_switch < enough || in->throughput <= 0) return;
    if (in->pause_target_ns && in->collector != VM_GC_INCREMENTAL &&
        in->max_pause_ns > 2 * in->pause_target_ns) {
        out->collector = VM_GC_INCREMENTAL;
        return;
    }
    double gen = in->throughput_of[VM_GC_GENERATIONAL], ms = in->throughput_of[VM_GC_MARKSWEEP];
    if (in->collector == VM_GC_GENERATIONAL) {
        if (in->tenures_of[VM_GC_MARKSWEEP] == 0) {
            if (in->survival_avg > 0.3 && in->gc_share > 0.2) out->collector = VM_GC_MARKSWEEP;
        } else if (ms > 1.1 * in->throughput) {
            out->collector = VM_GC_MARKSWEEP;
        }
    } else if (in->collector == VM_GC_MARKSWEEP) {
        if (in->tenures_of[VM_GC_GENERATIONAL] == 1 || gen > 1.1 * in->throughput)
            out->collector = VM_GC_GENERATIONAL;
    }
}
