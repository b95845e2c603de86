/*
 * The LTTng-UST tracepoint provider of vmlab, built as its own shared object
 * (vmlab-lttng.so) so that only a process that traces with LTTng loads
 * liblttng-ust and its threads: libvmlab dlopens it (trace/lttng_load.c).
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "trace/lttng_tp.h"
