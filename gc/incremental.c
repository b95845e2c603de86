/*
 * incremental: tri-colour marking interleaved with the mutator, then
 * incremental sweeping, over the mark-sweep space.
 *
 * Colours: white = not marked (and maybe on the grey stack: an entry is
 * marked and scanned when popped, see gc_mark_grey); black = marked. Marks are
 * epochs (ms_use_epochs): a new cycle toggles which value of the MARK bit
 * means marked, so the sweep never writes surviving cells, and it skips
 * blocks that nothing was allocated in and whose live cells tracing
 * counted. Objects allocated from the start of one marking to the start of
 * the next carry that epoch's mark (but see incremental update below). The
 * default barrier is Yuasa's snapshot-at-the-beginning (SATB) deletion barrier: while marking, vm_gc_write shades the value being
 * overwritten before the store (VM_GC_BARRIER_CALL), so every object
 * reachable when marking began is marked, however the mutator rearranges the
 * graph. Objects allocated while marking are black. Roots are greyed once at
 * the start: a value the mutator later puts into a root was either reachable
 * at the start (so it will be marked) or allocated since (so it is black),
 * hence no root barrier and no final root rescan, and marking ends when the
 * grey stack is empty.
 *
 * Incremental update (cfg.marking = VM_GC_IU), the other barrier, to compare:
 * Dijkstra's insertion barrier greys a value stored into a black object, new
 * objects are white (those that die before the marking ends are freed by its
 * sweep), and since roots have no barrier the marking ends with a rescan of
 * the roots (mark_some). Measured against SATB in doc/gc.md.
 *
 * Steps run from the allocation slow path, which the inline path enters at
 * least once per 64 KiB block. A step works for at most step_ns (default 0.5
 * ms) of wall time, and the next one comes only after the mutator has run
 * for GAP times the thread CPU time of the last pause (on a loaded host,
 * time the process spends preempted counts for neither side). While
 * marking, GAP = 1.0, and a step must also leave the 10 ms window that ends
 * where it would end (budget plus the usual overrun) with at most 49 % of
 * collector time, pauses counted as MMU(10 ms) counts them: so MMU(10 ms)
 * stays >= 0.5 with a small margin, which a period of exactly half the CPU
 * does not give (a window that starts with a pause holds one pause more than
 * gaps: the previous version measured 0.48). Marking at the largest share
 * that allows is also what makes the heap last: the shorter a marking, the
 * less the mutator allocates (black) while it runs. Sweeping steps use GAP =
 * 1.25 (44 % of the CPU). The end of a marking (starting the sweep) gets a
 * step of its own unless the step that emptied the grey stack used less than
 * half its budget.
 *
 * When to start a cycle (the pacer). Objects allocated while marking are
 * black, so the whole allocation of a marking phase must fit in the room
 * that is free when it begins. The collector measures f, the bytes the
 * mutator allocates per byte marked while a marking phase runs (under the
 * pacing above: f ~ A / M for allocation speed A and marking speed M, but
 * measured, so that it also holds on a loaded host), and starts a cycle
 * when the room left is step_ratio (1.5) times f times the live size it
 * expects to mark (the last cycle's, plus its growth since the one before),
 * and at least a quarter of the room. Room is counted from the start of the
 * previous cycle's marking, since what was allocated after it survives.
 * A cycle whose marking had to be finished at once raises f by a quarter.
 * Before the first measurement f is taken as A / M (1 until measured).
 *
 * If the heap fills while marking, the rest of the marking runs at once: a
 * long pause, labelled "finish". That is the honest failure of an incremental
 * collector whose heap is too small for its mutator. Sweeping cannot stall the
 * mutator in the same way: the allocator sweeps the blocks of its own class
 * until it finds a free cell, and at the heap limit sweeps other classes only
 * until a block comes free (a "sweep" pause, see msspace.c).
 */
#include <stdlib.h>

#include "gc/gc_priv.h"

enum { IDLE, MARKING, SWEEPING };

/* A step of c ns of CPU time is followed by at least c * GAP of mutator CPU
 * time: the collector's share is 1 / (1 + GAP). */
#define GAP_MARK  1.0
#define GAP_SWEEP 1.25
/* ...and no window of MMU_WINDOW ns holds more than MMU_SHARE of pauses */
#define MMU_WINDOW 10000000u
#define MMU_SHARE  0.49

