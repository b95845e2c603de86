/*
 * The threaded interpreter: guest code is decoded once into blocks, arrays
 * of slots, each slot holding the address of its operation's handler
 * (direct threading with GCC's computed goto) and its decoded operands.
 * Running a block is a chain of indirect jumps from handler to handler with
 * no decode, no fetch and no switch.
 *
 * Blocks are superblocks: decoding goes on past conditional branches (their
 * fall-through), so a block is contiguous code up to a jump, a system
 * instruction, an atomic or 64 instructions. A branch not taken goes on to
 * the next slot; a taken branch, a jump and the END slot leave the block
 * themselves (EXIT): each has a link to its successor block in its slot
 * (a jalr's is checked against the target, and on a miss the hash table is
 * looked up in place), so the run goes from block to block without
 * returning to the lookup; `top` is taken only the first time an exit is
 * used (it then links it), at the budget's end and with breakpoints.
 *
 * Semantics: the handlers are engines/semantics_ops.h expanded once more
 * (the same text as the reference interpreter's switch), F/D through
 * fpu.c's per-op entry points (vm_fpu_exec_OP), memory through
 * engines/memacc.h; outside the TLB model's exact mode loads and stores try
 * the translation cache inline first (tc_entry/tc_hit). x0: the handlers do
 * not re-zero it, except those of instructions that write it (LZ_, chosen at
 * translation when rd = 0), F/D's, and jumps.
 *
 * Precise state: each slot knows how many of the block's instructions are
 * retired when the block is left after it (cnt), and the run counts down one
 * `left` budget; an exit in the middle (taken branch, trap, ecall, a store
 * into code) counts exactly that, so c->insns and c->pc are exact at every
 * return. A budget smaller than the next block runs a block decoded to
 * exactly that length (not cached).
 *
 * Block cache: blocks live in one arena (bump allocation) and a hash table
 * by guest pc. Invalidation unlinks a block, marks it dead and clears every
 * link to it, but leaves its memory in place, so a block that invalidates
 * itself (a store into its own code) finishes its current instruction
 * safely and leaves; memory is reclaimed only by a full flush (arena full,
 * fence.i), which happens between blocks.
 *
 * Self-modifying code: while the engine runs, pages with translated code
 * get no store entry in the translation cache (vm_mem.nocache), so an
 * inline store hit cannot touch code; every other store checks the
 * code-page counts (block.h); a hit invalidates the blocks overlapping the
 * stored bytes, and if any was invalidated the current block is left after
 * the store. Atomics end blocks, so a modifying atomic is followed by a
 * fresh lookup too. fence.i flushes the whole cache (code written by the
 * kernel, e.g. read() into an executable page, is only seen after fence.i or
 * an invalidate call).
 *
 * Tracing (doc/trace.md, "Engines"): nothing is tested at run time. When a
 * block is translated while h->trace is set, it emits block_translate and is
 * built for the fine events enabled then: block_exec puts a prologue handler
 * in the block's first slot (the real one is kept in entry) and keeps blocks
 * ending at branches (so that the ninsns of block_exec add up); insn or
 * mem_* use a third set of handlers (LT_) that emit insn and, for loads and
 * stores, the mem_* events exactly where the interpreter does. The machine
 * invalidates every block when the set of fine events changes. A flush emits
 * jit_flush with the number of live blocks it dropped.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/block.h"
#include "engines/engine.h"
#include "engines/fpu.h"
#include "engines/memacc.h"
#include "engines/semantics.h"
#include "trace/host_time.h"
#include "trace/trace_engine.h"
#include "vmlab/riscv.h"

#define HT_BITS 16
#define ARENA_SIZE (32u << 20)

struct tslot {
    const void *h;        /* handler */
    uint64_t pc;          /* guest pc; for the END slot: the fall-through pc */
    struct tblock *link;  /* branch, jal: the block at the taken target; jalr: the last
                             target's (its pc is compared); END: the block at its pc.
                             NULL: not known yet; cleared when that block is
                             invalidated, so a link is always live */
    uint32_t cnt;         /* instructions retired when the block is left after this
                             one (its index + 1; END: the block's length) */
    vm_rv_insn d;
};

