/*
 * The reference interpreter: the semantic oracle of vmlab.
 *
 * It fetches, decodes and executes one instruction at a time with no caching
 * of decoded code, so it needs no invalidation and self-modifying code just
 * works. Clarity wins over speed here; the threaded interpreter and the JIT
 * are the fast engines and are checked against this one. Every memory access
 * goes through the address space (mem/), every FP operation through fpu.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engines/engine.h"
#include "engines/memacc.h"
#include "engines/fpu.h"
#include "engines/semantics.h"
#include "trace/trace_engine.h"
#include "vmlab/riscv.h"

/* {==== memory access =================================================== */

/* The accesses every engine shares (memacc.h). */
#define set_fault vm_eng_set_fault
#define amo_ptr vm_eng_amo_ptr

/* {==== the interpreter ================================================== */

/* Decoding is half the work of this interpreter. A small direct-mapped cache
 * of decoded instructions, checked against the freshly fetched encoding on
 * every use, halves it without any invalidation protocol: code that changes
 * simply misses. */
#define DCACHE_SIZE 4096

struct interp {
    struct dentry {
        uint64_t pc;
        uint32_t raw;
        vm_rv_insn d;
    } dc[DCACHE_SIZE];
};

/* The loop, instantiated twice by interp_run: traced (h->trace was set when
 * the run started: the fine events are tested per instruction and access)
 * and untraced (no test at all). A fine event switched on by a callback in
 * the middle of an untraced run (a tlb_miss subscriber enabling insn) takes
 * effect when the engine next returns to the machine: the next system call,
 * trap or breakpoint (trace/trace_engine.h). */
static inline __attribute__((always_inline)) int interp_loop(void *st, vm_hart *h,
                                                             uint64_t budget, const int traced)
{
    struct interp *it = st;
    vm_cpu *c = &h->cpu;
    uint64_t *x = c->x;
    uint64_t n = 0;
    int stop = VM_STOP_BUDGET;
    vm_mem_fault f;
    uint32_t host_fp = vm_fpu_enter();

    while (n < budget) {
        uint64_t pc = c->pc;
        if (__builtin_expect(h->nbreak != 0, 0) && vm_hart_is_break(h, pc)) {
            if (pc != h->break_resume) {
                stop = VM_STOP_BREAK;
                goto out;
            }
            h->break_resume = 1;
        }
        /* fetch: 16 bits first, the second half may be on the next page */
        const uint16_t *p = vm_mem_ptr(h->mem, pc, VM_ACC_FETCH, &f);
        if (__builtin_expect(!p, 0)) {
            set_fault(c, VM_ACC_FETCH, &f);
            goto trap;
        }
        uint32_t raw = p[0];
        if ((raw & 3) == 3) {
            if (__builtin_expect((pc & VM_PAGE_MASK) == VM_PAGE_SIZE - 2, 0)) {
                const uint16_t *q = vm_mem_ptr(h->mem, pc + 2, VM_ACC_FETCH, &f);
                if (!q) {
                    set_fault(c, VM_ACC_FETCH, &f);
                    goto trap;
                }
                raw |= (uint32_t)q[0] << 16;
            } else {
                raw |= (uint32_t)p[1] << 16;
            }
        }
        struct dentry *de = &it->dc[(pc >> 1) & (DCACHE_SIZE - 1)];
        if (__builtin_expect(de->pc != pc || de->raw != raw, 0)) {
            vm_rv_decode(raw, &de->d);
            de->pc = pc;
            de->raw = raw;
        }
        const vm_rv_insn d = de->d;
        if (traced) VM_TRACE(h->trace, insn, pc, raw, c->insns + n);
        uint64_t next = pc + d.len;
        uint64_t a = x[d.rs1], b = x[d.rs2];
        int64_t imm = d.imm;

        /* the operations' bodies: engines/semantics_ops.h */
#define X x
#define A a
#define B b
#define IMM imm
#define RD d.rd
#define RS1 d.rs1
#define RS2 d.rs2
#define PC pc
#define LEN d.len
#define OP d.op
#define RETIRED (c->insns + n)
#define SET_RD(v) (x[d.rd] = (v))
#define JUMP(t) (next = (t))
#define BRANCH(cond) do { if (cond) next = pc + (uint64_t)imm; } while (0)
#define LOAD(va, size, var)                                                                        \
    do {                                                                                           \
        if (vm_eng_load_traced(h, traced, (va), (size), &(var))) goto trap;                        \
    } while (0)
#define STORE(va, size, val)                                                                       \
    do {                                                                                           \
        if (vm_eng_store_traced(h, traced, (va), (size), (val))) goto trap;                        \
    } while (0)
#define AMO_PTR(p, va, size, acc) do { if (!((p) = amo_ptr(h, (va), (size), (acc)))) goto trap; } while (0)
#define TRAP() goto trap
#define ILLEGAL() goto illegal
#define ECALL() do { c->pc = next; n++; stop = VM_STOP_ECALL; goto out; } while (0)
#define FENCE_I() (void)0 /* nothing is cached that a store could make stale */
#define SEM_OP(id, ...) case VM_RV_##id: { __VA_ARGS__; } break;
        switch (d.op) {
#include "engines/semantics_ops.h"
        default: /* the F and D computational instructions */
            if (vm_fpu_exec(c, &d)) goto illegal;
            break;
        }
#undef SEM_OP
#include "engines/semantics_end.h"
        x[0] = 0;
        c->pc = next;
        n++;
        continue;

    illegal:
        c->trap_cause = VM_TRAP_ILLEGAL;
        c->trap_tval = d.raw;
        c->trap_bus = 0;
    trap:
        stop = VM_STOP_TRAP;
        goto out;
    }
out:
    vm_fpu_leave(c, host_fp);
    c->insns += n;
    return stop;
}

static int interp_run(void *st, vm_hart *h, uint64_t budget)
{
    if (__builtin_expect(h->trace != NULL, 0)) return interp_loop(st, h, budget, 1);
    return interp_loop(st, h, budget, 0);
}

static void *interp_create(vm_hart *h, vm_error *err)
{
    (void)h;
    struct interp *it = malloc(sizeof *it);
    if (!it) {
        vm_error_set(err, VM_ENOMEM, "interp: out of host memory");
        return NULL;
    }
    for (int i = 0; i < DCACHE_SIZE; i++) it->dc[i].pc = 1; /* no instruction has an odd pc */
    return it;
}

static int interp_step(void *st, vm_hart *h) { return interp_run(st, h, 1); }
static void interp_invalidate(void *st, uint64_t va, uint64_t len) {}
static int interp_stats(void *st, char *buf, size_t size) { return 0; }
static void interp_destroy(void *st) { free(st); }

const vm_engine_ops vm_engine_interp = {
    .name = "interp",
    .create = interp_create,
    .run = interp_run,
    .step = interp_step,
    .invalidate = interp_invalidate,
    .stats = interp_stats,
    .destroy = interp_destroy,
};

