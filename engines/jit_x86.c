/*
 * The x86-64 JIT: guest superblocks (engines/block.h, through conditional
 * branches and jal) become host code in a W^X code cache (jit_cache.h),
 * chained to each other by patched direct jumps, with a table of guest pc
 * -> host code for indirect jumps. doc/engines.md has the whole story.
 *
 * Code layout. Generated code runs with
 *     rbx = struct jit (this engine), rbp = vm_cpu (guest registers at
 *     [rbp + 8*r]), r13 = instructions the budget still allows,
 *     r15 = vm_mem (translation cache); r12, r14, rdi, r8-r11, rsi and
 *     xmm2-xmm15 cache guest registers within a block (see "guest
 *     registers in host registers")
 * entered through a prologue at the start of the cache, which saves the
 * callee-saved registers and jumps to a block; every exit jumps back to the
 * common epilogue with eax = why (EXIT_*).
 *
 * A block: `cmp r13, N; jb budget-exit` (so budget ends are exact: a block
 * that does not fit is run by the instruction-at-a-time fallback), the body
 * as straight-line code, `sub r13, N`, then the exits: for a direct target
 * `jmp rel32` whose field first points at the very next bytes, a stub that
 * stores the target pc and asks the dispatcher to chain (it patches the
 * rel32 to the target block); for jalr an inline probe of the indirect
 * table; else back to the dispatcher. Slow paths and side exits follow, out
 * of line ("cold paths").
 *
 * Native: the integer ALU and M operations, lui/auipc, branches, jal, jalr,
 * loads, stores and atomics through an inline probe of the translation cache
 * (fast, bare) or of the exact mode's last page, the F and D operations in
 * RNE (NaN-boxing checked, canonical NaNs, flags from MXCSR), the fflags and
 * counter CSR reads. Everything else — other rounding modes, CSR writes, the
 * rare operands native code declines, ecall — calls jit_helper, which executes one instruction
 * with the shared semantics (semantics_ops.h) and says whether to go on or
 * leave (trap: not retired; ecall, SMC, fence.i: retired). Exits therefore
 * always leave c->pc and the count exact.
 *
 * Invalidation is global: a store into translated code (found by the helper:
 * pages with code never get a store entry in the translation cache, and the
 * exact mode's inline path checks the code-page counts), fence.i, or an
 * invalidate() overlapping a block flushes the whole cache at the next
 * dispatch, as does a full cache. Chains never outlive their target.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engines/block.h"
#include "engines/engine.h"
#include "engines/fpu.h"
#include "engines/jit_cache.h"
#include "engines/memacc.h"
#include "engines/semantics.h"
#include "engines/x86_emit.h"
#include "trace/trace_engine.h"
#include "vmlab/riscv.h"
#include "vmlab/x86.h"

#define CACHE_SIZE (64u << 20)
#define META_SIZE (64u << 20)
#define HT_BITS 16
#define JT_BITS 12
#define MAX_BLOCK_CODE 65536 /* host bytes one block may need at most */
#define CANON_D 0x7ff8000000000000ull      /* RISC-V's canonical NaNs (fpu.c) */
#define CANON_S 0xffffffff7fc00000ull      /* (boxed) */

enum { EXIT_LOOKUP = 0, EXIT_CHAIN = 1, EXIT_STOP = 2, EXIT_FALLBACK = 3 };
enum { H_CONT = 0, H_TRAP = 1, H_RETIRED = 2 };

struct jinsn {
    vm_rv_insn d;
    uint64_t pc;
    uint64_t idx; /* in its block */
    int leave;    /* the helper leaves the block after it (see jit_helper) */
};

/* A superblock: up to MAX_SEG runs of consecutive instructions, each but
 * the last ending in a conditional branch (continued at its fall-through,
 * the taken side leaves) or a jal (continued at its target). */
#define MAX_SEG 4

struct jblock {
    uint64_t pc, end; /* entry; end of the last segment (fall-off exit) */
    struct jblock *hnext;
    uint8_t *code; /* executable address */
    uint32_t n, nseg;
    uint64_t seg[MAX_SEG][2]; /* [start, end) of each segment */
    struct jinsn ins[];
};

static int blk_overlaps(const struct jblock *b, uint64_t va, uint64_t end)
{
    for (uint32_t s = 0; s < b->nseg; s++)
        if (b->seg[s][0] < end && va < b->seg[s][1]) return 1;
    return 0;
}

struct jit {
    /* read and written by generated code: keep first (small displacements) */
    uint64_t remaining;
    uint8_t *chain_site;
    uint64_t budget;            /* of this run: retired = budget - remaining */
    uint32_t mxcsr;             /* stmxcsr/ldmxcsr scratch of the native fflags accesses */
    uint8_t fftab[64];          /* MXCSR flag bits -> fflags bits */
    uint16_t fclass_tab[32];    /* fclass results by sign * 16 + class rank (emit_fclass) */
    struct jtent { uint64_t pc; uint8_t *code; } jt[1u << JT_BITS];
    vm_cpu *cpu;
    vm_mem *mem;
    /* the rest is C's */
    vm_hart *h;
    int stop;                   /* for EXIT_STOP: enum vm_stop, or -1 to go on */
    int flush_pending;
    int exact;                  /* translated for the TLB model's exact mode */
    int nbreak;                 /* breakpoints at translation (chaining off if any) */
    int superblocks;            /* translate through branches and jal (option "superblocks") */
    int traced;                 /* translating for fine-grained trace events (see emit_block) */
    int hit_events;             /* tlb_hit on: every fetch an event, in the interpreter's order */
    int frm_checked;            /* the block being emitted checked frm == RNE at its entry */
    int fma;                    /* the host has FMA3 */
    uint32_t stride;            /* x registers the block being emitted steps by a constant
                                   (addi r, r, imm) and never loads from memory */
    unsigned nsite;             /* the next access site's entry (vm_mem.stc) */
    size_t loop;                /* the block being emitted jumps back to its entry: body offset, or 0 */
    uint64_t loop_pc;           /* that block's pc and length */
    uint32_t loop_n;
    uint64_t live_blocks;       /* blocks in the cache */
    vm_jit_cache cc;
    size_t prologue_end;        /* offset of the first block in the cache */
    int (*enter)(struct jit *, const uint8_t *code);
    size_t exit_off;            /* offset of the common epilogue */
    size_t prev_stub[3];        /* offsets of the `prev` searches, per VM_ACC_* (emit_prev_stub) */
    uint8_t fetched_after[VM_BLOCK_MAX]; /* exact: fetches credited for the instructions after
                                            each one in its fetch group (emit_fetches) */
    char *meta;                 /* block records, bump-allocated */
    size_t meta_used;
    struct jblock *ht[1u << HT_BITS];
    vm_codepages cp;
    FILE *dump;                 /* --jit-dump */
    struct cold *cold;          /* the slow paths of the block being emitted */
    struct ra *fwd;             /* per instruction: the state forward branches inside the block meet in */
    size_t *fwd_label;          /* ... and where they join its code */
    uint64_t fwd_mask;          /* the instructions such branches target */
    int ncold;
    /* stats */
    uint64_t blocks, host_bytes, chain_links, chain_exits, lookups, flushes, fallback_insns,
        helper_calls;
    uint64_t translate_ns;
    /* the code-page counts (cp.cnt points here): addressed by generated
     * code as [rbx + 2*page + OFF_CP], which needs no register of its own */
    uint16_t cpcnt[1u << VM_CODEPAGE_BITS];
};

#define OFF_REM ((int32_t)offsetof(struct jit, remaining))
#define OFF_SITE ((int32_t)offsetof(struct jit, chain_site))
#define OFF_JT ((int32_t)offsetof(struct jit, jt))
#define OFF_CPU ((int32_t)offsetof(struct jit, cpu))
#define OFF_BUDGET ((int32_t)offsetof(struct jit, budget))
#define OFF_MEM ((int32_t)offsetof(struct jit, mem))
#define OFF_CP ((int32_t)offsetof(struct jit, cpcnt))
#define XR(r) ((int32_t)(offsetof(vm_cpu, x) + 8 * (size_t)(r)))
#define FR(r) ((int32_t)(offsetof(vm_cpu, f) + 8 * (size_t)(r)))
#define OFF_PC ((int32_t)offsetof(vm_cpu, pc))
#define OFF_MX ((int32_t)offsetof(struct jit, mxcsr))
#define OFF_FFTAB ((int32_t)offsetof(struct jit, fftab))
#define OFF_FCLASS ((int32_t)offsetof(struct jit, fclass_tab))
/* the exact mode's one-entry shortcut per kind (0 data, 1 instruction): mem.h */
#define LAST(k, f) ((int32_t)(offsetof(vm_mem, last) + (size_t)(k) * sizeof(struct vm_last) + \
                              offsetof(struct vm_last, f)))
#define SECOND(k, f)                                                                               \
    ((int32_t)(offsetof(vm_mem, second) + (size_t)(k) * sizeof(struct vm_last) +                   \
               offsetof(struct vm_last, f)))
#define PREV(k, i, f)                                                                              \
    ((int32_t)(offsetof(vm_mem, prev) +                                                            \
               ((size_t)(k) * (VM_RECENT - 2) + (size_t)(i)) * sizeof(struct vm_last) +            \
               offsetof(struct vm_last, f)))
#define CLOCK(k) ((int32_t)(offsetof(vm_mem, clock) + (size_t)(k) * sizeof(uint64_t)))
#define BMRU(k)  ((int32_t)(offsetof(vm_mem, b_mru) + (size_t)(k) * sizeof(uint64_t)))
#define BTC(acc)                                                                                   \
    ((int32_t)(offsetof(vm_mem, btc) +                                                             \
               (size_t)(acc) * sizeof(struct vm_tcache_entry) * VM_BTC_SIZE))
#define STC(acc, i)                                                                                \
    ((int32_t)(offsetof(vm_mem, stc) +                                                             \
               ((size_t)(acc) * VM_STC_SIZE + (size_t)(i)) * sizeof(struct vm_tcache_entry)))
#define TC(acc) ((int32_t)(offsetof(vm_mem, tc) + (size_t)(acc) * sizeof(struct vm_tcache_entry) * VM_TCACHE_SIZE))

/* Integer nanoseconds: no host FP arithmetic may run while the guest's
 * flags accumulate in MXCSR (fpu.c). */
static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int is_load(int op, int *size, int *sign, int *fp)
{
    *fp = 0;
    *sign = 0;
    switch (op) {
    case VM_RV_LB: *sign = 1; /* fall through */
    case VM_RV_LBU: *size = 1; return 1;
    case VM_RV_LH: *sign = 1; /* fall through */
    case VM_RV_LHU: *size = 2; return 1;
    case VM_RV_LW: *sign = 1; /* fall through */
    case VM_RV_LWU: *size = 4; return 1;
    case VM_RV_LD: *size = 8; return 1;
    case VM_RV_FLW: *size = 4; *fp = 1; return 1;
    case VM_RV_FLD: *size = 8; *fp = 1; return 1;
    }
    return 0;
}

static int is_store(int op, int *size, int *fp)
{
    *fp = 0;
    switch (op) {
    case VM_RV_SB: *size = 1; return 1;
    case VM_RV_SH: *size = 2; return 1;
    case VM_RV_SW: *size = 4; return 1;
    case VM_RV_SD: *size = 8; return 1;
    case VM_RV_FSW: *size = 4; *fp = 1; return 1;
    case VM_RV_FSD: *size = 8; *fp = 1; return 1;
    }
    return 0;
}

/* {==== the helper: one instruction with the shared semantics =========== */

/* Does a store of [va, va+size) hit translated code? Then flush before the
 * next block. */
static int smc_check(struct jit *j, uint64_t va, unsigned size)
{
    if (!vm_codepages_hit(&j->cp, va, size)) return 0;
    for (size_t off = 0; off < j->meta_used;) {
        struct jblock *b = (struct jblock *)(j->meta + off);
        off += sizeof *b + sizeof(struct jinsn) * b->n;
        if (blk_overlaps(b, va, va + size)) {
            j->flush_pending = 1;
            return 1;
        }
    }
    return 0;
}

/* Execute d at pc, the idx-th instruction of its block (j->remaining is the
 * budget left at the block's entry). H_CONT: done, *next_pc is where to go;
 * H_TRAP: c->pc at the instruction, not retired; H_RETIRED: retired and the
 * block must be left (c->pc set; j->stop the reason, -1 to go on). */
static int jit_exec(struct jit *j, const vm_rv_insn *d, uint64_t pc, uint64_t idx,
                    uint64_t *next_pc)
{
    vm_hart *h = j->h;
    vm_cpu *c = &h->cpu;
    uint64_t *x = c->x;
    uint64_t next = pc + d->len;
    int smc = 0;
#define X x
#define A x[d->rs1]
#define B x[d->rs2]
#define IMM d->imm
#define RD d->rd
#define RS1 d->rs1
#define RS2 d->rs2
#define PC pc
#define LEN d->len
#define OP d->op
#define RETIRED (c->insns + (j->budget - j->remaining) + idx)
#define SET_RD(v) (x[d->rd] = (v))
#define JUMP(t) (next = (t))
#define BRANCH(cond) do { if (cond) next = pc + (uint64_t)d->imm; } while (0)
#define LOAD(va, size, var)                                                                        \
    do {                                                                                           \
        uint64_t va_ = (va);                                                                       \
        if (vm_eng_load_traced(h, 1, va_, (size), &(var))) goto trap;                              \
    } while (0)
#define STORE(va, size, val)                                                                       \
    do {                                                                                           \
        uint64_t va_ = (va);                                                                       \
        if (vm_eng_store_traced(h, 1, va_, (size), (val))) goto trap;                              \
        smc |= smc_check(j, va_, (size));                                                          \
    } while (0)
#define AMO_PTR(p, va, size, acc)                                                            \
    do {                                                                                     \
        uint64_t va_ = (va);                                                                 \
        if (!((p) = vm_eng_amo_ptr(h, va_, (size), (acc)))) goto trap;                       \
        if ((acc) == VM_ACC_WRITE) smc |= smc_check(j, va_, (size));                        \
    } while (0)
#define TRAP() goto trap
#define ILLEGAL() goto illegal
#define ECALL() do { x[0] = 0; c->pc = next; j->stop = VM_STOP_ECALL; return H_RETIRED; } while (0)
#define FENCE_I() (j->flush_pending = 1, smc = 1)
#define SEM_OP(id, ...) case VM_RV_##id: { __VA_ARGS__; } break;
    VM_TRACE(h->trace, insn, pc, d->raw, RETIRED);
    switch (d->op) {
#include "engines/semantics_ops.h"
    default:
        if (vm_fpu_exec(c, d)) goto illegal;
        break;
    }
#undef SEM_OP
#include "engines/semantics_end.h"
    x[0] = 0;
    *next_pc = next;
    if (smc) {
        c->pc = next;
        j->stop = -1;
        return H_RETIRED;
    }
    return H_CONT;
illegal:
    c->trap_cause = VM_TRAP_ILLEGAL;
    c->trap_tval = d->raw;
    c->trap_bus = 0;
trap:
    x[0] = 0;
    c->pc = pc;
    j->stop = VM_STOP_TRAP;
    return H_TRAP;
}

/* Called from generated code for an instruction it does not emit natively. */
static int jit_helper(struct jit *j, const struct jinsn *ji)
{
    uint64_t next;
    j->helper_calls++;
    int r = jit_exec(j, &ji->d, ji->pc, ji->idx, &next);
    if (r == H_CONT && ji->leave) {
        j->h->cpu.pc = next;
        j->stop = -1;
        return H_RETIRED;
    }
    return r;
}

/* Does the helper leave the block after d? Control transfers (they come to
 * the helper only in traced blocks: leave to the target) and accesses to
 * frm (blocks check it at their entry only). */
static int leaves(const vm_rv_insn *d)
{
    int cls = vm_rv_op_class(d->op);
    return cls == VM_RV_CLASS_BRANCH || cls == VM_RV_CLASS_JUMP ||
           (cls == VM_RV_CLASS_CSR && (d->imm == VM_CSR_FRM || d->imm == VM_CSR_FCSR));
}

/* A traced block starts (block_exec). */
static void jit_trace_block(struct jit *j, const struct jblock *b)
{
    VM_TRACE(j->h->trace, block_exec, b->pc, b->n);
}

/* The TLB model's exact mode: the instruction fetch the interpreter makes. */
static int jit_fetch(struct jit *j, const struct jinsn *ji)
{
    vm_mem_fault f;
    uint64_t pc = ji->pc;
    if (vm_mem_ptr(j->mem, pc, VM_ACC_FETCH, &f) &&
        !(ji->d.len == 4 && (pc & VM_PAGE_MASK) == VM_PAGE_SIZE - 2 &&
          !vm_mem_ptr(j->mem, pc + 2, VM_ACC_FETCH, &f)))
        return H_CONT;
    vm_eng_set_fault(&j->h->cpu, VM_ACC_FETCH, &f);
    j->h->cpu.pc = pc;
    j->stop = VM_STOP_TRAP;
    return H_TRAP;
}

/* The exact mode's fetches of k instructions on one page starting at ji,
 * made one by one as the interpreter makes them (the inline path failed:
 * the first is not a repeat of the previous fetch's page). */
