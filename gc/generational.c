/*
 * generational: a bump-allocated copying nursery in front of a mark-sweep old
 * generation, with a remembered set of old objects fed by the write barrier.
 *
 * The nursery is one mapping [eden | survivor 0 | survivor 1], so "young" is
 * a single address range and the inline barrier filter (vm_gc_write) is two
 * compares: only a store of a young reference into an old, not yet
 * remembered object calls out, and that call sets the object's REMEMBERED
 * bit and appends it to the remembered set (an object-granularity remembered
 * set: no card scanning, no duplicates).
 *
 * A minor collection copies live young objects Cheney-style: survivors
 * younger than promote_age go to the other survivor space (their age in the
 * header), older ones, or those that do not fit, are promoted into the old
 * generation; roots are the shadow stack, the root handles and the slots of
 * remembered objects. Promoted objects are scanned from an explicit stack and
 * re-remembered if they still point into the nursery. A major collection
 * first empties the nursery (a minor collection promoting everything), then
 * marks and sweeps the old generation, eagerly so the limit sees the real
 * size. Objects larger than a quarter of eden (or than 8 KiB) are allocated
 * old directly.
 *
 * Limit: the heap is charged the nursery mapping plus the old generation. A
 * minor collection may promote past max_heap; the major collection that then
 * follows brings it back, halving the nursery while the heap is still over
 * (down to 64 KiB), or the allocation fails with VM_ENOMEM.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gc/gc_priv.h"

typedef struct gen_state {
    char *map;
    size_t map_size, eden_size, surv_size;
    char *eden, *surv[2];
    int cur;        /* survivor space holding the last minor's survivors */
    char *surv_top; /* end of those survivors */
    ms_space old;
    gc_vec remset, scan, grey;
    char *to_free, *to_end; /* copy target during a minor collection */
    bool promote_all, nomem;
    size_t promoted_now;
} gen_state;

static inline bool young(vm_gc_heap *h, const void *p)
{
    return (const char *)p >= h->m.young_lo && (const char *)p < h->m.young_hi;
}

static void unmap_nursery(vm_gc_heap *h, gen_state *st)
{
    if (st->map) {
        munmap(st->map, st->map_size);
        gc_commit(h, -(ptrdiff_t)st->map_size);
    }
    st->map = st->eden = st->surv[0] = st->surv[1] = st->surv_top = NULL;
    st->map_size = st->eden_size = st->surv_size = 0;
    st->cur = 0;
    h->m.young_lo = h->m.young_hi = NULL;
    h->m.alloc_cur = h->m.alloc_end = NULL;
}

/* Map a nursery with `eden` bytes of eden (the nursery must be empty);
 * 0: none (every allocation goes to the old generation). */
