/*
 * LTTng-UST backend, application side. The tracepoint provider (the probes,
 * which link liblttng-ust and start its threads) is a separate shared object,
 * trace/vmlab-lttng.so, loaded with dlopen only when a tracer asks for LTTng
 * (LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE): a vmsh that does not trace with LTTng
 * never loads liblttng-ust. Once loaded, the tracepoints are process-wide and
 * LTTng's session daemon decides which are recorded.
 */
#include <stdlib.h>

#include "trace/trace_priv.h"

#if defined(HAVE_LTTNG) && !defined(VMLAB_DISABLE_TRACING)

#include <dlfcn.h>

#include <string.h>

#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "trace/lttng_tp.h"

/* One function per event: copy the values into the event's record and hit
 * its tracepoint. */
#define F(type, name) (type, name)
#define EV(name, flags, doc, fields)                          \
    static void lt_##name(const vm_trace_val *v)              \
    {                                                         \
        struct vm_lttng_##name r;                             \
        memcpy(&r, v, sizeof r);                              \
        lttng_ust_tracepoint(vmlab, name, &r);                          \
    }
#include "vmlab/trace_events.def"
#undef EV
#undef F

static const vm_trace_lttng_fn lt_fns[VM_TEV_COUNT] = {
#define EV(name, flags, doc, fields) lt_##name,
#include "vmlab/trace_events.def"
#undef EV
};

const vm_trace_lttng_fn *vm_trace_lttng_load(vm_error *err)
{
    const char *path = getenv("VMLAB_LTTNG_PROVIDER");
    if (!path || !*path) path = VMLAB_LTTNG_PROVIDER_PATH;
    /* never closed: tracepoints may fire until the process ends */
    if (!dlopen(path, RTLD_NOW | RTLD_GLOBAL)) {
        vm_error_set(err, VM_ENOTSUP, "LTTng provider %s: %s", path, dlerror());
        return NULL;
    }
    return lt_fns;
}

#else

const vm_trace_lttng_fn *vm_trace_lttng_load(vm_error *err)
{
#ifdef VMLAB_DISABLE_TRACING
    vm_error_set(err, VM_ENOTSUP, "LTTng: vmlab was configured with --disable-tracing");
#else
    vm_error_set(err, VM_ENOTSUP,
                 "LTTng: vmlab was built without LTTng-UST (apt-get install liblttng-ust-dev, re-run configure)");
#endif
    return NULL;
}

#endif
