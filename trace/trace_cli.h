/*
 * vmsh's tracing and profiling options (--trace, --trace-file, --trace-lttng, --trace-usdt,
 * --profile, --profile-period), so that vmsh.c only parses them and makes one
 * call: vm_trace_cli_run() sets up the tracer, runs the machine, then writes
 * the profile and closes the trace file.
 */
#ifndef VMLAB_TRACE_CLI_H
#define VMLAB_TRACE_CLI_H

#include <stdint.h>

#include "vmlab/machine.h"

typedef struct vm_trace_cli {
    const char *trace;      /* --trace=PATTERNS */
    const char *file;       /* --trace-file=F */
    const char *clock;      /* --trace-clock=ns|coarse|none */
    int lttng;              /* --trace-lttng */
    int usdt;               /* --trace-usdt: only the USDT probes (bpftrace, perf) */
    const char *profile;    /* --profile[=FILE]: "" for the table only */
    uint64_t period;        /* --profile-period=N */
} vm_trace_cli;

/* Run m like vm_machine_run(m, max_insns, res), with the options' tracer and
 * profiler around it. -1 (message in res->msg, res->kind VM_RUN_ERROR) when
 * an option is wrong or an output cannot be written. */
int vm_trace_cli_run(const vm_trace_cli *o, vm_machine *m, const char *prog, uint64_t max_insns,
                     vm_run_result *res);

#endif