static int jit_fetch_group(struct jit *j, const struct jinsn *ji, uint64_t k)
{
    for (uint64_t i = 0; i < k; i++)
        if (jit_fetch(j, ji + i) != H_CONT) return H_TRAP; /* only the first can fail */
    return H_CONT;
}

/* {==== the cache ======================================================= */

static inline unsigned hslot(uint64_t pc) { return (unsigned)(pc >> 1) & ((1u << HT_BITS) - 1); }
static inline unsigned jslot(uint64_t pc) { return (unsigned)(pc >> 1) & ((1u << JT_BITS) - 1); }

static void jit_flush(struct jit *j)
{
    if (j->live_blocks) VM_TRACE(j->h->trace, jit_flush, "jit", j->live_blocks);
    j->live_blocks = 0;
    memset(j->ht, 0, sizeof j->ht);
    for (unsigned i = 0; i < (1u << JT_BITS); i++) j->jt[i].pc = 1; /* no block has an odd pc */
    j->cc.used = j->prologue_end;
    j->meta_used = 0;
    vm_codepages_clear(&j->cp);
    j->flush_pending = 0;
    j->flushes++;
    j->nsite = 0; /* the entries stay valid: the sites to come will just miss */
}

static struct jblock *jit_lookup(struct jit *j, uint64_t pc)
{
    for (struct jblock *b = j->ht[hslot(pc)]; b; b = b->hnext)
        if (b->pc == pc) return b;
    return NULL;
}

/* {==== guest registers in host registers =============================== */

/* Within a block, the NCACHE guest x registers it uses most live in host
 * registers: loaded at first use, written back ("spilled") before every
 * exit and every helper call, which reads vm_cpu. R12 and R14 are callee-saved; the
 * others are clobbered by calls, so after a helper they are invalid until
 * used again. The state below is a compile-time one, which is sound
 * because a block is straight-line code whose only internal control flow
 * are slow paths that rejoin it: a slow path spills what was dirty where it
 * branched off and, after its call, reloads what the fast path left valid
 * (slow_call), so both arrive at the join in the same state. */
static const int8_t cache_host[] = {R12, R14, RDI, R8, R9, R10, R11, RSI};
#define NCACHE ((int)sizeof cache_host)

/* f registers likewise in xmm2..xmm15 (xmm0 and xmm1 are scratch), all
 * clobbered by calls. */
#define NFCACHE 14

struct ra {
    int8_t host[32];    /* host register caching guest xN, or -1 */
    uint32_t valid;     /* the host register holds the value */
    uint32_t dirty;     /* ... and vm_cpu's copy is stale */
    int8_t fhost[32];   /* xmm register caching guest fN, or -1 */
    uint32_t fvalid, fdirty;
    uint32_t fboxed;    /* f[r] is known to be a NaN-boxed single (written so in this block) */
};

static void ra_count(const vm_rv_insn *d, unsigned *cnt, unsigned *fcnt)
{
    switch (vm_rv_op_class(d->op)) {
    case VM_RV_CLASS_ALU: case VM_RV_CLASS_MUL: case VM_RV_CLASS_DIV: case VM_RV_CLASS_BRANCH:
    case VM_RV_CLASS_JUMP: case VM_RV_CLASS_LOAD: case VM_RV_CLASS_STORE:
        cnt[d->rs1]++;
        cnt[d->rs2]++; /* garbage for I-type: harmless, an unused register is never loaded */
        cnt[d->rd]++;
        break;
    case VM_RV_CLASS_FLOAD: cnt[d->rs1]++; fcnt[d->rd]++; break;
    case VM_RV_CLASS_FSTORE: cnt[d->rs1]++; fcnt[d->rs2]++; break;
    case VM_RV_CLASS_FP: /* some of these fields name x registers: heuristic only */
        fcnt[d->rs1]++;
        fcnt[d->rs2]++;
        fcnt[d->rd]++;
        if ((d->op >= VM_RV_FMADD_D && d->op <= VM_RV_FNMADD_D) ||
            (d->op >= VM_RV_FMADD_S && d->op <= VM_RV_FNMADD_S))
            fcnt[d->rs3]++;
        break;
    }
}

/* Give the block's n most used registers (used at least twice) a host register. */
static void ra_pick(unsigned *cnt, int first, int8_t *host, int n, const int8_t *hosts, int base)
{
    for (int k = 0; k < n; k++) {
        int best = -1;
        for (int r = first; r < 32; r++)
            if (host[r] < 0 && cnt[r] >= 2 && (best < 0 || cnt[r] > cnt[best])) best = r;
        if (best < 0) break;
        host[best] = (int8_t)(hosts ? hosts[k] : base + k);
        cnt[best] = 0;
    }
}

static void ra_init(struct ra *ra, const struct jblock *blk)
{
    unsigned cnt[32] = {0}, fcnt[32] = {0};
    memset(ra->host, -1, sizeof ra->host);
    memset(ra->fhost, -1, sizeof ra->fhost);
    ra->valid = ra->dirty = ra->fvalid = ra->fdirty = ra->fboxed = 0;
    for (uint32_t i = 0; i < blk->n; i++) ra_count(&blk->ins[i].d, cnt, fcnt);
    ra_pick(cnt, 1, ra->host, NCACHE, cache_host, 0); /* x0 is never cached */
    ra_pick(fcnt, 0, ra->fhost, NFCACHE, NULL, 2);
}

/* The host register holding guest r's value: its own (loaded if need be),
 * or `scratch` loaded from vm_cpu. */
static int rget(x86_buf *b, struct ra *ra, int r, int scratch)
{
    if (r == 0) {
        x86_alu_rr(b, ALU_XOR, scratch, scratch, 0);
        return scratch;
    }
    int h = ra->host[r];
    if (h < 0) {
        x86_load64(b, scratch, RBP, XR(r));
        return scratch;
    }
    if (!(ra->valid & (1u << r))) {
        x86_load64(b, h, RBP, XR(r));
        ra->valid |= 1u << r;
    }
    return h;
}

/* Where to compute rd's new value: its host register, or `scratch`. */
static int rdst(const struct ra *ra, int r, int scratch)
{
    return r && ra->host[r] >= 0 ? ra->host[r] : scratch;
}

/* rd = host register src */
static void rput(x86_buf *b, struct ra *ra, int r, int src)
{
    if (!r) return;
    int h = ra->host[r];
    if (h < 0) {
        x86_store64(b, RBP, XR(r), src);
        return;
    }
    if (h != src) x86_mov_rr(b, h, src);
    ra->valid |= 1u << r;
    ra->dirty |= 1u << r;
}

