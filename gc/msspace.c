/*
 * The mark-sweep space: 64 KiB blocks, each holding cells of one size class,
 * and a list of individually allocated large objects (> 8 KiB). It is the
 * whole heap of the mark-sweep and incremental collectors and the old
 * generation of the generational one.
 *
 * Size segregation makes a free cell's size implicit, so a free list per
 * class is a singly linked list through the cells (header word FREE, word 1
 * the link) and allocation is a pop. Sweeping is lazy: marking ends by moving
 * every block to its class's unswept list; the allocator sweeps one block of
 * the class it needs when its free list runs dry, so the sweep cost is paid in
 * small pieces, mostly for blocks about to be reused.
 *
 * The allocator's sweeping is bounded so that it is no hidden pause: it stops
 * at the first block with a free cell, using a block it finds empty at once
 * (an earlier version pooled empty blocks and kept sweeping: on binary-trees
 * that was one 10 ms stall per collection, invisible in the pause metrics),
 * and blocks that were full at their previous sweep (long-lived data) wait on
 * a separate list that the allocator sweeps only when it may not grow the
 * heap; the background sweeper (ms_sweep_some, the incremental collector's
 * steps) takes those first. Blocks that sweepers other than the allocator
 * find empty go to a pool any class can re-carve (returning them to the host
 * and faulting fresh ones in cost 8% of binary-trees' run time); each mark
 * phase returns the pool beyond a quarter of the space to the host. A new
 * mark must start from a fully swept space (stale mark bits would hide
 * objects), which ms_finish_sweep provides.
 *
 * Classes step by 8 bytes up to 128, then by about 1/8: internal
 * fragmentation stays under 12.5% for the small objects that dominate.
 *
 * Below a heap limit, the last MS_RESERVE blocks (at most 1/32 of the limit)
 * go only to a class that has no block at all: random deaths leave a
 * survivor in nearly every block, so in a full heap no block comes free for
 * a size class that appears late (see reserve()).
 */
#include <stdlib.h>
#include <string.h>

#include "gc/gc_priv.h"

static const uint32_t class_size[MS_NCLASS] = {
    16,  24,  32,  40,   48,   56,   64,   72,   80,   88,   96,   104,  112, 120,
    128, 144, 160, 176,  192,  224,  256,  288,  320,  352,  384,  448,  512, 576,
    640, 768, 896, 1024, 1280, 1536, 2048, 2560, 3072, 4096, 6144, 8192,
};

#define BLOCK_HDR  32u /* sizeof(ms_block) rounded to 16 */
#define MS_RESERVE 8u  /* blocks, at most 1/32 of the limit: see reserve() */

static unsigned size_class(size_t size)
{
    if (size <= 128) return (unsigned)(size / 8) - 2;
    unsigned c = 15;
    while (class_size[c] < size) c++;
    return c;
}

static inline char *block_cells(ms_block *b)
{
    return (char *)b + BLOCK_HDR;
}

void ms_init(ms_space *s, vm_gc_heap *h, bool expose)
{
    memset(s, 0, sizeof *s);
    s->h = h;
    for (unsigned c = 0; c < MS_NCLASS; c++) {
        bool inline_fl = expose && class_size[c] <= VM_GC_SMALL_MAX;
        s->fl[c] = inline_fl ? &h->m.free_small[class_size[c] / 8 - 2] : &s->cls[c].free;
        *s->fl[c] = NULL;
    }
}

void ms_expose(ms_space *s)
{
    for (unsigned c = 0; c < MS_NCLASS && class_size[c] <= VM_GC_SMALL_MAX; c++) {
        void **slot = &s->h->m.free_small[class_size[c] / 8 - 2];
        if (s->fl[c] == slot) continue;
        *slot = *s->fl[c];
        *s->fl[c] = NULL;
        s->fl[c] = slot;
    }
}

void ms_move(ms_space *to, ms_space *from)
{
    for (unsigned c = 0; c < MS_NCLASS; c++) {
        if (from->fl[c] == &from->cls[c].free) continue;
        from->cls[c].free = *from->fl[c]; /* exposed: the list is in the mutator struct */
        *from->fl[c] = NULL;
    }
    *to = *from;
    for (unsigned c = 0; c < MS_NCLASS; c++) to->fl[c] = &to->cls[c].free;
    ms_init(from, from->h, false);
}