struct tblock {
    uint64_t pc, end;       /* guest code [pc, end) */
    struct tblock *hnext;   /* hash chain */
    uint32_t n;             /* guest instructions */
    uint32_t size;          /* bytes in the arena */
    int live;
    const void *entry;      /* block_exec tracing: slot 0's real handler */
    struct tslot s[];       /* n + 1: the last is an END slot */
};

struct threaded {
    struct tblock *ht[1u << HT_BITS];
    char *arena;
    size_t used;
    vm_codepages cp;
    struct tblock *scratch; /* budget-limited block, not cached */
    int exact;              /* blocks were built for the TLB model's exact mode */
    int nolink;             /* breakpoints exist: no chaining (every block start is checked) */
    uint64_t nlive;         /* live blocks (for jit_flush) */
    /* stats */
    uint64_t blocks, invalidated, flushes, dispatches, smc_exits;
};

static inline unsigned hslot(uint64_t pc) { return (unsigned)(pc >> 1) & ((1u << HT_BITS) - 1); }

static void tb_flush(struct threaded *t, vm_hart *h)
{
    if (t->used) VM_TRACE(h->trace, jit_flush, "threaded", t->nlive); /* not an empty cache */
    t->nlive = 0;
    memset(t->ht, 0, sizeof t->ht);
    t->used = 0;
    vm_codepages_clear(&t->cp);
    t->flushes++;
}

static struct tblock *tb_lookup(struct threaded *t, uint64_t pc)
{
    for (struct tblock *b = t->ht[hslot(pc)]; b; b = b->hnext)
        if (b->pc == pc) return b;
    return NULL;
}

/* Clear every link to a dead block (dead blocks' own links too: a block that
 * died while running still leaves through them). */
static void tb_unlink_dead(struct threaded *t, int all)
{
    for (size_t off = 0; off < t->used;) {
        struct tblock *b = (struct tblock *)(t->arena + off);
        off += b->size;
        for (uint32_t i = 0; i <= b->n; i++)
            if (all || (b->s[i].link && !b->s[i].link->live)) b->s[i].link = NULL;
    }
}

/* Unlink and kill every live block overlapping [va, va+len). Returns how many. */
static int tb_invalidate(struct threaded *t, uint64_t va, uint64_t len)
{
    int k = 0;
    uint64_t end = va + len < va ? UINT64_MAX : va + len;
    for (size_t off = 0; off < t->used;) {
        struct tblock *b = (struct tblock *)(t->arena + off);
        off += b->size;
        if (!b->live || b->end <= va || b->pc >= end) continue;
        struct tblock **pp = &t->ht[hslot(b->pc)];
        while (*pp != b) pp = &(*pp)->hnext;
        *pp = b->hnext;
        b->live = 0;
        vm_codepages_add(&t->cp, b->pc, b->end, -1);
        k++;
    }
    if (k) tb_unlink_dead(t, 0);
    t->invalidated += (uint64_t)k;
    t->nlive -= (uint64_t)k;
    return k;
}

/* The handlers blocks are built with (decided at translation). */
struct thandlers {
    const void *const *tab;  /* by op */
    const void *const *tabz; /* by op, for an instruction that writes x0 */
    const void *fp;          /* F/D computational */
    const void *end_fall;    /* the END slot */
    const void *bexec;       /* block_exec tracing: slot 0's prologue, or NULL */
    int flags;               /* vm_block_decode_flags: blocks go on past branches, except
                                under block_exec tracing (whose ninsns add up to the count) */
};

/* Does op write the integer register rd? (Then rd = x0 needs the handler
 * that re-zeroes x0; F/D's handler always does.) */
static int writes_xrd(int op)
{
    switch (vm_rv_op_class(op)) {
    case VM_RV_CLASS_ALU:
    case VM_RV_CLASS_MUL:
    case VM_RV_CLASS_DIV:
    case VM_RV_CLASS_LOAD:
    case VM_RV_CLASS_JUMP:
    case VM_RV_CLASS_AMO:
    case VM_RV_CLASS_CSR:
        return 1;
    }
    return 0;
}

