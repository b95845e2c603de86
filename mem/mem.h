/*
 * Guest virtual address space of one machine (user mode).
 *
 * Two implementations behind one interface:
 *  - bare: no address translation is modelled. A three-level radix table
 *    over the 39-bit user half maps guest pages to host pages with R/W/X, as
 *    the "kernel" set them; permissions are still enforced.
 *  - sv39 / sv48: vmlab plays the kernel. Guest physical memory (phys.h)
 *    holds real RISC-V page tables built by the map/unmap/protect calls
 *    below; every guest access is translated by the TLB model (tlb.h), which
 *    walks those tables (walk.h) on a miss.
 *
 * Engines only call vm_mem_ptr (inline) and vm_mem_read/write. Two modes of
 * the paged space trade exactness for speed:
 *  - exact: every access is an access of the TLB model. The inline path
 *    only short-cuts a repeat access to the page of the previous access of
 *    the same kind (instruction or data), which the model would count as a
 *    hit on its most recently used entry and leave every policy's state
 *    unchanged; such hits are credited in bulk. The slow path first tries
 *    the pages used before that one (`prev`): a hit there swaps it with
 *    `last`, and the policy updates are replayed later (struct vm_last).
 *  - fast: a host-side translation cache (like QEMU's softmmu TLB) serves
 *    repeat translations without the model; the model sees only the cache's
 *    misses, so its statistics undercount.
 * Nothing is global: each machine has its own vm_mem.
 */
#ifndef VMLAB_MEM_H
#define VMLAB_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "mem/access.h"
#include "mem/phys.h"
#include "mem/tlb.h"
#include "vmlab/error.h"

#define VM_PAGE_SHIFT 12
#define VM_PAGE_SIZE  4096ull
#define VM_PAGE_MASK  (VM_PAGE_SIZE - 1)
#define VM_VA_BITS    39
#define VM_VA_LIMIT   (1ull << (VM_VA_BITS - 1)) /* user half of Sv39: [0, 2^38) */

/* Page entry flags beyond R/W/X, as vm_mem_entry reports them. */
enum {
    VM_PAGE_PRESENT = 8,   /* mapped (possibly with no permission) */
    VM_PAGE_HOSTRO = 16,   /* host mapping is read-only (shared file on an O_RDONLY fd) */
    VM_PAGE_BEYOND = 32,   /* file mapping beyond end of file: access is SIGBUS */
};

enum vm_pages_policy { VM_PAGES_4K, VM_PAGES_2M, VM_PAGES_AUTO };
enum vm_tlb_mode { VM_TLBMODE_EXACT, VM_TLBMODE_FAST };

#define VM_MAX_SHADOWS 16

typedef struct vm_mem_config {
    int mmu;              /* VM_MMU_BARE, VM_MMU_SV39, VM_MMU_SV48 */
    const char *tlb;      /* TLB spec (tlb.h), NULL: VM_TLB_DEFAULT */
    int tlb_mode;         /* enum vm_tlb_mode */
    int pages;            /* enum vm_pages_policy */
    int ad;               /* VM_AD_HW or VM_AD_FAULT */
    const char *shadows[VM_MAX_SHADOWS];
    int nshadows;
    uint64_t mem_size; /* guest memory in bytes, a multiple of 4 KiB. Paged: the size of
                          physical memory (0: VM_PHYS_SIZE); bare: the most the
                          mappings may hold (0: no limit) */
} vm_mem_config;

#define VM_MEM_MIN (4ull << 20) /* bounds of vm_mem_config.mem_size */
#define VM_MEM_MAX (1ull << 40)

/* A write watch: [va, va+len) of the virtual address space (vm_mem_watch_add). */
struct vm_watch {
    uint64_t va, len;
};