typedef struct inc_state {
    ms_space s;
    gc_vec grey;
    int phase;
    bool iu;                      /* incremental update (else snapshot at the beginning) */
    uint64_t mark0;               /* h->m.alloc_bytes when this (or the last) marking began */
    uint64_t since0;              /* ...when what is allocated from then on survives this
                                     cycle: mark0 (SATB), or the end of the marking (IU) */
    uint64_t mark_bytes, mark_ns; /* marking speed M, over all steps (for the first f) */
    double f;                     /* bytes allocated per byte marked while marking; 0 = not yet */
    double room;                  /* bytes free to allocate when this cycle's marking began */
    size_t expect;                /* bytes this cycle's marking is expected to mark */
    size_t marked;                /* bytes marked in this cycle */
    size_t live, live_prev;       /* bytes marked in the last two complete cycles */
} inc_state;

static int inc_init(vm_gc_heap *h, size_t hint, vm_error *err)
{
    inc_state *st = calloc(1, sizeof *st);
    if (!st) return vm_error_set(err, VM_ENOMEM, "gc: no host memory for incremental");
    ms_init(&st->s, h, !(h->cfg.flags & VM_GC_STRESS));
    ms_use_epochs(&st->s);
    st->grey.flip = st->s.flip;
    st->iu = h->cfg.marking == VM_GC_IU;
    h->cs = st;
    h->m.barrier = VM_GC_BARRIER_NONE;
    h->m.alloc_cur = h->m.alloc_end = NULL;
    h->m.alloc_bits = ms_marked_bits(&st->s);
    st->live = st->live_prev = hint / 2;
    st->since0 = st->mark0 = h->m.alloc_bytes;
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

/* Bytes allocated per byte marked, as measured, or the first guess. */
static double f_now(vm_gc_heap *h)
{
    inc_state *st = h->cs;
    if (st->f > 0) return st->f;
    double a = gc_alloc_rate(h), m = st->mark_ns ? (double)st->mark_bytes / st->mark_ns : 0;
    return (a > 0 && m > 0 ? a / m : 1.0) * GAP_MARK;
}

/* What the next marking is expected to mark: the last live size plus its
 * last growth (a program building its data). */
static size_t expect_live(inc_state *st)
{
    return st->live + (st->live > st->live_prev ? st->live - st->live_prev : 0);
}

static void start_mark(vm_gc_heap *h, double room)
{
    inc_state *st = h->cs;
    ms_finish_sweep(&st->s); /* normally already done by the sweep steps */
    ms_new_epoch(&st->s);    /* every object is white */
    st->grey.flip = st->s.flip;
    gc_phase(h, "mark");
    st->grey.n = 0;
    st->marked = 0;
    st->room = room;
    st->expect = st->live ? expect_live(st) : ms_bytes(&st->s);
    gc_grey_roots(h, &st->grey);
    st->phase = MARKING;
    /* SATB: what is allocated from now on survives this cycle, so the room
     * for the next one is counted from here, not from the end of this one */
    st->mark0 = h->m.alloc_bytes;
    if (!st->iu) st->since0 = st->mark0;
    h->m.barrier = VM_GC_BARRIER_CALL;
    /* SATB: black (and white again in the next epoch). IU: white until the
     * first root rescan (mark_some) */
    h->m.alloc_bits = st->iu ? st->s.flip : ms_marked_bits(&st->s);
}

/* How end_mark updates f: from a marking done in steps; from one whose rest
 * ran at once because the heap filled (f was too low); not at all (an
 * explicit collection). */
enum { LEARN_STEPS, LEARN_FILLED, LEARN_NONE };

static int end_mark(vm_gc_heap *h, int learn, vm_error *err)
{
    inc_state *st = h->cs;
    h->m.barrier = VM_GC_BARRIER_NONE;
    gc_phase(h, "sweep");
    size_t before = ms_bytes(&st->s);
    ms_start_sweep(&st->s);
    /* verify before sweeping any block: a reachable white object is not in
     * the walk of an unswept space, so a missed barrier is reported here */
    int rc = (h->cfg.flags & VM_GC_VERIFY) ? vm_gc_verify(h, err) : 0;
    st->phase = SWEEPING;
    h->m.alloc_bits = ms_marked_bits(&st->s); /* swept blocks only: nothing to sweep them */
    if (st->iu) st->since0 = h->m.alloc_bytes;
    double f = (double)(h->m.alloc_bytes - st->mark0) / (double)(st->marked ? st->marked : 1);
    if (learn == LEARN_FILLED) {
        st->f = (st->f > f ? st->f : f) * 1.25;
        if (st->f > 64) st->f = 64;
    } else if (learn == LEARN_STEPS && st->marked >= 65536) {
        /* rise at once, fall slowly */
        st->f = st->f <= 0 || f > st->f ? f : 0.5 * st->f + 0.5 * f;
    }
    st->live_prev = st->live;
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
    gc_phase(h, "idle");
    gc_set_trigger(h, st->live);
    h->mx.major++; /* a cycle counts as one collection, however many steps */
}

#define MARK_CHUNK 16384 /* bytes marked between two looks at the clock */

/* Do marking work up to `budget` bytes or until `deadline`; returns true when
 * the grey stack ran empty. */
static bool mark_some(vm_gc_heap *h, size_t budget, uint64_t deadline)
{
    inc_state *st = h->cs;
    bool rooted = false; /* IU: the roots were rescanned in this step */
    for (;;) {
        bool out = false;
        while (st->grey.n && !out) {
            size_t chunk = budget < MARK_CHUNK ? budget : MARK_CHUNK;
            if (chunk == 0) chunk = 1;
            size_t done = gc_mark_drain(h, &st->grey, chunk, NULL);
            st->marked += done;
            budget = done >= budget ? 0 : budget - done;
            out = budget == 0 || (deadline && gc_now() >= deadline);
        }
        if (st->grey.n) return false;
        if (gc_mark_rescan(h, &st->grey)) continue;
        if (!st->iu || rooted) return true;
        /* IU ends a marking only when a rescan of the roots and the marking
         * of what it finds run in one step: no black object points to a
         * white one (the barrier), so then every reachable object is
         * marked. From the first rescan on, new objects are black, so that
         * the white objects are only fewer from one rescan to the next (a
         * mutator building data faster than the marker could otherwise keep
         * a marking going for ever). */
        if (out || budget == 0) return false;
        rooted = true;
        h->m.alloc_bits = ms_marked_bits(&st->s);
        gc_grey_roots(h, &st->grey);
    }
}

/* Run the current cycle to its end (mark and sweep everything left). */
static int finish_cycle(vm_gc_heap *h, vm_error *err)
{
    inc_state *st = h->cs;
    int rc = 0;
    if (st->phase == MARKING) {
        mark_some(h, SIZE_MAX, 0);
        rc = end_mark(h, LEARN_NONE, err);
    }
    if (st->phase == SWEEPING) {
        ms_finish_sweep(&st->s);
        end_cycle(h);
    }
    return rc;
}

static int step(vm_gc_heap *h, double room, vm_error *err)
{
    inc_state *st = h->cs;
    int rc = 0;
    gc_pause_begin(h, "step");
    uint64_t t0 = gc_now(), deadline = t0 + h->cfg.step_ns;
    if (st->phase == IDLE) {
        start_mark(h, room); /* the roots: a step of its own */
    } else if (st->phase == MARKING) {
        /* stress mode: interleave with the mutator as finely as possible */
        size_t budget = (h->cfg.flags & VM_GC_STRESS) ? 256 : SIZE_MAX;
        size_t before = st->marked;
        uint64_t m0 = gc_now();
        bool done = mark_some(h, budget, deadline);
        st->mark_bytes += st->marked - before;
        st->mark_ns += gc_now() - m0;
        /* ending the marking (O(size classes) plus freeing pooled blocks)
         * gets a step of its own unless this one has time left */
        if (done && gc_now() - t0 < h->cfg.step_ns / 2) rc = end_mark(h, LEARN_STEPS, err);
    } else {
        bool more = true;
        while (more && gc_now() < deadline) {
            bool trim = ms_trim_step(&st->s, 8);
            if (st->s.unswept_blocks) ms_sweep_some(&st->s, 2);
            more = trim || st->s.unswept_blocks;
        }
        if (!more) end_cycle(h);
    }
    gc_pause_end(h);
    if (rc == 0 && st->phase == IDLE) rc = gc_after_collect(h, err);
    return rc;
}

/* The collector's CPU time in the pauses after wall time `from`, each pause
 * taken as [start, start + CPU time], as mmu_cpu_* counts it. */
static uint64_t gc_cpu_since(const vm_gc_heap *h, uint64_t from)
{
    uint64_t sum = 0;
    for (size_t i = h->mx.np; i-- > 0;) {
        const gc_pause *p = &h->mx.p[i];
        uint64_t end = p->start + p->cpu;
        if (end <= from) break;
        sum += p->start >= from ? p->cpu : end - from;
    }
    return sum;
}

/* Has the mutator run long enough since the last pause? The wall-clock test
 * comes first because it is cheap and the CPU time cannot exceed it. Then
 * the window test: the MMU_WINDOW ending where this step would end (if it
 * used its budget plus the usual overrun) holds at most MMU_SHARE of
 * collector time. The worst windows are those that end where a pause ends,
 * so testing each before its step bounds them all, as long as no step
 * overruns more than assumed. */
static bool step_due(vm_gc_heap *h)
{
    inc_state *st = h->cs;
    double gap = st->phase == MARKING ? GAP_MARK : GAP_SWEEP;
    uint64_t need = (uint64_t)((double)h->mx.last_cpu * gap);
    uint64_t now = gc_now();
    if (now - h->mx.last_end < need) return false;
    if (gc_cpu_now() - h->mx.last_cpu_end < need) return false;
    uint64_t b = h->cfg.step_ns + h->cfg.step_ns / 8;
    if (b >= MMU_WINDOW / 2) return true; /* a budget beyond the window: no MMU to keep */
    uint64_t from = now + b > MMU_WINDOW ? now + b - MMU_WINDOW : 0;
    return gc_cpu_since(h, from) + b <= (uint64_t)(MMU_SHARE * MMU_WINDOW);
}

static int inc_collect(vm_gc_heap *h, int full, vm_error *err)
{
    inc_state *st = h->cs;
    if (!full) return step(h, 0, err); /* stress mode: one step per allocation */
    gc_pause_begin(h, "finish");
    int rc = finish_cycle(h, err);
    if (rc == 0) {
        start_mark(h, 0);
        mark_some(h, SIZE_MAX, 0);
        rc = end_mark(h, LEARN_NONE, err);
        if (rc == 0) {
            ms_finish_sweep(&st->s);
            end_cycle(h);
        }
    }
    gc_pause_end(h);
    if (rc < 0) return rc;
    return gc_after_collect(h, err);
}

static void *inc_alloc(vm_gc_heap *h, size_t size, vm_error *err)
{
    inc_state *st = h->cs;
    /* the inline path allocates from exposed free lists without coming here,
     * so pacing counts bytes from the mutator's counter */
    if (st->phase == IDLE) {
        double since = (double)(h->m.alloc_bytes + size - st->since0);
        double room = h->trigger > st->live ? (double)(h->trigger - st->live) : 0;
        double need =
            h->cfg.step_ratio * (double)expect_live(st) * f_now(h) + (double)h->cfg.step_alloc;
        /* a quarter of the room at least: live data may be growing faster
         * than the last cycle saw (a program building its data structures) */
        if (need < room / 4) need = room / 4;
        if (st->live == 0) need = room / 2; /* first cycle: nothing measured yet */
        if (since + need >= room && step(h, room - since, err) < 0) return NULL;
    } else if (step_due(h)) {
        if (step(h, 0, err) < 0) return NULL;
    }
    void *p = ms_alloc(&st->s, size, h->trigger);
    if (p) return p;
    /* Out of room. While marking, finish marking only: the allocator then
     * sweeps lazily (sweeping all of a 100 MB heap here was most of a 20 ms
     * pause). Otherwise (ms_alloc swept all it could), or if that was not
     * enough, a whole collection. */
    int rc = 0;
    if (st->phase == MARKING) {
        gc_pause_begin(h, "finish");
        mark_some(h, SIZE_MAX, 0);
        rc = end_mark(h, LEARN_FILLED, err);
        gc_pause_end(h);
        if (rc < 0) return NULL;
        if ((p = ms_alloc(&st->s, size, h->trigger))) return p;
    }
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
    if (st->phase == MARKING) {
        if (!st->iu) {
            if (old) gc_mark_grey(&st->grey, old); /* Yuasa: the snapshot keeps `old` */
        } else if (val && gc_marked(&st->grey, obj)) {
            gc_mark_grey(&st->grey, val); /* Dijkstra: no black object points to a white one */
        }
    }
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