void ms_use_epochs(ms_space *s)
{
    s->epochs = true;
    s->flip = VM_GC_HDR_MARK; /* objects arrive with the bit clear: marked, until the first epoch */
}

/* A cell that holds an object marked in the current epoch. */
static inline bool cell_marked(const ms_space *s, uint64_t hd)
{
    return ((hd ^ s->flip) & (VM_GC_HDR_MARK | VM_GC_HDR_FREE)) == VM_GC_HDR_MARK;
}

static void free_block_list(ms_space *s, ms_block *b)
{
    while (b) {
        ms_block *n = b->next;
        free(b);
        gc_commit(s->h, -(ptrdiff_t)MS_BLOCK);
        s->nblocks--;
        b = n;
    }
}

void ms_destroy(ms_space *s)
{
    for (unsigned c = 0; c < MS_NCLASS; c++) {
        free_block_list(s, s->cls[c].unswept);
        free_block_list(s, s->cls[c].full);
        free_block_list(s, s->cls[c].swept);
        free_block_list(s, s->cls[c].swept_full);
    }
    free_block_list(s, s->empty);
    s->empty = NULL;
    s->nempty = 0;
    for (ms_large *l = s->large, *n; l; l = n) {
        n = l->next;
        gc_commit(s->h, -(ptrdiff_t)(l->size + sizeof *l));
        free(l);
    }
    memset(s->cls, 0, sizeof s->cls);
    s->large = NULL;
}

size_t ms_bytes(const ms_space *s)
{
    return (s->nblocks - s->nempty) * MS_BLOCK + s->large_bytes;
}

/* The first pool block back to the host. */
static void unpool_one(ms_space *s)
{
    ms_block *b = s->empty;
    s->empty = b->next;
    s->nempty--;
    free(b);
    gc_commit(s->h, -(ptrdiff_t)MS_BLOCK);
    s->nblocks--;
}

bool ms_trim_step(ms_space *s, size_t n)
{
    for (; n && s->trim_left && s->empty; n--, s->trim_left--) unpool_one(s);
    return s->trim_left && s->empty;
}

void ms_trim(ms_space *s, size_t keep)
{
    while (s->empty && s->nempty > keep) unpool_one(s);
}

/* Sweep one block: rebuild its free cells onto the class free list, clear the
 * marks of the survivors. A block where nothing survived goes to the pool,
 * unless `keep_empty` (the allocator of its class is asking). */
static void sweep_block(ms_space *s, ms_block *b, bool keep_empty)
{
    unsigned c = b->cls;
    char *cells = block_cells(b), *p = cells;
    uint32_t live;
    if (b->open) {
        /* count first, reading only: a block of garbage is left unwritten
         * (pooled, the allocator that takes it threads it once) */
        live = 0;
        for (uint32_t i = 0; i < b->ncells; i++, p += b->cell)
            live += cell_marked(s, *(uint64_t *)p);
        p = cells;
    } else {
        live = b->traced; /* nothing was allocated here: tracing marked all */
    }
    s->unswept_blocks--;
    b->live = live;
    b->traced = 0;
    b->open = live < b->ncells;
    if (live == 0 && !keep_empty) {
        b->next = s->empty;
        s->empty = b;
        s->nempty++;
        return;
    }
    void *head = *s->fl[c];
    if (live == b->ncells) {
        if (!s->epochs)
            for (uint32_t i = 0; i < b->ncells; i++, p += b->cell)
                *(uint64_t *)p &= ~(uint64_t)VM_GC_HDR_MARK;
    } else {
        for (uint32_t i = 0; i < b->ncells; i++, p += b->cell) {
            uint64_t *hd = (uint64_t *)p;
            if (cell_marked(s, *hd)) {
                if (!s->epochs) *hd &= ~(uint64_t)VM_GC_HDR_MARK;
                continue;
            }
            *hd = VM_GC_HDR_FREE;
            ((void **)p)[1] = head;
            head = p;
        }
    }
    *s->fl[c] = head;
    s->swept_live += (size_t)live * b->cell;
    ms_block **list = live == b->ncells ? &s->cls[c].swept_full : &s->cls[c].swept;
    b->next = *list;
    *list = b;
}

