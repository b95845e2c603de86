/*
 * The heap: configuration, roots, the allocation slow path, the write-barrier
 * entry point, explicit collection and collector switching.
 *
 * Switching is done the one way that works between any two collectors, moving
 * or not: a fresh instance of the new collector receives a copy of every
 * reachable object (a Cheney-style trace with an explicit work list, the old
 * copy holding a forwarding word), then the old instance is dropped whole. It
 * costs one copy of the live data, the same as one semispace collection, and
 * needs no collector to understand another's spaces.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gc/gc_priv.h"

static const gc_ops *const kind_ops[VM_GC_NKINDS] = {
    [VM_GC_MARKSWEEP] = &gc_marksweep_ops,       [VM_GC_SEMISPACE] = &gc_semispace_ops,
    [VM_GC_GENERATIONAL] = &gc_generational_ops, [VM_GC_INCREMENTAL] = &gc_incremental_ops,
    [VM_GC_ADAPTIVE] = &gc_generational_ops,
};
static const char *const kind_names[VM_GC_NKINDS] = {
    "marksweep", "semispace", "generational", "incremental", "adaptive",
};

uint64_t gc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t gc_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *vm_gc_kind_name(int kind)
{
    return kind >= 0 && kind < VM_GC_NKINDS ? kind_names[kind] : "?";
}

int vm_gc_kind_parse(const char *name)
{
    for (int k = 0; k < VM_GC_NKINDS; k++)
        if (name && strcmp(name, kind_names[k]) == 0) return k;
    return -1;
}

int vm_gc_marking_parse(const char *name)
{
    if (name && strcmp(name, "satb") == 0) return VM_GC_SATB;
    if (name && strcmp(name, "iu") == 0) return VM_GC_IU;
    return -1;
}

int vm_gc_collector(const vm_gc_heap *h)
{
    return h->kind;
}

void vm_gc_config_init(vm_gc_config *c)
{
    memset(c, 0, sizeof *c);
    c->collector = VM_GC_MARKSWEEP;
    c->growth = 2.0;
    c->nursery = 0; /* generational picks: max_heap / 4, or 4 MiB */
    c->promote_age = 2;
    c->step_ns = 500000;
    c->step_alloc = 128u << 10;
    c->step_ratio = 1.5;
    c->shadow_stack = 1u << 20;
}

/* ---- growable vectors ----------------------------------------------------- */

bool gc_vec_grow(gc_vec *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    vm_gc_ref *v = realloc(s->v, cap * sizeof *v);
    if (!v) return false;
    s->v = v;
    s->cap = cap;
    return true;
}