static void rput_imm(x86_buf *b, struct ra *ra, int r, uint64_t v)
{
    if (!r) return;
    if (ra->host[r] < 0 && (int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) {
        x86_store_imm(b, RBP, XR(r), (int32_t)v);
        return;
    }
    int t = rdst(ra, r, RAX);
    x86_mov_imm(b, t, v);
    rput(b, ra, r, t);
}

/* The xmm register holding guest f[r]: its own (loaded if need be), or
 * `scratch` loaded from vm_cpu. */
static int fget(x86_buf *b, struct ra *ra, int r, int scratch)
{
    int h = ra->fhost[r];
    if (h < 0) {
        x86_movq_xm(b, scratch, RBP, FR(r));
        return scratch;
    }
    if (!(ra->fvalid & (1u << r))) {
        x86_movq_xm(b, h, RBP, FR(r));
        ra->fvalid |= 1u << r;
    }
    return h;
}

static int fdst(const struct ra *ra, int r, int scratch)
{
    return ra->fhost[r] >= 0 ? ra->fhost[r] : scratch;
}

/* f[r] = xmm register x */
static void fput(x86_buf *b, struct ra *ra, int r, int x)
{
    int h = ra->fhost[r];
    ra->fboxed &= ~(1u << r); /* the caller says when the value is a boxed single */
    if (h < 0) {
        x86_movq_mx(b, RBP, FR(r), x);
        return;
    }
    if (h != x) x86_sse_rr(b, 0, 0x28, h, x); /* movaps */
    ra->fvalid |= 1u << r;
    ra->fdirty |= 1u << r;
}

/* general register gpr = the bits of f[r] */
static void fget_gpr(x86_buf *b, const struct ra *ra, int r, int gpr)
{
    if (ra->fhost[r] >= 0 && (ra->fvalid & (1u << r))) x86_movq_rx(b, gpr, ra->fhost[r]);
    else x86_load64(b, gpr, RBP, FR(r));
}

/* f[r] = the bits in general register gpr */
static void fput_gpr(x86_buf *b, struct ra *ra, int r, int gpr)
{
    int h = ra->fhost[r];
    ra->fboxed &= ~(1u << r);
    if (h < 0) {
        x86_store64(b, RBP, FR(r), gpr);
        return;
    }
    x86_movq_xr(b, h, gpr);
    ra->fvalid |= 1u << r;
    ra->fdirty |= 1u << r;
}

/* write back what is dirty (vm_cpu becomes up to date) */
static void spill(x86_buf *b, const struct ra *ra)
{
    for (int r = 1; r < 32; r++)
        if (ra->dirty & (1u << r)) x86_store64(b, RBP, XR(r), ra->host[r]);
    for (int r = 0; r < 32; r++)
        if (ra->fdirty & (1u << r)) x86_movq_mx(b, RBP, FR(r), ra->fhost[r]);
}

/* load the cached x registers in xs and f registers in fs from vm_cpu */
static void load_set(x86_buf *b, const struct ra *ra, uint32_t xs, uint32_t fs)
{
    for (int r = 1; r < 32; r++)
        if (xs & (1u << r)) x86_load64(b, ra->host[r], RBP, XR(r));
    for (int r = 0; r < 32; r++)
        if (fs & (1u << r)) x86_movq_xm(b, ra->fhost[r], RBP, FR(r));
}

/* the registers with a host register */
static uint32_t cached_x(const struct ra *ra)
{
    uint32_t s = 0;
    for (int r = 1; r < 32; r++)
        if (ra->host[r] >= 0) s |= 1u << r;
    return s;
}

static uint32_t cached_f(const struct ra *ra)
{
    uint32_t s = 0;
    for (int r = 0; r < 32; r++)
        if (ra->fhost[r] >= 0) s |= 1u << r;
    return s;
}

/* load what is valid (after a call clobbered it) */
static void reload(x86_buf *b, const struct ra *ra) { load_set(b, ra, ra->valid, ra->fvalid); }

/* {==== code generation ================================================= */

static void emit_exit(x86_buf *b, struct jit *j, int why)
{
    x86_mov_imm(b, RAX, (uint64_t)why);
    size_t f = x86_jmp(b);
    x86_patch_rel32(b, f, j->exit_off);
}

/* After a helper call: leave if it said so (eax = H_TRAP or H_RETIRED),
 * retiring idx instructions of the block, or idx + 1. */
static void emit_check_exit(x86_buf *b, struct jit *j, uint32_t idx)
{
    x86_test_rr32(b, RAX, RAX);
    size_t skip = x86_jcc(b, CC_E);
    if (j->exact && j->fetched_after[idx]) { /* fetches of instructions that will not run */
        x86_cmp_mi(b, R15, BMRU(1), 0, 8);   /* credited to the newer of the pair */
        size_t b_newer = x86_jcc(b, CC_NE);
        x86_alu_mi(b, ALU_SUB, R15, LAST(1, n), j->fetched_after[idx]);
        size_t done = x86_jmp(b);
        x86_patch_rel32(b, b_newer, x86_len(b));
        x86_alu_mi(b, ALU_SUB, R15, SECOND(1, n), j->fetched_after[idx]);
        x86_patch_rel32(b, done, x86_len(b));
    }
    x86_lea(b, R13, R13, -(int32_t)idx + 1);
    x86_alu_rr(b, ALU_SUB, R13, RAX, 1);
    emit_exit(b, j, EXIT_STOP);
    x86_patch_rel32(b, skip, x86_len(b));
}

/* Call fn(j, ji); vm_cpu must be up to date (spilled). */
static void emit_call(x86_buf *b, struct jit *j, const void *fn, const struct jinsn *ji)
{
    x86_store64(b, RBX, OFF_REM, R13); /* the helper may read the count (instret) */
    x86_mov_rr(b, RDI, RBX);
    x86_mov_imm(b, RSI, (uint64_t)(uintptr_t)ji);
    x86_call_abs(b, fn);
    emit_check_exit(b, j, (uint32_t)ji->idx);
}

/* The helper runs ji on the main path: spill, call, and forget what the
 * call clobbered or the instruction wrote. */
static void emit_helper(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji)
{
    spill(b, ra);
    ra->dirty = ra->fdirty = 0;
    emit_call(b, j, (const void *)jit_helper, ji);
    uint32_t keep = 0; /* the callee-saved ones */
    for (int r = 1; r < 32; r++)
        if (ra->host[r] == R12 || ra->host[r] == R14) keep |= 1u << r;
    ra->valid &= keep & ~(1u << ji->d.rd);
    ra->fvalid = 0;
    ra->fboxed &= ~(1u << ji->d.rd); /* (rd may name an f register) */
}

/* {==== cold paths ====================================================== */

/* Slow paths are emitted after the block's exits, so that the fast path is
 * straight-line code with only not-taken branches: a helper call (branched
 * to in state s0, rejoining the fast path, which left s1, at `resume`: see
 * "guest registers in host registers"), a NaN result made canonical, a
 * superblock's side exit or forward jump inside the block (COLD_FWD), the
 * exact mode's other recent pages (COLD_PAIR) or the 2 MiB translation
 * cache (COLD_BIG): those two rejoin the fast path on a hit and go on to
 * the access's helper call, registered after them, on a miss. */
enum { COLD_CALL, COLD_NAN, COLD_EXIT, COLD_PAIR, COLD_FWD, COLD_BIG, COLD_SITE };

struct cold {
    int kind, nfrom;
    size_t from[10]; /* rel32 fields of the branches to it */
    size_t resume;
    size_t resume2; /* COLD_PAIR: where the fast path credits `last` */
    const void *fn; /* COLD_CALL: fn(j, ji[, k]) */
    const struct jinsn *ji;
    uint64_t k;     /* 0, or a third argument; COLD_EXIT: the target pc; COLD_FWD: its index */
    uint32_t retired; /* COLD_EXIT: instructions of the block retired; COLD_FWD: skipped */
    int xmm;        /* COLD_NAN: the result's register */
    uint64_t nanval; /* COLD_NAN: the canonical NaN (double, or boxed single) */
    int acc;         /* COLD_PAIR: kind (0 data, 1 fetch) | VM_ACC_* << 1; COLD_BIG, COLD_SITE: VM_ACC_* */
    int areg;        /* COLD_SITE: the access is at areg + adisp; its entry's offset */
    int32_t adisp, slot;
    struct ra s0, s1;
};

#define MAX_COLD                                                                                   \
    (5 * VM_BLOCK_MAX) /* a fetch group, a helper and a NaN per instruction, two with prev */

#define NO_BRANCH ((size_t)-1)

/* A new slow path of the given kind, branched to from the rel32 field at
 * `from`, rejoining the fast path at `resume` (where it does). */
static struct cold *cold_add(struct jit *j, int kind, size_t from, size_t resume)
{
    struct cold *c = &j->cold[j->ncold++];
    c->kind = kind;
    c->nfrom = from != NO_BRANCH;
    c->from[0] = from;
    c->resume = resume;
    return c;
}

static void cold_call(struct jit *j, const size_t *from, int nfrom, size_t resume, const void *fn,
                      const struct jinsn *ji, uint64_t k, const struct ra *s0, const struct ra *s1)
{
    struct cold *c = &j->cold[j->ncold++];
    c->kind = COLD_CALL;
    c->nfrom = nfrom;
    memcpy(c->from, from, sizeof *from * (size_t)nfrom);
    c->resume = resume;
    c->fn = fn;
    c->ji = ji;
    c->k = k;
    c->s0 = *s0;
    c->s1 = *s1;
}

static void cold_nan(struct jit *j, size_t from, size_t resume, int xmm, uint64_t nanval)
{
    struct cold *c = cold_add(j, COLD_NAN, from, resume);
    c->xmm = xmm;
    c->nanval = nanval;
}

/* Fast and bare modes: the 2 MiB translation cache (vm_mem.btc) for an
 * access of `size` bytes at rdx that missed the 4 KiB one; a hit rejoins
 * the fast path with the addend in rax, a miss goes on to the helper call
 * registered after it. */
static void cold_big(struct jit *j, size_t from, size_t resume, int acc, int size)
{
    struct cold *c = cold_add(j, COLD_BIG, from, resume);
    c->acc = acc;
    c->k = (uint64_t)size;
}

/* An access site's own entry (vm_mem.stc) missed: rdx = the address, then
 * the 4 KiB translation cache as emit_mem's other probe does, and on a hit
 * the entry is copied to the site's; a miss goes on to the COLD_BIG
 * registered after this (with no branch of its own). */
static void cold_site(struct jit *j, size_t from, size_t resume, int acc, int size, int areg,
                      int32_t adisp, int32_t slot)
{
    struct cold *c = cold_add(j, COLD_SITE, from, resume);
    c->acc = acc;
    c->k = (uint64_t)size;
    c->areg = areg;
    c->adisp = adisp;
    c->slot = slot;
}

/* The exact mode's other recent pages for an access whose page (in rcx) is
 * not `last`'s: the branch at `from` comes here. `second` is tested inline
 * (a hit credits it, marks it the newer of the pair and rejoins at `after`;
 * for a fetch group, k fetches), then the `prev` pages by the search stub
 * (emit_prev_stub), which brings the page into `last`: rejoin at `ahit`,
 * the fast path's crediting of `last`. Misses go to the helper call
 * registered after this (cold_call). */
static void cold_pair(struct jit *j, size_t from, size_t ahit, size_t after, int kind, int acc,
                      uint64_t k)
{
    struct cold *c = cold_add(j, COLD_PAIR, from, after);
    c->resume2 = ahit;
    c->acc = kind | acc << 1;
    c->k = k;
}

/* A superblock's side exit (a taken branch inside it) */
static void cold_exit(struct jit *j, size_t from, const struct ra *s0, uint64_t target,
                      uint32_t retired)
{
    struct cold *c = cold_add(j, COLD_EXIT, from, 0);
    c->s0 = *s0;
    c->k = target;
    c->retired = retired;
}

/* A taken branch to instruction k of the same block, further on (see
 * emit_block): from state *s0, skipping `skipped` instructions. */
static void cold_fwd(struct jit *j, size_t from, const struct ra *s0, uint32_t k, uint32_t skipped)
{
    struct cold *c = cold_add(j, COLD_FWD, from, 0);
    c->s0 = *s0;
    c->k = k;
    c->retired = skipped;
}

/* The state two paths meet in: valid on both, dirty on either. */
static void ra_meet(struct ra *m, const struct ra *a)
{
    m->valid &= a->valid;
    m->fvalid &= a->fvalid;
    m->dirty = (m->dirty | a->dirty) & m->valid;
    m->fdirty = (m->fdirty | a->fdirty) & m->fvalid;
    m->fboxed &= a->fboxed;
}

/* From state *a to the meeting state *m (a's valid and dirty are supersets
 * of m's valid and of m's dirty within it): write back what a holds dirty
 * and m forgets. */
static void ra_to(x86_buf *b, const struct ra *a, const struct ra *m)
{
    struct ra t = *a;
    t.dirty &= ~m->valid;
    t.fdirty &= ~m->fvalid;
    spill(b, &t);
}

static void emit_goto(x86_buf *b, struct jit *j, uint64_t target);
static size_t emit_tc_probe(x86_buf *b, int acc, int size);

/* A jump back to the entry of the block being emitted, whose code keeps
 * the guest registers in host registers (count taken off): load what is
 * not in its register, then, budget permitting, go straight to the body
 * (j->loop), where every allocated register is valid, and dirty if the
 * block writes it anywhere (so nothing needs writing back on the way:
 * whatever is dirty here is one of those); else write back and leave. */
static void emit_loop(x86_buf *b, struct jit *j, const struct ra *ra)
{
    load_set(b, ra, cached_x(ra) & ~ra->valid, cached_f(ra) & ~ra->fvalid);
    x86_alu_ri(b, ALU_CMP, R13, (int32_t)j->loop_n, 1);
    size_t again = x86_jcc(b, CC_AE);
    x86_patch_rel32(b, again, j->loop);
    spill(b, ra); /* the budget ends here: write back, leave */
    x86_mov_imm(b, RAX, j->loop_pc);
    x86_store64(b, RBP, OFF_PC, RAX);
    emit_exit(b, j, EXIT_LOOKUP);
}

static void emit_cold(x86_buf *b, struct jit *j)
{
    for (int i = 0; i < j->ncold; i++) {
        const struct cold *c = &j->cold[i];
        for (int f = 0; f < c->nfrom; f++) x86_patch_rel32(b, c->from[f], x86_len(b));
        if (c->kind == COLD_FWD) {
            ra_to(b, &c->s0, &j->fwd[c->k]);
            if (c->retired) x86_alu_ri(b, ALU_ADD, R13, (int32_t)c->retired, 1); /* not retired */
            size_t f = x86_jmp(b);
            x86_patch_rel32(b, f, j->fwd_label[c->k]);
            continue;
        }
        if (c->kind == COLD_EXIT) {
            int back = j->loop && c->k == j->loop_pc;
            if (!back) spill(b, &c->s0);
            x86_alu_ri(b, ALU_SUB, R13, (int32_t)c->retired, 1);
            if (back) emit_loop(b, j, &c->s0);
            else emit_goto(b, j, c->k);
            continue;
        }
        if (c->kind == COLD_SITE) {
            struct cold *big = &j->cold[i + 1];
            while (big->kind != COLD_BIG) big++;
            if (c->adisp) x86_lea(b, RDX, c->areg, c->adisp);
            else if (c->areg != RDX) x86_mov_rr(b, RDX, c->areg);
            big->from[big->nfrom++] = emit_tc_probe(b, c->acc, (int)c->k);
            x86_mov_rr(b, RCX, RDX);
            x86_alu_ri(b, ALU_AND, RCX, -(int32_t)VM_PAGE_SIZE, 1);
            x86_store64(b, R15, c->slot, RCX);
            x86_store64(b, R15, c->slot + 8, RAX);
            x86_patch_rel32(b, x86_jmp(b), c->resume);
            continue;
        }
        if (c->kind == COLD_BIG) { /* like the 4 KiB probe in emit_mem */
            struct cold *miss = &j->cold[i + 1];
            while (miss->kind != COLD_CALL) miss++; /* the access's helper call */
            x86_mov_rr(b, RCX, RDX);
            x86_shift_ri(b, SH_SHR, RCX, VM_BTC_SHIFT, 1);
            x86_alu_ri(b, ALU_AND, RCX, VM_BTC_SIZE - 1, 0);
            x86_shift_ri(b, SH_SHL, RCX, 4, 0);
            x86_lea(b, RAX, RDX, (int32_t)c->k - 1);
            x86_shift_ri(b, SH_SHR, RAX, VM_BTC_SHIFT, 1);
            x86_index(b, RCX);
            x86_alu_rm(b, ALU_CMP, RAX, R15, BTC(c->acc));
            x86_index(b, -1);
            miss->from[miss->nfrom++] = x86_jcc(b, CC_NE);
            x86_index(b, RCX);
            x86_load64(b, RAX, R15, BTC(c->acc) + 8);
            x86_index(b, -1);
            /* and into the page cache, so that the next access to the page
             * hits inline (tagged by the first byte's page) */
            x86_mov32(b, RCX, RDX);
            x86_shift_ri(b, SH_SHR, RCX, VM_PAGE_SHIFT - 4, 0);
            x86_alu_ri(b, ALU_AND, RCX, (VM_TCACHE_SIZE - 1) << 4, 0);
            x86_index(b, RCX);
            x86_store64(b, R15, TC(c->acc) + 8, RAX);
            x86_index(b, -1);
            x86_mov_rr(b, RAX, RDX);
            x86_shift_ri(b, SH_SHR, RAX, VM_PAGE_SHIFT, 1);
            x86_index(b, RCX);
            x86_store64(b, R15, TC(c->acc), RAX);
            x86_load64(b, RAX, R15, TC(c->acc) + 8);
            x86_index(b, -1);
            size_t back = x86_jmp(b);
            x86_patch_rel32(b, back, c->resume);
            continue;
        }
        if (c->kind == COLD_PAIR) { /* vm_mem_access_slow's first tests, out of C */
            int k = c->acc & 1, acc = c->acc >> 1;
            struct cold *miss = &j->cold[i + 1];
            while (miss->kind != COLD_CALL) miss++; /* the access's helper call */
            x86_alu_rm(b, ALU_CMP, RCX, R15, SECOND(k, vpn));
            size_t older = x86_jcc(b, CC_NE);
            x86_test_mi8(b, R15, SECOND(k, ok), (uint8_t)(1u << acc));
            miss->from[miss->nfrom++] = x86_jcc(b, CC_E);
            if (k)
                x86_alu_mi(b, ALU_ADD, R15, SECOND(1, n), (int32_t)c->k);
            else
                x86_inc_m64(b, R15, SECOND(0, n));
            x86_store_imm(b, R15, BMRU(k), 1);
            if (!k) x86_load64(b, RAX, R15, SECOND(0, addend));
            x86_patch_rel32(b, x86_jmp(b), c->resume);
            x86_patch_rel32(b, older, x86_len(b));
            x86_call_abs(b, j->cc.rx + j->prev_stub[acc]);
            miss->from[miss->nfrom++] = x86_jcc(b, CC_NE);
            x86_patch_rel32(b, x86_jmp(b), c->resume2);
            continue;
        }
        if (c->kind == COLD_NAN) {
            x86_mov_imm(b, RAX, c->nanval);
            x86_movq_xr(b, c->xmm, RAX);
        } else {
            spill(b, &c->s0);
            x86_store64(b, RBX, OFF_REM, R13); /* the helper may read the count (instret) */
            x86_mov_rr(b, RDI, RBX);
            x86_mov_imm(b, RSI, (uint64_t)(uintptr_t)c->ji);
            if (c->k) x86_mov_imm(b, RDX, c->k);
            x86_call_abs(b, c->fn);
            emit_check_exit(b, j, (uint32_t)c->ji->idx);
            reload(b, &c->s1);
        }
        size_t back = x86_jmp(b);
        x86_patch_rel32(b, back, c->resume);
    }
    j->ncold = 0;
}

/* Leave the block for guest pc `target` (registers spilled): a chainable
 * jmp (its rel32 first points at the stub right after it) when no
 * breakpoints are set. */
static void emit_goto(x86_buf *b, struct jit *j, uint64_t target)
{
    size_t site = 0;
    if (!j->nbreak) site = x86_jmp(b); /* rel 0: falls into the stub */
    x86_mov_imm(b, RAX, target);
    x86_store64(b, RBP, OFF_PC, RAX);
    if (!j->nbreak) {
        x86_mov_imm(b, RAX, (uint64_t)(uintptr_t)(j->cc.rx + site));
        x86_store64(b, RBX, OFF_SITE, RAX);
        emit_exit(b, j, EXIT_CHAIN);
    } else {
        emit_exit(b, j, EXIT_LOOKUP);
    }
}

/* {==== atomics ===========================================================
 * LR, SC and the AMOs go through emit_mem's probe like a load (LR) or a
 * store (the others) of their size: what vm_eng_amo_ptr does on its fast
 * path (the machine has one hart: plain read-modify-write, as in
 * semantics_ops.h). Before the probe, a misaligned address, and for SC a
 * reservation that does not match, go to the helper, which traps or fails
 * the SC exactly as the interpreter does. rdx = the address. */
static void emit_amo_pre(x86_buf *b, const vm_rv_insn *d, int size, size_t *slow, int *ns)
{
    x86_test_ri8(b, RDX, (uint8_t)(size - 1));
    slow[(*ns)++] = x86_jcc(b, CC_NE);
    if (d->op == VM_RV_SC_W || d->op == VM_RV_SC_D) {
        x86_cmp_mi(b, RBP, (int32_t)offsetof(vm_cpu, res_valid), 0, 4);
        slow[(*ns)++] = x86_jcc(b, CC_E);
        x86_alu_rm(b, ALU_CMP, RDX, RBP, (int32_t)offsetof(vm_cpu, res_addr));
        slow[(*ns)++] = x86_jcc(b, CC_NE);
    }
}

/* The access at host address rax + rdx (guest address rdx). */
static void emit_amo_access(x86_buf *b, struct ra *ra, const vm_rv_insn *d, int size)
{
    int w64 = size == 8, op = d->op;
    if (op == VM_RV_LR_W || op == VM_RV_LR_D) {
        int t = rdst(ra, d->rd, RCX);
        x86_index(b, RDX);
        x86_load_ext(b, t, RAX, 0, size, 1);
        x86_index(b, -1);
        rput(b, ra, d->rd, t);
        x86_store64(b, RBP, (int32_t)offsetof(vm_cpu, res_addr), RDX);
        x86_mov_imm(b, RCX, 1);
        x86_store_n(b, RBP, (int32_t)offsetof(vm_cpu, res_valid), RCX, 4);
        return;
    }
    if (op == VM_RV_SC_W || op == VM_RV_SC_D) {
        int v = rget(b, ra, d->rs2, RCX);
        x86_index(b, RDX);
        x86_store_n(b, RAX, 0, v, size);
        x86_index(b, -1);
        x86_alu_rr(b, ALU_XOR, RCX, RCX, 0);
        x86_store_n(b, RBP, (int32_t)offsetof(vm_cpu, res_valid), RCX, 4);
        rput(b, ra, d->rd, RCX); /* 0: stored */
        return;
    }
    /* rax = host address; rcx = old value; rdx = rs2, then the new value */
    x86_index(b, RDX);
    x86_lea(b, RAX, RAX, 0);
    x86_index(b, -1);
    x86_load_ext(b, RCX, RAX, 0, size, 0);
    int s = rget(b, ra, d->rs2, RDX);
    int k = w64 ? op - VM_RV_AMOSWAP_D : op - VM_RV_AMOSWAP_W; /* swap add xor and or min max minu maxu */
    if (k == 0) {
        x86_store_n(b, RAX, 0, s, size);
    } else {
        if (s != RDX) x86_mov_rr(b, RDX, s);
        static const int alu[5] = {0, ALU_ADD, ALU_XOR, ALU_AND, ALU_OR};
        static const int keep_old[4] = {CC_L, CC_G, CC_B, CC_A}; /* old < new for min... */
        if (k < 5) {
            x86_alu_rr(b, alu[k], RDX, RCX, w64);
        } else {
            x86_alu_rr(b, ALU_CMP, RCX, RDX, w64);
            x86_cmov(b, keep_old[k - 5], RDX, RCX, w64);
        }
        x86_store_n(b, RAX, 0, RDX, size);
    }
    int t = rdst(ra, d->rd, RCX);
    if (w64) {
        if (t != RCX) x86_mov_rr(b, t, RCX);
    } else {
        x86_movsxd(b, t, RCX);
    }
    rput(b, ra, d->rd, t);
}

/* The page translation cache's probe (fast and bare modes) for an access
 * of `size` bytes at rdx: indexed by the first byte's page and compared
 * with the last byte's, so that an access crossing a page never hits (as in
 * QEMU's softmmu). A hit falls through with the addend in rax; returns the
 * rel32 field of the branch a miss takes. Clobbers rcx. */
static size_t emit_tc_probe(x86_buf *b, int acc, int size)
{
    x86_mov32(b, RCX, RDX);
    x86_shift_ri(b, SH_SHR, RCX, VM_PAGE_SHIFT - 4, 0);
    x86_alu_ri(b, ALU_AND, RCX, (VM_TCACHE_SIZE - 1) << 4, 0);
    if (size > 1) x86_lea(b, RAX, RDX, size - 1);
    else x86_mov_rr(b, RAX, RDX);
    x86_shift_ri(b, SH_SHR, RAX, VM_PAGE_SHIFT, 1);
    x86_index(b, RCX);
    x86_alu_rm(b, ALU_CMP, RAX, R15, TC(acc));
    x86_index(b, -1);
    size_t miss = x86_jcc(b, CC_NE);
    x86_index(b, RCX);
    x86_load64(b, RAX, R15, TC(acc) + 8);
    x86_index(b, -1);
    return miss;
}

/* A load or store through the inline probe of the translation cache (fast
 * and bare modes) or of the exact mode's last data page; the helper does
 * misses, page-crossing accesses and stores into pages with translated
 * code. Those pages never have a write entry in the translation cache
 * (vm_mem_set_code_pages in jit_run, vm_mem_drop_stores in jit_translate), so only the exact
 * mode's path checks the code-page counts. rdx = address, rcx = index,
 * rax = tag, then the addend. */
static void emit_mem(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji, int store,
                     int size, int sign, int fp)
{
    const vm_rv_insn *d = &ji->d;
    int acc = store ? VM_ACC_WRITE : VM_ACC_READ;
    size_t slow[8]; /* (an atomic adds up to 3) */
    int ns = 0;
    int amo = vm_rv_op_class(d->op) == VM_RV_CLASS_AMO;
    /* An access whose base register the block steps by a constant (a walk
     * over an array, not a pointer chase or a hashed index) gets its own
     * entry, which it hits as long as it stays on one page. */
    int site = !j->exact && !amo && d->rs1 && (j->stride & (1u << d->rs1));
    int base = rget(b, ra, d->rs1, RDX);
    int areg = RDX; /* the access is at [areg + adisp] */
    int32_t adisp = 0;
    if (site && base != RDX) {
        areg = base;
        adisp = (int32_t)d->imm;
    } else if (d->imm) {
        x86_lea(b, RDX, base, (int32_t)d->imm);
    } else if (base != RDX) {
        x86_mov_rr(b, RDX, base);
    }
    struct ra s0 = *ra;
    if (amo) emit_amo_pre(b, d, size, slow, &ns); /* alignment, SC's reservation */
    if (j->exact) { /* vm_mem_ptr's exact path: the recent pages (mem.h) */
        if (size > 1) {
            x86_mov32(b, RCX, RDX);
            x86_alu_ri(b, ALU_AND, RCX, (int32_t)VM_PAGE_MASK, 0);
            x86_alu_ri(b, ALU_CMP, RCX, (int32_t)(VM_PAGE_SIZE - (unsigned)size), 0);
            slow[ns++] = x86_jcc(b, CC_A);
        }
        if (store) { /* translated code on the page: the helper invalidates */
            x86_mov_rr(b, RAX, RDX);
            x86_shift_ri(b, SH_SHR, RAX, VM_PAGE_SHIFT, 1);
            x86_alu_ri(b, ALU_AND, RAX, (1 << VM_CODEPAGE_BITS) - 1, 0);
            x86_alu_rr(b, ALU_ADD, RAX, RAX, 0); /* 16-bit counts */
            x86_index(b, RAX);
            x86_cmp_mi(b, RBX, OFF_CP, 0, 2);
            x86_index(b, -1);
            slow[ns++] = x86_jcc(b, CC_NE);
        }
        x86_mov_rr(b, RCX, RDX);
        x86_shift_ri(b, SH_SHR, RCX, VM_PAGE_SHIFT, 1);
        x86_alu_rm(b, ALU_CMP, RCX, R15, LAST(0, vpn));
        size_t other = x86_jcc(b, CC_NE);
        x86_test_mi8(b, R15, LAST(0, ok), (uint8_t)(1u << acc));
        slow[ns++] = x86_jcc(b, CC_E);
        size_t ahit = x86_len(b);
        x86_inc_m64(b, R15, LAST(0, n)); /* the hit vm_mem_ptr would credit */
        x86_store_imm(b, R15, BMRU(0), 0);
        x86_load64(b, RAX, R15, LAST(0, addend));
        cold_pair(j, other, ahit, x86_len(b), 0, acc, 0);
    } else if (site) {
        int32_t slot = STC(acc, j->nsite++ & (VM_STC_SIZE - 1));
        if (adisp) x86_lea(b, RAX, areg, adisp);
        else x86_mov_rr(b, RAX, areg);
        x86_alu_ri(b, ALU_AND, RAX, -(int32_t)VM_PAGE_SIZE | (size - 1), 1);
        x86_alu_rm(b, ALU_CMP, RAX, R15, slot);
        size_t miss = x86_jcc(b, CC_NE);
        x86_load64(b, RAX, R15, slot + 8);
        cold_site(j, miss, x86_len(b), acc, size, areg, adisp, slot);
        cold_big(j, NO_BRANCH, x86_len(b), acc, size);
    } else {
        size_t other = emit_tc_probe(b, acc, size);
        cold_big(j, other, x86_len(b), acc, size);
    }
    if (amo) {
        emit_amo_access(b, ra, d, size);
    } else if (store && fp && size == 8 && ra->fhost[d->rs2] >= 0 &&
               (ra->fvalid & (1u << d->rs2))) {
        x86_index(b, areg);
        x86_movq_mx(b, RAX, adisp, ra->fhost[d->rs2]);
        x86_index(b, -1);
    } else if (!store && fp && size == 8 && ra->fhost[d->rd] >= 0) {
        x86_index(b, areg);
        x86_movq_xm(b, ra->fhost[d->rd], RAX, adisp);
        x86_index(b, -1);
        ra->fboxed &= ~(1u << d->rd);
        ra->fvalid |= 1u << d->rd;
        ra->fdirty |= 1u << d->rd;
    } else if (store) {
        int v;
        if (fp) {
            fget_gpr(b, ra, d->rs2, RCX);
            v = RCX;
        } else {
            v = rget(b, ra, d->rs2, RCX);
        }
        x86_index(b, areg);
        x86_store_n(b, RAX, adisp, v, size);
        x86_index(b, -1);
    } else {
        int t = fp ? RAX : rdst(ra, d->rd, RAX);
        x86_index(b, areg);
        x86_load_ext(b, t, RAX, adisp, size, sign);
        x86_index(b, -1);
        if (fp && size == 4) {
            x86_mov_imm(b, RCX, 0xffffffff00000000ull);
            x86_alu_rr(b, ALU_OR, RAX, RCX, 1);
        }
        if (fp) fput_gpr(b, ra, d->rd, RAX);
        else rput(b, ra, d->rd, t);
        if (fp && size == 4) ra->fboxed |= 1u << d->rd; /* flw boxes */
    }
    cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
}

/* feq/flt/fle: rd = the comparison of x1 and x2 (single: prefix 0, double:
 * 0x66). ucomis[sd] raises invalid on signalling NaNs only (feq), comis[sd]
 * on any NaN (flt, fle); unordered is false. */
static void emit_fcmp(x86_buf *b, struct ra *ra, const vm_rv_insn *d, uint8_t prefix, int eq,
                      int lt, int x1, int x2)
{
    int t = rdst(ra, d->rd, RAX);
    if (eq) {
        x86_sse_rr(b, prefix, 0x2e, x1, x2); /* ucomis[sd] */
        x86_setcc_zx(b, CC_E, RAX);
        x86_byte(b, 0x0f);
        x86_byte(b, 0x9b);
        x86_byte(b, 0xc1); /* setnp cl */
        x86_alu_rr(b, ALU_AND, RAX, RCX, 0);
        x86_alu_ri(b, ALU_AND, RAX, 1, 0);
        t = RAX;
    } else {
        x86_sse_rr(b, prefix, 0x2f, x2, x1); /* comis[sd] rs2, rs1 */
        x86_setcc_zx(b, lt ? CC_A : CC_AE, t);
    }
    rput(b, ra, d->rd, t);
}

/* Native SSE2 for the common double-precision operations, when the rounding
 * mode is round-to-nearest-even (the rm field, or frm at run time for the
 * dynamic rm: checked, the helper runs the other modes). MXCSR is RNE and
 * accumulates the flags during a run (fpu.c), so the host's flags are the
 * guest's; what x86 does differently is fixed here: a NaN result becomes
 * RISC-V's canonical NaN. Comparisons: feq is quiet (ucomisd), flt/fle
 * signal on any NaN (comisd). The sign-injection and move operations are
 * integer code. 0: no native code (use the helper). */
/* fcvt.d.l, fcvt.w.d, fcvt.l.d in RNE (static, or dynamic with frm RNE)
 * or, to integer, RTZ. x86 answers an invalid conversion (NaN, out of
 * range) with the "integer indefinite" INT_MIN, and so does a valid one of
 * exactly INT_MIN: the helper then redoes it with RISC-V's saturation (the
 * flags x86 raised are the ones RISC-V raises). */
static int emit_fcvt(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji)
{
    const vm_rv_insn *d = &ji->d;
    int to_int = d->op != VM_RV_FCVT_D_L, trunc = to_int && d->rm == 1;
    if (d->rm != 0 && d->rm != 7 && !trunc) return 0;
    struct ra s0 = *ra;
    size_t slow[2];
    int ns = 0;
    if (d->rm == 7 && !j->frm_checked) {
        x86_cmp_mi(b, RBP, (int32_t)offsetof(vm_cpu, frm), 0, 4);
        slow[ns++] = x86_jcc(b, CC_NE);
    }
    if (!to_int) {
        int x = rget(b, ra, d->rs1, RAX);
        int t = fdst(ra, d->rd, 0);
        x86_cvtsi2sd(b, t, x, 1);
        fput(b, ra, d->rd, t);
    } else {
        int w64 = d->op == VM_RV_FCVT_L_D;
        int x = fget(b, ra, d->rs1, 0);
        int t = rdst(ra, d->rd, RAX);
        x86_cvtsd2si(b, t, x, w64, trunc);
        x86_alu_ri(b, ALU_CMP, t, 1, w64); /* overflows only for INT_MIN */
        slow[ns++] = x86_jcc(b, 0); /* jo */
        s0 = *ra;
        if (!w64) x86_movsxd(b, t, t);
        rput(b, ra, d->rd, t);
    }
    cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
    return 1;
}

/* {==== single precision: NaN boxing ==================================
 * A single in an f register is valid only when NaN-boxed (its upper 32 bits
 * all ones); otherwise it reads as the canonical NaN (fpu.c's unbox). Native
 * code checks the boxing of its single operands and sends an improperly
 * boxed one to the helper. What the block itself wrote as a single (native
 * single results, flw, fmv.w.x) is known boxed (ra->fboxed) and not checked
 * again. Every native single result is boxed: the x86 scalar single
 * operations keep bits 32-63 of their destination, which is a copy of a
 * boxed operand or was set to all ones first (pcmpeqd). */

/* Branch to slow (one more entry in slow[]) unless f[r] is NaN-boxed. */
static void emit_boxchk(x86_buf *b, const struct ra *ra, int r, size_t *slow, int *ns)
{
    uint32_t bit = 1u << r;
    if (ra->fboxed & bit) return;
    if (ra->fhost[r] >= 0 && (ra->fdirty & bit)) { /* only the xmm register is current */
        x86_movq_rx(b, RAX, ra->fhost[r]);
        x86_shift_ri(b, SH_SHR, RAX, 32, 1);
        x86_alu_ri(b, ALU_CMP, RAX, -1, 0);
    } else {
        x86_cmp_mi(b, RBP, FR(r) + 4, -1, 4);
    }
    slow[(*ns)++] = x86_jcc(b, CC_NE);
}

/* the operands' checks: rs1, and rs2 (and rs3) when used and different */
static void emit_boxchk2(x86_buf *b, const struct ra *ra, const vm_rv_insn *d, int nsrc,
                         size_t *slow, int *ns)
{
    emit_boxchk(b, ra, d->rs1, slow, ns);
    if (nsrc > 1 && d->rs2 != d->rs1) emit_boxchk(b, ra, d->rs2, slow, ns);
    if (nsrc > 2 && d->rs3 != d->rs1 && d->rs3 != d->rs2) emit_boxchk(b, ra, d->rs3, slow, ns);
}

/* Native code for the dynamic rounding mode needs frm == RNE (see
 * emit_block); rm: the instruction's field. 0: the operation has no native
 * code in this mode. */
static int rne_ok(struct jit *j, x86_buf *b, int rm, size_t *slow, int *ns)
{
    if (rm == 0) return 1;
    if (rm != 7) return 0;
    if (!j->frm_checked) {
        x86_cmp_mi(b, RBP, (int32_t)offsetof(vm_cpu, frm), 0, 4);
        slow[(*ns)++] = x86_jcc(b, CC_NE);
    }
    return 1;
}

/* The fused multiply-adds with FMA3 (when the host has it), in RNE: xmm0 =
 * rs1, then vf*213s[sd] xmm0, rs2, rs3 (rs3 may stay in memory). A NaN
 * result goes to the helper, which gives the canonical NaN and RISC-V's
 * invalid flag for inf * 0 + qNaN (x86's flags are a subset of RISC-V's
 * there). The helper also takes improperly boxed singles. */
static int emit_fma(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji)
{
    const vm_rv_insn *d = &ji->d;
    int dbl = d->op >= VM_RV_FMADD_D && d->op <= VM_RV_FNMADD_D;
    int k = d->op - (dbl ? VM_RV_FMADD_D : VM_RV_FMADD_S);
    if (!j->fma || (d->rm != 0 && !(d->rm == 7 && j->frm_checked))) return 0;
    static const uint8_t ops[4] = {0xa9, 0xab, 0xad, 0xaf}; /* -(a*b)+c is x86's fnmadd */
    size_t slow[4];
    int ns = 0;
    if (!dbl) emit_boxchk2(b, ra, d, 3, slow, &ns);
    int x1 = fget(b, ra, d->rs1, 0);
    if (x1 != 0) x86_sse_rr(b, 0, 0x28, 0, x1); /* movaps */
    int x2 = fget(b, ra, d->rs2, 1);
    if (ra->fhost[d->rs3] >= 0 && (ra->fvalid & (1u << d->rs3)))
        x86_vex38(b, ops[k], dbl, 0, x2, ra->fhost[d->rs3], 0, 0);
    else
        x86_vex38(b, ops[k], dbl, 0, x2, -1, RBP, FR(d->rs3));
    x86_sse_rr(b, dbl ? 0x66 : 0, 0x2e, 0, 0); /* NaN? (ucomis[sd]) */
    slow[ns++] = x86_jcc(b, CC_P);
    struct ra s0 = *ra; /* differs from the checks' states in valid bits only */
    fput(b, ra, d->rd, 0);
    if (!dbl) ra->fboxed |= 1u << d->rd;
    cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
    return 1;
}

/* fmin/fmax: ordered operands only (an unordered pair goes to the helper:
 * RISC-V's NaN rules, and x86's min/max signal on quiet NaNs). Equal
 * operands: min is their bitwise or, max their and (-0 < +0; otherwise the
 * bits are equal); else minsd/maxsd (min/max ss for singles). */
static void emit_minmax(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji, int dbl,
                        int max)
{
    const vm_rv_insn *d = &ji->d;
    size_t slow[3];
    int ns = 0;
    if (!dbl) emit_boxchk2(b, ra, d, 2, slow, &ns);
    int x1 = fget(b, ra, d->rs1, 0);
    if (x1 != 0) x86_sse_rr(b, 0, 0x28, 0, x1); /* movaps xmm0, rs1 */
    int x2 = fget(b, ra, d->rs2, 1);
    x86_sse_rr(b, dbl ? 0x66 : 0, 0x2e, 0, x2); /* ucomis[sd] */
    slow[ns++] = x86_jcc(b, CC_P);
    struct ra s0 = *ra;
    size_t ne = x86_jcc(b, CC_NE);
    x86_sse_rr(b, 0, max ? 0x54 : 0x56, 0, x2); /* andps / orps */
    size_t done = x86_jmp(b);
    x86_patch_rel32(b, ne, x86_len(b));
    x86_sse_rr(b, dbl ? 0xf2 : 0xf3, max ? 0x5f : 0x5d, 0, x2); /* max / min */
    x86_patch_rel32(b, done, x86_len(b));
    fput(b, ra, d->rd, 0);
    if (!dbl) ra->fboxed |= 1u << d->rd;
    cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
}

/* fclass: k = how many of the thresholds zero < subnormal < normal < inf <
 * sNaN < qNaN the magnitude reaches (compared shifted left by one, without
 * the sign), summed with sbb; the class bit comes from a table indexed by
 * sign * 16 + k (jit->fclass_tab). */
static void emit_fclass(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji, int dbl)
{
    const vm_rv_insn *d = &ji->d;
    size_t slow[1];
    int ns = 0;
    struct ra s0 = *ra;
    if (!dbl) emit_boxchk(b, ra, d->rs1, slow, &ns);
    fget_gpr(b, ra, d->rs1, RAX);
    x86_mov_rr(b, RCX, RAX);
    x86_shift_ri(b, SH_SHR, RCX, dbl ? 63 : 31, dbl);
    x86_shift_ri(b, SH_SHL, RCX, 4, 0);
    x86_shift_ri(b, SH_SHL, RAX, 1, dbl);
    x86_alu_ri(b, ALU_CMP, RAX, 1, dbl);
    x86_alu_ri(b, ALU_SBB, RCX, -1, 0);
    static const uint64_t thr_d[4] = {0x0020000000000000ull, 0xffe0000000000000ull,
                                      0xffe0000000000001ull, 0xfff0000000000000ull};
    static const uint32_t thr_s[4] = {0x01000000u, 0xff000000u, 0xff000001u, 0xff800000u};
    for (int i = 0; i < 4; i++) {
        if (dbl) {
            x86_mov_imm(b, RDX, thr_d[i]);
            x86_alu_rr(b, ALU_CMP, RAX, RDX, 1);
        } else {
            x86_alu_ri(b, ALU_CMP, RAX, (int32_t)thr_s[i], 0);
        }
        x86_alu_ri(b, ALU_SBB, RCX, -1, 0);
    }
    x86_alu_rr(b, ALU_ADD, RCX, RCX, 0);
    int t = rdst(ra, d->rd, RAX);
    x86_index(b, RCX);
    x86_load_ext(b, t, RBX, OFF_FCLASS, 2, 0);
    x86_index(b, -1);
    rput(b, ra, d->rd, t);
    if (ns) cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
}

/* Conversions to integers: w/l (.s and .d) as emit_fcvt; wu/lu only for
 * operands whose bits, read as an unsigned integer, are below a bound under
 * which the result fits (non-negative values below 2^32 - 1/2 in RNE, 2^32
 * in RTZ, 2^63 for lu): a 64-bit cvt then gives it exactly, with x86's
 * inexact flag being RISC-V's. Other operands (negative, too large, NaN)
 * go to the helper before anything raised a flag. */
static int emit_fcvt_int(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji)
{
    const vm_rv_insn *d = &ji->d;
    int dbl, kind; /* 0 w, 1 wu, 2 l, 3 lu */
    if (d->op >= VM_RV_FCVT_W_D && d->op <= VM_RV_FCVT_LU_D) {
        dbl = 1;
        kind = d->op - VM_RV_FCVT_W_D;
    } else {
        dbl = 0;
        kind = d->op - VM_RV_FCVT_W_S;
    }
    int trunc = d->rm == 1;
    size_t slow[4];
    int ns = 0;
    if (!trunc && !rne_ok(j, b, d->rm, slow, &ns)) return 0;
    if (!dbl) emit_boxchk(b, ra, d->rs1, slow, &ns);
    int x = fget(b, ra, d->rs1, 0);
    int w64 = kind != 0;
    if (kind & 1) { /* unsigned: the bound on the bits */
        x86_movq_rx(b, RAX, x);
        if (dbl) {
            uint64_t bound = kind == 3 ? 0x43e0000000000000ull
                             : trunc  ? 0x41f0000000000000ull
                                      : 0x41effffffff00000ull;
            x86_mov_imm(b, RCX, bound);
            x86_alu_rr(b, ALU_CMP, RAX, RCX, 1);
        } else {
            x86_alu_ri(b, ALU_CMP, RAX, kind == 3 ? 0x5f000000 : 0x4f800000, 0);
        }
        slow[ns++] = x86_jcc(b, CC_AE);
    }
    int t = rdst(ra, d->rd, RAX);
    if (!d->rd) t = RAX;
    if (dbl) x86_cvtsd2si(b, t, x, w64, trunc);
    else x86_cvtss2si(b, t, x, w64, trunc);
    struct ra s0 = *ra;
    if (!(kind & 1)) {
        x86_alu_ri(b, ALU_CMP, t, 1, w64); /* overflows only for INT_MIN (x86's invalid answer) */
        slow[ns++] = x86_jcc(b, 0); /* jo */
    }
    if (kind <= 1) x86_movsxd(b, t, t);
    rput(b, ra, d->rd, t);
    cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
    return 1;
}

/* Single-precision operations (and fmin/fmax/fclass of both formats). 0:
 * no native code (use the helper). */
static int emit_fps(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji)
{
    const vm_rv_insn *d = &ji->d;
    size_t slow[4];
    int ns = 0;
    uint8_t op = 0;
    switch (d->op) {
    case VM_RV_FMIN_D: case VM_RV_FMAX_D:
        emit_minmax(b, j, ra, ji, 1, d->op == VM_RV_FMAX_D);
        return 1;
    case VM_RV_FMIN_S: case VM_RV_FMAX_S:
        emit_minmax(b, j, ra, ji, 0, d->op == VM_RV_FMAX_S);
        return 1;
    case VM_RV_FCLASS_D: case VM_RV_FCLASS_S:
        emit_fclass(b, j, ra, ji, d->op == VM_RV_FCLASS_D);
        return 1;
    case VM_RV_FCVT_W_S: case VM_RV_FCVT_WU_S: case VM_RV_FCVT_L_S: case VM_RV_FCVT_LU_S:
    case VM_RV_FCVT_WU_D: case VM_RV_FCVT_LU_D:
        return emit_fcvt_int(b, j, ra, ji);
    case VM_RV_FMADD_S: case VM_RV_FMSUB_S: case VM_RV_FNMSUB_S: case VM_RV_FNMADD_S:
        return emit_fma(b, j, ra, ji);
    case VM_RV_FMV_X_W: /* the low 32 bits, sign-extended: no unboxing */
        if (d->rd) {
            int t = rdst(ra, d->rd, RAX);
            fget_gpr(b, ra, d->rs1, t);
            x86_movsxd(b, t, t);
            rput(b, ra, d->rd, t);
        }
        return 1;
    case VM_RV_FMV_W_X: {
        int x = rget(b, ra, d->rs1, RAX);
        x86_mov32(b, RAX, x);
        x86_mov_imm(b, RCX, 0xffffffff00000000ull);
        x86_alu_rr(b, ALU_OR, RAX, RCX, 1);
        fput_gpr(b, ra, d->rd, RAX);
        ra->fboxed |= 1u << d->rd;
        return 1;
    }
    case VM_RV_FSGNJ_S: case VM_RV_FSGNJN_S: case VM_RV_FSGNJX_S: {
        struct ra s0 = *ra;
        emit_boxchk2(b, ra, d, 2, slow, &ns);
        if (d->op == VM_RV_FSGNJ_S && d->rs1 == d->rs2) { /* fmv.s */
            fput(b, ra, d->rd, fget(b, ra, d->rs1, 0));
        } else {
            /* rax = rs1 (boxed); its sign bit flipped where it must change */
            fget_gpr(b, ra, d->rs1, RAX);
            fget_gpr(b, ra, d->rs2, RCX);
            if (d->op != VM_RV_FSGNJX_S) x86_alu_rr(b, ALU_XOR, RCX, RAX, 0);
            x86_alu_ri(b, ALU_AND, RCX, INT32_MIN, 0);
            if (d->op == VM_RV_FSGNJN_S) x86_alu_ri(b, ALU_XOR, RCX, INT32_MIN, 0);
            x86_alu_rr(b, ALU_XOR, RAX, RCX, 1);
            fput_gpr(b, ra, d->rd, RAX);
        }
        ra->fboxed |= 1u << d->rd;
        if (ns) cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
        return 1;
    }
    case VM_RV_FEQ_S: case VM_RV_FLT_S: case VM_RV_FLE_S: {
        struct ra s0 = *ra;
        emit_boxchk2(b, ra, d, 2, slow, &ns);
        int x1 = fget(b, ra, d->rs1, 0);
        int x2 = fget(b, ra, d->rs2, 1);
        emit_fcmp(b, ra, d, 0, d->op == VM_RV_FEQ_S, d->op == VM_RV_FLT_S, x1, x2);
        if (ns) cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
        return 1;
    }
    case VM_RV_FCVT_S_LU: case VM_RV_FCVT_D_LU: { /* below 2^63 as signed; else the helper */
        int dbl = d->op == VM_RV_FCVT_D_LU;
        struct ra s0 = *ra;
        if (!rne_ok(j, b, d->rm, slow, &ns)) return 0;
        int x = rget(b, ra, d->rs1, RAX);
        x86_alu_ri(b, ALU_CMP, x, 0, 1);
        slow[ns++] = x86_jcc(b, CC_L);
        int t = fdst(ra, d->rd, 0);
        if (dbl) {
            x86_cvtsi2sd(b, t, x, 1);
        } else {
            x86_sse_rr(b, 0x66, 0x76, t, t); /* pcmpeqd: the box */
            x86_cvtsi2ss(b, t, x, 1);
        }
        fput(b, ra, d->rd, t);
        if (!dbl) ra->fboxed |= 1u << d->rd;
        cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
        return 1;
    }
    case VM_RV_FCVT_S_W: case VM_RV_FCVT_S_WU: case VM_RV_FCVT_S_L: {
        struct ra s0 = *ra;
        if (!rne_ok(j, b, d->rm, slow, &ns)) return 0;
        int x = rget(b, ra, d->rs1, RAX);
        int t = fdst(ra, d->rd, 0);
        x86_sse_rr(b, 0x66, 0x76, t, t); /* pcmpeqd: the box */
        if (d->op == VM_RV_FCVT_S_WU) {
            x86_mov32(b, RAX, x);
            x86_cvtsi2ss(b, t, RAX, 1);
        } else {
            x86_cvtsi2ss(b, t, x, d->op == VM_RV_FCVT_S_L);
        }
        fput(b, ra, d->rd, t);
        ra->fboxed |= 1u << d->rd;
        if (ns) cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
        return 1;
    }
    case VM_RV_FCVT_S_D: case VM_RV_FCVT_D_S: {
        int to_s = d->op == VM_RV_FCVT_S_D;
        struct ra s0 = *ra;
        /* fcvt.d.s is exact in every rounding mode; fcvt.s.d rounds */
        if (to_s || d->rm > 4) {
            if (!rne_ok(j, b, d->rm, slow, &ns)) return 0;
        }
        if (!to_s) emit_boxchk(b, ra, d->rs1, slow, &ns);
        int x = fget(b, ra, d->rs1, 1);
        int t = to_s ? 0 : fdst(ra, d->rd, 0);
        if (to_s) {
            x86_sse_rr(b, 0x66, 0x76, 0, 0); /* pcmpeqd xmm0, xmm0: the box */
            x86_sse_rr(b, 0xf2, 0x5a, 0, x); /* cvtsd2ss */
        } else {
            x86_sse_rr(b, 0xf3, 0x5a, t, x); /* cvtss2sd */
        }
        x86_sse_rr(b, to_s ? 0 : 0x66, 0x2e, t, t); /* NaN? */
        size_t nan = x86_jcc(b, CC_P);
        cold_nan(j, nan, x86_len(b), t, to_s ? 0xffffffff7fc00000ull : CANON_D);
        fput(b, ra, d->rd, t);
        if (to_s) ra->fboxed |= 1u << d->rd;
        if (ns) cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
        return 1;
    }
    case VM_RV_FADD_S: op = 0x58; break;
    case VM_RV_FSUB_S: op = 0x5c; break;
    case VM_RV_FMUL_S: op = 0x59; break;
    case VM_RV_FDIV_S: op = 0x5e; break;
    case VM_RV_FSQRT_S: op = 0x51; break;
    default: return 0;
    }
    /* arithmetic: t = copy of rs1 (boxed, so the result is), then op t, rs2 */
    struct ra s0 = *ra;
    if (!rne_ok(j, b, d->rm, slow, &ns)) return 0;
    emit_boxchk2(b, ra, d, op == 0x51 ? 1 : 2, slow, &ns);
    int x1 = fget(b, ra, d->rs1, 0), t;
    if (op == 0x51) {
        t = fdst(ra, d->rd, 0);
        if (t != x1) x86_sse_rr(b, 0, 0x28, t, x1); /* movaps */
        x86_sse_rr(b, 0xf3, 0x51, t, t);
    } else {
        int x2 = fget(b, ra, d->rs2, 1);
        t = fdst(ra, d->rd, 0);
        if (t == x2 && t != x1) t = 0; /* t = x1 first would lose x2 */
        if (t != x1) x86_sse_rr(b, 0, 0x28, t, x1);
        x86_sse_rr(b, 0xf3, op, t, x2);
    }
    x86_sse_rr(b, 0, 0x2e, t, t); /* NaN? (ucomiss) */
    size_t nan = x86_jcc(b, CC_P);
    cold_nan(j, nan, x86_len(b), t, CANON_S);
    fput(b, ra, d->rd, t);
    ra->fboxed |= 1u << d->rd;
    if (ns) cold_call(j, slow, ns, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
    return 1;
}

static int emit_fp(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji)
{
    const vm_rv_insn *d = &ji->d;
    uint8_t op = 0;
    int cmp = 0;
    switch (d->op) {
    case VM_RV_FADD_D: op = 0x58; break;
    case VM_RV_FSUB_D: op = 0x5c; break;
    case VM_RV_FMUL_D: op = 0x59; break;
    case VM_RV_FDIV_D: op = 0x5e; break;
    case VM_RV_FSQRT_D: op = 0x51; break;
    case VM_RV_FEQ_D: case VM_RV_FLT_D: case VM_RV_FLE_D: cmp = 1; break;
    case VM_RV_FMV_X_D:
        if (d->rd) {
            int t = rdst(ra, d->rd, RAX);
            fget_gpr(b, ra, d->rs1, t);
            rput(b, ra, d->rd, t);
        }
        return 1;
    case VM_RV_FMV_D_X:
        fput_gpr(b, ra, d->rd, rget(b, ra, d->rs1, RAX));
        return 1;
    case VM_RV_FSGNJ_D: case VM_RV_FSGNJN_D: case VM_RV_FSGNJX_D:
        if (d->op == VM_RV_FSGNJ_D && d->rs1 == d->rs2) { /* fmv.d */
            fput(b, ra, d->rd, fget(b, ra, d->rs1, 0));
            return 1;
        }
        fget_gpr(b, ra, d->rs1, RAX);
        fget_gpr(b, ra, d->rs2, RCX);
        x86_mov_imm(b, RDX, 0x8000000000000000ull);
        if (d->op == VM_RV_FSGNJX_D) {
            x86_alu_rr(b, ALU_AND, RCX, RDX, 1);
            x86_alu_rr(b, ALU_XOR, RAX, RCX, 1);
        } else {
            if (d->op == VM_RV_FSGNJN_D) x86_alu_rr(b, ALU_XOR, RCX, RDX, 1);
            x86_alu_rr(b, ALU_AND, RCX, RDX, 1);
            x86_shift_ri(b, SH_SHL, RAX, 1, 1); /* clear the sign */
            x86_shift_ri(b, SH_SHR, RAX, 1, 1);
            x86_alu_rr(b, ALU_OR, RAX, RCX, 1);
        }
        fput_gpr(b, ra, d->rd, RAX);
        return 1;
    case VM_RV_FCVT_D_W: case VM_RV_FCVT_D_WU: { /* exact: no rounding */
        int x = rget(b, ra, d->rs1, RAX);
        int t = fdst(ra, d->rd, 0);
        if (d->op == VM_RV_FCVT_D_WU) {
            x86_mov32(b, RAX, x);
            x86_cvtsi2sd(b, t, RAX, 1);
        } else {
            x86_cvtsi2sd(b, t, x, 0);
        }
        fput(b, ra, d->rd, t);
        return 1;
    }
    case VM_RV_FCVT_D_L: case VM_RV_FCVT_W_D: case VM_RV_FCVT_L_D: return emit_fcvt(b, j, ra, ji);
    case VM_RV_FMADD_D: case VM_RV_FMSUB_D: case VM_RV_FNMSUB_D: case VM_RV_FNMADD_D:
        return emit_fma(b, j, ra, ji);
    default: return emit_fps(b, j, ra, ji);
    }
    size_t helper = 0;
    int dyn_check = !cmp && d->rm == 7 && !j->frm_checked;
    if (!cmp && d->rm != 0 && d->rm != 7) return 0;
    struct ra s0 = *ra;
    if (dyn_check) { /* dynamic rounding: native only when frm is RNE */
        x86_cmp_mi(b, RBP, (int32_t)offsetof(vm_cpu, frm), 0, 4);
        helper = x86_jcc(b, CC_NE);
    }
    if (cmp) {
        int x1 = fget(b, ra, d->rs1, 0);
        int x2 = fget(b, ra, d->rs2, 1);
        emit_fcmp(b, ra, d, 0x66, d->op == VM_RV_FEQ_D, d->op == VM_RV_FLT_D, x1, x2);
    } else {
        int t = fdst(ra, d->rd, 0);
        if (op == 0x51) {
            x86_sse_rr(b, 0xf2, 0x51, t, fget(b, ra, d->rs1, 0)); /* sqrtsd t, rs1 */
        } else {
            int a = d->rs1, c = d->rs2;
            if (t && t == ra->fhost[c] && a != c && (op == 0x58 || op == 0x59)) {
                a = d->rs2; /* add, mul into rd = rs2: rs2 op rs1, the same result */
                c = d->rs1; /* (a NaN is made canonical below) */
            }
            int x1 = fget(b, ra, a, 0);
            if (t == ra->fhost[c] && t != x1) t = 0; /* t = x1 first would lose c */
            if (t != x1) x86_sse_rr(b, 0, 0x28, t, x1); /* movaps */
            if (ra->fhost[c] >= 0) x86_sse_rr(b, 0xf2, op, t, fget(b, ra, c, 1));
            else x86_sse_op(b, 0xf2, op, t, RBP, FR(c)); /* op t, [f[c]] */
        }
        x86_sse_rr(b, 0x66, 0x2e, t, t); /* NaN? */
        size_t nan = x86_jcc(b, CC_P);
        cold_nan(j, nan, x86_len(b), t, CANON_D);
        fput(b, ra, d->rd, t);
    }
    if (dyn_check) cold_call(j, &helper, 1, x86_len(b), (const void *)jit_helper, ji, 0, &s0, ra);
    return 1;
}

/* Reads of fflags/frm/fcsr and writes of fflags, as fpu.c's vm_fpu_sync
 * and vm_fpu_written do them: the guest's flags are c->fflags | MXCSR's,
 * and a write clears MXCSR's flags only when it drops one they hold. */
static uint64_t jit_rdtime(struct jit *j)
{
    uint64_t v = 0;
    vm_csr_read(j->cpu, VM_CSR_TIME, 0, &v);
    return v;
}

/* The counters, read only (csrrs/csrrc with x0, csrrsi/csrrci with 0):
 * cycle and instret are the instructions retired before this one, as the
 * helper's RETIRED: c->insns + budget - r13 (the count at the block's
 * entry) + its index; time calls jit_rdtime (vm_csr_read's clock) without
 * the helper's exit check. */
static int emit_counter(x86_buf *b, struct ra *ra, const struct jinsn *ji)
{
    const vm_rv_insn *d = &ji->d;
    int op = d->op, csr = (int)d->imm;
    if (!((op == VM_RV_CSRRS || op == VM_RV_CSRRC || op == VM_RV_CSRRSI || op == VM_RV_CSRRCI) &&
          d->rs1 == 0 && (csr == VM_CSR_CYCLE || csr == VM_CSR_INSTRET || csr == VM_CSR_TIME)))
        return 0;
    if (!d->rd) return 1;
    if (csr == VM_CSR_TIME) {
        spill(b, ra);
        ra->dirty = ra->fdirty = 0;
        x86_mov_rr(b, RDI, RBX);
        x86_call_abs(b, (const void *)jit_rdtime);
        uint32_t keep = 0; /* the callee-saved ones */
        for (int r = 1; r < 32; r++)
            if (ra->host[r] == R12 || ra->host[r] == R14) keep |= 1u << r;
        ra->valid &= keep;
        ra->fvalid = 0;
        rput(b, ra, d->rd, RAX);
        return 1;
    }
    int t = rdst(ra, d->rd, RAX);
    x86_load64(b, t, RBP, (int32_t)offsetof(vm_cpu, insns));
    x86_alu_rm(b, ALU_ADD, t, RBX, OFF_BUDGET);
    x86_alu_rr(b, ALU_SUB, t, R13, 1);
    if (ji->idx) x86_alu_ri(b, ALU_ADD, t, (int32_t)ji->idx, 1);
    rput(b, ra, d->rd, t);
    return 1;
}

static int emit_csr(x86_buf *b, struct jit *j, struct ra *ra, const struct jinsn *ji)
{
    const vm_rv_insn *d = &ji->d;
    (void)j;
    if (emit_counter(b, ra, ji)) return 1;
    int op = d->op, csr = (int)d->imm;
    int ronly = (op == VM_RV_CSRRS || op == VM_RV_CSRRC || op == VM_RV_CSRRSI || op == VM_RV_CSRRCI) &&
                d->rs1 == 0 && (csr == VM_CSR_FFLAGS || csr == VM_CSR_FRM || csr == VM_CSR_FCSR);
    int wr = (op == VM_RV_CSRRW || op == VM_RV_CSRRWI) && csr == VM_CSR_FFLAGS;
    if (!ronly && !wr) return 0;
    const int32_t ff = (int32_t)offsetof(vm_cpu, fflags), frm = (int32_t)offsetof(vm_cpu, frm);
    if (ronly && csr == VM_CSR_FRM) {
        int t = rdst(ra, d->rd, RAX);
        x86_load_ext(b, t, RBP, frm, 4, 0);
        rput(b, ra, d->rd, t);
        return 1;
    }
    /* eax = MXCSR's flags as fflags bits */
    x86_sse_op(b, 0, 0xae, 3, RBX, OFF_MX); /* stmxcsr */
    x86_load_ext(b, RAX, RBX, OFF_MX, 4, 0);
    x86_alu_ri(b, ALU_AND, RAX, 0x3f, 0);
    x86_index(b, RAX);
    x86_load_ext(b, RAX, RBX, OFF_FFTAB, 1, 0);
    x86_index(b, -1);
    x86_load_ext(b, RDX, RBP, ff, 4, 0);
    x86_alu_rr(b, ALU_OR, RDX, RAX, 0); /* edx = the old fflags */
    if (ronly) {
        if (csr == VM_CSR_FCSR) {
            x86_load_ext(b, RCX, RBP, frm, 4, 0);
            x86_shift_ri(b, SH_SHL, RCX, 5, 0);
            x86_alu_rr(b, ALU_OR, RDX, RCX, 0);
        }
        rput(b, ra, d->rd, RDX);
        return 1;
    }
    if (op == VM_RV_CSRRWI) {
        x86_mov_imm(b, RCX, (uint64_t)(d->rs1 & 0x1f));
    } else {
        int v = rget(b, ra, d->rs1, RCX);
        x86_mov32(b, RCX, v);
        x86_alu_ri(b, ALU_AND, RCX, 0x1f, 0);
    }
    x86_store_n(b, RBP, ff, RCX, 4);
    x86_alu_ri(b, ALU_XOR, RCX, -1, 0);
    x86_test_rr32(b, RAX, RCX);
    size_t keep = x86_jcc(b, CC_E);
    x86_load_ext(b, RAX, RBX, OFF_MX, 4, 0);
    x86_alu_ri(b, ALU_AND, RAX, ~0x3f, 0);
    x86_store_n(b, RBX, OFF_MX, RAX, 4);
    x86_sse_op(b, 0, 0xae, 2, RBX, OFF_MX); /* ldmxcsr */
    x86_patch_rel32(b, keep, x86_len(b));
    rput(b, ra, d->rd, RDX);
    return 1;
}

/* mulh*, div*, rem*: x86's one-operand forms in rdx:rax. Division by zero
 * and by -1 (whose overflow case traps on x86) take branches that give
 * RISC-V's defined results; a/-1 = -a and a%-1 = 0 for every a. */
static int emit_muldiv(x86_buf *b, struct ra *ra, const vm_rv_insn *d)
{
    int op = d->op, w64 = 1, sgn = 0, rem = 0;
    switch (op) {
    case VM_RV_MULH: case VM_RV_MULHU: case VM_RV_MULHSU: {
        if (!d->rd) return 1;
        int a = rget(b, ra, d->rs1, RAX);
        int s = rget(b, ra, d->rs2, RCX);
        if (a != RAX) x86_mov_rr(b, RAX, a);
        x86_unary(b, op == VM_RV_MULH ? X86_IMUL1 : X86_MUL, s, 1);
        if (op == VM_RV_MULHSU) { /* mulhu(a, b) - (a < 0 ? b : 0); rax is free */
            if (a != RAX) x86_mov_rr(b, RAX, a); /* a host register survives mul */
            else x86_load64(b, RAX, RBP, XR(d->rs1));
            x86_shift_ri(b, SH_SAR, RAX, 63, 1);
            x86_alu_rr(b, ALU_AND, RAX, s, 1);
            x86_alu_rr(b, ALU_SUB, RDX, RAX, 1);
        }
        rput(b, ra, d->rd, RDX);
        return 1;
    }
    case VM_RV_DIV: sgn = 1; break;
    case VM_RV_DIVU: break;
    case VM_RV_REM: sgn = 1; rem = 1; break;
    case VM_RV_REMU: rem = 1; break;
    case VM_RV_DIVW: sgn = 1; w64 = 0; break;
    case VM_RV_DIVUW: w64 = 0; break;
    case VM_RV_REMW: sgn = 1; rem = 1; w64 = 0; break;
    case VM_RV_REMUW: rem = 1; w64 = 0; break;
    default: return 0;
    }
    if (!d->rd) return 1;
    int a = rget(b, ra, d->rs1, RAX);
    int s = rget(b, ra, d->rs2, RCX);
    if (a != RAX) x86_mov_rr(b, RAX, a);
    x86_alu_ri(b, ALU_CMP, s, 0, w64);
    size_t zero = x86_jcc(b, CC_E), minus1 = 0, done2 = 0;
    if (sgn) {
        x86_alu_ri(b, ALU_CMP, s, -1, w64);
        size_t normal = x86_jcc(b, CC_NE);
        if (rem) x86_alu_rr(b, ALU_XOR, RDX, RDX, 0);
        else x86_unary(b, X86_NEG, RAX, w64);
        minus1 = x86_jmp(b);
        x86_patch_rel32(b, normal, x86_len(b));
        x86_cqo(b, w64);
    } else {
        x86_alu_rr(b, ALU_XOR, RDX, RDX, 0);
    }
    x86_unary(b, sgn ? X86_IDIV : X86_DIV, s, w64);
    done2 = x86_jmp(b);
    x86_patch_rel32(b, zero, x86_len(b));
    if (rem) x86_mov_rr(b, RDX, RAX);        /* a % 0 = a */
    else x86_mov_imm(b, RAX, ~0ull);         /* a / 0 = all ones */
    x86_patch_rel32(b, done2, x86_len(b));
    if (sgn) x86_patch_rel32(b, minus1, x86_len(b));
    int res = rem ? RDX : RAX;
    if (!w64) x86_movsxd(b, res, res);
    rput(b, ra, d->rd, res);
    return 1;
}

/* Native code for one integer instruction; 0 if it has none (use the helper). */
static int emit_alu(x86_buf *b, struct ra *ra, const vm_rv_insn *d, uint64_t pc)
{
    int32_t imm = (int32_t)d->imm;
    int rd = d->rd;
    int op = -1, w64 = 1, sh = -1, cc = -1, sx = 0;
    switch (d->op) {
    case VM_RV_LUI: rput_imm(b, ra, rd, (uint64_t)d->imm); return 1;
    case VM_RV_AUIPC: rput_imm(b, ra, rd, pc + (uint64_t)d->imm); return 1;
    case VM_RV_FENCE: return 1;
    case VM_RV_ADDI: op = ALU_ADD; break;
    case VM_RV_XORI: op = ALU_XOR; break;
    case VM_RV_ORI: op = ALU_OR; break;
    case VM_RV_ANDI: op = ALU_AND; break;
    case VM_RV_ADDIW: op = ALU_ADD; w64 = 0; sx = 1; break;
    case VM_RV_SLTI: cc = CC_L; break;
    case VM_RV_SLTIU: cc = CC_B; break;
    case VM_RV_SLLI: sh = SH_SHL; break;
    case VM_RV_SRLI: sh = SH_SHR; break;
    case VM_RV_SRAI: sh = SH_SAR; break;
    case VM_RV_SLLIW: sh = SH_SHL; w64 = 0; sx = 1; break;
    case VM_RV_SRLIW: sh = SH_SHR; w64 = 0; sx = 1; break;
    case VM_RV_SRAIW: sh = SH_SAR; w64 = 0; sx = 1; break;
    default: goto reg_reg;
    }
    if (!rd) return 1;
    if (d->rs1 == 0 && op >= 0 && op != ALU_AND) { /* li */
        rput_imm(b, ra, rd, (uint64_t)(int64_t)imm);
        return 1;
    }
    int t = rdst(ra, rd, RAX);
    if (d->op == VM_RV_ADDIW && imm == 0 && d->rs1 && ra->host[d->rs1] < 0) { /* sext.w from memory */
        x86_load_ext(b, t, RBP, XR(d->rs1), 4, 1);
        rput(b, ra, rd, t);
        return 1;
    }
    int s = rget(b, ra, d->rs1, t); /* an uncached rs1 is loaded straight into rd's register */
    if (d->op == VM_RV_ADDIW && imm == 0) { /* sext.w */
        x86_movsxd(b, t, s);
        sx = 0;
    } else if (op == ALU_ADD && w64 && t != s) {
        x86_lea(b, t, s, imm);
    } else if (cc >= 0) {
        x86_alu_ri(b, ALU_CMP, s, imm, 1);
        x86_setcc_zx(b, cc, t);
    } else {
        if (t != s) x86_mov_rr(b, t, s);
        if (op >= 0) x86_alu_ri(b, op, t, imm, w64);
        else x86_shift_ri(b, sh, t, imm, w64);
    }
    if (d->op == VM_RV_SRLIW && imm > 0) sx = 0; /* bit 31 is clear: zero-extended is sign-extended */
    if (sx) x86_movsxd(b, t, t);
    rput(b, ra, rd, t);
    return 1;

reg_reg:
    switch (d->op) {
    case VM_RV_ADD: op = ALU_ADD; break;
    case VM_RV_SUB: op = ALU_SUB; break;
    case VM_RV_XOR: op = ALU_XOR; break;
    case VM_RV_OR: op = ALU_OR; break;
    case VM_RV_AND: op = ALU_AND; break;
    case VM_RV_ADDW: op = ALU_ADD; w64 = 0; sx = 1; break;
    case VM_RV_SUBW: op = ALU_SUB; w64 = 0; sx = 1; break;
    case VM_RV_SLT: cc = CC_L; break;
    case VM_RV_SLTU: cc = CC_B; break;
    case VM_RV_SLL: sh = SH_SHL; break;
    case VM_RV_SRL: sh = SH_SHR; break;
    case VM_RV_SRA: sh = SH_SAR; break;
    case VM_RV_SLLW: sh = SH_SHL; w64 = 0; sx = 1; break;
    case VM_RV_SRLW: sh = SH_SHR; w64 = 0; sx = 1; break;
    case VM_RV_SRAW: sh = SH_SAR; w64 = 0; sx = 1; break;
    case VM_RV_MUL: op = 100; break;
    case VM_RV_MULW: op = 100; w64 = 0; sx = 1; break;
    default: return emit_muldiv(b, ra, d);
    }
    if (!rd) return 1;
    if ((op == ALU_ADD || op == ALU_OR || op == ALU_XOR) && w64 && (d->rs1 == 0 || d->rs2 == 0)) {
        int s = rget(b, ra, d->rs1 ? d->rs1 : d->rs2, RAX); /* mv */
        rput(b, ra, rd, s);
        return 1;
    }
    /* rs2 without a host register is a memory operand of the ALU operations and
     * compares; an uncached rs1 is loaded straight into rd's register */
    int r1 = d->rs1, r2 = d->rs2;
    if (cc < 0 && sh < 0 && op != ALU_SUB && rd == r2 && rd != r1) { /* commutative: rd op= rs1 */
        r1 = d->rs2;
        r2 = d->rs1;
    }
    int h2 = r2 ? ra->host[r2] : -1;
    int m2 = r2 && h2 < 0 && sh < 0 && op != 100;
    t = rdst(ra, rd, RAX);
    if (t == h2 && r1 != r2) t = RAX; /* t = s1 first would lose s2 */
    int s1 = rget(b, ra, r1, t);
    int s2 = m2 ? -1 : rget(b, ra, r2, RCX);
    if (m2) {
        if (cc >= 0) {
            x86_alu_rmw(b, ALU_CMP, s1, RBP, XR(r2), 1);
            x86_setcc_zx(b, cc, t);
        } else {
            if (t != s1) x86_mov_rr(b, t, s1);
            x86_alu_rmw(b, op, t, RBP, XR(r2), w64);
        }
    } else if (cc >= 0) {
        x86_alu_rr(b, ALU_CMP, s1, s2, 1);
        x86_setcc_zx(b, cc, t);
    } else if (sh >= 0) {
        if (s2 != RCX) x86_mov_rr(b, RCX, s2);
        if (t != s1) x86_mov_rr(b, t, s1);
        x86_shift_cl(b, sh, t, w64);
    } else {
        if (t != s1) x86_mov_rr(b, t, s1);
        if (op == 100) x86_imul_rr(b, t, s2, w64);
        else x86_alu_rr(b, op, t, s2, w64);
    }
    if (sx) x86_movsxd(b, t, t);
    rput(b, ra, rd, t);
    return 1;
}

/* {==== --jit-dump ===================================================== */

static void dump_host(struct jit *j, size_t from, size_t to)
{
    while (from < to) {
        vm_x86_insn xi;
        char text[128];
        uint64_t ip = (uint64_t)(uintptr_t)(j->cc.rx + from);
        if (vm_x86_decode(j->cc.rw + from, to - from, ip, &xi) <= 0) {
            fprintf(j->dump, "        %012llx  (%zu bytes not decoded)\n", (unsigned long long)ip,
                    to - from);
            return;
        }
        vm_x86_disasm(&xi, ip, text, sizeof text);
        fprintf(j->dump, "        %012llx  %s\n", (unsigned long long)ip, text);
        from += xi.len;
    }
}

/* One translated block: guest instructions, each followed by its host code. */
static void dump_block(struct jit *j, const struct jblock *blk, size_t start, const size_t *offs)
{
    uint32_t n = blk->n;
    fprintf(j->dump, "block %#llx..%#llx: %u guest instructions, %zu host bytes at %p%s\n",
            (unsigned long long)blk->pc, (unsigned long long)blk->end, n, offs[n + 1] - start,
            (void *)(j->cc.rx + start), j->exact ? " (exact TLB mode: fetch helper per instruction)" : "");
    fprintf(j->dump, "    (entry: budget check)\n");
    dump_host(j, start, offs[0]);
    for (uint32_t i = 0; i < n; i++) {
        char text[96];
        vm_rv_disasm(&blk->ins[i].d, blk->ins[i].pc, 1, text, sizeof text);
        fprintf(j->dump, "    %llx:  %s\n", (unsigned long long)blk->ins[i].pc, text);
        dump_host(j, offs[i], offs[i + 1]);
    }
    if (offs[n] < offs[n + 1]) {
        fprintf(j->dump, "    (exit)\n");
        dump_host(j, offs[n], offs[n + 1]);
    }
    fputc('\n', j->dump);
}

/* Must a fetch group end after d? Where the block may leave (branches,
 * jumps) or something else than a load or store may run in a helper. A load
 * or store's data access may reach the TLB model between two fetches of a
 * group, but the fetches after the first are repeat hits on the last fetch
 * page, which touch only the L1 I-TLB's hit counts, so crediting them first
 * changes nothing; if the access stops the block, emit_check_exit takes
 * the fetches of the instructions after it back. Not while tlb_hit is
 * traced: then each fetch is an event, which must come after the data
 * accesses of the instructions before it. */
static int exact_barrier(const struct jit *j, const vm_rv_insn *d)
{
    int size, sign, fp;
    if (is_load(d->op, &size, &sign, &fp) || is_store(d->op, &size, &fp)) return j->hit_events;
    switch (vm_rv_op_class(d->op)) {
    case VM_RV_CLASS_ALU: case VM_RV_CLASS_MUL: case VM_RV_CLASS_DIV: return 0; /* all native */
    case VM_RV_CLASS_BRANCH: case VM_RV_CLASS_JUMP: return 1; /* a superblock may leave there */
    }
    return 1;
}

/* Exact mode: the fetches of instructions i.. up to and including the next
 * barrier (exact_barrier), all on one page, made at once: the interpreter
 * would make them in the same order, with nothing in between that changes
 * how the TLB model counts them. Inline: a repeat of the last fetch page is credited as
 * k hits (what vm_mem_ptr's exact path does k times); else a helper makes
 * them one by one. A straddling instruction is a group of its own. */
static void emit_fetches(x86_buf *b, struct jit *j, struct ra *ra, const struct jblock *blk,
                         uint32_t i, uint32_t *group_end)
{
    const struct jinsn *ji = &blk->ins[i];
    uint64_t page = ji->pc >> VM_PAGE_SHIFT;
    uint32_t e = i;
    for (;;) {
        const struct jinsn *x = &blk->ins[e];
        if (x->pc >> VM_PAGE_SHIFT != page) break;
        if (x->d.len == 4 && (x->pc & VM_PAGE_MASK) == VM_PAGE_SIZE - 2) {
            if (e == i) e++; /* straddles: alone */
            break;
        }
        e++;
        if (e == blk->n || exact_barrier(j, &x->d)) break;
    }
    uint32_t k = e - i;
    *group_end = e;
    for (uint32_t x = i; x < e; x++) j->fetched_after[x] = (uint8_t)(e - x - 1);
    int straddle = ji->d.len == 4 && (ji->pc & VM_PAGE_MASK) == VM_PAGE_SIZE - 2;
    size_t slow[2];
    if (!straddle) {
        x86_mov_imm(b, RCX, page);
        x86_alu_rm(b, ALU_CMP, RCX, R15, LAST(1, vpn));
        size_t other = x86_jcc(b, CC_NE);
        x86_test_mi8(b, R15, LAST(1, ok), 1u << VM_ACC_FETCH);
        slow[0] = x86_jcc(b, CC_E);
        size_t ahit = x86_len(b);
        x86_alu_mi(b, ALU_ADD, R15, LAST(1, n), (int32_t)k);
        x86_store_imm(b, R15, BMRU(1), 0);
        cold_pair(j, other, ahit, x86_len(b), 1, VM_ACC_FETCH, k);
        cold_call(j, slow, 1, x86_len(b), (const void *)jit_fetch_group, ji, k, ra, ra);
        return;
    }
    spill(b, ra);
    x86_store64(b, RBX, OFF_REM, R13);
    x86_mov_rr(b, RDI, RBX);
    x86_mov_imm(b, RSI, (uint64_t)(uintptr_t)ji);
    x86_mov_imm(b, RDX, k);
    x86_call_abs(b, (const void *)jit_fetch_group);
    emit_check_exit(b, j, i);
    reload(b, ra);
}

/* Host code for block `blk` at the cache's current end. 0, or -1 if it did not fit. */
static int emit_block(struct jit *j, struct jblock *blk)
{
    x86_buf b;
    size_t start = j->cc.used, room = j->cc.size - start;
    x86_init(&b, j->cc.rw, start + (room < MAX_BLOCK_CODE ? room : MAX_BLOCK_CODE));
    b.p = j->cc.rw + start;
    uint32_t n = blk->n;
    size_t offs[VM_BLOCK_MAX + 2]; /* where each instruction's code starts, then the tail */
    size_t tail = 0;
    struct ra ra;
    ra_init(&ra, blk);

    /* the budget: a block runs whole or not at all */
    x86_alu_ri(&b, ALU_CMP, R13, (int32_t)n, 1);
    size_t fits = x86_jcc(&b, CC_AE);
    x86_mov_imm(&b, RAX, blk->pc);
    x86_store64(&b, RBP, OFF_PC, RAX);
    emit_exit(&b, j, EXIT_LOOKUP);
    x86_patch_rel32(&b, fits, x86_len(&b));

    /* Native FP operations with the dynamic rounding mode need frm == RNE:
     * checked once here (a CSR access to frm leaves the block, see
     * jit_helper); otherwise the block runs through the fallback. */
    j->frm_checked = 0;
    uint32_t loaded = 0;
    j->stride = 0;
    for (uint32_t i = 0; i < n && !j->traced; i++) {
        const vm_rv_insn *d = &blk->ins[i].d;
        int c = vm_rv_op_class(d->op);
        if (d->rm == 7 && c == VM_RV_CLASS_FP) j->frm_checked = 1;
        if (c == VM_RV_CLASS_LOAD || c == VM_RV_CLASS_AMO) loaded |= 1u << d->rd;
        if (d->op == VM_RV_ADDI && d->rd == d->rs1) j->stride |= 1u << d->rd;
    }
    j->stride &= ~loaded;
    if (j->frm_checked) {
        x86_cmp_mi(&b, RBP, (int32_t)offsetof(vm_cpu, frm), 0, 4);
        size_t rne = x86_jcc(&b, CC_E);
        x86_mov_imm(&b, RAX, blk->pc);
        x86_store64(&b, RBP, OFF_PC, RAX);
        emit_exit(&b, j, EXIT_FALLBACK);
        x86_patch_rel32(&b, rne, x86_len(&b));
    }
    /* A block that jumps back to its own entry loads its registers here, and
     * its back edges come to the body with them in place (emit_loop). */
    j->loop = 0;
    j->loop_pc = blk->pc;
    j->loop_n = n;
    for (uint32_t i = 0; i < n && !j->traced && !j->nbreak; i++) {
        const vm_rv_insn *d = &blk->ins[i].d;
        uint64_t target = blk->ins[i].pc + (uint64_t)d->imm;
        if ((vm_rv_op_class(d->op) == VM_RV_CLASS_BRANCH || (d->op == VM_RV_JAL && i + 1 == n)) &&
            target == blk->pc)
            j->loop = 1;
    }
    if (j->loop) {
        /* supersets of what the block writes: rd of every instruction but
         * those whose rd field is not a destination (branches, stores) for x,
         * of the FP instructions and FP loads for f */
        uint32_t xw = 0, fw = 0;
        for (uint32_t i = 0; i < n; i++) {
            int c = vm_rv_op_class(blk->ins[i].d.op);
            uint32_t bit = 1u << blk->ins[i].d.rd;
            if (c != VM_RV_CLASS_BRANCH && c != VM_RV_CLASS_STORE && c != VM_RV_CLASS_FSTORE) xw |= bit;
            if (c == VM_RV_CLASS_FP || c == VM_RV_CLASS_FLOAD) fw |= bit;
        }
        ra.valid = cached_x(&ra);
        ra.fvalid = cached_f(&ra);
        ra.dirty = ra.valid & xw;
        ra.fdirty = ra.fvalid & fw;
        reload(&b, &ra);
        j->loop = x86_len(&b);
    }
    if (j->traced) { /* block_exec, then every instruction by the helper (which traces) */
        x86_mov_rr(&b, RDI, RBX);
        x86_mov_imm(&b, RSI, (uint64_t)(uintptr_t)blk);
        x86_call_abs(&b, (const void *)jit_trace_block);
    }
    uint32_t group_end = 0; /* exact mode: instructions [i, group_end) have their fetches made */
    j->fwd_mask = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct jinsn *ji = &blk->ins[i];
        const vm_rv_insn *d = &ji->d;
        uint64_t pc = ji->pc;
        int size, sign, fp;
        offs[i] = x86_len(&b);
        if (j->fwd_mask >> i & 1) { /* forward branches join here: meet their states */
            ra_meet(&j->fwd[i], &ra);
            ra_to(&b, &ra, &j->fwd[i]);
            ra = j->fwd[i];
            j->fwd_label[i] = x86_len(&b);
        }
        if (j->exact && i >= group_end) emit_fetches(&b, j, &ra, blk, i, &group_end);
        if (j->traced) {
            emit_helper(&b, j, &ra, ji);
            continue;
        }
        int cls = vm_rv_op_class(d->op);
        if (cls == VM_RV_CLASS_BRANCH) {
            static const int ccs[] = {CC_E, CC_NE, CC_L, CC_GE, CC_B, CC_AE};
            int s1 = rget(&b, &ra, d->rs1, RAX);
            int mid = i + 1 < n; /* a superblock goes on at the fall-through */
            if (!mid) x86_alu_ri(&b, ALU_SUB, R13, (int32_t)n, 1); /* (before the flags) */
            if (d->rs2 == 0) x86_alu_ri(&b, ALU_CMP, s1, 0, 1);
            else if (ra.host[d->rs2] >= 0 && (ra.valid & (1u << d->rs2)))
                x86_alu_rr(&b, ALU_CMP, s1, ra.host[d->rs2], 1);
            else x86_alu_rm(&b, ALU_CMP, s1, RBP, XR(d->rs2));
            int cc = ccs[d->op - VM_RV_BEQ];
            if (j->loop && pc + (uint64_t)d->imm == blk->pc) {
                /* a back edge: the loop goes on inline, with one taken branch */
                size_t stay = x86_jcc(&b, cc ^ 1); /* (the opposite condition) */
                if (mid) x86_alu_ri(&b, ALU_SUB, R13, (int32_t)(i + 1), 1);
                struct ra at = ra;
                emit_loop(&b, j, &at);
                x86_patch_rel32(&b, stay, x86_len(&b));
                if (mid) continue;
                spill(&b, &ra);
                emit_goto(&b, j, pc + d->len);
                goto done;
            }
            size_t taken = x86_jcc(&b, cc);
            if (mid) {
                /* a target further on in this block (not in exact mode, whose
                 * fetch credits run in groups): a jump inside the block, the
                 * skipped instructions given back to r13 */
                uint32_t k = i + 1;
                while (k < n && blk->ins[k].pc != pc + (uint64_t)d->imm) k++;
                if (k < n && !j->exact && k < 64) {
                    if (j->fwd_mask >> k & 1) ra_meet(&j->fwd[k], &ra);
                    else j->fwd[k] = ra;
                    j->fwd_mask |= 1ull << k;
                    cold_fwd(j, taken, &ra, k, k - i - 1);
                } else {
                    cold_exit(j, taken, &ra, pc + (uint64_t)d->imm, i + 1);
                }
                continue;
            }
            spill(&b, &ra);
            emit_goto(&b, j, pc + d->len);
            x86_patch_rel32(&b, taken, x86_len(&b));
            spill(&b, &ra);
            emit_goto(&b, j, pc + (uint64_t)d->imm);
            goto done;
        }
        if (d->op == VM_RV_JAL) {
            rput_imm(&b, &ra, d->rd, pc + d->len);
            if (i + 1 < n) continue; /* a superblock goes on at the target */
            int back = j->loop && pc + (uint64_t)d->imm == blk->pc;
            if (!back) spill(&b, &ra);
            x86_alu_ri(&b, ALU_SUB, R13, (int32_t)n, 1);
            if (back) emit_loop(&b, j, &ra);
            else emit_goto(&b, j, pc + (uint64_t)d->imm);
            goto done;
        }
        if (d->op == VM_RV_JALR) {
            int s = rget(&b, &ra, d->rs1, RAX);
            x86_lea(&b, RAX, s, (int32_t)d->imm);
            x86_alu_ri(&b, ALU_AND, RAX, -2, 1);
            if (d->rd) {
                int t = rdst(&ra, d->rd, RCX);
                x86_mov_imm(&b, t, pc + d->len);
                rput(&b, &ra, d->rd, t);
            }
            spill(&b, &ra);
            x86_alu_ri(&b, ALU_SUB, R13, (int32_t)n, 1);
            x86_store64(&b, RBP, OFF_PC, RAX);
            if (!j->nbreak) { /* probe the indirect table */
                x86_mov_rr(&b, RCX, RAX);
                x86_shift_ri(&b, SH_SHR, RCX, 1, 1);
                x86_alu_ri(&b, ALU_AND, RCX, (1 << JT_BITS) - 1, 0);
                x86_shift_ri(&b, SH_SHL, RCX, 4, 0);
                x86_alu_rr(&b, ALU_ADD, RCX, RBX, 1);
                x86_alu_rm(&b, ALU_CMP, RAX, RCX, OFF_JT);
                size_t miss = x86_jcc(&b, CC_NE);
                x86_load64(&b, RCX, RCX, OFF_JT + 8);
                x86_jmp_reg(&b, RCX);
                x86_patch_rel32(&b, miss, x86_len(&b));
            }
            emit_exit(&b, j, EXIT_LOOKUP);
            goto done;
        }
        if (is_load(d->op, &size, &sign, &fp)) {
            emit_mem(&b, j, &ra, ji, 0, size, sign, fp);
            continue;
        }
        if (is_store(d->op, &size, &fp)) {
            emit_mem(&b, j, &ra, ji, 1, size, 0, fp);
            continue;
        }
        if (cls == VM_RV_CLASS_AMO && d->imm == 0) {
            int w = d->op >= VM_RV_LR_W && d->op <= VM_RV_AMOMAXU_W;
            emit_mem(&b, j, &ra, ji, d->op != VM_RV_LR_W && d->op != VM_RV_LR_D, w ? 4 : 8, 0, 0);
            continue;
        }
        if (emit_alu(&b, &ra, d, pc)) continue;
        if (emit_csr(&b, j, &ra, ji)) continue;
        if (emit_fp(&b, j, &ra, ji)) continue;
        emit_helper(&b, j, &ra, ji);
    }
    /* fell off the end (length limit, or an instruction that ends blocks
     * without jumping: atomics, fence, ecall's successor...) */
    tail = x86_len(&b);
    spill(&b, &ra);
    x86_alu_ri(&b, ALU_SUB, R13, (int32_t)n, 1);
    emit_goto(&b, j, blk->end);
done:
    emit_cold(&b, j);
    if (b.bad) return -1;
    blk->code = j->cc.rx + start;
    if (j->dump) {
        if (!tail) tail = x86_len(&b);
        for (uint32_t i = 0; i < n; i++)
            if (i + 1 == n || offs[i + 1] > tail) offs[i + 1] = tail;
        offs[n + 1] = x86_len(&b);
        dump_block(j, blk, start, offs);
    }
    j->host_bytes += x86_len(&b) - start;
    j->cc.used = x86_len(&b);
    j->cc.used = (j->cc.used + 15) & ~(size_t)15;
    if (j->cc.used > j->cc.size) j->cc.used = j->cc.size;
    return 0;
}

/* Translate the block at pc. NULL and *fault = 1: its first fetch faults
 * (*f); NULL and *fault = 0: it cannot be translated (run it by the
 * fallback). */
static struct jblock *jit_translate(struct jit *j, uint64_t pc, vm_mem_fault *f, int *fault)
{
    uint64_t t0 = now_ns(), host0 = j->host_bytes;
    vm_rv_insn d[VM_BLOCK_MAX];
    uint64_t ipc[VM_BLOCK_MAX], seg[MAX_SEG][2];
    vm_tracer *tr = j->h->trace;
    j->traced = tr && (VM_TRACE_ON(tr, insn) || VM_TRACE_ON(tr, mem_read) ||
                       VM_TRACE_ON(tr, mem_write) || VM_TRACE_ON(tr, block_exec));
    j->hit_events = tr && VM_TRACE_ON(tr, tlb_hit);
    int n = 0, nseg = 0, amo_cont = 0; /* atomics end decoded blocks (block.c), not ours */
    uint64_t p = pc;
    *fault = 0;
    for (;;) {
        uint64_t end;
        vm_mem_fault f2;
        int k = vm_block_decode(j->h, p, VM_BLOCK_MAX - n, j->exact, d + n, &end, nseg ? &f2 : f);
        if (k == 0) {
            if (nseg) break;
            *fault = 1;
            return NULL;
        }
        for (int i = 0; i < k; i++) ipc[n + i] = i ? ipc[n + i - 1] + d[n + i - 1].len : p;
        n += k;
        if (nseg && seg[nseg - 1][1] == p && amo_cont) { /* the same run, after an atomic */
            seg[nseg - 1][1] = end;
        } else {
            seg[nseg][0] = p;
            seg[nseg][1] = end;
            nseg++;
        }
        const vm_rv_insn *last = &d[n - 1];
        uint64_t next;
        amo_cont = vm_rv_op_class(last->op) == VM_RV_CLASS_AMO;
        if (vm_rv_op_class(last->op) == VM_RV_CLASS_BRANCH || amo_cont) next = end;
        else if (last->op == VM_RV_JAL) next = ipc[n - 1] + (uint64_t)last->imm;
        else break;
        if (!j->superblocks || j->traced || nseg == MAX_SEG || n + 4 > VM_BLOCK_MAX || j->nbreak)
            break;
        int seen = 0;
        for (int s = 0; s < nseg; s++) seen |= next >= seg[s][0] && next < seg[s][1];
        if (seen) break; /* a loop: the block's own entry or body */
        /* the quiet decode of the exact mode must not fault: that would make
         * a counted fetch the guest may never make */
        uint16_t h16;
        if (j->exact && (vm_mem_read_force(j->mem, next, &h16, 2) ||
                         ((h16 & 3) == 3 && vm_mem_read_force(j->mem, next + 2, &h16, 2))))
            break;
        p = next;
    }
    size_t msize = sizeof(struct jblock) + sizeof(struct jinsn) * (size_t)n;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt || j->meta_used + msize > META_SIZE || j->cc.size - j->cc.used < 256) jit_flush(j);
        int added = 0;
        while (added < nseg && !vm_codepages_add(&j->cp, seg[added][0], seg[added][1], +1)) added++;
        if (added < nseg) {
            while (added--) vm_codepages_add(&j->cp, seg[added][0], seg[added][1], -1);
            continue;
        }
        struct jblock *blk = (struct jblock *)(j->meta + j->meta_used);
        blk->pc = pc;
        blk->end = seg[nseg - 1][1];
        blk->n = (uint32_t)n;
        blk->nseg = (uint32_t)nseg;
        memcpy(blk->seg, seg, sizeof seg[0] * (size_t)nseg);
        for (int i = 0; i < n; i++) {
            blk->ins[i].d = d[i];
            blk->ins[i].pc = ipc[i];
            blk->ins[i].idx = (uint64_t)i;
            blk->ins[i].leave = leaves(&d[i]);
        }
        if (emit_block(j, blk)) {
            for (int s = 0; s < nseg; s++) vm_codepages_add(&j->cp, seg[s][0], seg[s][1], -1);
            continue;
        }
        j->meta_used += msize;
        for (int s = 0; s < nseg; s++) vm_mem_drop_stores(j->mem, seg[s][0], seg[s][1] - seg[s][0]);
        unsigned hs = hslot(pc);
        blk->hnext = j->ht[hs];
        j->ht[hs] = blk;
        j->jt[jslot(pc)].pc = pc;
        j->jt[jslot(pc)].code = blk->code;
        j->blocks++;
        j->live_blocks++;
        uint64_t gsize = 0;
        for (int s = 0; s < nseg; s++) gsize += seg[s][1] - seg[s][0];
        VM_TRACE(j->h->trace, block_translate, pc, gsize, j->host_bytes - host0);
        uint64_t dt = now_ns() - t0;
        j->translate_ns += dt;
        j->h->translate_ns += dt; /* the machine's host-time split (doc/trace.md) */
        j->h->translations++;
        return blk;
    }
    j->translate_ns += now_ns() - t0;
    return NULL;
}