/* Room for `total` more bytes under `limit`, from blocks that hold no live
 * cell: return the pool to the host, and sweep unswept blocks (pooling and
 * returning those found empty) until it fits. Without it a large object
 * failed right after a collection that had freed most of the heap, because
 * the dead blocks were still committed, waiting for the lazy sweep: GCBench
 * 16 at 1.5x live failed so allocating its 4 MB array with 4 MB live. The
 * sweep is collector work, so outside a collection it is a pause. */
static bool make_room(ms_space *s, size_t total, size_t limit)
{
    ms_trim(s, 0);
    if (s->h->committed + total <= limit) return true;
    if (!s->unswept_blocks) return false;
    bool pause = !s->h->in_gc;
    if (pause) gc_pause_begin(s->h, "sweep");
    while (s->h->committed + total > limit && ms_sweep_some(s, 1)) ms_trim(s, 0);
    if (pause) gc_pause_end(s->h);
    return s->h->committed + total <= limit;
}

static void *alloc_large(ms_space *s, size_t size, size_t limit)
{
    size_t total = size + sizeof(ms_large);
    if (s->h->committed + total > limit && !make_room(s, total, limit)) return NULL;
    ms_large *l = malloc(total);
    if (!l) return NULL;
    l->size = size;
    l->prev = NULL;
    l->next = s->large;
    if (s->large) s->large->prev = l;
    s->large = l;
    s->large_bytes += total;
    gc_commit(s->h, (ptrdiff_t)total);
    return l + 1;
}

/* A class that has no block at all. */
static bool class_starved(const ms_space *s, unsigned c)
{
    return !s->cls[c].swept && !s->cls[c].swept_full && !s->cls[c].unswept && !s->cls[c].full;
}

/* The last blocks below a limit are kept for classes that have no block: in
 * a heap full of half-used blocks of other classes (random deaths leave a
 * survivor in every block, so none comes free), the first object of a new
 * size class could not be allocated at all. The synthetic mutator at 2x live
 * failed so under mark-sweep and incremental with the heap half free. */
static size_t reserve(size_t limit)
{
    if (limit == SIZE_MAX) return 0;
    size_t r = limit / 32 / MS_BLOCK;
    return (r < MS_RESERVE ? r : MS_RESERVE) * MS_BLOCK;
}

/* The last resort of a class that may not take a block (the heap is at its
 * limit and every block is swept): a free cell of a larger class. The cell
 * keeps its block's size (sweeping and walking step by the block's cell
 * size; the object's header has its own size), so the waste is internal.
 * In a heap whose every block keeps a random survivor there are free cells
 * in many classes and no empty block, so a size class that appears late
 * had no way in but the reserve, which a generational heap's promotions
 * (which may not fail) can use up. */
static void *larger_cell(ms_space *s, unsigned c)
{
    for (unsigned k = c + 1; k < MS_NCLASS; k++) {
        void **cell = *s->fl[k];
        if (cell) {
            *s->fl[k] = cell[1];
            return cell;
        }
    }
    return NULL;
}

void *ms_alloc(ms_space *s, size_t size, size_t limit)
{
    if (size > MS_LARGE_MIN) return alloc_large(s, size, limit);
    unsigned c = size_class(size);
    for (;;) {
        void **cell = *s->fl[c];
        if (cell) {
            *s->fl[c] = cell[1];
            return cell;
        }
        ms_block *b = s->cls[c].unswept;
        if (b) {
            s->cls[c].unswept = b->next;
            sweep_block(s, b, true);
            continue;
        }
        if ((b = s->empty)) {
            s->empty = b->next;
            s->nempty--;
        } else {
            if (s->h->committed + MS_BLOCK + (class_starved(s, c) ? 0 : reserve(limit)) > limit) {
                if ((b = s->cls[c].full)) {
                    s->cls[c].full = b->next;
                    sweep_block(s, b, true);
                    continue;
                }
                /* Before failing, sweep the other classes until one of
                 * their blocks turns out empty and comes to the pool. Sizes
                 * of many classes make this common (the synthetic mutator
                 * at 2x live failed without it). It is collector work, so it
                 * is a pause. */
                if (!s->unswept_blocks) return larger_cell(s, c);
                bool pause = !s->h->in_gc;
                if (pause) gc_pause_begin(s->h, "sweep");
                while (!s->empty && !*s->fl[c] && ms_sweep_some(s, 1))
                    ;
                if (pause) gc_pause_end(s->h);
                continue;
            }
            if (!(b = aligned_alloc(MS_BLOCK, MS_BLOCK))) return NULL;
            s->nblocks++;
            gc_commit(s->h, MS_BLOCK);
        }
        b->cls = c;
        b->live = b->traced = 0;
        b->open = 1;
        b->cell = class_size[c];
        b->ncells = (MS_BLOCK - BLOCK_HDR) / b->cell;
        b->next = s->cls[c].swept;
        s->cls[c].swept = b;
        /* thread the cells back to front so allocation walks forward */
        char *p = block_cells(b) + (size_t)(b->ncells - 1) * b->cell;
        void *head = NULL;
        for (uint32_t i = 0; i < b->ncells; i++, p -= b->cell) {
            *(uint64_t *)p = VM_GC_HDR_FREE;
            ((void **)p)[1] = head;
            head = p;
        }
        *s->fl[c] = head;
    }
}

