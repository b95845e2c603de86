/*
 * semispace: Cheney's copying collector, the simplest moving collector.
 *
 * Allocation bumps a pointer through the current space. A collection maps a
 * fresh to-space, copies the objects the roots refer to, then scans the
 * to-space left to right copying what the scanned objects refer to: the scan
 * pointer chasing the free pointer is the whole work list. Each from-space
 * object gets a forwarding word. The from-space is then unmapped. Cost is
 * proportional to live data only, but the heap is charged two spaces, which
 * is why this collector cannot run at 1.5x the live size.
 *
 * With a growth factor the space grows when live * growth exceeds it (one
 * extra copy into the bigger space); with a fixed heap each space is
 * max_heap / 2. No barrier.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gc/gc_priv.h"

typedef struct ss_state {
    char *space, *to_free;
    size_t size;
    size_t live;
} ss_state;

static char *map(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static size_t round_mib(size_t n)
{
    return (n + (1u << 20) - 1) & ~(size_t)((1u << 20) - 1);
}

static int ss_init(vm_gc_heap *h, size_t hint, vm_error *err)
{
    ss_state *st = calloc(1, sizeof *st);
    if (!st) return vm_error_set(err, VM_ENOMEM, "gc: no host memory for semispace");
    size_t size = h->cfg.growth == 0 && h->limit != SIZE_MAX ? h->limit / 2 : 4u << 20;
    if (hint > size) size = hint;
    size = round_mib(size);
    if (!(st->space = map(size))) {
        free(st);
        return vm_error_set(err, VM_ENOMEM, "gc: cannot map a %zu-byte semispace", size);
    }
    st->size = size;
    h->cs = st;
    gc_commit(h, (ptrdiff_t)(2 * size));
    h->m.barrier = VM_GC_BARRIER_NONE;
    h->m.alloc_cur = st->space;
    h->m.alloc_end = st->space + size;
    return 0;
}

static void ss_destroy(vm_gc_heap *h)
{
    ss_state *st = h->cs;
    munmap(st->space, st->size);
    gc_commit(h, -(ptrdiff_t)(2 * st->size));
    free(st);
    h->cs = NULL;
    h->m.alloc_cur = h->m.alloc_end = NULL;
}

static void forward(vm_gc_heap *h, vm_gc_ref *slot, void *ctx)
{
    ss_state *st = ctx;
    vm_gc_ref p = *slot;
    uint64_t hd = *(uint64_t *)p;
    if (hd & VM_GC_HDR_FORWARDED) {
        *slot = (vm_gc_ref)(uintptr_t)(hd & ~(uint64_t)1);
        return;
    }
    size_t size = vm_gc_size(p);
    char *q = st->to_free;
    st->to_free += size;
    memcpy(q, p, size);
    *(uint64_t *)p = (uint64_t)(uintptr_t)q | VM_GC_HDR_FORWARDED;
    *slot = (vm_gc_ref)q;
}

/* Copy everything reachable into a new space of `size` bytes. */
static int copy_into(vm_gc_heap *h, size_t size, vm_error *err)
{
    ss_state *st = h->cs;
    char *to = map(size);
    if (!to) return vm_error_set(err, VM_ENOMEM, "gc: cannot map a %zu-byte semispace", size);
    size_t used = (size_t)(h->m.alloc_cur - st->space);
    st->to_free = to;
    gc_for_roots(h, forward, st);
    for (char *scan = to; scan < st->to_free;) {
        vm_gc_ref o = (vm_gc_ref)scan;
        vm_gc_ref *s = vm_gc_slots(o);
        for (unsigned i = 0, n = vm_gc_nrefs(o); i < n; i++)
            if (s[i]) forward(h, &s[i], st);
        scan += vm_gc_size(o);
    }
    munmap(st->space, st->size);
    gc_commit(h, 2 * ((ptrdiff_t)size - (ptrdiff_t)st->size));
    st->space = to;
    st->size = size;
    st->live = (size_t)(st->to_free - to);
    h->mx.copied += st->live;
    gc_survival(h, used, st->live);
    h->m.alloc_cur = st->to_free;
    h->m.alloc_end = to + size;
    return 0;
}

static int ss_collect(vm_gc_heap *h, int full, vm_error *err)
{
    ss_state *st = h->cs;
    gc_pause_begin(h, "full");
    int rc = copy_into(h, st->size, err);
    if (rc == 0 && h->cfg.growth != 0) {
        /* grow (or shrink) toward live * growth within the limit */
        size_t want = round_mib((size_t)((double)st->live * h->cfg.growth));
        if (want < (4u << 20)) want = 4u << 20;
        if (want > h->limit / 2) want = (h->limit / 2) & ~(size_t)((1u << 20) - 1);
        if ((want > st->size || want * 2 < st->size) && want >= st->live + (1u << 20))
            rc = copy_into(h, want, err);
    }
    /* a switch may have sized the space past a fixed heap's half: shrink back */
    size_t half = (h->limit / 2) & ~(size_t)((1u << 20) - 1);
    if (rc == 0 && h->cfg.growth == 0 && h->limit != SIZE_MAX && st->size > half &&
        st->live + (1u << 20) <= half)
        rc = copy_into(h, half, err);
    gc_set_trigger(h, st->live);
    gc_heap_sample(h, st->live);
    gc_pause_end(h);
    if (rc < 0) return rc;
    return gc_after_collect(h, err);
}

static void *ss_alloc(vm_gc_heap *h, size_t size, vm_error *err)
{
    ss_state *st = h->cs;
    if ((size_t)(h->m.alloc_end - h->m.alloc_cur) < size) {
        if (ss_collect(h, 1, err) < 0) return NULL;
        if ((size_t)(h->m.alloc_end - h->m.alloc_cur) < size) {
            /* grow if the limit allows it: space for live data plus this object, doubled */
            size_t want = round_mib(2 * (st->live + size));
            if (h->limit == SIZE_MAX || 2 * want <= h->limit) {
                gc_pause_begin(h, "full");
                int rc = copy_into(h, want, err);
                gc_pause_end(h);
                if (rc < 0) return NULL;
            }
        }
        if ((size_t)(h->m.alloc_end - h->m.alloc_cur) < size) {
            vm_error_set(err, VM_ENOMEM,
                         "gc: heap limit %zu bytes reached (%zu live in a %zu-byte semispace) "
                         "allocating %zu bytes",
                         h->cfg.max_heap, st->live, st->size, size);
            return NULL;
        }
    }
    void *p = h->m.alloc_cur;
    h->m.alloc_cur += size;
    return p;
}

/* During a switch the space was sized from the hint; grow in place is not
 * possible, so fail loudly only if the hint was wrong (it is the old heap's
 * whole committed size, an upper bound on live data). */
static void *ss_alloc_raw(vm_gc_heap *h, size_t size)
{
    if ((size_t)(h->m.alloc_end - h->m.alloc_cur) < size) return NULL;
    void *p = h->m.alloc_cur;
    h->m.alloc_cur += size;
    return p;
}

static void ss_walk(vm_gc_heap *h, void (*fn)(void *, vm_gc_ref), void *ctx)
{
    ss_state *st = h->cs;
    for (char *p = st->space; p < h->m.alloc_cur; p += vm_gc_size((vm_gc_ref)p))
        fn(ctx, (vm_gc_ref)p);
}

const gc_ops gc_semispace_ops = {
    .name = "semispace",
    .init = ss_init,
    .destroy = ss_destroy,
    .alloc = ss_alloc,
    .alloc_raw = ss_alloc_raw,
    .collect = ss_collect,
    .walk = ss_walk,
};
