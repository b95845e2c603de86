/*
 * engine_random: a randomized differential test of the fast engines against
 * the reference interpreter, from identical states.
 *
 * Each case builds a random straight-line-and-forward-branch RV64GC program
 * (integer ALU and M ops with edge values, loads and stores of every width,
 * aligned or not, atomics and LR/SC, forward branches, jal, jalr, F/D arithmetic with
 * static and dynamic rounding modes, CSR accesses, an occasional trap) ending
 * in ecall, random registers, fflags and frm, and a random data page. It runs
 * under interp and under each engine named (default: threaded and jit) in a
 * fresh address space of the same content — bare, sv39 exact and sv39 fast
 * in turn; every fourth case with a tiny JIT code cache, so that it flushes
 * and sometimes runs a block through its fallback — once to the ecall and
 * once with a random smaller budget, and compares the stop reason, pc,
 * retired count, trap, every register, fcsr, the data page, and in the TLB
 * model's exact mode its statistics. The first differences are printed with
 * the case's seed.
 *
 * Usage: engine_random [CASES [SEED [ENGINE...]]]   (default 300 cases, seed 1)
 * Exit 0 when every case agrees, 1 otherwise, 77 without the engines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/engine.h"

#define CODE_VA 0x10000ull
#define DATA_VA 0x40000ull
#define MAXI 400
#define LIMIT 100000 /* programs only jump forward; a loop is a bug, found as a difference */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t i_type(int imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t s_type(int imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | opc;
}
static uint32_t b_type(int off, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 63) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((u >> 1) & 15) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static uint32_t j_type(int off, unsigned rd)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

/* registers: x31 holds DATA_VA + 2048 and x30 CODE_VA (jalr's base); neither is written */
static unsigned rd_(void) { return rn(30); }      /* x0..x29 */
static unsigned rs_(void) { return rn(32); }      /* any */

static int gen(uint32_t *code)
{
    int n = 0, want = 20 + (int)rn(MAXI - 40);
    while (n < want) {
        unsigned k = rn(100);
        if (k < 25) { /* OP / OP-32 incl. M */
            static const unsigned f37[][2] = {{0, 0}, {0, 0x20}, {1, 0}, {2, 0}, {3, 0}, {4, 0},
                                              {5, 0}, {5, 0x20}, {6, 0}, {7, 0}, {0, 1}, {1, 1},
                                              {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}};
            static const unsigned w37[][2] = {{0, 0}, {0, 0x20}, {1, 0}, {5, 0}, {5, 0x20},
                                              {0, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}};
            unsigned w = rn(3) == 0, i = rn(w ? 10 : 18);
            if (w) {
                code[n++] = r_type(w37[i][1], rs_(), rs_(), w37[i][0], rd_(), 0x3b);
                continue;
            }
            code[n++] = r_type(f37[i][1], rs_(), rs_(), f37[i][0], rd_(), w ? 0x3b : 0x33);
        } else if (k < 45) { /* OP-IMM / OP-IMM-32 */
            unsigned w = rn(3) == 0, f3 = rn(8);
            if (w && f3 != 0 && f3 != 1 && f3 != 5) f3 = 0;
            int imm = (int)rn(4096) - 2048;
            if (f3 == 1) imm = (int)rn(w ? 32 : 64);
            if (f3 == 5) imm = (int)rn(w ? 32 : 64) | (rn(2) ? 0x400 : 0);
            code[n++] = i_type(imm, rs_(), f3, rd_(), w ? 0x1b : 0x13);
        } else if (k < 50) { /* lui/auipc */
            code[n++] = ((uint32_t)rnd() & 0xfffff000u) | rd_() << 7 | (rn(2) ? 0x37 : 0x17);
        } else if (k < 62) { /* loads (int and fp) around the data page */
            int imm = (int)rn(4088) - 2048;
            if (rn(3)) imm &= ~7;
            if (rn(5) == 0) {
                code[n++] = i_type(imm & ~7, 31, rn(2) ? 2 : 3, rn(32), 0x07);
            } else {
                static const unsigned f3s[] = {0, 1, 2, 3, 4, 5, 6};
                code[n++] = i_type(imm, 31, f3s[rn(7)], rd_(), 0x03);
            }
        } else if (k < 72) { /* stores */
            int imm = (int)rn(4088) - 2048;
            if (rn(3)) imm &= ~7;
            if (rn(5) == 0) code[n++] = s_type(imm & ~7, rn(32), 31, rn(2) ? 2 : 3, 0x27);
            else code[n++] = s_type(imm, rs_(), 31, rn(4), 0x23);
        } else if (k < 75) { /* atomics on aligned data: base x31 itself; LR/SC */
            static const unsigned f5[] = {0x00, 0x01, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c,
                                          0x02, 0x03, 0x03};
            unsigned f = f5[rn(12)], w = rn(2) ? 2 : 3;
            if (f == 0x02) { /* lr, usually followed by its sc */
                code[n++] = r_type(f << 2, 0, 31, w, rd_(), 0x2f);
                if (rn(2) && n < want) code[n++] = r_type(0x03 << 2, rs_(), 31, w, rd_(), 0x2f);
            } else {
                code[n++] = r_type(f << 2, rs_(), 31, w, rd_(), 0x2f);
            }
        } else if (k < 82 && n + 5 < want) { /* forward branch over 0..3 instructions */
            static const unsigned f3s[] = {0, 1, 4, 5, 6, 7};
            int skip = (int)rn(4);
            code[n++] = b_type(4 * (skip + 1), rs_(), rs_(), f3s[rn(6)]);
        } else if (k < 84 && n + 5 < want) { /* jal forward */
            code[n++] = j_type(4 * (int)(1 + rn(3)), rd_());
        } else if (k < 86 && n + 6 < want) { /* jalr rd, off(x30): x30 = CODE_VA, forward */
            code[n] = i_type(4 * (n + 1 + (int)rn(3)), 30, 0, rd_(), 0x67);
            n++;
        } else if (k < 96) { /* FP arithmetic, single and double, rm random incl. dynamic */
            static const unsigned f7s[] = {0x00, 0x04, 0x08, 0x0c, 0x2c, 0x10, 0x14, 0x50, 0x60,
                                           0x68, 0x20, 0x70, 0x78};
            unsigned f7 = f7s[rn(13)] | rn(2), rm = rn(8), rs2 = rn(32);
            if (rm == 5 || rm == 6) rm = 7;
            unsigned base = f7 & ~1u;
            if (base == 0x10) rm = rn(3);                 /* fsgnj* */
            if (base == 0x14) rm = rn(2);                 /* fmin/fmax */
            if (base == 0x50) rm = rn(3);                 /* feq/flt/fle */
            if (base == 0x2c) rs2 = 0;                    /* fsqrt */
            if (base == 0x60 || base == 0x68) rs2 = rn(4); /* fcvt int */
            if (base == 0x20) rs2 = (f7 & 1) ? 0 : 1;     /* fcvt.d.s / fcvt.s.d */
            if (base == 0x70 || base == 0x78) { rm = 0; rs2 = 0; } /* fmv */
            if (base == 0x70 && rn(2)) rm = 1;           /* fclass */
            unsigned rd = (base == 0x50 || base == 0x60 || base == 0x70) ? rd_() : rn(32);
            unsigned rs1 = (base == 0x68 || base == 0x78) ? rs_() : rn(32);
            code[n++] = r_type(f7, rs2, rs1, rm, rd, 0x53);
        } else if (k < 98) { /* fmadd family */
            unsigned rm = rn(8);
            if (rm == 5 || rm == 6) rm = 0;
            code[n++] = rn(32) << 27 | rn(2) << 25 | rn(32) << 20 | rn(32) << 15 | rm << 12 |
                        rn(32) << 7 | (0x43 + 4 * rn(4));
        } else if (rn(8) == 0) { /* now and then a trap: a load from page 0, ebreak */
            code[n++] = rn(2) ? i_type(8 * (int)rn(64), 0, 3, rd_(), 0x03) : 0x00100073;
        } else { /* CSR: frflags, fsflags, instret, cycle, frrm (not time: wall clock) */
            static const unsigned csrs[] = {0x001, 0x002, 0x003, 0xc02, 0xc00};
            unsigned csr = csrs[rn(5)];
            unsigned f3 = csr >= 0xc00 ? 2 + rn(2) + 4 * rn(2) : 1 + rn(3); /* counters: read only */
            unsigned rs1 = csr >= 0xc00 ? 0 : rs_();
            if (csr == 0x002 || csr == 0x003) rs1 = 0; /* keep frm valid */
            code[n++] = i_type((int)csr, rs1, f3, rd_(), 0x73);
        }
    }
    code[n++] = 0x00000073; /* ecall */
    return n;
}

struct state {
    vm_hart h;
    void *eng;
    const vm_engine_ops *ops;
};

static int setup(struct state *s, const vm_engine_ops *ops, int mode, int small_cache,
                 const uint32_t *code, int n, const vm_cpu *cpu0, const uint8_t *data)
{
    vm_error err;
    vm_mem_config cfg = {0};
    cfg.mmu = mode == 0 ? VM_MMU_BARE : VM_MMU_SV39;
    cfg.tlb_mode = mode == 2 ? VM_TLBMODE_FAST : VM_TLBMODE_EXACT;
    memset(s, 0, sizeof *s);
    s->h.cpu = *cpu0;
    if (!(s->h.mem = vm_mem_new(&cfg, &err)) ||
        vm_mem_map(s->h.mem, CODE_VA, 2 * VM_PAGE_SIZE, VM_PROT_R | VM_PROT_X, 0, &err) ||
        vm_mem_map(s->h.mem, DATA_VA, VM_PAGE_SIZE, VM_PROT_R | VM_PROT_W, 0, &err) ||
        vm_mem_write_force(s->h.mem, CODE_VA, code, (size_t)n * 4) ||
        vm_mem_write_force(s->h.mem, DATA_VA, data, VM_PAGE_SIZE)) {
        fprintf(stderr, "engine_random: setup: %s\n", err.msg);
        return -1;
    }
    s->ops = ops;
    if (!(s->eng = ops->create(&s->h, &err))) {
        fprintf(stderr, "engine_random: %s: %s\n", ops->name, err.msg);
        return -1;
    }
    /* every fourth case: a tiny JIT code cache, so that it fills, flushes and
     * sometimes cannot hold a block at all (the fallback runs it) */
    if (ops->option && small_cache && ops->option(s->eng, "cache", "8192", &err)) {
        fprintf(stderr, "engine_random: %s: %s\n", ops->name, err.msg);
        return -1;
    }
    return 0;
}

static void teardown(struct state *s)
{
    if (s->eng) s->ops->destroy(s->eng);
    vm_mem_free(s->h.mem);
}

static int compare(const char *what, struct state *a, int ra, struct state *b, int rb)
{
    char bad[128] = "";
    uint8_t da[VM_PAGE_SIZE], db[VM_PAGE_SIZE];
    const vm_cpu *x = &a->h.cpu, *y = &b->h.cpu;
    if (ra != rb) snprintf(bad, sizeof bad, "stop %d vs %d", ra, rb);
    else if (x->pc != y->pc) snprintf(bad, sizeof bad, "pc %#" PRIx64 " vs %#" PRIx64, x->pc, y->pc);
    else if (x->insns != y->insns)
        snprintf(bad, sizeof bad, "insns %" PRIu64 " vs %" PRIu64, x->insns, y->insns);
    else if (x->fflags != y->fflags || x->frm != y->frm)
        snprintf(bad, sizeof bad, "fflags/frm %x/%x vs %x/%x", x->fflags, x->frm, y->fflags, y->frm);
    else if (ra == VM_STOP_TRAP && (x->trap_cause != y->trap_cause || x->trap_tval != y->trap_tval))
        snprintf(bad, sizeof bad, "trap %d %#" PRIx64 " vs %d %#" PRIx64, x->trap_cause,
                 x->trap_tval, y->trap_cause, y->trap_tval);
    for (int r = 0; !bad[0] && r < 32; r++) {
        if (x->x[r] != y->x[r])
            snprintf(bad, sizeof bad, "x%d %#" PRIx64 " vs %#" PRIx64, r, x->x[r], y->x[r]);
        else if (x->f[r] != y->f[r])
            snprintf(bad, sizeof bad, "f%d %#" PRIx64 " vs %#" PRIx64, r, x->f[r], y->f[r]);
    }
    if (!bad[0]) {
        vm_mem_read_force(a->h.mem, DATA_VA, da, sizeof da);
        vm_mem_read_force(b->h.mem, DATA_VA, db, sizeof db);
        for (size_t i = 0; !bad[0] && i < sizeof da; i++)
            if (da[i] != db[i]) snprintf(bad, sizeof bad, "data byte %zu %02x vs %02x", i, da[i], db[i]);
    }
    if (!bad[0]) { /* the TLB model saw the same accesses (exact in every mode but fast) */
        static char ja[16384], jb[16384];
        vm_mem_sync_stats(a->h.mem);
        vm_mem_sync_stats(b->h.mem);
        vm_mem_stats_json(a->h.mem, x->insns, ja, sizeof ja);
        vm_mem_stats_json(b->h.mem, y->insns, jb, sizeof jb);
        if (!a->h.mem->exact) ja[0] = jb[0] = 0; /* fast mode: the model sees only misses */
        if (strcmp(ja, jb)) snprintf(bad, sizeof bad, "TLB model statistics differ");
    }
    if (!bad[0]) return 0;
    printf("FAIL %s: interp vs %s: %s\n", what, b->ops->name, bad);
    return 1;
}

int main(int argc, char **argv)
{
    int cases = argc > 1 ? atoi(argv[1]) : 300;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    const char *def[] = {"threaded", "jit"};
    const char **names = argc > 3 ? (const char **)argv + 3 : def;
    int nnames = argc > 3 ? argc - 3 : 2;
    const vm_engine_ops *ref = vm_engine_find("interp");
    int fails = 0;
    uint64_t retired = 0, complete = 0;
    static const uint64_t edge[] = {0, 1, 2, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
                                    0x80000000ull, 0x7fffffffull, 0xffffffff80000000ull,
                                    0xffffffffull, 0x3ff0000000000000ull,
                                    0xffffffff3f800000ull, 0x7ff8000000000000ull};
    for (int e = 0; e < nnames; e++) {
        const vm_engine_ops *ops = vm_engine_find(names[e]);
        if (!ops) {
            printf("SKIP: no engine %s\n", names[e]);
            return 77;
        }
    }
    for (int ci = 0; ci < cases; ci++) {
        uint64_t cs = seed * 1000003u + (uint64_t)ci;
        rng_state = cs;
        uint32_t code[MAXI + 8];
        int n = gen(code);
        vm_cpu cpu0;
        memset(&cpu0, 0, sizeof cpu0);
        for (int r = 1; r < 31; r++) cpu0.x[r] = rn(3) ? edge[rn(13)] + rn(3) - 1 : rnd();
        cpu0.x[30] = CODE_VA;
        cpu0.x[31] = DATA_VA + 2048;
        for (int r = 0; r < 32; r++) {
            static const uint64_t fe[] = {0x3ff0000000000000ull, 0x8000000000000000ull,
                                          0x7ff0000000000000ull, 0x7ff8000000000000ull,
                                          0x7ff0000000000001ull, 0x0000000000000001ull,
                                          0xffffffff3f800000ull, 0xffffffff7fc00000ull,
                                          0xffffffff00000001ull, 0x0000000040400000ull};
            cpu0.f[r] = rn(2) ? fe[rn(10)] : rn(2) ? (0xffffffff00000000ull | (uint32_t)rnd()) : rnd();
        }
        cpu0.fflags = rn(32);
        cpu0.frm = rn(2) ? 0 : rn(5); /* RNE often: the JIT's native FP code needs it */
        cpu0.pc = CODE_VA;
        uint8_t data[VM_PAGE_SIZE];
        for (size_t i = 0; i < sizeof data; i += 8) {
            uint64_t v = rn(4) ? rnd() : edge[rn(13)];
            memcpy(data + i, &v, 8);
        }
        uint64_t budget = 1 + rn((unsigned)n + 2);
        int mode = ci % 3;
        for (int e = 0; e < nnames; e++) {
            const vm_engine_ops *ops = vm_engine_find(names[e]);
            for (int pass = 0; pass < 2; pass++) {
                struct state a, b;
                uint64_t bud = pass ? budget : LIMIT;
                int small = ci % 4 == 3;
                if (setup(&a, ref, mode, 0, code, n, &cpu0, data) ||
                    setup(&b, ops, mode, small, code, n, &cpu0, data))
                    return 99;
                int ra = ref->run(a.eng, &a.h, bud), rb = ops->run(b.eng, &b.h, bud);
                /* resume a budget-limited run to the end, as the machine would */
                if (pass && ra == VM_STOP_BUDGET) ra = ref->run(a.eng, &a.h, LIMIT);
                if (pass && rb == VM_STOP_BUDGET) rb = ops->run(b.eng, &b.h, LIMIT);
                char what[96];
                snprintf(what, sizeof what, "case %d (seed %" PRIu64 ", %s, %s, budget %" PRIu64 ")",
                         ci, seed, mode == 0 ? "bare" : mode == 1 ? "sv39 exact" : "sv39 fast",
                         pass ? "split" : "whole", budget);
                fails += compare(what, &a, ra, &b, rb);
                if (!pass && !e) {
                    retired += a.h.cpu.insns;
                    complete += ra == VM_STOP_ECALL;
                    if (getenv("ENGINE_RANDOM_DEBUG") && ra == VM_STOP_TRAP)
                        printf("case %d: trap %d tval %#" PRIx64 " at +%#" PRIx64 "\n", ci,
                               a.h.cpu.trap_cause, a.h.cpu.trap_tval, (uint64_t)(a.h.cpu.pc - CODE_VA));
                }
                teardown(&a);
                teardown(&b);
                if (fails > 10) return 1;
            }
        }
    }
    printf("%s: %d cases x %d engines x 2 budgets, %d differences (interp retired %" PRIu64
           " instructions, %" PRIu64 " cases ran to their ecall, the others stopped at a trap)\n",
           fails ? "FAIL" : "PASS", cases, nnames, fails, retired, complete);
    return fails != 0;
}
