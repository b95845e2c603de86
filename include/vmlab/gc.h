/*
 * vmlab managed heap: one precise heap, interchangeable collectors.
 *
 * Object model. An object is one 8-byte header word, then `nrefs` reference
 * slots (8 bytes each), then `nbytes` raw bytes rounded up to 8. The header
 * holds a 12-bit shape (type id, the mutator's business), the counts, and the
 * collector's bits; when a copying collector moves an object it overwrites the
 * header with the new address | 1. A vm_gc_ref is a pointer to the header.
 *
 * Roots. The collector is precise: it finds references only in root handles
 * (vm_gc_root_new) and in the shadow stack (vm_gc_push / vm_gc_pop). Any call
 * that can allocate (vm_gc_alloc, vm_gc_collect, vm_gc_switch, a workload) is
 * a safe point where objects may move: a vm_gc_ref kept in a C local across
 * it is stale afterwards. Keep it in a shadow-stack slot and reread the slot.
 *
 * Barriers. Reference slots are read with vm_gc_read and written with
 * vm_gc_write only, so that each collector can put its barrier there. Raw
 * bytes (vm_gc_bytes) need no barrier.
 *
 * The allocation fast path, the shadow stack and the barrier filter are
 * inline: they read `struct vm_gc_mutator`, which is the first member of every
 * heap (the rest of the heap is private). Nothing here is global: any number
 * of heaps can live in one process; a heap is not thread-safe.
 */
#ifndef VMLAB_GC_H
#define VMLAB_GC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vmlab/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vm_gc_heap vm_gc_heap;
typedef struct vm_gc_obj vm_gc_obj; /* never defined: an object is its header word */
typedef vm_gc_obj *vm_gc_ref;
typedef struct vm_gc_root vm_gc_root;

enum vm_gc_kind {
    VM_GC_MARKSWEEP,    /* non-moving, size-segregated free lists, lazy sweep */
    VM_GC_SEMISPACE,    /* Cheney copying */
    VM_GC_GENERATIONAL, /* copying nursery + mark-sweep old generation, remembered set */
    VM_GC_INCREMENTAL,  /* tri-colour snapshot-at-the-beginning marking, incremental sweep */
    VM_GC_ADAPTIVE,     /* runs one of the above, chosen at run time by a policy */
    VM_GC_NKINDS
};

/* Header layout (public because the inline fast paths build headers). */
#define VM_GC_HDR_FORWARDED  0x1u /* whole word is new address | 1 */
#define VM_GC_HDR_MARK       0x2u /* marked (black or grey) */
#define VM_GC_HDR_REMEMBERED 0x4u /* in the generational remembered set */
#define VM_GC_HDR_FREE       0x8u /* a free cell, not an object */
#define VM_GC_HDR_AGE_SHIFT  4    /* 4 bits: minor collections survived */
#define VM_GC_HDR_BITS       0xffu
#define VM_GC_MAX_SHAPE      0xfffu    /* 12 bits */
#define VM_GC_MAX_REFS       0xfffffu  /* 20 bits */
#define VM_GC_MAX_BYTES      0xffffffu /* 24 bits: 16 MiB */
#define VM_GC_MIN_SIZE       16u       /* a free cell needs a header and a link */

static inline uint64_t vm_gc_mkhdr(unsigned shape, unsigned nrefs, unsigned nbytes)
{
    return ((uint64_t)shape << 8) | ((uint64_t)nrefs << 20) | ((uint64_t)nbytes << 40);
}
static inline unsigned vm_gc_shape(vm_gc_ref o)
{
    return (*(uint64_t *)o >> 8) & 0xfff;
}
static inline unsigned vm_gc_nrefs(vm_gc_ref o)
{
    return (*(uint64_t *)o >> 20) & 0xfffff;
}
static inline unsigned vm_gc_nbytes(vm_gc_ref o)
{
    return (unsigned)(*(uint64_t *)o >> 40);
}
static inline vm_gc_ref *vm_gc_slots(vm_gc_ref o)
{
    return (vm_gc_ref *)((uint64_t *)o + 1);
}
/* Raw bytes of `o`; valid until the next safe point. */
static inline void *vm_gc_bytes(vm_gc_ref o)
{
    return vm_gc_slots(o) + vm_gc_nrefs(o);
}

