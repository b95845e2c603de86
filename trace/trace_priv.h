/* The tracer's internals, shared by trace/ (core, machine glue, LTTng glue). */
#ifndef VMLAB_TRACE_PRIV_H
#define VMLAB_TRACE_PRIV_H

#include <stdint.h>
#include <stdio.h>

#include "trace/tracefile.h"
#include "vmlab/trace.h"

/* Events the engines test through vm_hart.trace. */
extern const uint64_t vm_trace_fine_mask;

struct vm_trace_sub {
    vm_trace_fn fn;
    void *ud;
    uint64_t mask; /* 0: a free slot */
};

/* LTTng-UST: one function per event, in the provider glue (lttng_glue.c). */
typedef void (*vm_trace_lttng_fn)(const vm_trace_val *v);

struct vm_tracer {
    struct vm_tracer_head head; /* enabled = sinks | every subscription's mask */
    uint64_t sinks;             /* events for the file, text and LTTng sinks */
    uint64_t counts[VM_TEV_COUNT];
    struct vm_trace_sub *subs;
    int nsubs;
    FILE *text;
    vm_tfw *file;
    const vm_trace_lttng_fn *lttng; /* VM_TEV_COUNT functions, or NULL */
    uint64_t t0;                /* clock origin (ns) */
    int clock;                  /* VM_TRACE_CLOCK_* */
    struct vm_machine *m;       /* attached machine, or NULL */
    /* tlb_hit on: the address space's repeat-hit shortcuts, switched off
     * (trace_machine.c) and restored from here */
    int hits_on;
    unsigned saved_short[2];
    int saved_use_hot;
    struct vm_gc_heap *gc;
};

/* The enabled set changed: the machine glue re-points the hart (trace_machine.c). */
void vm_trace_machine_update(vm_tracer *t);
uint64_t vm_trace_clock(int clock);
/* LTTng glue: the provider's function table, or NULL with *err. */
const vm_trace_lttng_fn *vm_trace_lttng_load(vm_error *err);

#endif
