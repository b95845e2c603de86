/*
 * LTTng-UST tracepoint definitions of provider "vmlab": one tracepoint per
 * event of vmlab/trace_events.def, generated, with the event's fields as CTF
 * fields. Included by the provider (trace/lttng_provider.c, which creates the
 * probes) and by trace/lttng_load.c (which calls the tracepoints); LTTng's
 * headers include it several times, hence the unusual guard.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER vmlab
#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "trace/lttng_tp.h"

#ifndef VMLAB_LTTNG_RECORDS
#define VMLAB_LTTNG_RECORDS
#include <stdint.h>
#include <string.h>

#include "vmlab/trace.h"
/* A record per event: one 8-byte member per field, the layout of the
 * vm_trace_val array the tracer passes around. */
#define VM_LT_U64(name) uint64_t name;
#define VM_LT_I64(name) int64_t name;
#define VM_LT_STR(name) const char *name;
#define F(type, name) VM_LT_##type(name)
#define EV(name, flags, doc, fields) struct vm_lttng_##name { fields };
#include "vmlab/trace_events.def"
#undef EV
#undef F
#endif

#if !defined(VMLAB_LTTNG_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define VMLAB_LTTNG_TP_H

#include <lttng/tracepoint.h>

#define VM_LTF_U64(name) lttng_ust_field_integer(uint64_t, name, r->name)
#define VM_LTF_I64(name) lttng_ust_field_integer(int64_t, name, r->name)
#define VM_LTF_STR(name) lttng_ust_field_string(name, r->name)
#define F(type, name) VM_LTF_##type(name)
#define EV(name, flags, doc, fields)                                                   \
    LTTNG_UST_TRACEPOINT_EVENT(vmlab, name,                                            \
                               LTTNG_UST_TP_ARGS(const struct vm_lttng_##name *, r), \
                               LTTNG_UST_TP_FIELDS(fields))
#include "vmlab/trace_events.def"
#undef EV
#undef F
#undef VM_LTF_U64
#undef VM_LTF_I64
#undef VM_LTF_STR

#endif

#include <lttng/tracepoint-event.h>
