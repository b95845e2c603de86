/*
 * Metrics as GC papers report them, and the trace-event hook.
 *
 * Every pause (a stop of the mutator: a collection, an incremental step, a
 * switch) is kept as a [start, end] pair of CLOCK_MONOTONIC nanoseconds, so
 * percentiles and minimum mutator utilisation are exact, computed when the
 * stats are read. MMU(w) is the least fraction of any window of length w
 * (inside the run) left to the mutator; the worst window starts at a pause
 * start or ends at a pause end, so only those 2N windows are tried, each in
 * O(log N) with a prefix sum of pause lengths. A run shorter than w is one
 * window. Memory: 24 bytes per pause.
 *
 * On a shared host a pause's wall time includes time the process spent
 * preempted. So each pause also records the thread CPU time it used, and
 * pause_cpu_* and mmu_cpu_* repeat the figures with each pause shortened to
 * that: the collector's own cost, where the wall figures are what the
 * mutator experienced.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gc/gc_priv.h"

void gc_metrics_free(gc_metrics *mx)
{
    free(mx->p);
    mx->p = NULL;
    mx->np = mx->cap = 0;
}

void gc_metrics_reset(vm_gc_heap *h)
{
    gc_metrics *mx = &h->mx;
    gc_pause *p = mx->p;
    size_t cap = mx->cap;
    memset(mx, 0, sizeof *mx);
    mx->p = p;
    mx->cap = cap;
    mx->t0 = gc_now();
    mx->writes0 = h->m.writes;
    mx->alloc0 = h->m.alloc_bytes;
    mx->allocs0 = h->m.allocs;
    mx->surv_min = 1.0;
    mx->heap_peak = h->committed;
    h->t_at_switch = mx->t0;
    h->gcns_at_switch = 0;
    h->coll_at_switch = 0;
    h->surv_at_switch = 0;
    h->survn_at_switch = 0;
    h->alloc_at_switch = h->m.alloc_bytes;
    h->cpu_at_switch = gc_cpu_now();
    h->ring_n = h->ring_i = 0;
}

void vm_gc_stats_reset(vm_gc_heap *h)
{
    gc_metrics_reset(h);
}

void vm_gc_set_trace(vm_gc_heap *h, vm_gc_trace_fn fn, void *ud)
{
    h->trace = fn;
    h->trace_ud = ud;
}

static void emit(vm_gc_heap *h, int kind, const char *what, uint64_t t)
{
    vm_gc_event ev = {kind, what, t, h->committed};
    h->trace(h->trace_ud, &ev);
}

void gc_pause_begin(vm_gc_heap *h, const char *what)
{
    gc_metrics *mx = &h->mx;
    mx->cur_start = gc_now();
    mx->cur_cpu = gc_cpu_now();
    mx->cur_what = what;
    h->in_gc = true;
    if (strcmp(what, "minor") == 0)
        mx->minor++;
    else if (strcmp(what, "major") == 0)
        mx->major++;
    else if (strcmp(what, "full") == 0)
        mx->full++;
    else if (strcmp(what, "step") == 0)
        mx->steps++;
    if (h->trace) emit(h, VM_GC_EV_START, what, mx->cur_start);
}

void gc_pause_end(vm_gc_heap *h)
{
    gc_metrics *mx = &h->mx;
    uint64_t end = gc_now(), cpu = gc_cpu_now() - mx->cur_cpu;
    h->in_gc = false;
    mx->last_end = end;
    mx->last_cpu = cpu;
    mx->last_cpu_end = mx->cur_cpu + cpu;
    if (mx->np == mx->cap) {
        size_t cap = mx->cap ? mx->cap * 2 : 256;
        gc_pause *p = realloc(mx->p, cap * sizeof *p);
        if (!p) return; /* the pause goes unrecorded rather than failing the mutator */
        mx->p = p;
        mx->cap = cap;
    }
    mx->p[mx->np++] = (gc_pause){mx->cur_start, end, cpu};
    mx->gc_total += end - mx->cur_start;
    if (end - mx->cur_start > h->maxpause_since_switch)
        h->maxpause_since_switch = end - mx->cur_start;
    if (h->committed > mx->heap_peak) mx->heap_peak = h->committed;
    if (h->trace) emit(h, VM_GC_EV_END, mx->cur_what, end);
}

double gc_alloc_rate(vm_gc_heap *h)
{
    uint64_t run = gc_now() - h->mx.t0;
    uint64_t mut = run > h->mx.gc_total ? run - h->mx.gc_total : 1;
    return (double)(h->m.alloc_bytes - h->mx.alloc0) / (double)mut;
}

void gc_phase(vm_gc_heap *h, const char *name)
{
    if (h->trace) emit(h, VM_GC_EV_PHASE, name, gc_now());
}