/* Patch the chain site (a rel32 in the executable view) to jump to blk. */
static void jit_link(struct jit *j, uint8_t *site, const struct jblock *blk)
{
    size_t field = (size_t)(site - j->cc.rx);
    x86_write_rel32(j->cc.rw, field, (size_t)(blk->code - j->cc.rx));
    j->chain_links++;
}

/* {==== the dispatcher ================================================== */

/* Run k instructions of the block at pc one at a time (the budget ends
 * inside it, or it could not be translated). Returns -1 to go on, or a stop. */
static int jit_fallback(struct jit *j, const struct jinsn *ins, int k)
{
    vm_cpu *c = &j->h->cpu;
    for (int i = 0; i < k; i++) {
        struct jinsn ji = ins[i];
        uint64_t next;
        if (ji.pc != c->pc) return -1; /* a branch left the superblock */
        ji.idx = 0;
        if (j->exact && jit_fetch(j, &ji) != H_CONT) return VM_STOP_TRAP;
        int r = jit_exec(j, &ji.d, ji.pc, 0, &next);
        j->fallback_insns++;
        if (r == H_TRAP) return VM_STOP_TRAP;
        j->remaining--;
        if (r == H_RETIRED) return j->stop;
        c->pc = next;
    }
    return -1;
}

static int jit_run(void *st, vm_hart *h, uint64_t budget)
{
    struct jit *j = st;
    vm_cpu *c = &h->cpu;
    int stop = VM_STOP_BUDGET;
    vm_mem_fault f;
    j->h = h;
    j->cpu = c;
    j->mem = h->mem;
    j->budget = j->remaining = budget;
    uint32_t host_fp = vm_fpu_enter();
    /* no cached store may reach a page with translated code (see emit_mem):
     * such entries made between runs (system calls, another engine) go; the
     * others stay, so that splitting a run does not change fast mode's
     * TLB statistics */
    vm_mem_set_code_pages(h->mem, j->cpcnt, (1u << VM_CODEPAGE_BITS) - 1);
    if (vm_hart_fetch_exact(h) != j->exact || (h->nbreak != 0) != j->nbreak) {
        jit_flush(j);
        j->exact = vm_hart_fetch_exact(h);
        j->nbreak = h->nbreak != 0;
    }
    for (;;) {
        if (j->flush_pending) jit_flush(j);
        if (j->remaining == 0) break;
        uint64_t pc = c->pc;
        if (__builtin_expect(h->nbreak != 0, 0) && vm_hart_is_break(h, pc)) {
            if (pc != h->break_resume) {
                stop = VM_STOP_BREAK;
                break;
            }
            h->break_resume = 1;
        }
        j->lookups++;
        struct jblock *blk = jit_lookup(j, pc);
        if (!blk) {
            int fault;
            blk = jit_translate(j, pc, &f, &fault);
            if (!blk) {
                if (fault) {
                    vm_eng_set_fault(c, VM_ACC_FETCH, &f);
                    stop = VM_STOP_TRAP;
                    break;
                }
                vm_rv_insn d[1];
                uint64_t end;
                int k = vm_block_decode(h, pc, 1, j->exact, d, &end, &f);
                struct jinsn one = {.d = d[0], .pc = pc, .idx = 0};
                int r = jit_fallback(j, &one, k);
                if (r >= 0) {
                    stop = r;
                    break;
                }
                continue;
            }
        }
        if (blk->n > j->remaining) {
            int r = jit_fallback(j, blk->ins, (int)j->remaining);
            if (r >= 0) {
                stop = r;
                break;
            }
            continue;
        }
        int why = j->enter(j, blk->code);
        if (why == EXIT_FALLBACK) { /* frm is not RNE: the helper runs the block */
            uint64_t k = blk->n < j->remaining ? blk->n : j->remaining;
            int r = jit_fallback(j, blk->ins, (int)k);
            if (r >= 0) {
                stop = r;
                break;
            }
            continue;
        }
        if (why == EXIT_STOP) {
            if (j->stop >= 0) {
                stop = j->stop;
                break;
            }
        } else if (why == EXIT_CHAIN && !j->flush_pending) {
            uint8_t *site = j->chain_site;
            uint64_t gen = j->flushes;
            struct jblock *to = jit_lookup(j, c->pc);
            if (!to) {
                int fault;
                to = jit_translate(j, c->pc, &f, &fault);
            }
            if (to && gen == j->flushes) jit_link(j, site, to);
        }
    }
    c->x[0] = 0;
    vm_mem_set_code_pages(h->mem, NULL, 0);
    vm_fpu_leave(c, host_fp);
    c->insns += budget - j->remaining;
    return stop;
}

