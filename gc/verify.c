/*
 * Heap verification: the self-check that makes collector bugs loud.
 *
 * The collector lists every object it considers allocated (ops->walk; for a
 * lazily swept space that is the marked cells of unswept blocks, since the
 * unmarked ones will be freed). Then a trace from the roots checks that every
 * reachable reference lands on one of those objects, that headers are sane
 * (not free, not forwarded), and asks the collector for its own invariants
 * (the generational remembered set). A reachable object the sweeper is about
 * to free is therefore reported, which is how a missing barrier shows up.
 * Costs O(heap) time and two hash sets; it is for tests and verify mode.
 */
#include <stdlib.h>
#include <string.h>

#include "gc/gc_priv.h"

typedef struct pset {
    uintptr_t *t;
    size_t n, cap; /* cap a power of two */
    bool nomem;
} pset;

static inline size_t phash(uintptr_t p)
{
    return (size_t)((p >> 3) * 0x9e3779b97f4a7c15ull >> 20);
}

static bool pset_has(const pset *s, uintptr_t p)
{
    if (!s->cap) return false;
    for (size_t i = phash(p) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->t[i] == p) return true;
        if (!s->t[i]) return false;
    }
}

/* Returns true if p was newly added. */
static bool pset_add(pset *s, uintptr_t p)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        uintptr_t *t = calloc(cap, sizeof *t);
        if (!t) {
            s->nomem = true;
            return false;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->t[i]) continue;
            size_t j = phash(s->t[i]) & (cap - 1);
            while (t[j]) j = (j + 1) & (cap - 1);
            t[j] = s->t[i];
        }
        free(s->t);
        s->t = t;
        s->cap = cap;
    }
    size_t i = phash(p) & (s->cap - 1);
    for (; s->t[i]; i = (i + 1) & (s->cap - 1))
        if (s->t[i] == p) return false;
    s->t[i] = p;
    s->n++;
    return true;
}

static void add_obj(void *ctx, vm_gc_ref o)
{
    pset_add(ctx, (uintptr_t)o);
}

typedef struct vctx {
    pset all, seen;
    gc_vec work;
    int bad;
    vm_error *err;
} vctx;

static void check_ref(vm_gc_heap *h, vctx *v, vm_gc_ref r, vm_gc_ref from, unsigned slot)
{
    if (v->bad || !r) return;
    if (!pset_has(&v->all, (uintptr_t)r)) {
        v->bad = vm_error_set(
            v->err, VM_EINVAL,
            "gc verify (%s): %s %p slot %u refers to %p, which is not a live object "
            "(freed, or about to be swept)",
            vm_gc_kind_name(h->kind), from ? "object" : "root", (void *)from, slot, (void *)r);
        return;
    }
    uint64_t hd = *(uint64_t *)r;
    if (hd & (VM_GC_HDR_FORWARDED | VM_GC_HDR_FREE)) {
        v->bad = vm_error_set(v->err, VM_EINVAL, "gc verify (%s): object %p has a %s header",
                              vm_gc_kind_name(h->kind), (void *)r,
                              hd & VM_GC_HDR_FREE ? "free-cell" : "forwarding");
        return;
    }
    if (pset_add(&v->seen, (uintptr_t)r) && !gc_vec_push(&v->work, r)) v->seen.nomem = true;
}

static void check_root(vm_gc_heap *h, vm_gc_ref *slot, void *ctx)
{
    /* slot number: shadow-stack depth, or ~0u for a root handle */
    bool on_stack = slot >= h->m.sp_base && slot < h->m.sp;
    check_ref(h, ctx, *slot, NULL, on_stack ? (unsigned)(slot - h->m.sp_base) : ~0u);
}

int vm_gc_verify(vm_gc_heap *h, vm_error *err)
{
    vctx v = {0};
    v.err = err;
    h->ops->walk(h, add_obj, &v.all);
    gc_for_roots(h, check_root, &v);
    while (!v.bad && v.work.n) {
        vm_gc_ref o = v.work.v[--v.work.n];
        vm_gc_ref *s = vm_gc_slots(o);
        for (unsigned i = 0, n = vm_gc_nrefs(o); i < n && !v.bad; i++) check_ref(h, &v, s[i], o, i);
        if (!v.bad && h->ops->verify_obj && h->ops->verify_obj(h, o, err) < 0) v.bad = -1;
    }
    if (!v.bad && (v.all.nomem || v.seen.nomem))
        v.bad = vm_error_set(err, VM_ENOMEM, "gc verify: no host memory for the check");
    free(v.all.t);
    free(v.seen.t);
    gc_vec_free(&v.work);
    return v.bad ? -1 : 0;
}