/* Bytes an object of this shape occupies, header included. */
static inline size_t vm_gc_size_for(size_t nrefs, size_t nbytes)
{
    size_t s = 8 + nrefs * 8 + ((nbytes + 7) & ~(size_t)7);
    return s < VM_GC_MIN_SIZE ? VM_GC_MIN_SIZE : s;
}
static inline size_t vm_gc_size(vm_gc_ref o)
{
    return vm_gc_size_for(vm_gc_nrefs(o), vm_gc_nbytes(o));
}

enum vm_gc_barrier_kind {
    VM_GC_BARRIER_NONE = 0, /* plain store */
    VM_GC_BARRIER_GEN = 1,  /* store, then call out only for an old->young store */
    VM_GC_BARRIER_CALL = 2, /* call the collector's barrier for every store */
};

#define VM_GC_SMALL_MAX 128 /* free lists of sizes 16..128 are inline */

/* The mutator's view of a heap: the first member of every vm_gc_heap, read by
 * the inline functions below and written by the collectors. */
struct vm_gc_mutator {
    char *alloc_cur, *alloc_end;               /* bump region; cur == end forces the slow path */
    void *free_small[VM_GC_SMALL_MAX / 8 - 1]; /* free cells of 16, 24, ... 128 bytes */
    vm_gc_ref *sp, *sp_base, *sp_limit;        /* shadow stack: [sp_base, sp) are roots */
    char *young_lo, *young_hi;                 /* generational barrier filter */
    uint64_t writes;                           /* vm_gc_write calls (barrier invocations) */
    uint64_t allocs, alloc_bytes;              /* every allocation, fast or slow */
    uint64_t alloc_bits;                       /* header bits of new objects (allocate black) */
    int barrier;                               /* enum vm_gc_barrier_kind */
};
#define VM_GC_MUT(h) ((struct vm_gc_mutator *)(h))

/* ---- configuration and lifetime ---------------------------------------- */

#define VM_GC_VERIFY 0x1u /* check the whole heap after every collection */
#define VM_GC_STRESS 0x2u /* collect (or step) at every allocation */

typedef struct vm_gc_config {
    int collector;        /* enum vm_gc_kind; default VM_GC_MARKSWEEP */
    size_t max_heap;      /* hard limit on heap bytes; 0 = no limit */
    double growth;        /* collect when the heap reaches live * growth (min 4 MiB);
                           * 0 = use all of max_heap first (fixed-size heap) */
    size_t nursery;       /* generational: eden bytes; 0 (default): max_heap / 4, or 4 MiB
                           * without a limit; at most max_heap / 2 */
    unsigned promote_age; /* generational: minor collections survived before promotion (1..15) */
    uint64_t step_ns;     /* incremental: time budget of one step (default 500 us) */
    size_t step_alloc;    /* incremental: bytes allocated between steps (default 128 KiB) */
    double step_ratio;    /* incremental: start a cycle when the room left is this times what
                           * marking is expected to need (default 1.5) */
    int marking;          /* incremental: enum vm_gc_marking (default VM_GC_SATB) */
    uint64_t pause_target_ns; /* adaptive: pause goal handed to the policy (0 = none) */
    size_t shadow_stack;      /* shadow-stack entries (default 1 Mi) */
    unsigned flags;           /* VM_GC_VERIFY | VM_GC_STRESS */
} vm_gc_config;

/* The incremental collector's barrier (doc/gc.md, "incremental"). */
enum vm_gc_marking {
    VM_GC_SATB = 0, /* snapshot at the beginning: Yuasa's deletion barrier, new objects black */
    VM_GC_IU = 1,   /* incremental update: Dijkstra's insertion barrier, new objects white,
                     * roots rescanned to finish a marking */
};

/* Fill `c` with the defaults above. */
void vm_gc_config_init(vm_gc_config *c);

/* Create a heap. NULL `c` means defaults. Returns NULL and fills `err` on a bad
 * configuration or when the host has no memory. */
vm_gc_heap *vm_gc_heap_new(const vm_gc_config *c, vm_error *err);
/* Free the heap and every object in it. NULL is a no-op. */
void vm_gc_heap_free(vm_gc_heap *h);

const char *vm_gc_kind_name(int kind);
/* Parse a collector name ("marksweep", ...); -1 if unknown. */
int vm_gc_kind_parse(const char *name);
/* Parse a marking barrier name ("satb", "iu"); -1 if unknown. */
int vm_gc_marking_parse(const char *name);
/* The collector that runs now (for adaptive: the one the policy chose). */
int vm_gc_collector(const vm_gc_heap *h);

/* ---- allocation (a safe point) ------------------------------------------ */