/* {==== the engine ====================================================== */

/* The exact mode's search of vm_mem.prev for an access of type acc to the
 * page in rcx, called from blocks' slow paths (COLD_PAIR): on a hit, bring
 * the entry into `last`, move the pair's older entry out to its slot,
 * stamped (as vm_mem_access_slow does), and return with ZF set; else ZF
 * clear. No helper call (which would spill the cached guest registers).
 * Clobbers rax and xmm0 only. */
static void emit_prev_stub(x86_buf *b, struct jit *j, int acc)
{
    int k = acc == VM_ACC_FETCH;
    j->prev_stub[acc] = x86_len(b);
    size_t found[VM_RECENT - 2], miss[VM_RECENT - 2];
    for (int i = 0; i < VM_RECENT - 2; i++) {
        x86_alu_rm(b, ALU_CMP, RCX, R15, PREV(k, i, vpn));
        size_t next = x86_jcc(b, CC_NE);
        x86_test_mi8(b, R15, PREV(k, i, ok), (uint8_t)(1u << acc));
        miss[i] = x86_jcc(b, CC_E);
        x86_lea(b, RAX, R15, PREV(k, i, vpn));
        found[i] = x86_jmp(b);
        x86_patch_rel32(b, next, x86_len(b));
    }
    for (int i = 0; i < VM_RECENT - 2; i++) x86_patch_rel32(b, miss[i], x86_len(b));
    x86_alu_rr(b, ALU_OR, RSP, RSP, 1); /* ZF clear: rsp is not 0 */
    x86_ret(b);
    for (int i = 0; i < VM_RECENT - 2; i++) x86_patch_rel32(b, found[i], x86_len(b));
    x86_push(b, RDX);
    x86_cmp_mi(b, R15, BMRU(k), 0, 8);
    size_t b_newer = x86_jcc(b, CC_NE);
    /* `last` is newer: slot <- second, second <- last, last <- slot */
    for (int32_t o = 0; o < (int32_t)sizeof(struct vm_last); o += 8) {
        x86_load64(b, RDX, RAX, o);
        x86_movq_xm(b, 0, R15, SECOND(k, vpn) + o);
        x86_movq_mx(b, RAX, o, 0);
        x86_movq_xm(b, 0, R15, LAST(k, vpn) + o);
        x86_movq_mx(b, R15, SECOND(k, vpn) + o, 0);
        x86_store64(b, R15, LAST(k, vpn) + o, RDX);
    }
    size_t done = x86_jmp(b);
    x86_patch_rel32(b, b_newer, x86_len(b));
    /* `second` is newer: slot <-> last */
    for (int32_t o = 0; o < (int32_t)sizeof(struct vm_last); o += 8) {
        x86_load64(b, RDX, RAX, o);
        x86_movq_xm(b, 0, R15, LAST(k, vpn) + o);
        x86_movq_mx(b, RAX, o, 0);
        x86_store64(b, R15, LAST(k, vpn) + o, RDX);
    }
    x86_patch_rel32(b, done, x86_len(b));
    x86_load64(b, RDX, R15, CLOCK(k));
    x86_alu_ri(b, ALU_ADD, RDX, 1, 1);
    x86_store64(b, R15, CLOCK(k), RDX);
    x86_store64(b, RAX, (int32_t)offsetof(struct vm_last, stamp), RDX);
    x86_pop(b, RDX);
    x86_alu_rr(b, ALU_CMP, RAX, RAX, 1); /* ZF set */
    x86_ret(b);
}