void gc_survival(vm_gc_heap *h, size_t collected, size_t survived)
{
    gc_metrics *mx = &h->mx;
    if (!collected) return;
    double r = (double)survived / (double)collected;
    if (r > 1) r = 1; /* survivors of a lazily swept space can exceed what was counted */
    h->last_survival = r;
    mx->surv_sum += r;
    mx->surv_n++;
    if (r < mx->surv_min) mx->surv_min = r;
    if (r > mx->surv_max) mx->surv_max = r;
}

void gc_heap_sample(vm_gc_heap *h, size_t live)
{
    gc_metrics *mx = &h->mx;
    mx->live_last = live;
    if (live > mx->live_peak) mx->live_peak = live;
    mx->heap_sum += (double)h->committed;
    mx->heap_n++;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* GC time in [t0, t) given prefix sums pre[i] = length of pauses 0..i-1. */
static uint64_t gc_before(const gc_pause *p, const uint64_t *pre, size_t n, uint64_t t)
{
    size_t lo = 0, hi = n; /* first pause starting at or after t */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p[mid].start < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return 0;
    const gc_pause *q = &p[lo - 1];
    return pre[lo - 1] + ((t < q->end ? t : q->end) - q->start);
}

static double mmu(const gc_pause *p, const uint64_t *pre, size_t n, uint64_t t0, uint64_t t1,
                  uint64_t w)
{
    if (t1 <= t0) return 1.0;
    if (w >= t1 - t0) w = t1 - t0;
    double worst = 1.0;
    for (size_t i = 0; i < 2 * n; i++) {
        uint64_t s;
        if (i < n)
            s = p[i].start;
        else
            s = p[i - n].end > t0 + w ? p[i - n].end - w : t0;
        if (s + w > t1) s = t1 - w;
        if (s < t0) s = t0;
        uint64_t g = gc_before(p, pre, n, s + w) - gc_before(p, pre, n, s);
        double u = 1.0 - (double)g / (double)w;
        if (u < worst) worst = u;
    }
    return worst < 0 ? 0 : worst;
}

double gc_mmu(const gc_pause *p, size_t n, uint64_t t0, uint64_t t1, uint64_t w)
{
    uint64_t *pre = malloc((n ? n : 1) * sizeof *pre), sum = 0;
    if (!pre) return -1;
    for (size_t i = 0; i < n; i++) {
        pre[i] = sum;
        sum += p[i].end - p[i].start;
    }
    double u = mmu(p, pre, n, t0, t1, w);
    free(pre);
    return u;
}

void vm_gc_stats_get(vm_gc_heap *h, vm_gc_stats *st)
{
    gc_metrics *mx = &h->mx;
    memset(st, 0, sizeof *st);
    uint64_t now = gc_now();
    st->collector = vm_gc_kind_name(h->kind);
    st->run_ns = now - mx->t0;
    size_t n = mx->np;
    uint64_t *len = calloc(n ? n : 1, sizeof *len), *pre = calloc(n ? n : 1, sizeof *pre);
    if (len && pre) {
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            len[i] = mx->p[i].end - mx->p[i].start;
            pre[i] = sum;
            sum += len[i];
        }
        st->gc_ns = sum;
        st->mmu_1ms = mmu(mx->p, pre, n, mx->t0, now, 1000000);
        st->mmu_10ms = mmu(mx->p, pre, n, mx->t0, now, 10000000);
        st->mmu_100ms = mmu(mx->p, pre, n, mx->t0, now, 100000000);
        /* the same with each pause as long as the CPU time it used */
        gc_pause *cp = malloc((n ? n : 1) * sizeof *cp);
        if (cp) {
            uint64_t csum = 0;
            for (size_t i = 0; i < n; i++) {
                cp[i] = mx->p[i];
                cp[i].end = cp[i].start + (cp[i].cpu < len[i] ? cp[i].cpu : len[i]);
                pre[i] = csum;
                csum += cp[i].end - cp[i].start;
            }
            st->mmu_cpu_1ms = mmu(cp, pre, n, mx->t0, now, 1000000);
            st->mmu_cpu_10ms = mmu(cp, pre, n, mx->t0, now, 10000000);
            st->mmu_cpu_100ms = mmu(cp, pre, n, mx->t0, now, 100000000);
            free(cp);
        }
        qsort(len, n, sizeof *len, cmp_u64);
        if (n) {
            st->pause_p50 = len[(n - 1) * 50 / 100];
            st->pause_p95 = len[(n - 1) * 95 / 100];
            st->pause_p99 = len[(n - 1) * 99 / 100];
            st->pause_max = len[n - 1];
        }
        for (size_t i = 0; i < n; i++) len[i] = mx->p[i].cpu;
        qsort(len, n, sizeof *len, cmp_u64);
        if (n) {
            st->pause_cpu_p99 = len[(n - 1) * 99 / 100];
            st->pause_cpu_max = len[n - 1];
        }
    }
    free(len);
    free(pre);
    st->gc_share = st->run_ns ? (double)st->gc_ns / (double)st->run_ns : 0;
    st->pauses = n;
    st->minor = mx->minor;
    st->major = mx->major + mx->full;
    st->steps = mx->steps;
    st->collections = mx->minor + mx->major + mx->full;
    st->heap_peak = mx->heap_peak;
    st->heap_avg = mx->heap_n ? (size_t)(mx->heap_sum / (double)mx->heap_n) : h->committed;
    st->live_peak = mx->live_peak;
    st->live_last = mx->live_last;
    st->alloc_bytes = h->m.alloc_bytes - mx->alloc0;
    st->alloc_objects = h->m.allocs - mx->allocs0;
    uint64_t mut = st->run_ns > st->gc_ns ? st->run_ns - st->gc_ns : 1;
    st->alloc_rate = (double)st->alloc_bytes / ((double)mut * 1e-9);
    st->copied_bytes = mx->copied;
    st->promoted_bytes = mx->promoted;
    st->survival_avg = mx->surv_n ? mx->surv_sum / (double)mx->surv_n : 0;
    st->survival_min = mx->surv_n ? mx->surv_min : 0;
    st->survival_max = mx->surv_max;
    st->barrier_writes = h->m.writes - mx->writes0;
    st->barrier_slow = mx->barrier_slow;
    st->remembered = mx->remembered;
    st->switches = mx->switches;
}

