/*
 * Attaching a tracer to a machine: the glue that knows the
 * machine's internals (core/machine_priv.h). The machine keeps one tracer
 * pointer of its own (not the Lua layer's vm_hooks slot); the TLB model
 * reports misses, evictions and flushes through its event callback; the hart
 * carries the tracer only while fine-grained events are on.
 */
#include <stdint.h>

#include "core/machine_priv.h"
#include "trace/trace_engine.h"
#include "trace/trace_priv.h"

uint64_t vm_trace_paddr(vm_mem *m, uint64_t va)
{
    uintptr_t e = vm_mem_entry(m, va);
    uintptr_t host = e & ~(uintptr_t)VM_PAGE_MASK;
    if (!host) return 0;
    if (m->mode != VM_MMU_BARE && m->phys) return (uint64_t)(host - (uintptr_t)m->phys->base) + (va & VM_PAGE_MASK);
    return (uint64_t)host + (va & VM_PAGE_MASK);
}

static void tlb_event(void *ud, int kind, int level, uint64_t vpn, int asid)
{
    vm_tracer *t = ud;
    switch (kind) {
    case VM_TLB_EV_MISS: VM_TRACE(t, tlb_miss, (uint64_t)level, vpn, (uint64_t)asid); break;
    case VM_TLB_EV_EVICT: VM_TRACE(t, tlb_evict, (uint64_t)level, vpn, (uint64_t)asid); break;
    case VM_TLB_EV_FLUSH: VM_TRACE(t, tlb_flush, (uint64_t)level, vpn, (int64_t)asid); break;
    case VM_TLB_EV_WALK: VM_TRACE(t, page_walk, vpn, (uint64_t)level, (uint64_t)asid); break;
    case VM_TLB_EV_HIT: VM_TRACE(t, tlb_hit, (uint64_t)level, vpn, (uint64_t)asid); break;
    }
}

/* tlb_hit: in exact mode, mem/ serves a repeat access to the page of the
 * previous access of its kind inline and credits it in bulk, and an L1 hit
 * on a page it saw before through its `hot` table: neither reaches
 * vm_tlb_translate, which reports hits. While tlb_hit is on, both shortcuts
 * are switched off, through the address space's own knobs: no page size is
 * repeat-hit eligible (short_sizes, so `last.ok` stays 0 and vm_mem_ptr's
 * inline test fails), and use_hot is 0. The model's statistics are the same
 * either way (the shortcuts are exact); only slower. Fast mode: the host-side
 * translation cache hides hits from the model (its statistics undercount,
 * and so do the events, equally). */
static void mem_hit_events(vm_tracer *t, vm_mem *mem, int on)
{
    if (!mem->tlb || !mem->exact || on == t->hits_on) return;
    if (on) {
        for (int k = 0; k < 2; k++) {
            t->saved_short[k] = mem->short_sizes[k];
            mem->short_sizes[k] = 0;
            mem->last[k].ok = 0; /* pending hits: parked by the next slow access */
            mem->second[k].ok = 0;
            for (int i = 0; i < VM_RECENT - 2; i++) mem->prev[k][i].ok = 0;
        }
        t->saved_use_hot = mem->use_hot;
        mem->use_hot = 0;
    } else {
        for (int k = 0; k < 2; k++) mem->short_sizes[k] = t->saved_short[k];
        mem->use_hot = t->saved_use_hot;
    }
    t->hits_on = on;
}

void vm_trace_machine_update(vm_tracer *t)
{
    vm_machine *m = t->m;
    uint64_t fine = t->head.enabled & vm_trace_fine_mask;
    vm_tracer *want = fine ? t : NULL;
    /* engines that compile code re-translate when the fine set changes */
    if (m->hart.trace != want || fine != m->trace_fine) {
        m->hart.trace = want;
        m->trace_fine = fine;
        m->eng->invalidate(m->eng_state, 0, UINT64_MAX);
    }
    vm_tlb_hier *h = m->hart.mem->tlb;
    if (h) {
        uint64_t tlbev = (1ull << VM_TEV_tlb_miss) | (1ull << VM_TEV_tlb_evict) | (1ull << VM_TEV_tlb_flush) |
                         (1ull << VM_TEV_page_walk) | (1ull << VM_TEV_tlb_hit);
        int on = (t->head.enabled & tlbev) != 0;
        h->event = on ? tlb_event : NULL;
        h->event_ud = on ? t : NULL;
    }
    mem_hit_events(t, m->hart.mem, VM_TRACE_ON(t, tlb_hit));
}

void vm_machine_set_tracer(vm_machine *m, vm_tracer *t)
{
    if (m->tracer == t) return;
    if (m->tracer) {
        vm_tracer *old = m->tracer;
        mem_hit_events(old, m->hart.mem, 0);
        old->m = NULL;
        if (m->hart.mem->tlb && m->hart.mem->tlb->event_ud == old) {
            m->hart.mem->tlb->event = NULL;
            m->hart.mem->tlb->event_ud = NULL;
        }
        if (m->hart.trace) m->eng->invalidate(m->eng_state, 0, UINT64_MAX);
        m->hart.trace = NULL;
        m->trace_fine = 0;
    }
    m->tracer = t;
    if (t) {
        if (t->m && t->m != m) vm_machine_set_tracer(t->m, NULL);
        t->m = m;
        vm_trace_machine_update(t);
    }
}

vm_tracer *vm_machine_tracer(const vm_machine *m) { return m->tracer; }