/* The prologue (enter) and the common epilogue at the start of the cache,
 * then the `prev` search stubs. */
static int emit_prologue(struct jit *j)
{
    x86_buf b;
    x86_init(&b, j->cc.rw, 16384);
    static const int saved[] = {RBX, RBP, R12, R13, R14, R15};
    for (int i = 0; i < 6; i++) x86_push(&b, saved[i]);
    x86_alu_ri(&b, ALU_SUB, RSP, 8, 1); /* 16-byte alignment for helper calls */
    x86_mov_rr(&b, RBX, RDI);
    x86_load64(&b, RBP, RBX, OFF_CPU);
    x86_load64(&b, R13, RBX, OFF_REM);
    x86_load64(&b, R15, RBX, OFF_MEM);
    x86_jmp_reg(&b, RSI);
    j->exit_off = x86_len(&b);
    x86_store64(&b, RBX, OFF_REM, R13);
    x86_alu_ri(&b, ALU_ADD, RSP, 8, 1);
    for (int i = 5; i >= 0; i--) x86_pop(&b, saved[i]);
    x86_ret(&b);
    for (int acc = 0; acc < 3; acc++) emit_prev_stub(&b, j, acc);
    if (b.bad) return -1;
    j->prologue_end = (x86_len(&b) + 15) & ~(size_t)15;
    uint8_t *entry = j->cc.rx;
    memcpy(&j->enter, &entry, sizeof entry);
    return 0;
}