/* Fill b's slots from decoded instructions, handlers from the run loop's
 * tables; bexec (block_exec tracing): slot 0 enters through it. */
static void tb_fill(struct tblock *b, uint64_t pc, const vm_rv_insn *d, int n, uint64_t end,
                    const struct thandlers *th)
{
    b->pc = pc;
    b->end = end;
    b->n = (uint32_t)n;
    b->hnext = NULL;
    for (int i = 0; i < n; i++) {
        const void *const *tab = d[i].rd == 0 && writes_xrd(d[i].op) ? th->tabz : th->tab;
        b->s[i].d = d[i];
        b->s[i].pc = pc;
        b->s[i].link = NULL;
        b->s[i].cnt = (uint32_t)i + 1;
        b->s[i].h = tab[d[i].op] ? tab[d[i].op] : th->fp;
        pc += d[i].len;
    }
    /* the END slot: reached only when the block does not end in a branch or
     * jump (those handlers leave the block themselves) */
    memset(&b->s[n].d, 0, sizeof b->s[n].d);
    b->s[n].pc = pc;
    b->s[n].link = NULL;
    b->s[n].cnt = (uint32_t)n;
    b->s[n].h = th->end_fall;
    b->entry = b->s[0].h;
    if (th->bexec) b->s[0].h = th->bexec;
}

/* Translate the block at pc into the cache (flushing it when full). NULL:
 * the first fetch faults (*f). */
static struct tblock *tb_translate(struct threaded *t, vm_hart *h, uint64_t pc, vm_mem_fault *f,
                                   const struct thandlers *th)
{
    vm_rv_insn d[VM_BLOCK_MAX];
    uint64_t end;
    int n = vm_block_decode_flags(h, pc, VM_BLOCK_MAX, t->exact, th->flags, d, &end, f);
    if (n == 0) return NULL;
    size_t size = sizeof(struct tblock) + sizeof(struct tslot) * (size_t)(n + 1);
    size = (size + 15) & ~(size_t)15;
    if (t->used + size > ARENA_SIZE) tb_flush(t, h);
    if (vm_codepages_add(&t->cp, pc, end, +1)) {
        tb_flush(t, h);
        vm_codepages_add(&t->cp, pc, end, +1);
    }
    vm_mem_drop_stores(h->mem, pc, end - pc);
    struct tblock *b = (struct tblock *)(t->arena + t->used);
    t->used += size;
    b->size = (uint32_t)size;
    b->live = 1;
    tb_fill(b, pc, d, n, end, th);
    unsigned hs = hslot(pc);
    b->hnext = t->ht[hs];
    t->ht[hs] = b;
    t->blocks++;
    t->nlive++;
    /* host_size: the block's bytes in the arena (slots of handler + operands) */
    VM_TRACE(h->trace, block_translate, pc, end - pc, size);
    return b;
}

/* vm_mem_ptr's fast and bare path (mem/mem.h) for the handlers of blocks
 * built outside exact mode: the translation-cache probe alone. A hit needs
 * the entry of va's page and a naturally aligned access (so it does not
 * cross the page); anything else takes memacc.h's full path. A store hit
 * needs no code-page or watch test: while the engine runs, no page with
 * translated code (vm_mem.nocache) nor a watched page gets a store entry. */
static inline const struct vm_tcache_entry *tc_entry(const vm_mem *m, uint64_t va, int acc)
{
    return &m->tc[acc][(va >> VM_PAGE_SHIFT) & (VM_TCACHE_SIZE - 1)];
}
static inline int tc_hit(const struct vm_tcache_entry *e, uint64_t va, unsigned size)
{
    return ((e->vpn ^ (va >> VM_PAGE_SHIFT)) | (va & (size - 1))) == 0;
}

