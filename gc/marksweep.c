/*
 * marksweep: the non-moving stop-the-world baseline over the mark-sweep
 * space (see msspace.c for the free lists and lazy sweeping).
 *
 * A collection finishes the previous lazy sweep, marks from the roots with an
 * explicit grey stack (no recursion, so deep lists cannot overflow the C
 * stack), frees dead large objects and leaves the blocks for the allocator to
 * sweep. The collection runs when allocation would grow the heap past the
 * soft trigger (live * growth) or, for a fixed-size heap, past max_heap.
 * No barrier: the mutator never runs during marking.
 */
#include <stdlib.h>

#include "gc/gc_priv.h"

typedef struct ms_state {
    ms_space s;
    gc_vec grey;
} ms_state;

static int ms_init_c(vm_gc_heap *h, size_t hint, vm_error *err)
{
    ms_state *st = calloc(1, sizeof *st);
    if (!st) return vm_error_set(err, VM_ENOMEM, "gc: no host memory for marksweep");
    ms_init(&st->s, h, !(h->cfg.flags & VM_GC_STRESS));
    h->cs = st;
    h->m.barrier = VM_GC_BARRIER_NONE;
    h->m.alloc_cur = h->m.alloc_end = NULL;
    return 0;
}

static void ms_destroy_c(vm_gc_heap *h)
{
    ms_state *st = h->cs;
    ms_destroy(&st->s);
    gc_vec_free(&st->grey);
    free(st);
    h->cs = NULL;
}

static int ms_collect(vm_gc_heap *h, int full, vm_error *err)
{
    ms_state *st = h->cs;
    gc_pause_begin(h, "full");
    size_t before = ms_bytes(&st->s);
    gc_phase(h, "sweep-rest");
    ms_finish_sweep(&st->s);
    gc_phase(h, "mark");
    st->grey.n = 0;
    gc_grey_roots(h, &st->grey);
    size_t live = gc_mark_drain(h, &st->grey, 0, NULL);
    while (gc_mark_rescan(h, &st->grey)) live += gc_mark_drain(h, &st->grey, 0, NULL);
    gc_phase(h, "sweep-large");
    ms_start_sweep(&st->s);
    ms_trim_step(&st->s, SIZE_MAX);
    st->s.marked = live;
    gc_set_trigger(h, live);
    gc_survival(h, before, live);
    gc_heap_sample(h, live);
    gc_pause_end(h);
    return gc_after_collect(h, err);
}

static void *ms_alloc_c(vm_gc_heap *h, size_t size, vm_error *err)
{
    ms_state *st = h->cs;
    void *p = ms_alloc(&st->s, size, h->trigger);
    if (p) return p;
    if (ms_collect(h, 1, err) < 0) return NULL;
    if ((p = ms_alloc(&st->s, size, h->trigger)) || (p = ms_alloc(&st->s, size, h->limit)))
        return p;
    vm_error_set(err, VM_ENOMEM, "gc: heap limit %zu bytes reached (%zu live) allocating %zu bytes",
                 h->cfg.max_heap, st->s.marked, size);
    return NULL;
}

static void *ms_alloc_raw(vm_gc_heap *h, size_t size)
{
    return ms_alloc(&((ms_state *)h->cs)->s, size, SIZE_MAX);
}

static void ms_walk_c(vm_gc_heap *h, void (*fn)(void *, vm_gc_ref), void *ctx)
{
    ms_walk(&((ms_state *)h->cs)->s, fn, ctx);
}

/* Switching from generational: its old generation, after its nursery was
 * promoted, becomes the heap as it is. (Not the other way: a mark-sweep heap
 * at its limit is full of blocks with free cells, a non-moving old
 * generation would keep them and halve its nursery to fit, so to
 * generational the switch evacuates: binary-trees 19 at 2x live under
 * adaptive, 3 runs, load 2.2: 2.32 s CPU with the hand-over both ways,
 * against 2.19 s evacuating.) */
static int ms_take(vm_gc_heap *h, ms_space *in, vm_error *err)
{
    if (ms_init_c(h, 0, err) < 0) return -1;
    ms_state *st = h->cs;
    ms_move(&st->s, in);
    if (!(h->cfg.flags & VM_GC_STRESS)) ms_expose(&st->s);
    return 0;
}

const gc_ops gc_marksweep_ops = {
    .name = "marksweep",
    .init = ms_init_c,
    .destroy = ms_destroy_c,
    .alloc = ms_alloc_c,
    .alloc_raw = ms_alloc_raw,
    .collect = ms_collect,
    .walk = ms_walk_c,
    .take = ms_take,
};
