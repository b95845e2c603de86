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
 *    may have included the program's start), if generational measured
 *    faster than the trial by enough to win back the switch (an evacuation:
 *    a copy of the live data) within PAYBACK collections (pays_back below;
 *    binary-trees 19 at 2x: the trial measured 7.94e8 bytes/s against
 *    generational's 8.27e8, the way back was a 62 ms pause 80 % into the
 *    run that would take 860 MB of allocation = 15 collections to win back;
 *    the synthetic mutator: mark-sweep is the faster, and the re-measurement
 *    ended with generational's allocation failing, three switches), and
 *    compare it with the trial just before: go back to mark-sweep (a cheap
 *    switch, the old generation is handed over) only if that was 25% faster,
 *    and only
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

#define GAIN    1.25
#define PAYBACK 4 /* collections of the running collector: as many as a measurement takes */

/* Would a switch to a collector measured at `tput` (bytes allocated per CPU
 * second, when it last ran) win back what it costs within PAYBACK
 * collections of the running one? The gain is the time saved per byte
 * allocated, from the two throughputs; the cost of a switch that copies the
 * live data is taken as the time the running collector takes to allocate as
 * many bytes (binary-trees 19 at 2x live: 34 MB live, 43 ms by that
 * estimate, 62 ms measured). */
static bool pays_back(const vm_gc_policy_input *in, double tput, double copied)
{
    if (tput <= 0 || in->throughput <= 0 || !in->since_switch) return false;
    double gain = 1 / in->throughput - 1 / tput; /* s per byte */
    if (gain <= 0) return false;
    double cost = copied / in->throughput;
    double per_collection = (double)in->alloc_since_switch / (double)in->since_switch;
    return cost / gain <= PAYBACK * per_collection;
}

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
        if (in->tenures_of[VM_GC_GENERATIONAL] == 1 && !in->out_of_memory_of[VM_GC_GENERATIONAL] &&
            pays_back(in, in->throughput_of[VM_GC_GENERATIONAL], (double)in->live))
            out->collector = VM_GC_GENERATIONAL;
    }
}
