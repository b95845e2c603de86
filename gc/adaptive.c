/*
 * adaptive: the default policy. The mechanism (run the policy after each
 * collection, switch collectors at the next safe point (the first
 * allocation after it) by evacuation, or from generational to mark-sweep by
 * handing the old generation over,
 * measure each collector's recent throughput: bytes allocated per CPU second
 * over its last four collection intervals) lives in heap.c; this file is only
 * the decision, one small function a script can replace through
 * vm_gc_set_policy.
 *
 * It starts generational and decides only with evidence: at least 4
 * collections and max_heap bytes (4 x live without a limit) allocated since
 * the last switch, since a program's start looks nothing like its steady
 * state and a switch to generational copies the live data once.
 *  - A pause target that the running collector misses by 2x: go incremental.
 *  - Generational with much of the nursery surviving, steadily, and over 20%
 *    of the time in GC, recently: copying may be wasted work. Try mark-sweep.
 *    "Steadily": every recent collection (interval) saw over 30% survive,
 *    and the lowest is at least 0.6 x the highest. A program building its
 *    long-lived data shows high survival that is falling (binary-trees 19
 *    at 2x live: 1.0, 0.86 ... 0.35 over its first six collections), and
 *    the trial made there (two switches, each copying 24-35 MB, with both
 *    collectors' spaces held during the first) cost 15-22 % of the run.
 *  - After that trial, measure generational once more (its first measure
 *    included the program's start), and compare it with the trial just
 *    before: go back to mark-sweep only if that was 25% faster, and only
 *    at the first decisions after the re-measurement (within 8 collections,
 *    or before 2 x max_heap bytes were allocated under it); after that,
 *    stay. Adjacent windows only: a program's phases differ more than
 *    collectors do. (With 8 collections alone, a generational heap whose
 *    nursery had shrunk to 64 KiB in a tight heap collected hundreds of
 *    times before max_heap bytes were allocated, so the comparison never
 *    ran: the synthetic mutator at 2x live stayed in generational for 1.4 s
 *    until an allocation failed.)
 * Measured on bench/gc/run (2026-11-22): a first version that left
 * generational after 4 collections at 50% survival was fooled by
 * binary-trees' stretch tree and ran 1.2-1.5x slower than the best fixed
 * collector; requiring 16 collections then never left generational on the
 * synthetic mutator, where mark-sweep is 1.5x faster; the third kept
 * comparing with the throughput the trial had measured long before, and on
 * binary-trees at 1.5x live (depth 17) switched three times, ending in
 * mark-sweep because a later phase of generational measured slower than an
 * earlier phase of mark-sweep; the fourth (a mean survival over 30 %)
 * tried mark-sweep during binary-trees' start at 1.5x and 2x live, and at
 * 1.5x again in its last phase.
 */
#include "gc/gc_priv.h"

#define GAIN 1.25

void vm_gc_policy_default(void *ud, const vm_gc_policy_input *in, vm_gc_policy_decision *out)
{
    (void)ud;
    if (in->out_of_memory) {
        /* one space for the whole limit, nothing copied: what fits where
         * generational's nursery and the old generation do not */
        if (in->collector != VM_GC_MARKSWEEP) out->collector = VM_GC_MARKSWEEP;
        return;
    }
    size_t enough = in->max_heap ? in->max_heap : 4 * in->live;
    if (in->since_switch < 4 || in->alloc_since_switch < enough || in->throughput <= 0) return;
    if (in->pause_target_ns && in->collector != VM_GC_INCREMENTAL &&
        in->max_pause_ns > 2 * in->pause_target_ns) {
        out->collector = VM_GC_INCREMENTAL;
        return;
    }
    double ms = in->throughput_of[VM_GC_MARKSWEEP];
    if (in->collector == VM_GC_GENERATIONAL) {
        if (in->tenures_of[VM_GC_MARKSWEEP] == 0) {
            if (in->survival_min > 0.3 && in->survival_min >= 0.6 * in->survival_max &&
                in->gc_share > 0.2)
                out->collector = VM_GC_MARKSWEEP;
        } else if ((in->since_switch <= 8 || in->alloc_since_switch < 2 * enough) &&
                   ms > GAIN * in->throughput) {
            out->collector = VM_GC_MARKSWEEP;
        }
    } else if (in->collector == VM_GC_MARKSWEEP) {
        if (in->tenures_of[VM_GC_GENERATIONAL] == 1 && !in->out_of_memory_of[VM_GC_GENERATIONAL])
            out->collector = VM_GC_GENERATIONAL;
    }
}