static int map_nursery(vm_gc_heap *h, gen_state *st, size_t eden)
{
    if (!eden) {
        unmap_nursery(h, st);
        return 0;
    }
    eden = (eden + 65535) & ~(size_t)65535;
    if (eden < 65536) eden = 65536;
    size_t surv = h->cfg.promote_age > 1 ? ((eden / 8 + 65535) & ~(size_t)65535) : 0;
    void *m = mmap(NULL, eden + 2 * surv, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return -1;
    if (st->map) {
        munmap(st->map, st->map_size);
        gc_commit(h, -(ptrdiff_t)st->map_size);
    }
    st->eden_size = eden;
    st->surv_size = surv;
    st->map_size = eden + 2 * surv;
    st->map = m;
    st->eden = st->map;
    st->surv[0] = st->eden + eden;
    st->surv[1] = st->surv[0] + surv;
    st->cur = 0;
    st->surv_top = st->surv[0];
    gc_commit(h, (ptrdiff_t)st->map_size);
    h->m.young_lo = st->map;
    h->m.young_hi = st->map + st->map_size;
    h->m.alloc_cur = st->eden;
    h->m.alloc_end = st->eden + eden;
    return 0;
}

static int gen_init(vm_gc_heap *h, size_t hint, vm_error *err)
{
    gen_state *st = calloc(1, sizeof *st);
    if (!st) return vm_error_set(err, VM_ENOMEM, "gc: no host memory for generational");
    /* default: a quarter of the heap limit (binary-trees depth 17 at 3x live:
     * 0.32 s CPU against 0.42 s with a fixed 4 MiB), or 4 MiB without a limit */
    size_t eden = h->cfg.nursery;
    if (!eden) eden = h->limit != SIZE_MAX ? h->limit / 4 : 4u << 20;
    if (h->limit != SIZE_MAX && eden > h->limit / 2) eden = h->limit / 2;
    ms_init(&st->old, h, false);
    if (map_nursery(h, st, eden) < 0) {
        free(st);
        return vm_error_set(err, VM_ENOMEM, "gc: cannot map a %zu-byte nursery", eden);
    }
    h->cs = st;
    h->m.barrier = VM_GC_BARRIER_GEN;
    return 0;
}

static void gen_destroy(vm_gc_heap *h)
{
    gen_state *st = h->cs;
    unmap_nursery(h, st);
    ms_destroy(&st->old);
    gc_vec_free(&st->remset);
    gc_vec_free(&st->scan);
    gc_vec_free(&st->grey);
    free(st);
    h->cs = NULL;
    h->m.young_lo = h->m.young_hi = NULL;
    h->m.alloc_cur = h->m.alloc_end = NULL;
}

static void forward(vm_gc_heap *h, vm_gc_ref *slot, void *ctx)
{
    gen_state *st = ctx;
    vm_gc_ref p = *slot;
    if (!young(h, p)) return;
    uint64_t hd = *(uint64_t *)p;
    if (hd & VM_GC_HDR_FORWARDED) {
        *slot = (vm_gc_ref)(uintptr_t)(hd & ~(uint64_t)1);
        return;
    }
    size_t size = vm_gc_size(p);
    unsigned age = (unsigned)((hd >> VM_GC_HDR_AGE_SHIFT) & 0xf) + 1;
    uint64_t *q;
    if (!st->promote_all && age < h->cfg.promote_age &&
        (size_t)(st->to_end - st->to_free) >= size) {
        q = (uint64_t *)st->to_free;
        st->to_free += size;
        memcpy(q, p, size);
        q[0] = (q[0] & ~(uint64_t)(0xf << VM_GC_HDR_AGE_SHIFT)) |
               ((uint64_t)age << VM_GC_HDR_AGE_SHIFT);
        h->mx.copied += size;
    } else {
        q = ms_alloc(&st->old, size, SIZE_MAX);
        if (!q || !gc_vec_push(&st->scan, (vm_gc_ref)q)) {
            st->nomem = true;
            return;
        }
        memcpy(q, p, size);
        q[0] &= ~(uint64_t)VM_GC_HDR_BITS;
        h->mx.promoted += size;
        st->promoted_now += size;
    }
    *(uint64_t *)p = (uint64_t)(uintptr_t)q | VM_GC_HDR_FORWARDED;
    *slot = (vm_gc_ref)q;
}

/* Forward the slots of an old object; remember it if it still points young. */
static void scan_old(vm_gc_heap *h, gen_state *st, vm_gc_ref o)
{
    vm_gc_ref *s = vm_gc_slots(o);
    bool has_young = false;
    for (unsigned i = 0, n = vm_gc_nrefs(o); i < n; i++) {
        if (!s[i]) continue;
        forward(h, &s[i], st);
        if (young(h, s[i])) has_young = true;
    }
    if (has_young && !(*(uint64_t *)o & VM_GC_HDR_REMEMBERED)) {
        *(uint64_t *)o |= VM_GC_HDR_REMEMBERED;
        if (!gc_vec_push(&st->remset, o)) st->nomem = true;
    }
}

/* Copy the nursery's live objects (to the other survivor space, or promoted:
 * all of them with promote_all); returns the bytes left in the survivor space. */
static size_t copy_young(vm_gc_heap *h, gen_state *st)
{
    int to = st->cur ^ 1;
    st->to_free = st->surv[to];
    st->to_end = st->surv[to] + st->surv_size;
    st->promoted_now = 0;
    st->scan.n = 0;
    /* the old remembered set becomes scan work; scan_old re-remembers */
    for (size_t i = 0; i < st->remset.n; i++) {
        vm_gc_ref o = st->remset.v[i];
        *(uint64_t *)o &= ~(uint64_t)VM_GC_HDR_REMEMBERED;
        if (!gc_vec_push(&st->scan, o)) st->nomem = true;
    }
    st->remset.n = 0;
    /* the roots: the shadow stack in a loop of its own (most slots are not
     * young: the test is two compares, no call), then the root handles */
    for (vm_gc_ref *p = h->m.sp_base; p < h->m.sp; p++)
        if (young(h, *p)) forward(h, p, st);
    for (root_chunk *c = h->roots; c; c = c->next)
        for (size_t i = 0; i < 256; i++)
            if (c->r[i].used && c->r[i].ref) forward(h, &c->r[i].ref, st);
    char *scan = st->surv[to];
    while (!st->nomem && (scan < st->to_free || st->scan.n)) {
        if (scan < st->to_free) {
            vm_gc_ref o = (vm_gc_ref)scan;
            vm_gc_ref *s = vm_gc_slots(o);
            for (unsigned i = 0, n = vm_gc_nrefs(o); i < n; i++)
                if (s[i]) forward(h, &s[i], st);
            scan += vm_gc_size(o);
        } else {
            scan_old(h, st, st->scan.v[--st->scan.n]);
        }
    }
    size_t survived = (size_t)(st->to_free - st->surv[to]);
    h->mx.remembered += st->remset.n;
    st->cur = to;
    st->surv_top = st->to_free;
    h->m.alloc_cur = st->eden;
    h->m.alloc_end = st->eden + st->eden_size;
    return survived;
}

static int minor(vm_gc_heap *h, vm_error *err)
{
    gen_state *st = h->cs;
    if (!st->map) return 0; /* no nursery (tight heap): nothing young */
    gc_pause_begin(h, "minor");
    size_t used = (size_t)(h->m.alloc_cur - st->eden) + (size_t)(st->surv_top - st->surv[st->cur]);
    size_t survived = copy_young(h, st);
    gc_survival(h, used, survived + st->promoted_now);
    gc_heap_sample(h, survived + st->promoted_now);
    gc_pause_end(h);
    if (st->nomem)
        return vm_error_set(err, VM_ENOMEM,
                            "gc: host out of memory in a minor collection; heap lost");
    return 0;
}

static int major(vm_gc_heap *h, vm_error *err)
{
    gen_state *st = h->cs;
    st->promote_all = true;
    int rc = minor(h, err);
    st->promote_all = false;
    if (rc < 0) return rc;
    gc_pause_begin(h, "major");
    size_t before = ms_bytes(&st->old);
    ms_finish_sweep(&st->old);
    st->grey.n = 0;
    gc_grey_roots(h, &st->grey);
    size_t live = gc_mark_drain(h, &st->grey, 0, NULL);
    while (gc_mark_rescan(h, &st->grey)) live += gc_mark_drain(h, &st->grey, 0, NULL);
    ms_start_sweep(&st->old);
    ms_trim_step(&st->old, SIZE_MAX);
    if (!st->map) { /* no nursery (dropped below): a mark-sweep heap, swept lazily */
        st->old.marked = live;
        gc_set_trigger(h, live);
        gc_survival(h, before, live);
        gc_heap_sample(h, live);
        gc_pause_end(h);
        return 0;
    }
    ms_finish_sweep(&st->old);
    ms_trim(&st->old, 0); /* so the limit check below sees the real size */
    /* over the limit with an empty nursery: give the old generation room by
     * halving the nursery (a tight heap favours a small one), down to 64 KiB
     * or the size of the shadow stack, whichever is larger: every minor
     * collection scans the whole shadow stack, so an eden smaller than it
     * costs more root scanning than it collects (the synthetic mutator, 400000
     * registers = 3.2 MB of roots, at 2x live: its eden went down to 64 KiB
     * over 8 major collections and 324 minor ones, 2.1 s CPU against 0.8 s
     * for marksweep) */
    size_t min_eden = vm_gc_depth(h) * sizeof(vm_gc_ref);
    if (min_eden < 65536) min_eden = 65536;
    while (h->committed > h->limit && st->eden_size / 2 >= min_eden)
        if (map_nursery(h, st, st->eden_size / 2) < 0) break;
    /* still over with the smallest nursery: the old generation's blocks fill
     * the limit, partly free (a non-moving space does not compact), so drop
     * the nursery and allocate old, as mark-sweep does (the synthetic
     * mutator at 2x live ran out of memory here). Not under adaptive: there
     * the allocation fails and the policy moves to mark-sweep, which does
     * this faster (lazy sweeping, the inline free-list path). */
    if (h->committed > h->limit && st->map && !h->adaptive) {
        map_nursery(h, st, 0);
        /* from now on the inline path allocates from the old generation's
         * free lists, as under marksweep (not in stress mode, where every
         * allocation must reach the collector) */
        if (!(h->cfg.flags & VM_GC_STRESS)) ms_expose(&st->old);
    }
    st->old.marked = live;
    gc_set_trigger(h, live + st->map_size);
    gc_survival(h, before, live);
    gc_heap_sample(h, live);
    gc_pause_end(h);
    return 0;
}

/* Minor collection, then a major one if the old generation passed its trigger. */
static int collect(vm_gc_heap *h, int full, vm_error *err)
{
    int rc = full ? major(h, err) : minor(h, err);
    if (rc == 0 && !full && h->committed > h->trigger) rc = major(h, err);
    if (rc < 0) return rc;
    return gc_after_collect(h, err);
}

static void *old_alloc(vm_gc_heap *h, size_t size, vm_error *err)
{
    gen_state *st = h->cs;
    void *p = ms_alloc(&st->old, size, h->trigger);
    if (p) return p;
    if (collect(h, 1, err) < 0) return NULL;
    if ((p = ms_alloc(&st->old, size, h->trigger)) || (p = ms_alloc(&st->old, size, h->limit)))
        return p;
    vm_error_set(err, VM_ENOMEM, "gc: heap limit %zu bytes reached (%zu live) allocating %zu bytes",
                 h->cfg.max_heap, st->old.marked, size);
    return NULL;
}

static void *gen_alloc(vm_gc_heap *h, size_t size, vm_error *err)
{
    gen_state *st = h->cs;
    if (size > st->eden_size / 4 || size > MS_LARGE_MIN) return old_alloc(h, size, err);
    if ((size_t)(h->m.alloc_end - h->m.alloc_cur) < size) {
        if (collect(h, 0, err) < 0) return NULL;
        if (h->committed > h->limit) {
            vm_error_set(err, VM_ENOMEM,
                         "gc: heap limit %zu bytes reached (%zu live old) allocating %zu bytes",
                         h->cfg.max_heap, st->old.marked, size);
            return NULL;
        }
        if (!st->map) return old_alloc(h, size, err); /* the collection dropped the nursery */
    }
    void *p = h->m.alloc_cur;
    h->m.alloc_cur += size;
    return p;
}

static void *gen_alloc_raw(vm_gc_heap *h, size_t size)
{
    return ms_alloc(&((gen_state *)h->cs)->old, size, SIZE_MAX);
}

static void gen_barrier(vm_gc_heap *h, vm_gc_ref obj, unsigned slot, vm_gc_ref val)
{
    /* only reached from the inline filter: obj is old, val young, obj not remembered */
    gen_state *st = h->cs;
    vm_gc_slots(obj)[slot] = val;
    if (young(h, val) && !young(h, obj) && !(*(uint64_t *)obj & VM_GC_HDR_REMEMBERED)) {
        if (!gc_vec_push(&st->remset, obj)) {
            /* cannot remember: promote the nursery now is not allowed here (no
             * allocation in a barrier), so keep the bit clear and retry later */
            return;
        }
        *(uint64_t *)obj |= VM_GC_HDR_REMEMBERED;
    }
}

static void gen_walk(vm_gc_heap *h, void (*fn)(void *, vm_gc_ref), void *ctx)
{
    gen_state *st = h->cs;
    ms_walk(&st->old, fn, ctx);
    for (char *p = st->eden; p < h->m.alloc_cur; p += vm_gc_size((vm_gc_ref)p))
        fn(ctx, (vm_gc_ref)p);
    for (char *p = st->surv[st->cur]; p < st->surv_top; p += vm_gc_size((vm_gc_ref)p))
        fn(ctx, (vm_gc_ref)p);
}

static int gen_verify_obj(vm_gc_heap *h, vm_gc_ref o, vm_error *err)
{
    if (young(h, o) || (*(uint64_t *)o & VM_GC_HDR_REMEMBERED)) return 0;
    vm_gc_ref *s = vm_gc_slots(o);
    for (unsigned i = 0, n = vm_gc_nrefs(o); i < n; i++)
        if (s[i] && young(h, s[i]))
            return vm_error_set(
                err, VM_EINVAL,
                "gc verify (generational): old object %p slot %u refers to young %p "
                "but is not remembered (a store missed the write barrier)",
                (void *)o, i, (void *)s[i]);
    return 0;
}

/* Switching to marksweep: promote the whole nursery (the only copying),
 * then hand out the old generation as it is. */
static int gen_give(vm_gc_heap *h, ms_space *out, vm_error *err)
{
    gen_state *st = h->cs;
    if (st->map) {
        st->promote_all = true;
        copy_young(h, st);
        st->promote_all = false;
        if (st->nomem)
            return vm_error_set(err, VM_ENOMEM,
                                "gc: host out of memory promoting the nursery; heap lost");
    }
    for (size_t i = 0; i < st->remset.n; i++) /* nothing is young now */
        *(uint64_t *)st->remset.v[i] &= ~(uint64_t)VM_GC_HDR_REMEMBERED;
    st->remset.n = 0;
    unmap_nursery(h, st);
    ms_move(out, &st->old);
    return 0;
}

const gc_ops gc_generational_ops = {
    .name = "generational",
    .init = gen_init,
    .destroy = gen_destroy,
    .alloc = gen_alloc,
    .alloc_raw = gen_alloc_raw,
    .collect = collect,
    .barrier = gen_barrier,
    .walk = gen_walk,
    .verify_obj = gen_verify_obj,
    .give = gen_give,
};