vm_gc_ref vm_gc_alloc_slow(vm_gc_heap *h, unsigned shape, unsigned nrefs, unsigned nbytes,
                           vm_error *err);

/* Allocate an object with all slots NULL and raw bytes zero. The inline part
 * bumps a pointer (copying collectors) or pops a size-class free list
 * (mark-sweep spaces), as Boehm's GC_MALLOC inline path does. Returns NULL and
 * fills `err` with VM_ENOMEM when the heap limit is reached even after a
 * collection, VM_EINVAL when shape, nrefs or nbytes exceed the header limits. */
static inline vm_gc_ref vm_gc_alloc(vm_gc_heap *h, unsigned shape, unsigned nrefs, unsigned nbytes,
                                    vm_error *err)
{
    struct vm_gc_mutator *m = VM_GC_MUT(h);
    size_t size = vm_gc_size_for(nrefs, nbytes);
    uint64_t *p;
    if (__builtin_expect(
            shape > VM_GC_MAX_SHAPE || nrefs > VM_GC_MAX_REFS || nbytes > VM_GC_MAX_BYTES, 0))
        return vm_gc_alloc_slow(h, shape, nrefs, nbytes, err);
    if (__builtin_expect((size_t)(m->alloc_end - m->alloc_cur) >= size, 1)) {
        p = (uint64_t *)m->alloc_cur;
        m->alloc_cur += size;
    } else if (size <= VM_GC_SMALL_MAX && (p = (uint64_t *)m->free_small[size / 8 - 2])) {
        m->free_small[size / 8 - 2] = (void *)p[1];
    } else {
        return vm_gc_alloc_slow(h, shape, nrefs, nbytes, err);
    }
    m->allocs++;
    m->alloc_bytes += size;
    p[0] = vm_gc_mkhdr(shape, nrefs, nbytes) | m->alloc_bits;
    memset(p + 1, 0, size - 8);
    return (vm_gc_ref)p;
}

/* ---- reference slots ------------------------------------------------------ */

void vm_gc_write_slow(vm_gc_heap *h, vm_gc_ref obj, unsigned slot, vm_gc_ref val);

/* Read slot `slot` (< nrefs, unchecked) of `obj`. */
static inline vm_gc_ref vm_gc_read(vm_gc_heap *h, vm_gc_ref obj, unsigned slot)
{
    (void)h;
    return vm_gc_slots(obj)[slot];
}

/* Store `val` (may be NULL) into slot `slot` (< nrefs, unchecked) of `obj`,
 * through the running collector's barrier. Never allocates. */
static inline void vm_gc_write(vm_gc_heap *h, vm_gc_ref obj, unsigned slot, vm_gc_ref val)
{
    struct vm_gc_mutator *m = VM_GC_MUT(h);
    m->writes++;
    if (__builtin_expect(m->barrier == VM_GC_BARRIER_CALL, 0)) {
        vm_gc_write_slow(h, obj, slot, val);
        return;
    }
    vm_gc_slots(obj)[slot] = val;
    if (m->barrier == VM_GC_BARRIER_GEN && (char *)val >= m->young_lo &&
        (char *)val < m->young_hi && !((char *)obj >= m->young_lo && (char *)obj < m->young_hi) &&
        !(*(uint64_t *)obj & VM_GC_HDR_REMEMBERED))
        vm_gc_write_slow(h, obj, slot, val);
}

/* ---- roots ---------------------------------------------------------------- */

/* Push `r` on the shadow stack; returns its slot (stable until popped; the
 * collector updates it when `r` moves), or NULL when the stack is full. */
static inline vm_gc_ref *vm_gc_push(vm_gc_heap *h, vm_gc_ref r)
{
    struct vm_gc_mutator *m = VM_GC_MUT(h);
    if (__builtin_expect(m->sp == m->sp_limit, 0)) return NULL;
    *m->sp = r;
    return m->sp++;
}
/* Pop `n` entries (at most the depth). */
static inline void vm_gc_pop(vm_gc_heap *h, size_t n)
{
    struct vm_gc_mutator *m = VM_GC_MUT(h);
    m->sp = (size_t)(m->sp - m->sp_base) < n ? m->sp_base : m->sp - n;
}
static inline size_t vm_gc_depth(vm_gc_heap *h)
{
    return (size_t)(VM_GC_MUT(h)->sp - VM_GC_MUT(h)->sp_base);
}