#define VM_TCACHE_SIZE 1024
/* Fast and bare modes: a second translation cache of 2 MiB regions that
 * map to contiguous host memory with one permission (bare: a region one
 * mapping covers whole; paged: a 2 MiB or larger leaf), for loads and
 * stores, indexed and tagged by va >> 21. The JIT probes it when the 4 KiB
 * cache misses, so that a walk over a large array (ptrchase) does not take
 * the slow path on every new page. Stores get an entry only for a region
 * without watched bytes and, while the JIT runs (`nocache`), without pages
 * of translated code; the JIT drops the entry when it translates code
 * there. */
#define VM_BTC_SIZE  256
#define VM_BTC_SHIFT 21
/* Fast and bare modes: the JIT's per-access-site entries (a load or store
 * instruction of translated code has its own, chosen at translation), so
 * that an access that stays on the page it touched last needs no index
 * computation: copies of `tc` entries, tagged by the page's address (low
 * bits zero, so that a misaligned access never matches; ~0 none), which
 * every invalidation of `tc` clears too (vm_mem_flush, write watches, the
 * JIT's code pages). */
#define VM_STC_SIZE 512

struct vm_tcache_entry {
    uint64_t vpn;      /* guest page number, or ~0 */
    uintptr_t addend;  /* host address = guest address + addend */
};

/* The previous translation of each kind (0 data, 1 instruction) in exact
 * mode: vpn, host addend, which access types it allows, and hits not yet
 * credited to the TLB model.
 *
 * The exact mode keeps the VM_RECENT most recently used distinct pages of
 * each kind that are still in the L1 out of the model's slow path, so that
 * code moving between a few pages (stack, heap, source and destination of a
 * copy; caller and callee) does not reach the model: a pair, `last` (tested
 * first, inline) and `second` (tested next, also inline in the JIT), with
 * `b_mru` telling which of the two was hit last; and `prev`, the older ones.
 * Between two slow accesses only these entries are hit, so a policy whose
 * state depends only on the order of each entry's last hit
 * (vm_tlb_policy_order_only) ends in the state it would have after one hit
 * on each entry hit since (n > 0), in the order of their last hits; the
 * next slow access (or vm_mem_sync_stats) replays those before the model
 * does anything else. The order: every `prev` entry is older than both of
 * the pair; among the `prev` entries hit since, the order in which they
 * left the pair (their `stamp`, from `clock`: each left as the older of
 * the pair); of the pair, `b_mru` says. A hit on a `prev` entry brings it into `last` and moves the
 * pair's older entry out to its place (stamped). On only when `multi`
 * (exact, no shadow TLBs, split L1s, built-in policies); otherwise only
 * `last` is used and every other vpn stays ~0. */
#define VM_RECENT 16
struct vm_last {
    uint64_t vpn;
    uintptr_t addend;
    unsigned ok;   /* bit per VM_ACC_* */
    int size;      /* page size of the TLB entry */
    uint64_t n;
    int idx; /* the L1 entry (set * ways + way), for the replay; -1 none */
    uint64_t stamp;
};

/* Exact mode without shadows: page -> the L1 TLB entry holding it, checked
 * on use, so that an L1 hit skips the model's lookup (but not its counting
 * and policy update). */
struct vm_hot {
    uint64_t vpn;
    uintptr_t addend;
    int idx; /* entry index in the L1 */
};
#define VM_HOT_SIZE 256