static void jit_destroy(void *st)
{
    struct jit *j = st;
    if (!j) return;
    vm_jit_cache_fini(&j->cc);
    if (j->dump) fclose(j->dump);
    free(j->meta);
    free(j->cold);
    free(j->fwd);
    free(j->fwd_label);
    free(j);
}

static void *jit_create(vm_hart *h, vm_error *err)
{
    struct jit *j = calloc(1, sizeof *j);
    if (!j) goto nomem;
    j->h = h;
    j->meta = malloc(META_SIZE);
    j->cold = malloc(sizeof *j->cold * MAX_COLD);
    j->fwd = malloc(sizeof *j->fwd * VM_BLOCK_MAX);
    j->fwd_label = malloc(sizeof *j->fwd_label * VM_BLOCK_MAX);
    if (!j->meta || !j->cold || !j->fwd || !j->fwd_label) goto nomem;
    j->cp.cnt = j->cpcnt;
    if (vm_jit_cache_init(&j->cc, CACHE_SIZE, err)) {
        jit_destroy(j);
        return NULL;
    }
    if (emit_prologue(j)) goto nomem;
    j->exact = vm_hart_fetch_exact(h);
    j->nbreak = h->nbreak != 0;
    j->superblocks = 1;
    for (unsigned a = 0; a < 64; a++)
        j->fftab[a] = (uint8_t)(((a & 1) ? VM_FF_NV : 0) | ((a & 4) ? VM_FF_DZ : 0) |
                                ((a & 8) ? VM_FF_OF : 0) | ((a & 16) ? VM_FF_UF : 0) |
                                ((a & 32) ? VM_FF_NX : 0));
    j->fma = __builtin_cpu_supports("fma");
    static const uint8_t cls_pos[6] = {4, 5, 6, 7, 8, 9}, cls_neg[6] = {3, 2, 1, 0, 8, 9};
    for (int k = 0; k < 6; k++) { /* zero, subnormal, normal, inf, sNaN, qNaN */
        j->fclass_tab[k] = (uint16_t)(1u << cls_pos[k]);
        j->fclass_tab[16 + k] = (uint16_t)(1u << cls_neg[k]);
    }
    jit_flush(j);
    j->flushes = 0;
    return j;
nomem:
    jit_destroy(j);
    vm_error_set(err, VM_ENOMEM, "jit: out of host memory");
    return NULL;
}

