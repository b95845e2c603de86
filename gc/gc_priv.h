/*
 * Internals of the vmlab heap shared by the collectors: the heap struct, the
 * collector ops table, the mark-sweep space (used by three collectors) and
 * the metrics recorder. Nothing here is exported (no vm_ prefix).
 *
 * A collector is an ops table plus a private state pointer. Every collector
 * can receive objects from any other through `alloc_raw` (no collection, no
 * limit), which is how vm_gc_switch moves a live heap between collectors.
 */
#ifndef VMLAB_GC_PRIV_H
#define VMLAB_GC_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "vmlab/gc.h"

struct ms_space;

typedef struct gc_ops {
    const char *name;
    int (*init)(vm_gc_heap *h, size_t hint, vm_error *err); /* hint: bytes about to arrive */
    void (*destroy)(vm_gc_heap *h);
    /* The fast path failed: collect as needed and allocate `size` bytes, or
     * return NULL (the heap fills err). The caller writes the header. */
    void *(*alloc)(vm_gc_heap *h, size_t size, vm_error *err);
    /* Allocate during a switch: never collects, may exceed max_heap. */
    void *(*alloc_raw)(vm_gc_heap *h, size_t size);
    int (*collect)(vm_gc_heap *h, int full, vm_error *err);
    void (*barrier)(vm_gc_heap *h, vm_gc_ref obj, unsigned slot, vm_gc_ref val);
    /* Every object that is allocated and not known dead. */
    void (*walk)(vm_gc_heap *h, void (*fn)(void *ctx, vm_gc_ref o), void *ctx);
    /* Extra invariants on a reachable object (may be NULL). */
    int (*verify_obj)(vm_gc_heap *h, vm_gc_ref o, vm_error *err);
    /* A switch without copying old objects (generational to marksweep):
     * `give` moves all objects into one mark-sweep space (promoting its
     * nursery) and hands it out in *out, the instance left empty for
     * destroy; `take` builds an instance around *in (taking it over).
     * NULL in the old collector's give or the new one's take: the switch
     * evacuates (copies every reachable object). */
    int (*give)(vm_gc_heap *h, struct ms_space *out, vm_error *err);
    int (*take)(vm_gc_heap *h, struct ms_space *in, vm_error *err);
} gc_ops;

extern const gc_ops gc_marksweep_ops, gc_semispace_ops, gc_generational_ops, gc_incremental_ops;

/* ---- growable vector of references --------------------------------------- */
typedef struct gc_vec {
    vm_gc_ref *v;
    size_t n, cap;
    bool overflow; /* a push failed (no host memory): see gc_mark_rescan */
    uint64_t flip; /* as a grey stack: 0, or VM_GC_HDR_MARK when a clear bit means marked */
} gc_vec;
bool gc_vec_grow(gc_vec *s);
static inline bool gc_vec_push(gc_vec *s, vm_gc_ref r)
{
    if (s->n == s->cap && !gc_vec_grow(s)) return false;
    s->v[s->n++] = r;
    return true;
}
void gc_vec_free(gc_vec *s);

/* ---- mark-sweep space ----------------------------------------------------- */
#define MS_BLOCK     65536u
#define MS_NCLASS    40
#define MS_LARGE_MIN 8192u /* larger objects get their own allocation */

typedef struct ms_block {
    struct ms_block *next;
    uint32_t cls, cell, ncells;
    uint32_t live;   /* cells found live by its last sweep (0 for a new block) */
    uint32_t traced; /* cells marked by tracing since its last sweep (gc_mark_set) */
    uint32_t open;   /* it had free cells since its last sweep: allocation may have
                        marked cells (black allocation) that `traced` does not count */
} ms_block;

typedef struct ms_large {
    struct ms_large *next, *prev;
    size_t size;
    uint64_t pad; /* keeps the object 16-byte aligned */
} ms_large;

typedef struct ms_space {
    void **fl[MS_NCLASS]; /* free-list heads: our own, or the mutator's inline ones */
    struct {
        void *free;                   /* free cells, linked through word 1 */
        ms_block *unswept;            /* blocks not yet swept since the last mark */
        ms_block *full;               /* unswept blocks that were full at their last sweep */
        ms_block *swept, *swept_full; /* swept: with free cells then, and full */
    } cls[MS_NCLASS];
    ms_large *large;
    ms_block *empty; /* blocks found empty by sweeping, kept for reuse by any class */
    size_t nempty;
    size_t nblocks, large_bytes;
    size_t swept_live; /* bytes in cells found live by sweeping */
    size_t marked;     /* bytes marked by the last mark phase */
    size_t unswept_blocks;
    /* Epoch marking (the incremental collector): "marked" is the MARK bit
     * xor `flip`, and a new mark phase toggles `flip` instead of sweeping
     * clearing the marks, so the sweep leaves surviving cells unwritten and
     * need not read a block whose cells it knows (ms_block.open). Without
     * epochs flip stays 0 and the sweep clears the marks. */
    bool epochs;
    uint64_t flip;
    size_t trim_left; /* pool blocks ms_start_sweep wants returned (ms_trim_step) */
    vm_gc_heap *h;
} ms_space;