typedef struct vm_mem {
    int exact;                 /* paged space in exact mode: use `last` */
    struct vm_last last[2];
    struct vm_last second[2]; /* the pair's other entry, per kind */
    uint64_t b_mru[2];        /* `second` was hit after `last` (a qword: the JIT stores it) */
    struct vm_last prev[2][VM_RECENT - 2]; /* older pages, per kind */
    uint64_t clock[2];                     /* stamps of `prev` */
    int multi;                             /* `second` and `prev` in use */
    struct vm_tcache_entry tc[3][VM_TCACHE_SIZE]; /* read, write, fetch */
    struct vm_tcache_entry btc[2][VM_BTC_SIZE];   /* read, write: 2 MiB regions */
    struct vm_tcache_entry stc[2][VM_STC_SIZE];   /* read, write: per JIT access site */
    uint64_t bare_region[64]; /* bare: (region + 1) << 1 | uniform (bare_uniform); 0 none */
    int mode;                  /* VM_MMU_* */
    /* bare */
    uintptr_t **l1[512];
    /* paged */
    vm_phys *phys;
    uint64_t root;
    vm_walk_cfg wcfg;
    vm_tlb_hier *tlb;
    vm_tlb_hier *shadow[VM_MAX_SHADOWS];
    int nshadows;
    unsigned short_sizes[2];   /* page sizes every L1 (real and shadow) holds, per kind */
    uint64_t pending[2][4];    /* repeat hits not yet credited, per kind and page size */
    int use_hot;
    struct vm_hot hot[2][VM_HOT_SIZE];
    int pages;
    int tlb_mode;
    uint64_t ad_faults;        /* A/D faults the kernel fixed (VM_AD_FAULT mode) */
    uint64_t pt_pages;         /* page-table pages in use */
    uint64_t superpages;       /* 2 MiB leaves mapped */
    /* both */
    uint64_t mapped_pages;
    uint64_t tc_misses;
    uint64_t mem_size; /* guest memory (vm_mem_config.mem_size; paged: resolved) */
    /* write watches (debuggers): a page holding one never enters a fast
     * path for writes (`last` has no write bit for it, `tc[VM_ACC_WRITE]` no
     * entry), so that every store to it reaches vm_eng_store (memacc.h) or
     * copy() below, which check the ranges and record the hit */
    struct vm_watch *watch;
    int nwatch;
    uint64_t watch_lo, watch_hi; /* bounds of all ranges [lo, hi) (none: both 0) */
    int watch_pass;              /* the machine is re-running an atomic that hit: let it through */
    struct vm_tcache_entry wtc;  /* fast/bare: the last watched page stored to (slow path only) */
    int watch_hit;               /* a write overlapped a watch since this was cleared */
    uint64_t watch_hit_va, watch_hit_len; /* the first such write */
    /* Pages whose stores no cache may serve, so that every store to them
     * reaches the slow path: the running engine's pages with translated
     * code (vm_mem_set_code_pages). Nonzero counts, indexed by page number
     * & nocache_mask; NULL: no engine runs. */
    const uint16_t *nocache;
    uint64_t nocache_mask;
} vm_mem;

/* Result of a failed translation, for the guest's fault. */
typedef struct vm_mem_fault {
    uint64_t addr;
    int mapped; /* 1: permission (SEGV_ACCERR), 0: unmapped (SEGV_MAPERR) */
    int bus;    /* beyond end of a file mapping: SIGBUS */
} vm_mem_fault;

/* cfg may be NULL: bare. */
vm_mem *vm_mem_new(const vm_mem_config *cfg, vm_error *err);
void vm_mem_free(vm_mem *m);

/* Map [va, va+len) (page aligned) with `prot` to fresh zeroed memory; `flags`
 * VM_PAGE_BEYOND maps pages that raise SIGBUS. Replaces earlier mappings. */
int vm_mem_map(vm_mem *m, uint64_t va, uint64_t len, int prot, int flags, vm_error *err);
/* Map a host file's pages (MAP_SHARED or MAP_PRIVATE semantics). Returns 0 or
 * -errno. */
int vm_mem_map_file(vm_mem *m, uint64_t va, uint64_t len, int prot, int fd, uint64_t off,
                    int shared);
int vm_mem_unmap(vm_mem *m, uint64_t va, uint64_t len);
/* Change permissions; -1 (errno-style reason in *why: ENOMEM unmapped,
 * EACCES host read-only) when a page is unmapped or cannot be writable. */
int vm_mem_protect(vm_mem *m, uint64_t va, uint64_t len, int prot, int *why);
/* Move the pages of [old, old+len) to [new, new+len) (mremap). */
int vm_mem_move(vm_mem *m, uint64_t old, uint64_t new_va, uint64_t len, vm_error *err);
/* 1 if no page of [va, va+len) is mapped. */
int vm_mem_is_free(vm_mem *m, uint64_t va, uint64_t len);
/* Find a free range of len bytes aligned to `align`, the highest that ends at
 * or below `top` and starts at or above `bottom`; 0 if none. */