/* A root handle holds one reference until vm_gc_root_free. NULL on no memory. */
vm_gc_root *vm_gc_root_new(vm_gc_heap *h, vm_gc_ref r, vm_error *err);
vm_gc_ref vm_gc_root_get(const vm_gc_root *root);
void vm_gc_root_set(vm_gc_root *root, vm_gc_ref r);
void vm_gc_root_free(vm_gc_heap *h, vm_gc_root *root);

/* ---- collection and switching (safe points) ------------------------------ */

/* Collect now. full != 0 asks for a whole-heap collection (generational: a
 * major one; incremental: finish the cycle and run a complete one); full == 0
 * is a minor collection (generational), one step (incremental), a full one
 * (the others). Returns -1 if verify mode found the heap corrupt (err says
 * where). */
int vm_gc_collect(vm_gc_heap *h, int full, vm_error *err);

/* Move every reachable object to a fresh instance of collector `kind`, then
 * drop the old one. VM_GC_ADAPTIVE turns the policy on (starting from the
 * generational collector); any other kind turns it off. May exceed max_heap
 * while both exist; fails with VM_ENOMEM only if the host has no memory. */
int vm_gc_switch(vm_gc_heap *h, int kind, vm_error *err);

/* Check the whole heap now: every reachable object intact, every reference
 * valid, no reachable object freed, and the collector's own invariants
 * (remembered set, tri-colour). Returns -1 and describes the first fault. */
int vm_gc_verify(vm_gc_heap *h, vm_error *err);

/* ---- adaptive policy ------------------------------------------------------ */

/* What the policy sees after each collection. "Recent" is the last <= 4
 * collection intervals since the last switch (a program's start is not its
 * steady state). */
typedef struct vm_gc_policy_input {
    int collector;                        /* running collector */
    uint64_t collections;                 /* collections since the heap was created */
    uint64_t since_switch;                /* collections since the last switch */
    double survival;                      /* bytes surviving / bytes collected, last collection */
    double survival_avg;                  /* mean, recent */
    double survival_min, survival_max;    /* per collection interval, recent */
    uint64_t last_pause_ns, max_pause_ns; /* max since the last switch */
    double gc_share;                      /* GC time / run time, recent */
    double alloc_rate;                    /* bytes per mutator second, recent */
    size_t live, heap, max_heap;          /* bytes: live after the collection, committed, limit */
    uint64_t pause_target_ns;
    uint64_t alloc_since_switch;        /* bytes */
    double throughput;                  /* bytes allocated per CPU second, recent */
    double throughput_of[VM_GC_NKINDS]; /* the same when each was last switched from; 0: never */
    unsigned tenures_of[VM_GC_NKINDS];  /* how many times each was measured so */
    int out_of_memory; /* 1: called because the running collector could not allocate within
                        * max_heap; the allocation is retried if the decision switches */
    unsigned out_of_memory_of[VM_GC_NKINDS]; /* such failures of each collector so far */
} vm_gc_policy_input;

/* What it asks for: fields left as they came in mean "no change". */
typedef struct vm_gc_policy_decision {
    int collector;    /* enum vm_gc_kind, not VM_GC_ADAPTIVE */
    size_t nursery;   /* generational eden bytes (0: the default) */
    uint64_t step_ns; /* incremental step budget */
} vm_gc_policy_decision;

/* One small replaceable function: look at `in`, edit `out`. Called at a safe
 * point after every collection when the heap runs VM_GC_ADAPTIVE. */
typedef void (*vm_gc_policy_fn)(void *ud, const vm_gc_policy_input *in, vm_gc_policy_decision *out);
void vm_gc_policy_default(void *ud, const vm_gc_policy_input *in, vm_gc_policy_decision *out);
/* NULL fn restores the default policy. */
void vm_gc_set_policy(vm_gc_heap *h, vm_gc_policy_fn fn, void *ud);

/* ---- metrics -------------------------------------------------------------- */

typedef struct vm_gc_stats {
    const char *collector;                               /* running collector */
    uint64_t run_ns, gc_ns;                              /* since creation or vm_gc_stats_reset */
    double gc_share;                                     /* gc_ns / run_ns */
    uint64_t collections, minor, major, steps;           /* pauses of each kind */
    uint64_t pauses;                                     /* every stop of the mutator */
    uint64_t pause_p50, pause_p95, pause_p99, pause_max; /* ns, wall clock */
    uint64_t pause_cpu_p99,
        pause_cpu_max; /* ns of thread CPU time: a loaded host's preemption excluded */
    double mmu_1ms, mmu_10ms, mmu_100ms;
    double mmu_cpu_1ms, mmu_cpu_10ms, mmu_cpu_100ms; /* pauses cut to their CPU time */
    size_t heap_peak, heap_avg;  /* committed bytes: peak, mean over collections */
    size_t live_peak, live_last; /* bytes surviving a collection */
    uint64_t alloc_bytes, alloc_objects;
    double alloc_rate; /* bytes per second of mutator time */
    uint64_t copied_bytes, promoted_bytes;
    double survival_avg, survival_min, survival_max; /* per collection */
    uint64_t barrier_writes, barrier_slow, remembered;
    uint64_t switches;
} vm_gc_stats;