static int threaded_run(void *st, vm_hart *h, uint64_t budget)
{
    struct threaded *t = st;
    vm_cpu *c = &h->cpu;
    uint64_t *x = c->x;
    vm_mem *const mem = h->mem;
    uint64_t left = budget; /* instructions the run may still retire */
    int stop = VM_STOP_BUDGET;
    struct tblock *b = NULL, **plink = NULL;
    struct tslot *s = NULL;
    vm_mem_fault f;

    /* the handler of every op semantics_ops.h lists; the rest are F/D.
     * fast (bare or sv39 fast): L_, and LZ_ for an instruction that writes
     * x0 (only those re-zero x0). In the TLB model's exact mode every
     * handler starts with the instruction's fetch access (LX_), exactly as
     * the interpreter makes it. */
    static const void *const tab_fast[VM_RV_NOPS] = {
#define SEM_OP(id, ...) [VM_RV_##id] = &&L_##id,
#include "engines/semantics_ops.h"
#undef SEM_OP
#define FPU_OP(id) [VM_RV_##id] = &&LF_##id,
#include "engines/fpu_ops.h"
#undef FPU_OP
    };
    static const void *const tab_fastz[VM_RV_NOPS] = {
#define SEM_OP(id, ...) [VM_RV_##id] = &&LZ_##id,
#include "engines/semantics_ops.h"
#undef SEM_OP
#define FPU_OP(id) [VM_RV_##id] = &&LF_##id,
#include "engines/fpu_ops.h"
#undef FPU_OP
    };
    static const void *const tab_exact[VM_RV_NOPS] = {
#define SEM_OP(id, ...) [VM_RV_##id] = &&LX_##id,
#include "engines/semantics_ops.h"
#undef SEM_OP
#define FPU_OP(id) [VM_RV_##id] = &&LXF_##id,
#include "engines/fpu_ops.h"
#undef FPU_OP
    };
    /* insn / mem_* tracing: handlers that emit them (both modes) */
    static const void *const tab_trace[VM_RV_NOPS] = {
#define SEM_OP(id, ...) [VM_RV_##id] = &&LT_##id,
#include "engines/semantics_ops.h"
#undef SEM_OP
#define FPU_OP(id) [VM_RV_##id] = &&LTF_##id,
#include "engines/fpu_ops.h"
#undef FPU_OP
    };
    uint32_t host_fp = vm_fpu_enter();
    if (vm_hart_fetch_exact(h) != t->exact) { /* the mode changed: rebuild the blocks */
        tb_flush(t, h);
        t->exact = vm_hart_fetch_exact(h);
    }
    if ((h->nbreak != 0) != t->nolink) { /* breakpoints came or went */
        t->nolink = h->nbreak != 0;
        tb_unlink_dead(t, 1);
    }
    /* no cached store may reach a page with translated code (tc_hit):
     * such entries made between runs (system calls, another engine) go */
    vm_mem_set_code_pages(mem, t->cp.cnt, (1u << VM_CODEPAGE_BITS) - 1);
    struct thandlers th;
    /* the handlers of blocks translated now: decided by the fine events
     * enabled at translation (the machine invalidates when they change) */
#define SELECT_HANDLERS()                                                                    \
    do {                                                                                     \
        th.tab = t->exact ? tab_exact : tab_fast;                                            \
        th.tabz = t->exact ? tab_exact : tab_fastz;                                          \
        th.fp = t->exact ? &&LX_FP : &&L_FP;                                                 \
        th.end_fall = &&L_END_FALL;                                                          \
        th.bexec = NULL;                                                                     \
        th.flags = VM_BLOCK_THROUGH_BRANCHES;                                                \
        if (__builtin_expect(h->trace != NULL, 0)) {                                         \
            if (VM_TRACE_ON(h->trace, insn) || VM_TRACE_ON(h->trace, mem_read) ||            \
                VM_TRACE_ON(h->trace, mem_write)) {                                          \
                th.tab = th.tabz = tab_trace;                                                \
                th.fp = &&LT_FP;                                                             \
            }                                                                                \
            if (VM_TRACE_ON(h->trace, block_exec)) {                                         \
                th.bexec = &&L_BLOCK_EXEC;                                                   \
                th.flags = 0;                                                                \
            }                                                                                \
        }                                                                                    \
    } while (0)

top: /* between blocks, when no link could be followed */
    x[0] = 0;
    if (__builtin_expect(left == 0, 0)) goto out;
    {
        uint64_t pc = c->pc;
        if (__builtin_expect(h->nbreak != 0, 0) && vm_hart_is_break(h, pc)) {
            if (pc != h->break_resume) {
                stop = VM_STOP_BREAK;
                goto out;
            }
            h->break_resume = 1;
        }
        b = tb_lookup(t, pc);
        if (!b) {
            SELECT_HANDLERS();
            uint64_t t0 = vm_host_ns(), fl = t->flushes; /* --stats host_time (trace/host_time.h) */
            b = tb_translate(t, h, pc, &f, &th);
            h->translate_ns += vm_host_ns() - t0;
            h->translations++;
            if (!b) {
                vm_eng_set_fault(c, VM_ACC_FETCH, &f);
                stop = VM_STOP_TRAP;
                goto out;
            }
            if (fl != t->flushes) plink = NULL; /* the block holding it was reclaimed */
        }
        if (plink && !t->nolink) *plink = b;
        plink = NULL;
        t->dispatches++;
        if (__builtin_expect(b->n > left, 0)) {
            /* the budget ends inside this block: run a block of exactly that length */
            vm_rv_insn d[VM_BLOCK_MAX];
            uint64_t end;
            int k = vm_block_decode_flags(h, pc, (int)left, t->exact, th.flags, d, &end,
                                          &f);
            SELECT_HANDLERS();
            tb_fill(t->scratch, pc, d, k, end, &th);
            b = t->scratch;
        }
        s = b->s;
        goto *s->h;
    }

    /* Leave block b for `to` after `cnt` of its instructions, through the
     * link L (an lvalue: a slot's or the block's): the successor is entered
     * directly if known (its pc compared when `checked`: a jalr's) and
     * within the budget, else through top, which then links it. Each branch
     * and jump handler has its own copy, so that the host predicts each
     * indirect jump by itself. */
#define EXIT(L, to, checked, cnt)                                                            \
    do {                                                                                     \
        uint64_t to_ = (to);                                                                 \
        struct tblock *nb_ = (L);                                                            \
        left -= (cnt);                                                                       \
        if ((checked) && nb_ && nb_->pc != to_) { /* a jalr to elsewhere this time */       \
            nb_ = t->nolink ? NULL : tb_lookup(t, to_);                                      \
            if (nb_) (L) = nb_;                                                              \
        }                                                                                    \
        if (__builtin_expect(nb_ != NULL, 1) && __builtin_expect(nb_->n <= left, 1)) {       \
            s = nb_->s;                                                                      \
            goto *s->h;                                                                      \
        }                                                                                    \
        c->pc = to_;                                                                         \
        plink = &(L);                                                                        \
        goto top;                                                                            \
    } while (0)
#define DISPATCH()                                                                           \
    do {                                                                                     \
        s++;                                                                                 \
        goto *s->h;                                                                          \
    } while (0)
#define DISPATCH_Z()                                                                         \
    do {                                                                                     \
        x[0] = 0;                                                                            \
        s++;                                                                                 \
        goto *s->h;                                                                          \
    } while (0)
#define IDX ((uint64_t)s->cnt - 1) /* this instruction's index in its block */
#define X x
#define A x[s->d.rs1]
#define B x[s->d.rs2]
#define IMM s->d.imm
#define RD s->d.rd
#define RS1 s->d.rs1
#define RS2 s->d.rs2
#define PC s->pc
#define LEN s->d.len
#define OP s->d.op
#define RETIRED (c->insns + (budget - left) + IDX)
#define SET_RD(v) (x[s->d.rd] = (v))
/* Jumps end blocks and leave them (is_jal_: the handler's op, a constant;
 * x0 may have been written). A taken branch leaves its block; one not
 * taken goes on in it, or leaves it at its end (the next slot is END). */
#define JUMP(t)                                                                              \
    do {                                                                                     \
        x[0] = 0;                                                                            \
        if (is_jal_) EXIT(s->link, (t), 0, s->cnt);                                          \
        else EXIT(s->link, (t), 1, s->cnt);                                                  \
    } while (0)
#define BRANCH(cond)                                                                         \
    do {                                                                                     \
        if (cond) EXIT(s->link, s->pc + (uint64_t)s->d.imm, 0, s->cnt);                      \
        s++;                                                                                 \
        if (s->h != &&L_END_FALL) goto *s->h;                                                \
        EXIT(s->link, s->pc, 0, s->cnt);                                                     \
    } while (0)
#define LOAD(va, size, var)                                                                  \
    do {                                                                                     \
        uint64_t lva_ = (va);                                                                \
        const struct vm_tcache_entry *le_ = tc_entry(mem, lva_, VM_ACC_READ);                \
        if (__builtin_expect(tc_hit(le_, lva_, (size)), 1)) {                                \
            uint64_t lv_ = 0;                                                                \
            memcpy(&lv_, (const void *)(uintptr_t)(lva_ + le_->addend), (size));             \
            (var) = lv_;                                                                     \
        } else {                                                                             \
            uint64_t lt_; /* var's address does not escape: it stays in a register */        \
            if (vm_eng_load(h, lva_, (size), &lt_)) goto trap;                               \
            (var) = lt_;                                                                     \
        }                                                                                    \
    } while (0)
#define STORE_SLOW(va_, size, val)                                                           \
    do {                                                                                     \
        if (vm_eng_store(h, va_, (size), (val))) goto trap;                                  \
        if (__builtin_expect(vm_codepages_hit(&t->cp, va_, (size)), 0) &&                    \
            tb_invalidate(t, va_, (size)))                                                   \
            goto smc_exit;                                                                   \
    } while (0)
#define STORE(va, size, val)                                                                 \
    do {                                                                                     \
        uint64_t sva_ = (va);                                                                \
        const struct vm_tcache_entry *se_ = tc_entry(mem, sva_, VM_ACC_WRITE);               \
        if (__builtin_expect(tc_hit(se_, sva_, (size)), 1)) {                                \
            uint64_t sv_ = (val);                                                            \
            memcpy((void *)(uintptr_t)(sva_ + se_->addend), &sv_, (size));                   \
        } else {                                                                             \
            STORE_SLOW(sva_, (size), (val));                                                 \
        }                                                                                    \
    } while (0)
#define AMO_PTR(p, va, size, acc)                                                            \
    do {                                                                                     \
        uint64_t va_ = (va);                                                                 \
        if (!((p) = vm_eng_amo_ptr(h, va_, (size), (acc)))) goto trap;                       \
        if ((acc) == VM_ACC_WRITE && vm_codepages_hit(&t->cp, va_, (size)))                  \
            tb_invalidate(t, va_, (size)); /* atomics end blocks: the next lookup is fresh */ \
    } while (0)
#define TRAP() goto trap
#define ILLEGAL() goto illegal
#define ECALL()                                                                              \
    do {                                                                                     \
        c->pc = s->pc + s->d.len;                                                            \
        left -= s->cnt;                                                                      \
        stop = VM_STOP_ECALL;                                                                \
        goto out;                                                                            \
    } while (0)
#define FENCE_I()                                                                            \
    do {                                                                                     \
        left -= s->cnt;                                                                      \
        c->pc = s->pc + s->d.len;                                                            \
        tb_flush(t, h);                                                                      \
        plink = NULL;                                                                        \
        goto top;                                                                            \
    } while (0)
#define SEM_BODY(id, ...)                                                                    \
    {                                                                                        \
        enum { is_jal_ = VM_RV_##id == VM_RV_JAL };                                          \
        __VA_ARGS__;                                                                         \
    }
    /* fast handlers: x0 is not written (or LZ_ re-zeroes it) */
#define SEM_OP(id, ...)                                                                      \
    L_##id : SEM_BODY(id, __VA_ARGS__) DISPATCH();                                           \
    LZ_##id : SEM_BODY(id, __VA_ARGS__) DISPATCH_Z();
#include "engines/semantics_ops.h"
#undef SEM_OP

    /* exact mode: the fetch, then the body with memacc.h's accesses (which
     * go through vm_mem_ptr's exact path) */
#define FETCH_EXACT()                                                                        \
    do {                                                                                     \
        if (!vm_mem_ptr(h->mem, s->pc, VM_ACC_FETCH, &f) ||                                  \
            (s->d.len == 4 && (s->pc & VM_PAGE_MASK) == VM_PAGE_SIZE - 2 &&                  \
             !vm_mem_ptr(h->mem, s->pc + 2, VM_ACC_FETCH, &f)))                              \
            goto fetch_fault;                                                                \
    } while (0)
#undef LOAD
#undef STORE
    /* a load within a page is vm_eng_load's first case, written out so that
     * it is inlined here (the compiler keeps vm_eng_load itself out of line
     * in this function): one vm_mem_ptr access, a fault recorded as there */
#define LOAD(va, size, var)                                                                  \
    do {                                                                                     \
        uint64_t xva_ = (va);                                                                \
        if (__builtin_expect((xva_ & VM_PAGE_MASK) <= VM_PAGE_SIZE - (size), 1)) {          \
            const void *xp_ = vm_mem_ptr(mem, xva_, VM_ACC_READ, &f);                        \
            if (!xp_) {                                                                      \
                vm_eng_set_fault(c, VM_ACC_READ, &f);                                        \
                goto trap;                                                                   \
            }                                                                                \
            uint64_t xv_ = 0;                                                                \
            memcpy(&xv_, xp_, (size));                                                       \
            (var) = xv_;                                                                     \
        } else {                                                                             \
            uint64_t lt_;                                                                    \
            if (vm_eng_load(h, xva_, (size), &lt_)) goto trap;                               \
            (var) = lt_;                                                                     \
        }                                                                                    \
    } while (0)
#define STORE(va, size, val)                                                                 \
    do {                                                                                     \
        uint64_t va_ = (va);                                                                 \
        STORE_SLOW(va_, (size), (val));                                                      \
    } while (0)
#define SEM_OP(id, ...)                                                                      \
    LX_##id : FETCH_EXACT();                                                                 \
    SEM_BODY(id, __VA_ARGS__) DISPATCH_Z();
#include "engines/semantics_ops.h"
#undef SEM_OP
LX_FP:
    FETCH_EXACT();
L_FP: /* F and D computational instructions (some write x registers) */
    if (vm_fpu_exec(c, &s->d)) goto illegal;
    DISPATCH_Z();
    /* each through its own entry point in fpu.c (no dispatch there) */
#define FPU_OP(id)                                                                                 \
    LF_##id : if (vm_fpu_exec_##id(c, &s->d)) goto illegal;                                        \
    DISPATCH_Z();                                                                                  \
    LXF_##id : FETCH_EXACT();                                                                      \
    goto LF_##id;
#include "engines/fpu_ops.h"
#undef FPU_OP

    /* tracing handlers (blocks translated while insn or mem_* was on): the
     * fetch (exact mode), the insn event, then the body with loads and
     * stores that emit mem_read / mem_write after a successful access, in
     * the reference interpreter's order */
#undef LOAD
#undef STORE
#define LOAD(va, size, var)                                                                        \
    do {                                                                                           \
        uint64_t tva_ = (va);                                                                      \
        if (vm_eng_load_traced(h, 1, tva_, (size), &(var))) goto trap;                             \
    } while (0)
#define STORE(va, size, val)                                                                       \
    do {                                                                                           \
        uint64_t va_ = (va);                                                                       \
        if (vm_eng_store_traced(h, 1, va_, (size), (val))) goto trap;                              \
        if (__builtin_expect(vm_codepages_hit(&t->cp, va_, (size)), 0) &&                          \
            tb_invalidate(t, va_, (size)))                                                         \
            goto smc_exit;                                                                         \
    } while (0)
#define TRACE_INSN()                                                                         \
    do {                                                                                     \
        if (t->exact) FETCH_EXACT();                                                         \
        VM_TRACE(h->trace, insn, s->pc, s->d.raw, RETIRED);                                  \
    } while (0)
#define SEM_OP(id, ...)                                                                      \
    LT_##id : TRACE_INSN();                                                                  \
    SEM_BODY(id, __VA_ARGS__) DISPATCH_Z();
#include "engines/semantics_ops.h"
#undef SEM_OP
LT_FP:
    TRACE_INSN();
    goto L_FP;
#define FPU_OP(id)                                                                                 \
    LTF_##id : TRACE_INSN();                                                                       \
    goto LF_##id;
#include "engines/fpu_ops.h"
#undef FPU_OP
L_BLOCK_EXEC: /* block_exec tracing: the block's first slot */
    b = (struct tblock *)((char *)s - offsetof(struct tblock, s)); /* s is slot 0 */
    VM_TRACE(h->trace, block_exec, b->pc, b->n);
    goto *b->entry;
L_END_FALL: /* a block that does not end in a branch or jump */
    EXIT(s->link, s->pc, 0, s->cnt);

smc_exit: /* a store changed translated code: leave after it */
    left -= s->cnt;
    c->pc = s->pc + s->d.len;
    t->smc_exits++;
    plink = NULL;
    goto top;
fetch_fault:
    vm_eng_set_fault(c, VM_ACC_FETCH, &f);
    goto trap;
illegal:
    c->trap_cause = VM_TRAP_ILLEGAL;
    c->trap_tval = s->d.raw;
    c->trap_bus = 0;
trap:
    left -= IDX;
    c->pc = s->pc;
    stop = VM_STOP_TRAP;
out:
    x[0] = 0;
    vm_mem_set_code_pages(mem, NULL, 0);
    vm_fpu_leave(c, host_fp);
    c->insns += budget - left;
    return stop;
#undef DISPATCH
#undef DISPATCH_Z
#undef EXIT
#undef SEM_BODY
#undef STORE_SLOW
#undef FETCH_EXACT
#undef TRACE_INSN
#undef SELECT_HANDLERS
#undef IDX
#include "engines/semantics_end.h"
}

static void threaded_destroy(void *st)
{
    struct threaded *t = st;
    if (!t) return;
    vm_codepages_fini(&t->cp);
    free(t->arena);
    free(t->scratch);
    free(t);
}

static void *threaded_create(vm_hart *h, vm_error *err)
{
    (void)h;
    struct threaded *t = calloc(1, sizeof *t);
    if (!t) goto nomem;
    t->arena = malloc(ARENA_SIZE);
    t->scratch = malloc(sizeof(struct tblock) + sizeof(struct tslot) * (VM_BLOCK_MAX + 1));
    if (!t->arena || !t->scratch || vm_codepages_init(&t->cp)) goto nomem;
    return t;
nomem:
    threaded_destroy(t);
    vm_error_set(err, VM_ENOMEM, "threaded: out of host memory");
    return NULL;
}

static int threaded_step(void *st, vm_hart *h) { return threaded_run(st, h, 1); }

static void threaded_invalidate(void *st, uint64_t va, uint64_t len)
{
    tb_invalidate(st, va, len ? len : 1);
}

static int threaded_stats(void *st, char *buf, size_t size)
{
    struct threaded *t = st;
    return snprintf(buf, size,
                    "\"blocks_translated\": %llu, \"blocks_invalidated\": %llu, "
                    "\"cache_flushes\": %llu, \"dispatches\": %llu, \"smc_exits\": %llu",
                    (unsigned long long)t->blocks, (unsigned long long)t->invalidated,
                    (unsigned long long)t->flushes, (unsigned long long)t->dispatches,
                    (unsigned long long)t->smc_exits);
}

const vm_engine_ops vm_engine_threaded = {
    .name = "threaded",
    .create = threaded_create,
    .run = threaded_run,
    .step = threaded_step,
    .invalidate = threaded_invalidate,
    .stats = threaded_stats,
    .destroy = threaded_destroy,
};