uint64_t vm_mem_find_free(vm_mem *m, uint64_t len, uint64_t align, uint64_t bottom, uint64_t top);
/* Host page | VM_PAGE_* | VM_PROT_* of the page holding va (0 if unmapped);
 * the host page is 0 for pages that have no memory (beyond end of file). */
uintptr_t vm_mem_entry(vm_mem *m, uint64_t va);
/* The mapping changed: drop cached translations (sfence.vma). */
void vm_mem_flush(vm_mem *m, uint64_t va, uint64_t len);
/* Superpage size to use for an anonymous mapping of len bytes (0: none). */
uint64_t vm_mem_map_align(const vm_mem *m, uint64_t len);

/* {==== stores that must stay slow =====================================
 * A store to a page with a watched byte, or with translated code of the
 * running engine, must reach the slow path (vm_eng_store in memacc.h, copy()
 * in mem.c), which records the watch hit or lets the engine drop its code.
 * So no cached store translation (tc, btc, stc; fast and bare modes) exists
 * for such a page: entries are not made for it (vm_mem_access_slow) and
 * existing ones go when a page becomes one (these two). The exact mode's
 * `last` has no write bit on a watched page; its engines test code pages
 * themselves. */
/* An engine starts running with these code-page counts (indexed by page
 * number & mask; nonzero: the page holds translated code); cached page
 * stores to such pages go. NULL when it stops: then no 2 MiB store entry is
 * made (no engine tells of code). */
void vm_mem_set_code_pages(vm_mem *m, const uint16_t *counts, uint64_t mask);
/* Stores to [va, va + len) must reach the slow path from now on (a watch
 * there, or the running engine translated code there): drop the cached ones. */
void vm_mem_drop_stores(vm_mem *m, uint64_t va, uint64_t len);

/* The TLB levels' policies changed (vm_machine_set_tlb_policy): decide
 * again whether `prev` may be used. Statistics must be synced before. */
void vm_mem_policy_changed(vm_mem *m);

/* Slow path of vm_mem_ptr. */
void *vm_mem_access_slow(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f);

/* Host address for an access of type acc at va, which must not cross a
 * page; NULL and *f on a fault. */
static inline void *vm_mem_ptr(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f)
{
    uint64_t vpn = va >> VM_PAGE_SHIFT;
    if (m->exact) {
        struct vm_last *l = &m->last[acc == VM_ACC_FETCH];
        if (__builtin_expect(l->vpn == vpn && (l->ok >> acc) & 1, 1)) {
            l->n++;
            m->b_mru[acc == VM_ACC_FETCH] = 0;
            return (void *)(uintptr_t)(va + l->addend);
        }
        return vm_mem_access_slow(m, va, acc, f);
    }
    struct vm_tcache_entry *e = &m->tc[acc][vpn & (VM_TCACHE_SIZE - 1)];
    if (__builtin_expect(e->vpn == vpn, 1)) return (void *)(uintptr_t)(va + e->addend);
    return vm_mem_access_slow(m, va, acc, f);
}

/* The instruction-fetch contract for exact TLB statistics: an engine makes
 * one VM_ACC_FETCH access per executed instruction (at pc; and one at pc+2
 * when a 32-bit instruction straddles a page), as the interpreter does. An
 * engine that runs a pre-decoded block may instead fetch its first
 * instruction with vm_mem_ptr and credit the n following instructions that
 * lie on the same page with one call (exact: each would be a repeat hit). */
static inline void vm_mem_fetch_repeat(vm_mem *m, uint64_t n)
{
    if (m->exact) (m->b_mru[1] ? &m->second[1] : &m->last[1])->n += n; /* the page fetched last */
}

