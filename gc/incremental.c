/*
 * incremental: tri-colour marking interleaved with the mutator, then
 * incremental sweeping, over the mark-sweep space.
 *
 * Colours: white = MARK clear; grey = MARK set and on the grey stack; black =
 * MARK set and scanned. The barrier is Yuasa's snapshot-at-the-beginning
 * deletion barrier: while marking, vm_gc_write shades the value being
 * overwritten before the store (VM_GC_BARRIER_CALL), so every object
 * reachable when marking began is marked, however the mutator rearranges the
 * graph. Objects allocated while marking are black. Roots are greyed once at
 * the start: a value the mutator later puts into a root was either reachable
 * at the start (so it will be marked) or allocated since (so it is black),
 * hence no root barrier and no final root rescan, and marking ends when the
 * grey stack is empty.
 *
 * Pacing is by time, so that the mutator keeps at least half of any window:
 * while a cycle runs, a step marks (or sweeps) for step_ns, and the next one
 * comes no sooner than step_ns after it ended. The steps run from the
 * allocation slow path, which the inline path enters at least once per 64 KiB
 * block. Marking then proceeds at half the marking speed M while the mutator
 * allocates at half its speed A, so a cycle needs live * A / M bytes of room;
 * a cycle starts when the free room left is step_ratio (default 1.5) times
 * that (and at least a quarter of the room), A and M being measured as the
 * program runs (A/M = 1 until then). Room is counted from the start of the
 * previous cycle's marking, since what was allocated after it survives. If
 * the heap fills before a cycle ends, the rest of the cycle runs at once: a
 * long pause, labelled "finish". That is the honest failure mode of an
 * incremental collector whose heap is too small for its mutator.
 */
#include <stdlib.h>

#include "gc/gc_priv.h"

enum { IDLE, MARKING, SWEEPING };

typedef struct inc_state {
    ms_space s;
    gc_vec grey;
    int phase;
    uint64_t since0;              /* h->m.alloc_bytes when the last cycle began marking */
    uint64_t mark_bytes, mark_ns; /* marking speed M, over all cycles */
    uint64_t last_end;            /* CLOCK_MONOTONIC end of the last step */
    size_t marked;                /* bytes marked in this cycle */
    size_t live;                  /* bytes marked in the last complete cycle */
} inc_state;

static void grey_root(vm_gc_heap *h, vm_gc_ref *slot, void *ctx)
{
    gc_mark_grey(ctx, *slot);
}

static int inc_init(vm_gc_heap *h, size_t hint, vm_error *err)
{
    inc_state *st = calloc(1, sizeof *st);
    if (!st) return vm_error_set(err, VM_ENOMEM, "gc: no host memory for incremental");
    ms_init(&st->s, h, !(h->cfg.flags & VM_GC_STRESS));
    h->cs = st;
    h->m.barrier = VM_GC_BARRIER_NONE;
    h->m.alloc_cur = h->m.alloc_end = NULL;
    h->m.alloc_bits = 0;
    st->live = hint / 2;
    st->since0 = h->m.alloc_bytes;
    return 0;
}

static void inc_destroy(vm_gc_heap *h)
{
    inc_state *st = h->cs;
    ms_destroy(&st->s);
    gc_vec_free(&st->grey);
    free(st);
    h->cs = NULL;
    h->m.barrier = VM_GC_BARRIER_NONE;
    h->m.alloc_bits = 0;
}

static void start_mark(vm_gc_heap *h)
{
    inc_state *st = h->cs;
    ms_finish_sweep(&st->s); /* normally already done by the sweep steps */
    gc_phase(h, "mark");
    st->grey.n = 0;
    st->marked = 0;
    gc_for_roots(h, grey_root, &st->grey);
    st->phase = MARKING;
    /* what is allocated from now on survives this cycle: the room for the
     * next one is counted from here, not from the end of this one */
    st->since0 = h->m.alloc_bytes;
    h->m.barrier = VM_GC_BARRIER_CALL;
    h->m.alloc_bits = VM_GC_HDR_MARK;
}

static int end_mark(vm_gc_heap *h, vm_error *err)
{
    inc_state *st = h->cs;
    h->m.barrier = VM_GC_BARRIER_NONE;
    h->m.alloc_bits = 0;
    gc_phase(h, "sweep");
    size_t before = ms_bytes(&st->s);
    ms_start_sweep(&st->s);
    /* verify before sweeping any block: a reachable white object is not in
     * the walk of an unswept space, so a missed barrier is reported here */
    int rc = (h->cfg.flags & VM_GC_VERIFY) ? vm_gc_verify(h, err) : 0;
    st->phase = SWEEPING;
    st->live = st->marked;
    st->s.marked = st->marked;
    gc_survival(h, before, st->marked);
    gc_heap_sample(h, st->marked);
    return rc;
}

static void end_cycle(vm_gc_heap *h)
{
    inc_state *st = h->cs;
    st->phase = IDLE;
    gc_set_trigger(h, st->live);
    h->mx.major++; /* a cycle counts as one collection, however many steps */
}

/* Do marking work up to `budget` bytes or until `deadline`; returns true when
 * the grey stack ran empty. */
static bool mark_some(vm_gc_heap *h, size_t budget, uint64_t deadline)
{
    inc_state *st = h->cs;
    while (st->grey.n) {
        size_t chunk = budget < 65536 ? budget : 65536;
        if (chunk == 0) chunk = 1;
        size_t done = gc_mark_drain(h, &st->grey, chunk, NULL);
        st->marked += done;
        budget = done >= budget ? 0 : budget - done;
        if (budget == 0 || (deadline && gc_now() >= deadline)) break;
    }
    if (st->grey.n == 0 && gc_mark_rescan(h, &st->grey)) return mark_some(h, budget, deadline);
    return st->grey.n == 0;
}