void gc_vec_free(gc_vec *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- lifetime ------------------------------------------------------------- */

vm_gc_heap *vm_gc_heap_new(const vm_gc_config *c, vm_error *err)
{
    vm_gc_config def;
    if (!c) {
        vm_gc_config_init(&def);
        c = &def;
    }
    if (c->collector < 0 || c->collector >= VM_GC_NKINDS) {
        vm_error_set(err, VM_EINVAL, "gc: unknown collector %d", c->collector);
        return NULL;
    }
    if (c->promote_age < 1 || c->promote_age > 15) {
        vm_error_set(err, VM_EINVAL, "gc: promote_age %u is not in 1..15", c->promote_age);
        return NULL;
    }
    if (c->growth != 0 && c->growth < 1.1) {
        vm_error_set(err, VM_EINVAL, "gc: growth %.2f must be 0 (fixed heap) or >= 1.1", c->growth);
        return NULL;
    }
    if (c->marking != VM_GC_SATB && c->marking != VM_GC_IU) {
        vm_error_set(err, VM_EINVAL, "gc: unknown marking barrier %d", c->marking);
        return NULL;
    }
    if (c->shadow_stack == 0 || c->step_ratio <= 0) {
        vm_error_set(err, VM_EINVAL, "gc: shadow_stack and step_ratio must be positive");
        return NULL;
    }
    vm_gc_heap *h = calloc(1, sizeof *h);
    if (!h || !(h->stack_mem = calloc(c->shadow_stack, sizeof(vm_gc_ref)))) {
        free(h);
        vm_error_set(err, VM_ENOMEM, "gc: no host memory for the heap");
        return NULL;
    }
    h->cfg = *c;
    h->m.sp = h->m.sp_base = h->stack_mem;
    h->m.sp_limit = h->stack_mem + c->shadow_stack;
    h->limit = c->max_heap ? c->max_heap : SIZE_MAX;
    gc_set_trigger(h, 0);
    h->policy = vm_gc_policy_default;
    h->kind = c->collector == VM_GC_ADAPTIVE ? VM_GC_GENERATIONAL : c->collector;
    h->adaptive = c->collector == VM_GC_ADAPTIVE;
    h->ops = kind_ops[h->kind];
    gc_metrics_reset(h);
    if (h->ops->init(h, 0, err) < 0) {
        vm_gc_heap_free(h);
        return NULL;
    }
    if (c->flags & VM_GC_STRESS) h->m.alloc_end = h->m.alloc_cur;
    return h;
}

void vm_gc_heap_free(vm_gc_heap *h)
{
    if (!h) return;
    if (h->cs) h->ops->destroy(h);
    for (root_chunk *c = h->roots, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    gc_metrics_free(&h->mx);
    free(h->stack_mem);
    free(h);
}

void gc_set_trigger(vm_gc_heap *h, size_t live)
{
    if (h->cfg.growth == 0) {
        h->trigger = h->limit;
        return;
    }
    double t = (double)live * h->cfg.growth;
    size_t min = 4u << 20;
    h->trigger = t < min ? min : t > (double)h->limit ? h->limit : (size_t)t;
}

/* ---- roots ---------------------------------------------------------------- */

vm_gc_root *vm_gc_root_new(vm_gc_heap *h, vm_gc_ref r, vm_error *err)
{
    if (!h->root_free) {
        root_chunk *c = calloc(1, sizeof *c);
        if (!c) {
            vm_error_set(err, VM_ENOMEM, "gc: no host memory for a root handle");
            return NULL;
        }
        c->next = h->roots;
        h->roots = c;
        for (size_t i = 256; i-- > 0;) {
            c->r[i].next_free = h->root_free;
            h->root_free = &c->r[i];
        }
    }
    vm_gc_root *root = h->root_free;
    h->root_free = root->next_free;
    root->used = true;
    root->ref = r;
    return root;
}

vm_gc_ref vm_gc_root_get(const vm_gc_root *root)
{
    return root->ref;
}
void vm_gc_root_set(vm_gc_root *root, vm_gc_ref r)
{
    root->ref = r;
}

void vm_gc_root_free(vm_gc_heap *h, vm_gc_root *root)
{
    if (!root || !root->used) return;
    root->used = false;
    root->ref = NULL;
    root->next_free = h->root_free;
    h->root_free = root;
}

void gc_for_roots(vm_gc_heap *h, void (*fn)(vm_gc_heap *h, vm_gc_ref *slot, void *ctx), void *ctx)
{
    for (vm_gc_ref *p = h->m.sp_base; p < h->m.sp; p++)
        if (*p) fn(h, p, ctx);
    for (root_chunk *c = h->roots; c; c = c->next)
        for (size_t i = 0; i < 256; i++)
            if (c->r[i].used && c->r[i].ref) fn(h, &c->r[i].ref, ctx);
}

/* ---- allocation and barriers --------------------------------------------- */

static void run_policy(vm_gc_heap *h, bool oom);

/* Give back the bump region that vm_gc_alloc_slow cut short for the policy. */
static void policy_region(vm_gc_heap *h)
{
    if (!h->policy_end) return;
    h->m.alloc_end = h->policy_end;
    h->policy_end = NULL;
}
static double recent_throughput(vm_gc_heap *h);
static void ring_sample(vm_gc_heap *h);
static int switched(vm_gc_heap *h, int kind, bool nomem, vm_error *err);

vm_gc_ref vm_gc_alloc_slow(vm_gc_heap *h, unsigned shape, unsigned nrefs, unsigned nbytes,
                           vm_error *err)
{
    if (shape > VM_GC_MAX_SHAPE || nrefs > VM_GC_MAX_REFS || nbytes > VM_GC_MAX_BYTES) {
        vm_error_set(err, VM_EINVAL,
                     "gc: object shape %u, %u refs, %u bytes exceeds the header limits", shape,
                     nrefs, nbytes);
        return NULL;
    }
    if (h->policy_due)
        run_policy(h, false);
    else
        policy_region(h);
    size_t size = vm_gc_size_for(nrefs, nbytes);
    if ((h->cfg.flags & VM_GC_STRESS) && h->ops->collect(h, 0, err) < 0) return NULL;
    uint64_t *p = h->ops->alloc(h, size, err);
    if (!p && h->adaptive) {
        /* out of memory under this collector: the policy may pick one that
         * fits (mark-sweep has no nursery or copy reserve), then retry */
        int kind = h->kind;
        h->oom[kind]++;
        run_policy(h, true);
        if (h->kind != kind) p = h->ops->alloc(h, size, err);
    }
    if (!p) return NULL;
    /* stress: an empty bump region sends the next allocation here too */
    if (h->cfg.flags & VM_GC_STRESS)
        h->m.alloc_end = h->m.alloc_cur;
    else if (h->policy_due && h->m.alloc_end > h->m.alloc_cur) {
        /* a collection just ran: so does the policy, at the next allocation,
         * while the nursery is still almost empty (a switch from generational
         * promotes it), not when it is full again */
        h->policy_end = h->m.alloc_end;
        h->m.alloc_end = h->m.alloc_cur;
    }
    h->m.allocs++; /* the fast path counts its own */
    h->m.alloc_bytes += size;
    p[0] = vm_gc_mkhdr(shape, nrefs, nbytes) | h->m.alloc_bits;
    memset(p + 1, 0, size - 8);
    return (vm_gc_ref)p;
}

void vm_gc_write_slow(vm_gc_heap *h, vm_gc_ref obj, unsigned slot, vm_gc_ref val)
{
    h->mx.barrier_slow++;
    if (h->ops->barrier)
        h->ops->barrier(h, obj, slot, val);
    else
        vm_gc_slots(obj)[slot] = val;
}

/* ---- collection ----------------------------------------------------------- */

int vm_gc_collect(vm_gc_heap *h, int full, vm_error *err)
{
    policy_region(h);
    if (h->ops->collect(h, full, err) < 0) return -1;
    if (h->policy_due) run_policy(h, false);
    return 0;
}

static void ring_sample(vm_gc_heap *h)
{
    h->ring[h->ring_i] = (struct gc_sample){h->m.alloc_bytes, gc_cpu_now(), gc_now(),
                                            h->mx.gc_total,   h->mx.surv_n, h->mx.surv_sum};
    h->ring_i = (h->ring_i + 1) % 5;
    if (h->ring_n < 5) h->ring_n++;
}

int gc_after_collect(vm_gc_heap *h, vm_error *err)
{
    if (h->adaptive) {
        h->policy_due = true;
        ring_sample(h);
    }
    if (h->cfg.flags & VM_GC_VERIFY) return vm_gc_verify(h, err);
    return 0;
}

/* ---- switching ------------------------------------------------------------ */

typedef struct evac {
    gc_vec work;
    bool nomem;
} evac;

static void evac_slot(vm_gc_heap *h, vm_gc_ref *slot, void *ctx)
{
    evac *e = ctx;
    vm_gc_ref p = *slot;
    if (!p) return;
    uint64_t hd = *(uint64_t *)p;
    if (hd & VM_GC_HDR_FORWARDED) {
        *slot = (vm_gc_ref)(uintptr_t)(hd & ~(uint64_t)1);
        return;
    }
    size_t size = vm_gc_size(p);
    uint64_t *q = h->ops->alloc_raw(h, size);
    if (!q || !gc_vec_push(&e->work, (vm_gc_ref)q)) {
        e->nomem = true;
        return;
    }
    memcpy(q, p, size);
    q[0] &= ~(uint64_t)VM_GC_HDR_BITS;
    *(uint64_t *)p = (uint64_t)(uintptr_t)q | VM_GC_HDR_FORWARDED;
    *slot = (vm_gc_ref)q;
    h->mx.copied += size;
}

/* The mutator's inline paths forget the old collector's instance (its
 * region, free cells, barrier and allocation colour) before `ops`, the new
 * collector, makes one. */
static void detach(vm_gc_heap *h, const gc_ops *ops)
{
    h->m.alloc_cur = h->m.alloc_end = NULL;
    memset(h->m.free_small, 0, sizeof h->m.free_small);
    h->m.barrier = VM_GC_BARRIER_NONE;
    h->m.alloc_bits = 0;
    h->cs = NULL;
    h->ops = ops;
}

/* Hand the old collector's mark-sweep space to the new one (gc_ops.give,
 * .take): only generational's nursery is copied (promoted). GCBench 16 at
 * 1.5x live under adaptive: its switch to marksweep took 22 ms CPU as an
 * evacuation of the 15 MiB live data, 8.5 ms as a hand-over, 0.6 ms since
 * the policy also runs at the first allocation after a collection. */
static int hand_over(vm_gc_heap *h, const gc_ops *old_ops, const gc_ops *new_ops, vm_error *err)
{
    ms_space s;
    if (old_ops->give(h, &s, err) < 0) return -1;
    old_ops->destroy(h); /* an empty instance now */
    detach(h, new_ops);  /* (its free cells were moved into s by give) */
    if (new_ops->take(h, &s, err) == 0) return 0;
    ms_destroy(&s); /* no host memory for the new instance */
    return vm_error_set(err, VM_ENOMEM, "gc: host out of memory while switching; heap lost");
}

static int do_switch(vm_gc_heap *h, int kind, vm_error *err)
{
    const gc_ops *old_ops = h->ops, *new_ops = kind_ops[kind];
    void *old_cs = h->cs;
    size_t hint = h->committed;
    gc_pause_begin(h, "switch");
    policy_region(h); /* the new collector sets its own region */
    if (old_ops->give && new_ops->take) {
        if (hand_over(h, old_ops, new_ops, err) < 0) {
            gc_pause_end(h);
            return -1;
        }
        if (h->cfg.flags & VM_GC_STRESS) h->m.alloc_end = h->m.alloc_cur;
        return switched(h, kind, false, err);
    }
    detach(h, new_ops);
    if (new_ops->init(h, hint, err) < 0) {
        h->ops = old_ops; /* the old collector's region is gone: it refills on the next alloc */
        h->cs = old_cs;
        gc_pause_end(h);
        return -1;
    }
    evac e = {0};
    gc_for_roots(h, evac_slot, &e);
    while (e.work.n && !e.nomem) {
        vm_gc_ref o = e.work.v[--e.work.n];
        vm_gc_ref *s = vm_gc_slots(o);
        for (unsigned i = 0, n = vm_gc_nrefs(o); i < n; i++)
            if (s[i]) evac_slot(h, &s[i], &e);
    }
    gc_vec_free(&e.work);
    /* drop the old instance: its destroy reads h->cs */
    void *new_cs = h->cs;
    struct vm_gc_mutator keep = h->m;
    h->cs = old_cs;
    h->ops = old_ops;
    old_ops->destroy(h);
    h->cs = new_cs;
    h->ops = new_ops;
    h->m = keep;
    if (h->cfg.flags & VM_GC_STRESS) h->m.alloc_end = h->m.alloc_cur;
    return switched(h, kind, e.nomem, err);
}

/* The end of a switch: the policy's bookkeeping, the pause, verify. */
static int switched(vm_gc_heap *h, int kind, bool nomem, vm_error *err)
{
    double recent = recent_throughput(h);
    if (recent > 0) {
        h->tput[h->kind] = recent;
        h->tenures[h->kind]++;
    }
    h->kind = kind;
    h->mx.switches++;
    h->coll_at_switch = h->mx.minor + h->mx.major + h->mx.full;
    h->gcns_at_switch = h->mx.gc_total;
    h->t_at_switch = gc_now();
    h->cpu_at_switch = gc_cpu_now();
    h->alloc_at_switch = h->m.alloc_bytes;
    h->surv_at_switch = h->mx.surv_sum;
    h->survn_at_switch = h->mx.surv_n;
    h->maxpause_since_switch = 0;
    h->ring_n = h->ring_i = 0;
    if (h->adaptive) ring_sample(h);
    gc_pause_end(h);
    if (nomem)
        return vm_error_set(err, VM_ENOMEM, "gc: host out of memory while switching; heap lost");
    if (h->cfg.flags & VM_GC_VERIFY) return vm_gc_verify(h, err);
    return 0;
}

int vm_gc_switch(vm_gc_heap *h, int kind, vm_error *err)
{
    if (kind < 0 || kind >= VM_GC_NKINDS)
        return vm_error_set(err, VM_EINVAL, "gc: unknown collector %d", kind);
    h->adaptive = kind == VM_GC_ADAPTIVE;
    h->policy_due = false;
    if (kind == VM_GC_ADAPTIVE) kind = VM_GC_GENERATIONAL;
    return do_switch(h, kind, err);
}

/* ---- adaptive policy ------------------------------------------------------ */

void vm_gc_set_policy(vm_gc_heap *h, vm_gc_policy_fn fn, void *ud)
{
    h->policy = fn ? fn : vm_gc_policy_default;
    h->policy_ud = fn ? ud : NULL;
}

/* Bytes allocated per CPU second over the last (up to) 4 collection
 * intervals of the running collector: recent, so that a program's start
 * (building its data) does not stand for its steady state. */
static double recent_throughput(vm_gc_heap *h)
{
    if (h->ring_n < 2) return 0;
    const struct gc_sample *a = &h->ring[h->ring_n < 5 ? 0 : h->ring_i],
                           *b = &h->ring[(h->ring_i + 4) % 5];
    uint64_t cpu = b->cpu - a->cpu;
    return cpu ? (double)(b->alloc - a->alloc) / ((double)cpu * 1e-9) : 0;
}

static void run_policy(vm_gc_heap *h, bool oom)
{
    policy_region(h);
    h->policy_due = false;
    if (!h->adaptive) return;
    vm_gc_policy_input in = {0};
    in.collector = h->kind;
    in.collections = h->mx.minor + h->mx.major + h->mx.full;
    in.since_switch = in.collections - h->coll_at_switch;
    in.survival = h->last_survival;
    in.last_pause_ns = h->mx.np ? h->mx.p[h->mx.np - 1].end - h->mx.p[h->mx.np - 1].start : 0;
    in.max_pause_ns = h->maxpause_since_switch;
    if (h->ring_n >= 2) { /* the recent window: up to 4 collection intervals */
        const struct gc_sample *a = &h->ring[h->ring_n < 5 ? 0 : h->ring_i];
        const struct gc_sample *b = &h->ring[(h->ring_i + 4) % 5];
        uint64_t sn = b->surv_n - a->surv_n;
        double run = (double)(b->wall - a->wall), g = (double)(b->gc - a->gc);
        in.survival_avg = sn ? (b->surv_sum - a->surv_sum) / (double)sn : h->last_survival;
        in.survival_min = in.survival_max = h->last_survival;
        unsigned first = h->ring_n < 5 ? 0 : h->ring_i;
        for (unsigned k = 0; k + 1 < h->ring_n; k++) {
            const struct gc_sample *x = &h->ring[(first + k) % 5],
                                   *y = &h->ring[(first + k + 1) % 5];
            if (y->surv_n == x->surv_n) continue;
            double s = (y->surv_sum - x->surv_sum) / (double)(y->surv_n - x->surv_n);
            if (s < in.survival_min) in.survival_min = s;
            if (s > in.survival_max) in.survival_max = s;
        }
        in.gc_share = run > 0 ? g / run : 0;
        in.alloc_rate = run > g ? (double)(b->alloc - a->alloc) / ((run - g) * 1e-9) : 0;
    }
    in.live = h->mx.live_last;
    in.heap = h->committed;
    in.max_heap = h->cfg.max_heap;
    in.pause_target_ns = h->cfg.pause_target_ns;
    in.throughput = recent_throughput(h);
    in.alloc_since_switch = h->m.alloc_bytes - h->alloc_at_switch;
    memcpy(in.throughput_of, h->tput, sizeof in.throughput_of);
    memcpy(in.tenures_of, h->tenures, sizeof in.tenures_of);
    memcpy(in.out_of_memory_of, h->oom, sizeof in.out_of_memory_of);
    in.out_of_memory = oom;
    vm_gc_policy_decision d = {h->kind, h->cfg.nursery, h->cfg.step_ns};
    h->policy(h->policy_ud, &in, &d);
    if (d.step_ns) h->cfg.step_ns = d.step_ns;
    bool renursery = d.nursery && d.nursery != h->cfg.nursery && d.collector == VM_GC_GENERATIONAL;
    if (d.nursery) h->cfg.nursery = d.nursery;
    if (d.collector >= 0 && d.collector < VM_GC_NKINDS && d.collector != VM_GC_ADAPTIVE &&
        (d.collector != h->kind || renursery))
        do_switch(h, d.collector, NULL); /* host OOM here leaves err unreported: next alloc fails */
}