/* Copy between guest and host memory across pages (syscalls, loader, slow
 * unaligned accesses); these are guest accesses (the kernel's, with SUM).
 * Return 0, or -1 with *f set. vm_mem_write_force writes whatever the
 * permissions (the loader and debuggers) and is not a modelled access. */
int vm_mem_read(vm_mem *m, uint64_t va, void *dst, size_t n, vm_mem_fault *f);
int vm_mem_write(vm_mem *m, uint64_t va, const void *src, size_t n, vm_mem_fault *f);
int vm_mem_write_force(vm_mem *m, uint64_t va, const void *src, size_t n);
int vm_mem_read_force(vm_mem *m, uint64_t va, void *dst, size_t n);
/* Read a NUL-terminated guest string of at most max bytes (incl. NUL). */
int vm_mem_read_str(vm_mem *m, uint64_t va, char *dst, size_t max, vm_mem_fault *f);

/* {==== write watches ==================================================
 * The machine's watchpoints (vmlab/machine.h): writes to [va, va+len) by
 * the program's stores (engines/memacc.h) and by the kernel (vm_mem_write)
 * are recorded in watch_hit*. Pages holding a watched byte leave the fast
 * paths, so other writes to those pages cost a slow-path translation (in
 * exact mode the TLB model counts them exactly as before). */
int vm_mem_watch_add(vm_mem *m, uint64_t va, uint64_t len, vm_error *err);
/* Remove the watch [va, va+len) (exactly as added); -1 if there is none. */
int vm_mem_watch_del(vm_mem *m, uint64_t va, uint64_t len);
/* Does a write of [va, va+n) overlap a watch? Records the hit. */
int vm_mem_watch_check(vm_mem *m, uint64_t va, uint64_t n);
static inline int vm_mem_watch_maybe(const vm_mem *m, uint64_t va, uint64_t n)
{
    return va + n > m->watch_lo && va < m->watch_hi;
}

/* {==== probes (debuggers): no modelled access, no statistics, no A/D ===== */

typedef struct vm_mem_probe {
    int mapped;      /* a page is mapped at va (it may allow no access) */
    uint64_t pa;     /* physical address (bare: va, see vm_mem_phys_read) */
    int level;       /* leaf level: 0 4 KiB, 1 2 MiB, 2 1 GiB, 3 512 GiB */
    int prot;        /* VM_PROT_* the program has */
    uint64_t pte;    /* the leaf PTE (0 in bare mode) */
    int has_frame;   /* there is memory behind it (not a file page past EOF) */
    unsigned in_tlb; /* bit per level (VM_TLB_L1I, VM_TLB_L1D, VM_TLB_L2) of the real
                        hierarchy holding a translation of va */
} vm_mem_probe;
/* Look va up as the page walker would, without walking: 0, or -1 if
 * nothing is mapped there (r->mapped == 0). */
int vm_mem_lookup(vm_mem *m, uint64_t va, vm_mem_probe *r);

/* Guest physical memory. Paged: [0, mem_size) of vm_phys; reads of memory
 * never allocated return zeros, writes must land in frames in use (a free
 * frame must stay zero for its next owner). Bare mode has no translation:
 * physical addresses are virtual addresses (RISC-V satp.MODE = Bare), and
 * an access reaches the page mapped there whatever its permissions. Neither
 * is a modelled access; a host page that cannot be read or written (a
 * read-only shared file mapping) gives an error, not a crash. Return 0, or
 * -1 with err naming the address. */
int vm_mem_phys_read(vm_mem *m, uint64_t pa, void *dst, size_t n, vm_error *err);
int vm_mem_phys_write(vm_mem *m, uint64_t pa, const void *src, size_t n, vm_error *err);

/* Credit pending repeat hits to the TLB model (before reading statistics). */
void vm_mem_sync_stats(vm_mem *m);
/* "mmu", "tlb", "walks", "shadow" members for --stats. */
int vm_mem_stats_json(vm_mem *m, uint64_t insns, char *buf, size_t size);

#endif
