/* vmsh's tracing and profiling options (see trace_cli.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace/profile.h"
#include "trace/trace_cli.h"
#include "vmlab/trace.h"

static int fail(vm_run_result *res, const char *msg)
{
    memset(res, 0, sizeof *res);
    res->kind = VM_RUN_ERROR;
    snprintf(res->msg, sizeof res->msg, "%.*s", (int)sizeof res->msg - 1, msg);
    return -1;
}

int vm_trace_cli_run(const vm_trace_cli *o, vm_machine *m, const char *prog, uint64_t max_insns,
                     vm_run_result *res)
{
    if (!o->trace && !o->file && !o->lttng && !o->usdt && !o->profile) return vm_machine_run(m, max_insns, res);
    vm_error err;
    vm_tracer *t = vm_tracer_new(&err);
    vm_profile *p = NULL;
    if (!t) return fail(res, err.msg);
    /* default: every event that is not per instruction / access */
    const char *pat = o->trace ? o->trace : "*,-insn,-block_exec,-mem_*,-tlb_hit";
    int rc = -1;
    if ((o->trace || o->file || o->lttng || o->usdt) && vm_tracer_enable(t, pat, &err)) goto out;
    if (o->clock && vm_tracer_set_clock(t, o->clock, &err)) goto out;
    if (o->file && vm_tracer_open_file(t, o->file, &err)) goto out;
    if (o->lttng && vm_tracer_lttng(t, &err)) goto out;
    if (o->trace && !o->file && !o->lttng && !o->usdt) vm_tracer_set_text(t, stderr);
    vm_machine_set_tracer(m, t);
    if (o->profile && !(p = vm_profile_new(m, t, prog, o->period, &err))) goto out;
    rc = vm_machine_run(m, max_insns, res);
    if (p) {
        vm_profile_print(p, stderr, 20);
        if (*o->profile) {
            FILE *f = fopen(o->profile, "w");
            int bad = !f || vm_profile_write_folded(p, f);
            if (f && fclose(f)) bad = 1;
            if (bad) {
                snprintf(err.msg, sizeof err.msg, "--profile=%s: %s", o->profile, strerror(errno));
                rc = -1;
                goto out;
            }
        }
    }
    if (vm_tracer_close_file(t, &err)) rc = -1;
out:
    vm_profile_free(p);
    vm_machine_set_tracer(m, NULL);
    vm_tracer_free(t);
    if (rc) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", err.msg);
        return fail(res, msg);
    }
    return 0;
}