/* Run the current cycle to its end (mark and sweep everything left). */
static int finish_cycle(vm_gc_heap *h, vm_error *err)
{
    inc_state *st = h->cs;
    int rc = 0;
    if (st->phase == MARKING) {
        mark_some(h, SIZE_MAX, 0);
        rc = end_mark(h, err);
    }
    if (st->phase == SWEEPING) {
        ms_finish_sweep(&st->s);
        end_cycle(h);
    }
    return rc;
}

static int step(vm_gc_heap *h, vm_error *err)
{
    inc_state *st = h->cs;
    int rc = 0;
    gc_pause_begin(h, "step");
    uint64_t t0 = gc_now(), deadline = t0 + h->cfg.step_ns;
    if (st->phase == IDLE) {
        start_mark(h);
    } else if (st->phase == MARKING) {
        /* stress mode: interleave with the mutator as finely as possible */
        size_t budget = (h->cfg.flags & VM_GC_STRESS) ? 256 : SIZE_MAX;
        size_t before = st->marked;
        bool done = mark_some(h, budget, deadline);
        st->mark_bytes += st->marked - before;
        st->mark_ns += gc_now() - t0;
        if (done) rc = end_mark(h, err);
    } else {
        while (st->s.unswept_blocks && gc_now() < deadline) ms_sweep_some(&st->s, 4);
        if (!st->s.unswept_blocks) end_cycle(h);
    }
    gc_pause_end(h);
    st->last_end = gc_now();
    if (rc == 0 && st->phase == IDLE) rc = gc_after_collect(h, err);
    return rc;
}

static int inc_collect(vm_gc_heap *h, int full, vm_error *err)
{
    if (!full) return step(h, err); /* stress mode: one step per allocation */
    gc_pause_begin(h, "finish");
    int rc = finish_cycle(h, err);
    if (rc == 0) {
        start_mark(h);
        rc = finish_cycle(h, err);
    }
    gc_pause_end(h);
    if (rc < 0) return rc;
    return gc_after_collect(h, err);
}

static void *inc_alloc(vm_gc_heap *h, size_t size, vm_error *err)
{
    inc_state *st = h->cs;
    /* the inline path allocates from exposed free lists without coming here,
     * so pacing counts bytes from the mutator's counter: steps happen at
     * least every time a free list runs dry (one 64 KiB block) */
    uint64_t since = h->m.alloc_bytes + size - st->since0;
    if (st->phase == IDLE) {
        double room = h->trigger > st->live ? (double)(h->trigger - st->live) : 0;
        double a = gc_alloc_rate(h), m = st->mark_ns ? (double)st->mark_bytes / st->mark_ns : 0;
        double a_over_m = a > 0 && m > 0 ? a / m : 1.0;
        double need = h->cfg.step_ratio * (double)st->live * a_over_m + (double)h->cfg.step_alloc;
        /* a quarter of the room at least: live data may be growing faster
         * than the last cycle saw (a program building its data structures) */
        if (need < room / 4) need = room / 4;
        if (st->live == 0) need = room / 2; /* first cycle: nothing measured yet */
        if ((double)since + need >= room && step(h, err) < 0) return NULL;
    } else if (gc_now() - st->last_end >= h->cfg.step_ns) {
        if (step(h, err) < 0) return NULL;
    }
    void *p = ms_alloc(&st->s, size, h->trigger);
    if (p) return p;
    /* Out of room. While marking, finish marking only: the allocator then
     * sweeps lazily and usually finds a cell in the first blocks (sweeping
     * all of a 100 MB heap here was most of a 20 ms pause). Otherwise, or if
     * that was not enough, finish the cycle, then try a whole new one. */
    int rc = 0;
    if (st->phase == MARKING) {
        gc_pause_begin(h, "finish");
        mark_some(h, SIZE_MAX, 0);
        rc = end_mark(h, err);
        gc_pause_end(h);
        if (rc < 0) return NULL;
        if ((p = ms_alloc(&st->s, size, h->trigger))) return p;
    }
    gc_pause_begin(h, "finish");
    rc = finish_cycle(h, err);
    gc_pause_end(h);
    if (rc < 0) return NULL;
    if ((p = ms_alloc(&st->s, size, h->trigger))) return p;
    if (inc_collect(h, 1, err) < 0) return NULL;
    if ((p = ms_alloc(&st->s, size, h->trigger)) || (p = ms_alloc(&st->s, size, h->limit)))
        return p;
    vm_error_set(err, VM_ENOMEM, "gc: heap limit %zu bytes reached (%zu live) allocating %zu bytes",
                 h->cfg.max_heap, st->live, size);
    return NULL;
}

static void *inc_alloc_raw(vm_gc_heap *h, size_t size)
{
    return ms_alloc(&((inc_state *)h->cs)->s, size, SIZE_MAX);
}

static void inc_barrier(vm_gc_heap *h, vm_gc_ref obj, unsigned slot, vm_gc_ref val)
{
    inc_state *st = h->cs;
    vm_gc_ref *s = vm_gc_slots(obj);
    vm_gc_ref old = s[slot];
    if (st->phase == MARKING && old) gc_mark_grey(&st->grey, old);
    s[slot] = val;
}

static void inc_walk(vm_gc_heap *h, void (*fn)(void *, vm_gc_ref), void *ctx)
{
    ms_walk(&((inc_state *)h->cs)->s, fn, ctx);
}

const gc_ops gc_incremental_ops = {
    .name = "incremental",
    .init = inc_init,
    .destroy = inc_destroy,
    .alloc = inc_alloc,
    .alloc_raw = inc_alloc_raw,
    .collect = inc_collect,
    .barrier = inc_barrier,
    .walk = inc_walk,
};
