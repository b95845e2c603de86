/* Attaching a tracer to a GC heap: its collection events become gc_start,
 * gc_end and gc_phase (the heap calls back once per collection / phase). */
#include "trace/trace_priv.h"
#include "vmlab/gc.h"

static void gc_event(void *ud, const vm_gc_event *ev)
{
    vm_tracer *t = ud;
    switch (ev->kind) {
    case VM_GC_EV_START: VM_TRACE(t, gc_start, ev->what, (uint64_t)ev->heap); break;
    case VM_GC_EV_END: VM_TRACE(t, gc_end, ev->what, (uint64_t)ev->heap); break;
    default: VM_TRACE(t, gc_phase, ev->what, (uint64_t)ev->heap); break;
    }
}

void vm_tracer_attach_gc(vm_tracer *t, struct vm_gc_heap *h)
{
    vm_gc_set_trace(h, t ? gc_event : NULL, t);
    if (t) t->gc = h;
}
