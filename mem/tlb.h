/*
 * The TLB model: split L1 I- and D-TLBs, an optional unified L2 TLB and an
 * optional page-walk cache, each with its own geometry (entries, ways),
 * replacement policy, page sizes and ASID tagging, exact statistics, and a
 * simple cost model. A hierarchy translates through the page walker on a
 * miss. Shadow hierarchies see the same access stream and keep their own
 * statistics without affecting the translation: one run, N configurations.
 *
 * Set index = virtual page number (of the entry's page size) modulo the
 * number of sets. A TLB that holds several page sizes is probed once per
 * size, each at its own set.
 */
#ifndef VMLAB_TLB_H
#define VMLAB_TLB_H

#include <stddef.h>
#include <stdint.h>

#include "mem/tlb_policy.h"
#include "mem/walk.h"
#include "vmlab/error.h"

enum { VM_TLB_L1I, VM_TLB_L1D, VM_TLB_L2, VM_TLB_NLEVELS };
enum { VM_PG_4K = 0, VM_PG_2M = 1, VM_PG_1G = 2, VM_PG_512G = 3, VM_PG_NSIZES = 4 };

typedef struct vm_tlb_level_stats {
    uint64_t accesses, hits, misses, evictions, flushes;
    uint64_t hits_by_size[VM_PG_NSIZES], misses_by_size[VM_PG_NSIZES];
} vm_tlb_level_stats;

typedef struct vm_tlb_entry {
    uint64_t tag;  /* virtual page number at the entry's page size */
    uint64_t ppn;  /* physical page number (4 KiB units) of the page's start */
    uint16_t asid;
    uint8_t size;  /* VM_PG_* */
    uint8_t valid;
    uint16_t pte;  /* low PTE bits: permissions, U, G, A, D */
} vm_tlb_entry;

typedef struct vm_tlb {
    int entries, ways, sets;
    uint64_t set_mask;       /* sets - 1 when sets is a power of two, else 0 */
    int sizes;               /* bit mask of VM_PG_* held */
    int asid_tagged;
    const vm_tlb_policy *policy;
    vm_tlb_entry *e;         /* sets * ways */
    unsigned char *pstate;   /* policy state, sets * pbytes */
    size_t pbytes;
    vm_tlb_pctx ctx;
    vm_tlb_level_stats st;
    /* wide sets (many ways) are searched through an index from (tag, size)
     * to entry: open addressing, linear probing, duplicates allowed (one
     * page under several ASIDs) */
    struct vm_tlb_ix {
        uint64_t key; /* 0: empty */
        uint32_t idx;
    } *ix;
    uint64_t ix_mask;
    int nvalid_hint; /* valid entries: a full TLB need not look for a free way */
    int nsize[VM_PG_NSIZES]; /* valid entries per page size: lookups skip absent sizes */
    int last_idx;            /* entry of the last hit or fill (set * ways + way) */
} vm_tlb;

struct vm_pwc {
    vm_tlb t; /* non-leaf entries: tag = va >> (12 + 9 * level), size = level */
    uint64_t hits, misses;
};

typedef struct vm_tlb_cost {
    double l1_hit, l2_hit, walk_mem, pwc_hit, base_cpi;
} vm_tlb_cost;

/* Callback for miss, evict, flush, walk and hit events (the tracer subscribes).
 * For VM_TLB_EV_WALK, `level` is the number of levels the walk visited and
 * `asid` the memory accesses it made. VM_TLB_EV_HIT (level VM_TLB_L1I, L1D or
 * L2) is reported for the hits this function sees, not for the repeat hits
 * credited in bulk (vm_tlb_repeat_hits): doc/trace.md says how the tracer
 * makes every hit come here. */
enum { VM_TLB_EV_MISS, VM_TLB_EV_EVICT, VM_TLB_EV_FLUSH, VM_TLB_EV_WALK, VM_TLB_EV_HIT };
typedef void (*vm_tlb_event_fn)(void *ud, int kind, int level, uint64_t vpn, int asid);

typedef struct vm_tlb_hier {
    char spec[256];             /* the configuration text it was built from */
    vm_tlb *lv[VM_TLB_NLEVELS]; /* NULL when absent */
    struct vm_pwc *pwc;
    vm_tlb_cost cost;
    uint64_t walks, walk_mem, walk_pwc_hits, faults;
    double cycles;              /* translation cycles by the cost model */
    vm_tlb_event_fn event;
    void *event_ud;
    /* host time in the address space's slow path, which is the TLB model
     * (--stats host_time, trace/host_time.c): one call in VM_TLB_SAMPLE is
     * timed; kept here rather than in vm_mem */
    uint64_t slow_samples, slow_sample_ns, slow_dropped;
} vm_tlb_hier;
#define VM_TLB_SAMPLE 256

/* The default configuration, modelled on the SiFive U74 core (its core
 * complex manual: 40-entry fully-associative L1 I- and D-TLBs, a 512-entry
 * direct-mapped L2 TLB); the manual does not name a replacement policy, so
 * vmlab uses LRU. */
#define VM_TLB_DEFAULT "l1i=40x40:lru,l1d=40x40:lru,l2=512x1:lru"

/* Build a hierarchy from text such as
 *   "l1i=32x4:lru,l1d=64x4:plru,l2=1024x8:lru,pwc=16x16:lru,seed=7"
 * Per level: ENTRIESxWAYS[:POLICY][:SIZES][:noasid], SIZES like 4k+2m+1g
 * (default: every size), ways == entries is fully associative. A level not
 * named is absent; "none" means no TLB at all (every access walks). */
vm_tlb_hier *vm_tlb_hier_new(const char *spec, vm_error *err);
void vm_tlb_hier_free(vm_tlb_hier *h);

/* Translate through the hierarchy: L1 for the access type, then L2, then a
 * walk; fills the levels it missed. On success *pa and *size (VM_PG_*) and
 * the cached PTE bits in *pte. Returns 0, or -1 on a page fault (with
 * *ad_fault when only A/D needed updating in fault mode). */
int vm_tlb_translate(vm_tlb_hier *h, vm_phys *p, const vm_walk_cfg *cfg, uint64_t va, int acc,
                     uint64_t *pa, int *size, uint64_t *pte, int *ad_fault);
/* Observe an access whose translation is known (shadow hierarchies). */
void vm_tlb_observe(vm_tlb_hier *h, vm_phys *p, const vm_walk_cfg *cfg, uint64_t va, int acc);
/* sfence.vma: all (va == ~0) or one page, for one ASID or all (asid < 0). */
void vm_tlb_flush(vm_tlb_hier *h, uint64_t va, int asid);
/* Count `n` more hits on the most recent L1 entry of the access type (an
 * engine that knows consecutive accesses stay on one page). */
void vm_tlb_repeat_hits(vm_tlb_hier *h, int acc, uint64_t n, int size);

/* Statistics as a JSON object body ("l1i": {...}, ..., "walks": {...}). */
int vm_tlb_stats_json(const vm_tlb_hier *h, uint64_t insns, char *buf, size_t size);
/* A short human table (per level: accesses, miss rate, MPKI; walk cost). */
void vm_tlb_stats_print(const vm_tlb_hier *h, uint64_t insns, const char *title, void *file);

const char *vm_tlb_level_name(int level);
/* Replace a level's policy (its per-set state is re-initialised). */
int vm_tlb_set_policy(vm_tlb *t, const vm_tlb_policy *p, void *ud);

#endif