void vm_gc_stats_get(vm_gc_heap *h, vm_gc_stats *st);
void vm_gc_stats_reset(vm_gc_heap *h);
/* Print as an aligned table, or as one JSON object (no trailing newline). */
void vm_gc_stats_print(const vm_gc_stats *st, FILE *f);
void vm_gc_stats_json(const vm_gc_stats *st, FILE *f);

/* ---- trace events (a hook for the tracing module) ------------------------ */

enum vm_gc_event_kind { VM_GC_EV_START, VM_GC_EV_END, VM_GC_EV_PHASE };
typedef struct vm_gc_event {
    int kind;         /* enum vm_gc_event_kind */
    const char *what; /* "minor", "major", "full", "step", "switch"; or the phase name */
    uint64_t t_ns;    /* CLOCK_MONOTONIC */
    size_t heap;      /* committed bytes */
} vm_gc_event;
typedef void (*vm_gc_trace_fn)(void *ud, const vm_gc_event *ev);
/* Called at each collection start/end and phase change; NULL turns it off.
 * It costs one pointer test per collection when off. */
void vm_gc_set_trace(vm_gc_heap *h, vm_gc_trace_fn fn, void *ud);

/* ---- workloads ------------------------------------------------------------ */

/* Benchmarks Game binary-trees at `depth`; *check gets the checksum. */
int vm_gc_run_bintree(vm_gc_heap *h, int depth, long *check, vm_error *err);
/* Boehm's GCBench (kStretchTreeDepth 18, long-lived 16, array 500000 doubles,
 * trees 4..16) scaled: depth shifts every depth by (depth - 16). */
int vm_gc_run_gcbench(vm_gc_heap *h, int depth, long *check, vm_error *err);

/* Synthetic mutator: `ops` operations on `regs` registers (shadow-stack slots):
 * allocate (sizes and lifetimes from the distributions), store a random
 * register into a random slot with probability `mutate`, drop registers. */
typedef struct vm_gc_synth {
    uint64_t seed, ops;
    unsigned regs;       /* live registers (roots), default 1024 */
    unsigned max_refs;   /* refs per object uniform in [0, max_refs] */
    unsigned mean_bytes; /* raw bytes, geometric with this mean */
    double mutate;       /* probability of a pointer store per op */
    double long_lived;   /* fraction of allocations that land in a long-lived register */
} vm_gc_synth;
void vm_gc_synth_init(vm_gc_synth *s);

/* Allocation traces: a recorder logs a register-machine mutator (see
 * doc/gc.md, "Trace format"); replay runs a trace against any heap. */
typedef struct vm_gc_rec vm_gc_rec;
vm_gc_rec *vm_gc_rec_open(vm_gc_heap *h, const char *path, unsigned regs, vm_error *err);
/* Register file ops, each performed on the heap and logged. reg < regs. */
int vm_gc_rec_alloc(vm_gc_rec *r, unsigned dst, unsigned shape, unsigned nrefs, unsigned nbytes,
                    vm_error *err);
void vm_gc_rec_write(vm_gc_rec *r, unsigned obj, unsigned slot, unsigned val); /* val ~0u: NULL */
void vm_gc_rec_read(vm_gc_rec *r, unsigned dst, unsigned obj, unsigned slot);
void vm_gc_rec_clear(vm_gc_rec *r, unsigned dst);
vm_gc_ref vm_gc_rec_get(vm_gc_rec *r, unsigned reg);
/* Flush and close; returns -1 on a write error. */
int vm_gc_rec_close(vm_gc_rec *r, vm_error *err);

int vm_gc_run_synth(vm_gc_heap *h, const vm_gc_synth *s, const char *record_path, long *check,
                    vm_error *err);
int vm_gc_replay(vm_gc_heap *h, const char *path, long *check, vm_error *err);

#ifdef __cplusplus
}
#endif
#endif