/* The blocks that were full go first: the allocator avoids them. */
size_t ms_sweep_some(ms_space *s, size_t n)
{
    size_t done = 0;
    for (int full = 1; full >= 0; full--) {
        for (unsigned c = 0; c < MS_NCLASS && done < n; c++) {
            ms_block **list = full ? &s->cls[c].full : &s->cls[c].unswept;
            while (*list && done < n) {
                ms_block *b = *list;
                *list = b->next;
                sweep_block(s, b, false);
                done++;
            }
        }
    }
    return done;
}

void ms_finish_sweep(ms_space *s)
{
    ms_sweep_some(s, SIZE_MAX);
}

static void splice(ms_block **to, ms_block *list)
{
    while (*to) to = &(*to)->next; /* normally empty: the last sweep finished */
    *to = list;
}

void ms_start_sweep(ms_space *s)
{
    /* the pool beyond a quarter of the space goes back to the host, by the
     * caller's ms_trim_step: the page freeing took 1.3 ms of an incremental
     * step on binary-trees 19 after its 48 MB stretch tree died (measured),
     * so the incremental collector does it a few blocks per step */
    size_t keep = s->nblocks / 4;
    s->trim_left = s->nempty > keep ? s->nempty - keep : 0;
    for (ms_large *l = s->large, *n; l; l = n) {
        n = l->next;
        uint64_t *hd = (uint64_t *)(l + 1);
        if (cell_marked(s, *hd)) {
            if (!s->epochs) *hd &= ~(uint64_t)VM_GC_HDR_MARK;
            continue;
        }
        if (l->prev)
            l->prev->next = l->next;
        else
            s->large = l->next;
        if (l->next) l->next->prev = l->prev;
        size_t total = l->size + sizeof *l;
        s->large_bytes -= total;
        gc_commit(s->h, -(ptrdiff_t)total);
        free(l);
    }
    /* O(classes), not O(blocks): this runs inside an incremental step */
    for (unsigned c = 0; c < MS_NCLASS; c++) {
        splice(&s->cls[c].unswept, s->cls[c].swept);
        splice(&s->cls[c].full, s->cls[c].swept_full);
        s->cls[c].swept = s->cls[c].swept_full = NULL;
        *s->fl[c] = NULL;
    }
    s->unswept_blocks = s->nblocks - s->nempty;
    s->swept_live = 0;
}

void ms_walk(ms_space *s, void (*fn)(void *ctx, vm_gc_ref o), void *ctx)
{
    for (unsigned c = 0; c < MS_NCLASS; c++) {
        for (int k = 0; k < 4; k++) {
            ms_block *list = k == 0   ? s->cls[c].swept
                             : k == 1 ? s->cls[c].swept_full
                             : k == 2 ? s->cls[c].unswept
                                      : s->cls[c].full;
            bool unswept = k >= 2;
            for (ms_block *b = list; b; b = b->next) {
                char *p = block_cells(b);
                for (uint32_t i = 0; i < b->ncells; i++, p += b->cell) {
                    uint64_t hd = *(uint64_t *)p;
                    if (hd & VM_GC_HDR_FREE) continue;
                    /* in an unswept block only marked cells are objects */
                    if (unswept && !cell_marked(s, hd)) continue;
                    fn(ctx, (vm_gc_ref)p);
                }
            }
        }
    }
    for (ms_large *l = s->large; l; l = l->next) fn(ctx, (vm_gc_ref)(l + 1));
}