void vm_gc_stats_print(const vm_gc_stats *st, FILE *f)
{
    const double ms = 1e-6, mib = 1.0 / (1 << 20);
    fprintf(f, "collector         %s\n", st->collector);
    fprintf(f, "run time          %.3f ms\n", st->run_ns * ms);
    fprintf(f, "gc time           %.3f ms (%.1f%%)\n", st->gc_ns * ms, st->gc_share * 100);
    fprintf(f,
            "collections       %" PRIu64 " (minor %" PRIu64 ", major/full %" PRIu64
            "), steps %" PRIu64 ", switches %" PRIu64 "\n",
            st->collections, st->minor, st->major, st->steps, st->switches);
    fprintf(f, "pauses            %" PRIu64 ": p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms\n",
            st->pauses, st->pause_p50 * ms, st->pause_p95 * ms, st->pause_p99 * ms,
            st->pause_max * ms);
    fprintf(f,
            "pause CPU time    p99 %.3f  max %.3f ms (wall minus preemption by other processes)\n",
            st->pause_cpu_p99 * ms, st->pause_cpu_max * ms);
    fprintf(f, "MMU               1ms %.3f  10ms %.3f  100ms %.3f\n", st->mmu_1ms, st->mmu_10ms,
            st->mmu_100ms);
    fprintf(f, "MMU of CPU time   1ms %.3f  10ms %.3f  100ms %.3f\n", st->mmu_cpu_1ms,
            st->mmu_cpu_10ms, st->mmu_cpu_100ms);
    fprintf(f, "heap              peak %.1f MiB, avg %.1f MiB; live peak %.1f MiB, last %.1f MiB\n",
            st->heap_peak * mib, st->heap_avg * mib, st->live_peak * mib, st->live_last * mib);
    fprintf(f, "allocated         %.1f MiB in %" PRIu64 " objects, %.1f MiB/s of mutator time\n",
            st->alloc_bytes * mib, st->alloc_objects, st->alloc_rate * mib);
    fprintf(f, "copied/promoted   %.1f / %.1f MiB\n", st->copied_bytes * mib,
            st->promoted_bytes * mib);
    fprintf(f, "survival          avg %.3f  min %.3f  max %.3f\n", st->survival_avg,
            st->survival_min, st->survival_max);
    fprintf(f, "barrier           %" PRIu64 " writes, %" PRIu64 " slow, %" PRIu64 " remembered\n",
            st->barrier_writes, st->barrier_slow, st->remembered);
}

void vm_gc_stats_json(const vm_gc_stats *st, FILE *f)
{
#define U(k) fprintf(f, ",\"" #k "\":%" PRIu64, (uint64_t)st->k)
#define D(k) fprintf(f, ",\"" #k "\":%.6g", st->k)
    fprintf(f, "{\"collector\":\"%s\"", st->collector);
    U(run_ns), U(gc_ns), D(gc_share), U(collections), U(minor), U(major), U(steps), U(switches);
    U(pauses), U(pause_p50), U(pause_p95), U(pause_p99), U(pause_max), U(pause_cpu_p99);
    U(pause_cpu_max), D(mmu_1ms), D(mmu_10ms), D(mmu_100ms), D(mmu_cpu_1ms), D(mmu_cpu_10ms),
        D(mmu_cpu_100ms), U(heap_peak), U(heap_avg);
    U(live_peak), U(live_last), U(alloc_bytes), U(alloc_objects), D(alloc_rate);
    U(copied_bytes), U(promoted_bytes), D(survival_avg), D(survival_min), D(survival_max);
    U(barrier_writes), U(barrier_slow), U(remembered);
    fputc('}', f);
#undef U
#undef D
}