/* expose: small free lists live in the mutator struct (inline allocation);
 * at most one space of a heap may expose them. */
void ms_init(ms_space *s, vm_gc_heap *h, bool expose);
/* Move the small free lists into the mutator struct now (as ms_init's
 * `expose`), keeping their cells. */
void ms_expose(ms_space *s);
/* Epoch marking: the value of h->m.alloc_bits that makes a new object
 * marked in the current epoch (0 at the start). */
void ms_use_epochs(ms_space *s);
static inline uint64_t ms_marked_bits(const ms_space *s)
{
    return VM_GC_HDR_MARK ^ s->flip;
}
/* A new mark phase (the space is fully swept): everything becomes unmarked. */
static inline void ms_new_epoch(ms_space *s)
{
    s->flip ^= VM_GC_HDR_MARK;
}
void ms_destroy(ms_space *s);
/* Move a space (its blocks, large objects and free cells, also the exposed
 * ones) from `from` into `to`, with its own free lists (ms_expose to
 * expose them again); `from` is left empty. */
void ms_move(ms_space *to, ms_space *from);
/* NULL when a new block would take the committed heap past `limit` (SIZE_MAX: never). */
void *ms_alloc(ms_space *s, size_t size, size_t limit);
/* Sweep every unswept block now. */
void ms_finish_sweep(ms_space *s);
/* Sweep at most `n` unswept blocks; returns how many were swept. */
size_t ms_sweep_some(ms_space *s, size_t n);
/* After marking: free dead large objects, make every block unswept. */
void ms_start_sweep(ms_space *s);
void ms_walk(ms_space *s, void (*fn)(void *ctx, vm_gc_ref o), void *ctx);
size_t ms_bytes(const ms_space *s); /* bytes in use: blocks not pooled, large objects */
/* Return pooled empty blocks beyond `keep` to the host. */
void ms_trim(ms_space *s, size_t keep);
/* Return at most `n` of the trim_left pool blocks to the host (SIZE_MAX: in
 * a stop-the-world pause; a few per step: the incremental collector); false
 * when none is left to return. */
bool ms_trim_step(ms_space *s, size_t n);

/* The grey stack holds objects to mark: an entry is white when pushed (its
 * mark bit is tested and set when it is popped), so pushing a child costs no
 * read of the child, and popped objects wait in a small queue, prefetched,
 * before they are scanned: the cache misses of a traversal overlap instead
 * of following one another. An object may be pushed more than once (one
 * entry per reference at most); the duplicate is dropped when popped. */
/* Set the mark of `o`, `size` bytes. An object of a mark-sweep block also
 * counts in its block (ms_block.traced), so that the sweep knows the live
 * cells of a block that nothing was allocated in without reading them. The
 * collectors that mark (marksweep, generational's old generation after the
 * nursery is emptied, incremental) mark only objects of a mark-sweep space,
 * where every object of at most MS_LARGE_MIN bytes is in an aligned block. */
static inline bool gc_marked(const gc_vec *grey, vm_gc_ref o)
{
    return ((*(uint64_t *)o ^ grey->flip) & VM_GC_HDR_MARK) != 0;
}
/* Only for an object that is not marked. */
static inline void gc_mark_set(vm_gc_ref o, size_t size)
{
    *(uint64_t *)o ^= VM_GC_HDR_MARK;
    if (size <= MS_LARGE_MIN) ((ms_block *)((uintptr_t)o & ~(uintptr_t)(MS_BLOCK - 1)))->traced++;
}
static inline void gc_mark_grey(gc_vec *grey, vm_gc_ref o)
{
    if (!gc_marked(grey, o) && !gc_vec_push(grey, o)) {
        gc_mark_set(o, vm_gc_size(o)); /* marked, not scanned: gc_mark_rescan finds it */
        grey->overflow = true;
    }
}
/* Mark from the grey stack until empty (or until about `budget` bytes are
 * scanned, 0 = no limit); returns bytes scanned. Pushes only the children
 * `in(c)` accepts (NULL: all). */
size_t gc_mark_drain(vm_gc_heap *h, gc_vec *grey, size_t budget,
                     bool (*in)(vm_gc_heap *, vm_gc_ref));

/* Push every root (shadow stack, root handles) on the grey stack. */
void gc_grey_roots(vm_gc_heap *h, gc_vec *grey);

/* The grey stack could not grow, so some objects were marked without being
 * scanned (a push that fails marks the object instead).
 * Walk the heap and push the white children of marked objects (the classic
 * mark-stack overflow recovery); the caller drains again. Each pass marks at
 * least one more object, so repeating while `overflow` terminates. Returns
 * true if there is work again. */
bool gc_mark_rescan(vm_gc_heap *h, gc_vec *grey);

/* ---- roots ---------------------------------------------------------------- */
/* Root handles live in chunks of 256 that never move, so a handle is a
 * stable pointer; free handles are chained through next_free. */