/* All roots onto the grey stack, without reading the objects (the stack
 * tests the mark when it pops): the shadow stack is copied in one loop
 * (its NULL slots skipped without a branch) into room made first. Before,
 * each root was tested (a cache miss a root) through gc_for_roots'
 * callback: the incremental collector's root step on the synthetic
 * mutator (400000 registers) took 6-9 ms CPU, then 2.3-2.7 ms with pushes
 * through the callback, now under 1 ms. */
static void grey_slot(gc_vec *g, vm_gc_ref r)
{
    if (!gc_vec_push(g, r)) gc_mark_grey(g, r); /* no host memory: see gc_mark_grey */
}

void gc_grey_roots(vm_gc_heap *h, gc_vec *g)
{
    size_t depth = (size_t)(h->m.sp - h->m.sp_base);
    if (g->cap - g->n < depth) {
        size_t cap = g->cap ? g->cap : 1024;
        while (cap - g->n < depth) cap *= 2;
        vm_gc_ref *v = realloc(g->v, cap * sizeof *v);
        if (v) g->v = v, g->cap = cap;
    }
    if (g->cap - g->n >= depth) {
        vm_gc_ref *out = g->v + g->n;
        for (vm_gc_ref *p = h->m.sp_base; p < h->m.sp; p++) {
            *out = *p;
            out += *p != NULL;
        }
        g->n = (size_t)(out - g->v);
    } else {
        for (vm_gc_ref *p = h->m.sp_base; p < h->m.sp; p++)
            if (*p) grey_slot(g, *p);
    }
    for (root_chunk *c = h->roots; c; c = c->next)
        for (size_t i = 0; i < 256; i++)
            if (c->r[i].used && c->r[i].ref) grey_slot(g, c->r[i].ref);
}

#define MARK_QUEUE 2 /* popped objects waiting, prefetched, to be scanned */

size_t gc_mark_drain(vm_gc_heap *h, gc_vec *grey, size_t budget,
                     bool (*in)(vm_gc_heap *, vm_gc_ref))
{
    vm_gc_ref q[MARK_QUEUE];
    unsigned qh = 0, qn = 0;
    size_t scanned = 0;
    for (;;) {
        vm_gc_ref o;
        if (grey->n) {
            vm_gc_ref x = grey->v[--grey->n];
            __builtin_prefetch(x, 1);
            if (qn < MARK_QUEUE) {
                q[(qh + qn++) % MARK_QUEUE] = x;
                continue;
            }
            o = q[qh];
            q[qh] = x;
            qh = (qh + 1) % MARK_QUEUE;
        } else if (qn) {
            o = q[qh];
            qh = (qh + 1) % MARK_QUEUE;
            qn--;
        } else {
            break;
        }
        if (gc_marked(grey, o)) continue;
        size_t size = vm_gc_size(o);
        gc_mark_set(o, size);
        unsigned n = vm_gc_nrefs(o);
        vm_gc_ref *s = vm_gc_slots(o);
        for (unsigned i = 0; i < n; i++) {
            vm_gc_ref c = s[i];
            /* pushed untested: reading c's header now would be a cache miss */
            if (c && (!in || in(h, c)) && !gc_vec_push(grey, c)) {
                if (!gc_marked(grey, c)) gc_mark_set(c, vm_gc_size(c)); /* see gc_mark_grey */
                grey->overflow = true;
            }
        }
        scanned += size;
        if (budget && scanned >= budget) break;
    }
    /* the queue goes back on the stack */
    for (; qn; qn--, qh = (qh + 1) % MARK_QUEUE) gc_mark_grey(grey, q[qh]);
    return scanned;
}

static void rescan_obj(void *ctx, vm_gc_ref o)
{
    gc_vec *grey = ctx;
    if (!gc_marked(grey, o)) return;
    vm_gc_ref *s = vm_gc_slots(o);
    for (unsigned i = 0, n = vm_gc_nrefs(o); i < n; i++)
        if (s[i]) gc_mark_grey(grey, s[i]);
}

bool gc_mark_rescan(vm_gc_heap *h, gc_vec *grey)
{
    if (!grey->overflow) return false;
    grey->overflow = false;
    h->ops->walk(h, rescan_obj, grey);
    return true;
}
