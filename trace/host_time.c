/*
 * The host-time split of --stats (host_time.h, doc/trace.md "Host time").
 *
 *   translate  measured: engines add the time of each block translation to
 *              vm_hart.translate_ns (one clock pair per translation)
 *   syscalls   measured: the run loop times each system call (one pair)
 *   tlb model  sampled: the paged address space's slow path (everything
 *              but the inline repeat-hit test: the hot-page L1 path, the
 *              model's lookups, policy updates, walks, fills, shadows) is
 *              timed for one call in VM_TLB_SAMPLE (mem/mem.c); estimate =
 *              mean sampled time x calls outside system calls
 *   executing  the rest of the run's wall time
 * Every timed interval also contains about one clock read; that overhead is
 * measured here (median of back-to-back pairs) and subtracted.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/machine_priv.h"
#include "trace/host_time.h"

uint64_t vm_host_tlb_calls(const vm_mem *mem)
{
    return mem->tlb ? mem->tc_misses : 0;
}

void *vm_host_time_slow(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f)
{
    uint64_t t0 = vm_host_ns();
    void *p =
        vm_mem_access_slow(m, va, acc, f); /* counts the call again, as one more than a multiple */
    uint64_t d = vm_host_ns() - t0;
    m->tc_misses--;
    /* a sample the host preempted would count VM_TLB_SAMPLE times: drop it */
    if (d > VM_HOST_SAMPLE_MAX_NS) {
        m->tlb->slow_dropped++;
        return p;
    }
    m->tlb->slow_sample_ns += d;
    m->tlb->slow_samples++;
    return p;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* What one timed interval adds: the median of back-to-back clock pairs. */
static uint64_t clock_overhead(void)
{
    uint64_t d[101];
    for (int i = 0; i < 101; i++) {
        uint64_t a = vm_host_ns();
        d[i] = vm_host_ns() - a;
    }
    qsort(d, 101, sizeof d[0], cmp_u64);
    return d[50];
}

static double sub(uint64_t ns, uint64_t n, uint64_t over)
{
    return ns > n * over ? (double)(ns - n * over) * 1e-9 : 0.0;
}

struct split {
    double wall, translate, sys, tlb, exec;
    uint64_t translations, nsys, calls, samples, dropped, over;
    double tlb_call_ns;
};

static void compute(vm_machine *m, struct split *s)
{
    vm_mem *mem = m->hart.mem;
    s->over = clock_overhead();
    s->wall = m->wall_s;
    s->translations = m->hart.translations;
    s->translate = sub(m->hart.translate_ns, s->translations, s->over);
    s->nsys = m->host.nsys;
    s->sys = sub(m->host.sys_ns, s->nsys, s->over);
    uint64_t sns = mem->tlb ? mem->tlb->slow_sample_ns : 0;
    s->calls = vm_host_tlb_calls(mem);
    s->samples = mem->tlb ? mem->tlb->slow_samples : 0;
    s->dropped = mem->tlb ? mem->tlb->slow_dropped : 0;
    s->tlb_call_ns = s->samples ? sub(sns, s->samples, s->over) * 1e9 / (double)s->samples : 0.0;
    uint64_t own = s->calls > m->host.sys_tlb_calls ? s->calls - m->host.sys_tlb_calls : 0;
    s->tlb = s->tlb_call_ns * (double)own * 1e-9;
    s->exec = s->wall - s->translate - s->sys - s->tlb;
    if (s->exec < 0) s->exec = 0;
}

int vm_host_time_json(vm_machine *m, char *buf, size_t size)
{
    struct split s;
    compute(m, &s);
    return snprintf(
        buf, size,
        "\"host_time\": {\"wall_s\": %.6f, \"executing_s\": %.6f, \"translate_s\": %.6f, "
        "\"syscalls_s\": %.6f, \"tlb_model_s\": %.6f, \"translations\": %llu, "
        "\"tlb_model_calls\": %llu, \"tlb_samples\": %llu, "
        "\"tlb_samples_dropped\": %llu, \"tlb_ns_per_call\": %.1f, \"clock_overhead_ns\": %llu}",
        s.wall, s.exec, s.translate, s.sys, s.tlb, (unsigned long long)s.translations,
        (unsigned long long)s.calls, (unsigned long long)s.samples, (unsigned long long)s.dropped,
        s.tlb_call_ns, (unsigned long long)s.over);
}

void vm_host_time_print(vm_machine *m, FILE *f)
{
    struct split s;
    compute(m, &s);
    double w = s.wall > 0 ? 100.0 / s.wall : 0.0;
    fprintf(
        f,
        "host time %.3f s: executing %.3f s (%.1f%%), translating %.3f s (%.1f%%, %llu blocks), "
        "system calls %.3f s (%.1f%%, %llu), TLB model %.3f s (%.1f%%, %llu calls, sampled %llu)\n",
        s.wall, s.exec, s.exec * w, s.translate, s.translate * w,
        (unsigned long long)s.translations, s.sys, s.sys * w, (unsigned long long)s.nsys, s.tlb,
        s.tlb * w, (unsigned long long)s.calls, (unsigned long long)s.samples);
}