struct vm_gc_root {
    vm_gc_ref ref;
    struct vm_gc_root *next_free; /* meaningful only while !used */
    bool used;
};
typedef struct root_chunk {
    struct root_chunk *next;
    size_t n;
    struct vm_gc_root r[256];
} root_chunk;

/* Call fn on every root slot (shadow stack, handles). */
void gc_for_roots(vm_gc_heap *h, void (*fn)(vm_gc_heap *h, vm_gc_ref *slot, void *ctx), void *ctx);

/* ---- metrics -------------------------------------------------------------- */
typedef struct gc_pause {
    uint64_t start, end; /* CLOCK_MONOTONIC */
    uint64_t cpu;        /* thread CPU time spent in the pause */
} gc_pause;

typedef struct gc_metrics {
    uint64_t t0;
    gc_pause *p;
    size_t np, cap;
    uint64_t minor, major, full, steps, switches;
    uint64_t alloc0, allocs0; /* mutator counters at reset */
    uint64_t copied, promoted, barrier_slow, remembered;
    double surv_sum, surv_min, surv_max;
    uint64_t surv_n;
    size_t heap_peak, live_peak, live_last;
    double heap_sum;
    uint64_t heap_n;
    uint64_t writes0;  /* mutator write count at reset */
    uint64_t gc_total; /* sum of pause lengths */
    uint64_t cur_start, cur_cpu;
    const char *cur_what;
    /* the last pause: its end (wall clock, thread CPU time), its CPU length */
    uint64_t last_end, last_cpu_end, last_cpu;
} gc_metrics;

/* ---- the heap ------------------------------------------------------------- */
struct vm_gc_heap {
    struct vm_gc_mutator m; /* must stay first: the inline fast paths read it */
    vm_gc_config cfg;
    const gc_ops *ops;
    void *cs; /* collector state */
    int kind; /* running collector */
    bool adaptive;
    size_t committed; /* bytes of every space, the number the limit applies to */
    size_t limit;     /* cfg.max_heap or SIZE_MAX */
    size_t trigger;   /* soft limit: collect before growing past it */
    bool policy_due;  /* a collection ended: run the policy at the next safe point */
    char *policy_end; /* the bump region's end, cut short so that the next allocation
                         reaches that safe point (vm_gc_alloc_slow), or NULL */
    bool in_gc;
    vm_gc_ref *stack_mem;
    root_chunk *roots;
    struct vm_gc_root *root_free;
    vm_gc_policy_fn policy;
    void *policy_ud;
    uint64_t coll_at_switch;
    uint64_t gcns_at_switch, t_at_switch, alloc_at_switch, cpu_at_switch;
    double tput[VM_GC_NKINDS]; /* recent bytes per CPU second when each was last switched from */
    unsigned tenures[VM_GC_NKINDS]; /* how many times each was measured so */
    unsigned oom[VM_GC_NKINDS];     /* allocations each failed under adaptive */
    struct gc_sample { /* taken at the last collection ends: the policy's "recent" window */
        uint64_t alloc, cpu, wall, gc, surv_n;
        double surv_sum;
    } ring[5];
    unsigned ring_n, ring_i;
    double surv_at_switch;
    uint64_t survn_at_switch, maxpause_since_switch;
    double last_survival;
    vm_gc_trace_fn trace;
    void *trace_ud;
    gc_metrics mx;
};

uint64_t gc_now(void);
uint64_t gc_cpu_now(void); /* this thread's CPU time, ns */
/* Mark a pause around STW work; `what` is "minor", "major", "full", "step". */
void gc_pause_begin(vm_gc_heap *h, const char *what);
void gc_pause_end(vm_gc_heap *h);
void gc_phase(vm_gc_heap *h, const char *name);
void gc_survival(vm_gc_heap *h, size_t collected, size_t survived);
/* Bytes allocated per nanosecond of mutator time since the stats reset. */
double gc_alloc_rate(vm_gc_heap *h);
void gc_heap_sample(vm_gc_heap *h, size_t live);
/* Run verify (when configured) after a collection; returns -1 on a fault. */
int gc_after_collect(vm_gc_heap *h, vm_error *err);
/* New soft trigger after a collection that left `live` bytes. */
void gc_set_trigger(vm_gc_heap *h, size_t live);
/* Minimum mutator utilisation over windows of `w` ns in [t0, t1], given `n`
 * pauses in time order (exposed for the tests); -1 if out of host memory. */
double gc_mmu(const gc_pause *p, size_t n, uint64_t t0, uint64_t t1, uint64_t w);
void gc_metrics_free(gc_metrics *mx);
void gc_metrics_reset(vm_gc_heap *h);

static inline void gc_commit(vm_gc_heap *h, ptrdiff_t delta)
{
    h->committed += delta;
    if (h->committed > h->mx.heap_peak) h->mx.heap_peak = h->committed;
}
static inline bool gc_fits(vm_gc_heap *h, size_t more)
{
    return h->committed + more <= h->limit;
}

#endif
