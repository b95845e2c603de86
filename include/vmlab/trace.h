/*
 * Tracing: one list of events (vmlab/trace_events.def), a tracer object per
 * machine, and backends generated from the list: C callbacks (and through
 * them Lua), a compact binary trace file (read by `vmtrace`), text lines, and
 * LTTng-UST tracepoints. See doc/trace.md.
 *
 *     vm_tracer *t = vm_tracer_new(&err);
 *     vm_tracer_enable(t, "tlb_miss,syscall*", &err);   // what is recorded
 *     vm_tracer_open_file(t, "run.vmtrace", &err);      // where it goes
 *     vm_machine_set_tracer(m, t);                      // t outlives its use by m
 *     vm_machine_run(m, 0, &r);
 *     vm_machine_set_tracer(m, NULL);
 *     vm_tracer_free(t);
 *
 * Cost when off: a call site tests one bit of the tracer's `enabled` mask
 * (VM_TRACE_ON) and calls an out-of-line function only when it is set. The
 * fine-grained events (FINE in the list: every instruction, access, block) are
 * tested by the engines through one pointer in the hart, which is non-NULL
 * only while one of them is enabled. Nothing here is global: LTTng's
 * tracepoints are process-wide by nature, everything else is per tracer.
 */
#ifndef VMLAB_TRACE_H
#define VMLAB_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "vmlab/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vm_tracer vm_tracer;
struct vm_machine;
struct vm_gc_heap;

/* Event ids: VM_TEV_insn, VM_TEV_syscall_enter, ... in list order. */
enum vm_trace_event {
#define EV(name, flags, doc, fields) VM_TEV_##name,
#include "vmlab/trace_events.def"
#undef EV
    VM_TEV_COUNT
};

enum vm_trace_type { VM_TRT_U64, VM_TRT_I64, VM_TRT_STR };
enum { VM_TEVF_0 = 0, VM_TEVF_FINE = 1, VM_TEVF_BEGIN = 2, VM_TEVF_END = 4 };

/* One field value; which member is meant is the field's type. */
typedef union vm_trace_val {
    uint64_t u;
    int64_t i;
    const char *s;
} vm_trace_val;

typedef struct vm_trace_field {
    const char *name;
    int type; /* enum vm_trace_type */
} vm_trace_field;

typedef struct vm_trace_info {
    const char *name, *doc;
    int flags; /* VM_TEVF_* */
    int nfields;
    const vm_trace_field *fields;
} vm_trace_info;

/* The event table: VM_TEV_COUNT entries. */
const vm_trace_info *vm_trace_info_of(int ev);
/* Event id of `name`, or -1. */
int vm_trace_find(const char *name);
/* Mask of the events matching a comma-separated list of glob patterns
 * ("tlb_miss,syscall*", "*", "all"); a pattern starting with '-' removes.
 * A pattern that matches nothing is an error (VM_EINVAL naming it). */
int vm_trace_parse(const char *patterns, uint64_t *mask, vm_error *err);

vm_tracer *vm_tracer_new(vm_error *err);
/* Closes the trace file (flushing it) and unloads nothing process-wide. A
 * tracer still attached to a machine or GC heap must be detached first. */
void vm_tracer_free(vm_tracer *t);

/* The events sent to the tracer's sinks (file, text, LTTng). Returns -1 on
 * a bad pattern (nothing changes). */
int vm_tracer_enable(vm_tracer *t, const char *patterns, vm_error *err);
void vm_tracer_set_mask(vm_tracer *t, uint64_t mask);
uint64_t vm_tracer_mask(const vm_tracer *t);
/* How many times each event fired while enabled (for any sink or callback). */
uint64_t vm_tracer_count(const vm_tracer *t, int ev);

/* {==== backend 1: callbacks ==== */

/* Called for each event in `patterns` (which are enabled for this callback
 * only). v has the event's nfields values (strings valid during the call).
 * This is the hook for Lua: the binding subscribes one C function that pushes
 * the event's name and fields. Returns a subscription id (>= 0) or -1. */