static int jit_step(void *st, vm_hart *h) { return jit_run(st, h, 1); }

/* Code in [va, va+len) changed or went away: flush if a block overlaps it. */
static void jit_invalidate(void *st, uint64_t va, uint64_t len)
{
    struct jit *j = st;
    if (!len) len = 1;
    uint64_t end = va + len < va ? UINT64_MAX : va + len;
    for (size_t off = 0; off < j->meta_used;) {
        struct jblock *b = (struct jblock *)(j->meta + off);
        off += sizeof *b + sizeof(struct jinsn) * b->n;
        if (blk_overlaps(b, va, end)) {
            jit_flush(j);
            return;
        }
    }
}

static int jit_stats(void *st, char *buf, size_t size)
{
    struct jit *j = st;
    return snprintf(buf, size,
                    "\"blocks_translated\": %llu, \"host_bytes\": %llu, \"chain_links\": %llu, "
                    "\"dispatches\": %llu, \"cache_flushes\": %llu, \"helper_calls\": %llu, "
                    "\"fallback_insns\": %llu, \"translate_s\": %.6f",
                    (unsigned long long)j->blocks, (unsigned long long)j->host_bytes,
                    (unsigned long long)j->chain_links, (unsigned long long)j->lookups,
                    (unsigned long long)j->flushes, (unsigned long long)j->helper_calls,
                    (unsigned long long)j->fallback_insns, (double)j->translate_ns * 1e-9);
}

/* "dump" FILE: write every block translated from now on to FILE ("-": stderr).
 * "cache" BYTES: a new, empty code cache of that size. */
static int jit_option(void *st, const char *key, const char *value, vm_error *err)
{
    struct jit *j = st;
    if (!strcmp(key, "cache")) { /* code cache size in bytes (tests use tiny ones) */
        char *end;
        unsigned long long v = strtoull(value, &end, 0);
        if (*end || v < 4096 || v > (1ull << 30))
            return vm_error_set(err, VM_EINVAL, "jit: cache size %s: not 4096..2^30 bytes", value);
        vm_jit_cache nc;
        if (vm_jit_cache_init(&nc, (size_t)(v + VM_PAGE_MASK) & ~(size_t)VM_PAGE_MASK, err)) return -1;
        vm_jit_cache_fini(&j->cc);
        j->cc = nc;
        if (emit_prologue(j)) return vm_error_set(err, VM_ENOMEM, "jit: cache too small");
        jit_flush(j);
        return 0;
    }
    if (!strcmp(key, "superblocks")) { /* translate through branches and jal (default on) */
        int on = !strcmp(value, "on") || !strcmp(value, "1");
        if (!on && strcmp(value, "off") && strcmp(value, "0"))
            return vm_error_set(err, VM_EINVAL, "jit: superblocks %s: expected on or off", value);
        j->superblocks = on;
        jit_flush(j);
        return 0;
    }
    if (strcmp(key, "dump"))
        return vm_error_set(err, VM_EINVAL, "jit: no option '%s' (options: dump, cache, superblocks)",
                            key);
    if (!vm_x86_available())
        return vm_error_set(err, VM_EINVAL, "jit: dump needs Zydis (this vmlab was built without)");
    FILE *f = strcmp(value, "-") ? fopen(value, "w") : fdopen(dup(2), "w");
    if (!f) return vm_error_set(err, VM_EIO, "jit: dump file %s: cannot open it", value);
    if (j->dump) fclose(j->dump);
    j->dump = f;
    return 0;
}

const vm_engine_ops vm_engine_jit = {
    .name = "jit",
    .create = jit_create,
    .run = jit_run,
    .step = jit_step,
    .invalidate = jit_invalidate,
    .stats = jit_stats,
    .destroy = jit_destroy,
    .option = jit_option,
};
