/*
 * adaptive: the default policy. The mechanism (run the policy after each
 * collection, switch collectors at the next safe point by evacuation) lives in
 * heap.c; this file is only the decision, one small function a script can
 * replace through vm_gc_set_policy.
 *
 * Reasoning, in order:
 *  - A pause target that the running collector misses (twice the target) is
 *    the strongest signal: go incremental.
 *  - Generational pays off when most of the nursery dies. When on average
 *    more than half of it survives, copying is wasted work: use mark-sweep,
 *    whose cost does not depend on survival. (Binary-trees in a tight heap
 *    is the classic case the other way round: most nodes die young.)
 *  - Under mark-sweep, if the heap spends over 30% of its time collecting and
 *    the live data is small next to the heap, a nursery would help: go back
 *    to generational with a nursery of an eighth of the room left.
 * Decisions wait for a few collections after each switch (hysteresis), so the
 * policy cannot thrash.
 */
#include "gc/gc_priv.h"

void vm_gc_policy_default(void *ud, const vm_gc_policy_input *in, vm_gc_policy_decision *out)
{
    (void)ud;
    if (in->since_switch < 4) return;
    if (in->pause_target_ns && in->collector != VM_GC_INCREMENTAL &&
        in->max_pause_ns > 2 * in->pause_target_ns) {
        out->collector = VM_GC_INCREMENTAL;
        return;
    }
    if (in->collector == VM_GC_GENERATIONAL && in->survival_avg > 0.5) {
        out->collector = VM_GC_MARKSWEEP;
        return;
    }
    if (in->collector == VM_GC_MARKSWEEP && in->since_switch >= 16 && in->gc_share > 0.3 &&
        in->max_heap && in->live * 4 < in->max_heap) {
        out->collector = VM_GC_GENERATIONAL;
        size_t room = in->max_heap - in->live;
        out->nursery = room / 8 > (1u << 20) ? room / 8 : (1u << 20);
    }
}