typedef void (*vm_trace_fn)(void *ud, int ev, const vm_trace_val *v);
int vm_tracer_subscribe(vm_tracer *t, const char *patterns, vm_trace_fn fn, void *ud,
                        vm_error *err);
void vm_tracer_unsubscribe(vm_tracer *t, int id);

/* {==== backend 2: trace file and text ==== */

/* Write the enabled events to a binary trace file (format in doc/trace.md;
 * `vmtrace` reads it). Fails with VM_EIO naming the file. */
int vm_tracer_open_file(vm_tracer *t, const char *path, vm_error *err);
/* Flush and close it; -1 (VM_EIO) if a write failed. */
int vm_tracer_close_file(vm_tracer *t, vm_error *err);
/* One text line per enabled event to f (NULL: off), like strace. */
void vm_tracer_set_text(vm_tracer *t, FILE *f);
/* The time stamp of file and text records (set it before opening the file):
 * "ns" (CLOCK_MONOTONIC, the default), "coarse" (CLOCK_MONOTONIC_COARSE:
 * jiffy resolution, but no rdtsc: much cheaper in VMs that trap it) or
 * "none" (all zero: order only, the cheapest). */
enum { VM_TRACE_CLOCK_NS, VM_TRACE_CLOCK_COARSE, VM_TRACE_CLOCK_NONE };
int vm_tracer_set_clock(vm_tracer *t, const char *clock, vm_error *err);

/* {==== backend 3: LTTng-UST ==== */

/* Send the enabled events to LTTng-UST tracepoints (provider "vmlab", one
 * tracepoint per event): loads the provider shared object (from
 * $VMLAB_LTTNG_PROVIDER, else the installed one). VM_ENOTSUP when vmlab was
 * built without LTTng or the provider cannot be loaded. */
int vm_tracer_lttng(vm_tracer *t, vm_error *err);

/* {==== attaching ==== */

/* Attach t to a machine (NULL detaches). Subscribes the machine's TLB model
 * and points the hart at t while fine-grained events are enabled; changing
 * the enabled set later asks the engine to re-translate (JIT/threaded). */
void vm_machine_set_tracer(struct vm_machine *m, vm_tracer *t);
vm_tracer *vm_machine_tracer(const struct vm_machine *m);
/* GC heap collection events (gc_start, gc_end, gc_phase); NULL detaches. */
void vm_tracer_attach_gc(vm_tracer *t, struct vm_gc_heap *h);

/* {==== call sites (generated) ==== */

/* The first member of every tracer: the events some sink or callback wants. */
struct vm_tracer_head {
    uint64_t enabled;
};
#define VM_TRACE_ON(t, ev) \
    __builtin_expect((t) != NULL && ((((const struct vm_tracer_head *)(t))->enabled >> VM_TEV_##ev) & 1), 0)
#ifdef VMLAB_DISABLE_TRACING /* configure --disable-tracing: every call site compiles to nothing */
#undef VM_TRACE_ON
#define VM_TRACE_ON(t, ev) ((void)(t), 0)
#endif
/* VM_TRACE(t, syscall_exit, nr, name, ret): test the bit, call out of line. */
#define VM_TRACE(t, ev, ...) do { if (VM_TRACE_ON(t, ev)) vm_trace_##ev((t), __VA_ARGS__); } while (0)

typedef uint64_t vm_trace_ctype_U64;
typedef int64_t vm_trace_ctype_I64;
typedef const char *vm_trace_ctype_STR;
#define F(type, name) , vm_trace_ctype_##type name
#define EV(name, flags, doc, fields) void vm_trace_##name(vm_tracer *t fields);
#include "vmlab/trace_events.def"
#undef EV
#undef F
/* Any event from its values (what the generated functions call). */
void vm_trace_emit(vm_tracer *t, int ev, const vm_trace_val *v);

#ifdef __cplusplus
}
#endif
#endif
