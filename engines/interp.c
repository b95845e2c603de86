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
#include "engines/fpu.h"
#include "vmlab/riscv.h"

/* {==== memory access =================================================== */

/* Record a fault of the access type (load, store, fetch) at f->addr. */
static void set_fault(vm_cpu *c, int acc, const vm_mem_fault *f)
{
    static const int page[3] = {VM_TRAP_LOAD_PAGE, VM_TRAP_STORE_PAGE, VM_TRAP_INSN_PAGE};
    static const int access[3] = {VM_TRAP_LOAD_ACCESS, VM_TRAP_STORE_ACCESS, VM_TRAP_INSN_ACCESS};
    c->trap_cause = f->bus ? access[acc] : page[acc];
    c->trap_tval = f->addr;
    c->trap_bus = f->bus;
    c->trap_mapped = f->mapped;
}

static inline int load(vm_hart *h, uint64_t va, unsigned size, uint64_t *out)
{
    vm_mem_fault f;
    uint64_t v = 0;
    if (__builtin_expect((va & VM_PAGE_MASK) + size <= VM_PAGE_SIZE, 1)) {
        const void *p = vm_mem_ptr(h->mem, va, VM_ACC_READ, &f);
        if (!p) goto fault;
        memcpy(&v, p, size);
    } else if (vm_mem_read(h->mem, va, &v, size, &f)) {
        goto fault;
    }
    *out = v;
    return 0;
fault:
    set_fault(&h->cpu, VM_ACC_READ, &f);
    return -1;
}

static inline int store(vm_hart *h, uint64_t va, unsigned size, uint64_t v)
{
    vm_mem_fault f;
    if (__builtin_expect((va & VM_PAGE_MASK) + size <= VM_PAGE_SIZE, 1)) {
        void *p = vm_mem_ptr(h->mem, va, VM_ACC_WRITE, &f);
        if (!p) goto fault;
        memcpy(p, &v, size);
    } else if (vm_mem_write(h->mem, va, &v, size, &f)) {
        goto fault;
    }
    return 0;
fault:
    set_fault(&h->cpu, VM_ACC_WRITE, &f);
    return -1;
}

/* Atomics need natural alignment and write permission (even LR does not;
 * it only reads). */
static inline void *amo_ptr(vm_hart *h, uint64_t va, unsigned size, int acc)
{
    vm_cpu *c = &h->cpu;
    if (va & (size - 1)) {
        c->trap_cause = acc == VM_ACC_READ ? VM_TRAP_LOAD_MISALIGNED : VM_TRAP_STORE_MISALIGNED;
        c->trap_tval = va;
        c->trap_bus = 0;
        c->trap_mapped = 1;
        return NULL;
    }
    vm_mem_fault f;
    void *p = vm_mem_ptr(h->mem, va, acc, &f);
    if (!p) set_fault(c, acc, &f);
    return p;
}

/* {==== CSRs ============================================================= */

enum { CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003, CSR_CYCLE = 0xc00,
       CSR_TIME = 0xc01, CSR_INSTRET = 0xc02 };

static int csr_read(vm_cpu *c, unsigned csr, uint64_t retired, uint64_t *v)
{
    switch (csr) {
    case CSR_FFLAGS: *v = c->fflags; return 0;
    case CSR_FRM: *v = c->frm; return 0;
    case CSR_FCSR: *v = c->frm << 5 | c->fflags; return 0;
    case CSR_CYCLE: /* the model retires one instruction per cycle */
    case CSR_INSTRET: *v = retired; return 0;
    case CSR_TIME: {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        *v = (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100; /* 10 MHz timebase */
        return 0;
    }
    }
    return -1;
}

static int csr_write(vm_cpu *c, unsigned csr, uint64_t v)
{
    switch (csr) {
    case CSR_FFLAGS: c->fflags = v & 0x1f; return 0;
    case CSR_FRM: c->frm = v & 7; return 0;
    case CSR_FCSR:
        c->fflags = v & 0x1f;
        c->frm = (v >> 5) & 7;
        return 0;
    }
    return -1; /* counters are read-only, everything else is absent */
}

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

static inline int64_t sx32(uint64_t v) { return (int64_t)(int32_t)v; }

static int interp_run(void *st, vm_hart *h, uint64_t budget)
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
        uint64_t next = pc + d.len;
        uint64_t a = x[d.rs1], b = x[d.rs2], v;
        int64_t imm = d.imm;

        switch (d.op) {
        case VM_RV_LUI: x[d.rd] = (uint64_t)imm; break;
        case VM_RV_AUIPC: x[d.rd] = pc + (uint64_t)imm; break;
        case VM_RV_JAL:
            x[d.rd] = next;
            next = pc + (uint64_t)imm;
            break;
        case VM_RV_JALR:
            x[d.rd] = next;
            next = (a + (uint64_t)imm) & ~1ull;
            break;
        case VM_RV_BEQ: if (a == b) next = pc + (uint64_t)imm; break;
        case VM_RV_BNE: if (a != b) next = pc + (uint64_t)imm; break;
        case VM_RV_BLT: if ((int64_t)a < (int64_t)b) next = pc + (uint64_t)imm; break;
        case VM_RV_BGE: if ((int64_t)a >= (int64_t)b) next = pc + (uint64_t)imm; break;
        case VM_RV_BLTU: if (a < b) next = pc + (uint64_t)imm; break;
        case VM_RV_BGEU: if (a >= b) next = pc + (uint64_t)imm; break;

        case VM_RV_LB: if (load(h, a + imm, 1, &v)) goto trap; x[d.rd] = (int64_t)(int8_t)v; break;
        case VM_RV_LH: if (load(h, a + imm, 2, &v)) goto trap; x[d.rd] = (int64_t)(int16_t)v; break;
        case VM_RV_LW: if (load(h, a + imm, 4, &v)) goto trap; x[d.rd] = sx32(v); break;
        case VM_RV_LD: if (load(h, a + imm, 8, &v)) goto trap; x[d.rd] = v; break;
        case VM_RV_LBU: if (load(h, a + imm, 1, &v)) goto trap; x[d.rd] = v; break;
        case VM_RV_LHU: if (load(h, a + imm, 2, &v)) goto trap; x[d.rd] = v; break;
        case VM_RV_LWU: if (load(h, a + imm, 4, &v)) goto trap; x[d.rd] = v; break;
        case VM_RV_SB: if (store(h, a + imm, 1, b)) goto trap; break;
        case VM_RV_SH: if (store(h, a + imm, 2, b)) goto trap; break;
        case VM_RV_SW: if (store(h, a + imm, 4, b)) goto trap; break;
        case VM_RV_SD: if (store(h, a + imm, 8, b)) goto trap; break;

        case VM_RV_ADDI: x[d.rd] = a + imm; break;
        case VM_RV_SLTI: x[d.rd] = (int64_t)a < imm; break;
        case VM_RV_SLTIU: x[d.rd] = a < (uint64_t)imm; break;
        case VM_RV_XORI: x[d.rd] = a ^ imm; break;
        case VM_RV_ORI: x[d.rd] = a | imm; break;
        case VM_RV_ANDI: x[d.rd] = a & imm; break;
        case VM_RV_SLLI: x[d.rd] = a << imm; break;
        case VM_RV_SRLI: x[d.rd] = a >> imm; break;
        case VM_RV_SRAI: x[d.rd] = (int64_t)a >> imm; break;
        case VM_RV_ADD: x[d.rd] = a + b; break;
        case VM_RV_SUB: x[d.rd] = a - b; break;
        case VM_RV_SLL: x[d.rd] = a << (b & 63); break;
        case VM_RV_SLT: x[d.rd] = (int64_t)a < (int64_t)b; break;
        case VM_RV_SLTU: x[d.rd] = a < b; break;
        case VM_RV_XOR: x[d.rd] = a ^ b; break;
        case VM_RV_SRL: x[d.rd] = a >> (b & 63); break;
        case VM_RV_SRA: x[d.rd] = (int64_t)a >> (b & 63); break;
        case VM_RV_OR: x[d.rd] = a | b; break;
        case VM_RV_AND: x[d.rd] = a & b; break;
        case VM_RV_ADDIW: x[d.rd] = sx32(a + imm); break;
        case VM_RV_SLLIW: x[d.rd] = sx32((uint32_t)a << imm); break;
        case VM_RV_SRLIW: x[d.rd] = sx32((uint32_t)a >> imm); break;
        case VM_RV_SRAIW: x[d.rd] = (int64_t)((int32_t)a >> imm); break;
        case VM_RV_ADDW: x[d.rd] = sx32(a + b); break;
        case VM_RV_SUBW: x[d.rd] = sx32(a - b); break;
        case VM_RV_SLLW: x[d.rd] = sx32((uint32_t)a << (b & 31)); break;
        case VM_RV_SRLW: x[d.rd] = sx32((uint32_t)a >> (b & 31)); break;
        case VM_RV_SRAW: x[d.rd] = (int64_t)((int32_t)a >> (b & 31)); break;

        case VM_RV_MUL: x[d.rd] = a * b; break;
        case VM_RV_MULH: x[d.rd] = (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64); break;
        case VM_RV_MULHSU:
            x[d.rd] = (uint64_t)(((__int128)(int64_t)a * (unsigned __int128)b) >> 64);
            break;
        case VM_RV_MULHU: x[d.rd] = (uint64_t)(((unsigned __int128)a * b) >> 64); break;
        case VM_RV_DIV:
            x[d.rd] = b == 0 ? ~0ull
                      : ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? a
                                                                       : (uint64_t)((int64_t)a / (int64_t)b);
            break;
        case VM_RV_DIVU: x[d.rd] = b == 0 ? ~0ull : a / b; break;
        case VM_RV_REM:
            x[d.rd] = b == 0 ? a
                      : ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? 0
                                                                       : (uint64_t)((int64_t)a % (int64_t)b);
            break;
        case VM_RV_REMU: x[d.rd] = b == 0 ? a : a % b; break;
        case VM_RV_MULW: x[d.rd] = sx32(a * b); break;
        case VM_RV_DIVW: {
            int32_t s1 = (int32_t)a, s2 = (int32_t)b;
            x[d.rd] = s2 == 0 ? ~0ull : (s1 == INT32_MIN && s2 == -1) ? (uint64_t)(int64_t)s1
                                                                       : (uint64_t)(int64_t)(s1 / s2);
            break;
        }
        case VM_RV_DIVUW:
            x[d.rd] = (uint32_t)b == 0 ? ~0ull : (uint64_t)sx32((uint32_t)a / (uint32_t)b);
            break;
        case VM_RV_REMW: {
            int32_t s1 = (int32_t)a, s2 = (int32_t)b;
            x[d.rd] = s2 == 0 ? (uint64_t)(int64_t)s1
                      : (s1 == INT32_MIN && s2 == -1) ? 0
                                                      : (uint64_t)(int64_t)(s1 % s2);
            break;
        }
        case VM_RV_REMUW:
            x[d.rd] = (uint64_t)((uint32_t)b == 0 ? sx32(a) : sx32((uint32_t)a % (uint32_t)b));
            break;

        case VM_RV_FENCE: case VM_RV_FENCE_I: break;
        case VM_RV_ECALL:
            c->pc = next;
            n++;
            stop = VM_STOP_ECALL;
            goto out;
        case VM_RV_EBREAK:
            c->trap_cause = VM_TRAP_BREAKPOINT;
            c->trap_tval = pc;
            goto trap;

        case VM_RV_CSRRW: case VM_RV_CSRRS: case VM_RV_CSRRC:
        case VM_RV_CSRRWI: case VM_RV_CSRRSI: case VM_RV_CSRRCI: {
            unsigned csr = (unsigned)imm;
            uint64_t src = d.op >= VM_RV_CSRRWI ? d.rs1 : a, old = 0;
            int is_rw = d.op == VM_RV_CSRRW || d.op == VM_RV_CSRRWI;
            int writes = is_rw || d.rs1 != 0;
            if (csr <= CSR_FCSR) vm_fpu_sync(c); /* the host holds recent flags */
            /* csrrw with rd = x0 does not read */
            if (!(is_rw && d.rd == 0) && csr_read(c, csr, c->insns + n, &old)) goto illegal;
            if (writes) {
                uint64_t nv = is_rw ? src
                              : (d.op == VM_RV_CSRRS || d.op == VM_RV_CSRRSI) ? old | src
                                                                             : old & ~src;
                if (csr_write(c, csr, nv)) goto illegal;
            }
            x[d.rd] = old;
            break;
        }

        /* A: the machine has one hart, so atomics are plain read-modify-write */
        case VM_RV_LR_W: case VM_RV_LR_D: {
            unsigned sz = d.op == VM_RV_LR_W ? 4 : 8;
            void *m = amo_ptr(h, a, sz, VM_ACC_READ);
            if (!m) goto trap;
            v = 0;
            memcpy(&v, m, sz);
            x[d.rd] = sz == 4 ? (uint64_t)sx32(v) : v;
            c->res_addr = a;
            c->res_valid = 1;
            break;
        }
        case VM_RV_SC_W: case VM_RV_SC_D: {
            unsigned sz = d.op == VM_RV_SC_W ? 4 : 8;
            if (a & (sz - 1)) {
                c->trap_cause = VM_TRAP_STORE_MISALIGNED;
                c->trap_tval = a;
                goto trap;
            }
            if (c->res_valid && c->res_addr == a) {
                void *m = amo_ptr(h, a, sz, VM_ACC_WRITE);
                if (!m) goto trap;
                memcpy(m, &b, sz);
                x[d.rd] = 0;
            } else {
                x[d.rd] = 1;
            }
            c->res_valid = 0;
            break;
        }
        case VM_RV_AMOSWAP_W: case VM_RV_AMOADD_W: case VM_RV_AMOXOR_W: case VM_RV_AMOAND_W:
        case VM_RV_AMOOR_W: case VM_RV_AMOMIN_W: case VM_RV_AMOMAX_W: case VM_RV_AMOMINU_W:
        case VM_RV_AMOMAXU_W: {
            uint32_t *m = amo_ptr(h, a, 4, VM_ACC_WRITE), o, r, s = (uint32_t)b;
            if (!m) goto trap;
            memcpy(&o, m, 4);
            switch (d.op) {
            case VM_RV_AMOSWAP_W: r = s; break;
            case VM_RV_AMOADD_W: r = o + s; break;
            case VM_RV_AMOXOR_W: r = o ^ s; break;
            case VM_RV_AMOAND_W: r = o & s; break;
            case VM_RV_AMOOR_W: r = o | s; break;
            case VM_RV_AMOMIN_W: r = (int32_t)o < (int32_t)s ? o : s; break;
            case VM_RV_AMOMAX_W: r = (int32_t)o > (int32_t)s ? o : s; break;
            case VM_RV_AMOMINU_W: r = o < s ? o : s; break;
            default: r = o > s ? o : s; break;
            }
            memcpy(m, &r, 4);
            x[d.rd] = sx32(o);
            break;
        }
        case VM_RV_AMOSWAP_D: case VM_RV_AMOADD_D: case VM_RV_AMOXOR_D: case VM_RV_AMOAND_D:
        case VM_RV_AMOOR_D: case VM_RV_AMOMIN_D: case VM_RV_AMOMAX_D: case VM_RV_AMOMINU_D:
        case VM_RV_AMOMAXU_D: {
            uint64_t *m = amo_ptr(h, a, 8, VM_ACC_WRITE), o, r;
            if (!m) goto trap;
            memcpy(&o, m, 8);
            switch (d.op) {
            case VM_RV_AMOSWAP_D: r = b; break;
            case VM_RV_AMOADD_D: r = o + b; break;
            case VM_RV_AMOXOR_D: r = o ^ b; break;
            case VM_RV_AMOAND_D: r = o & b; break;
            case VM_RV_AMOOR_D: r = o | b; break;
            case VM_RV_AMOMIN_D: r = (int64_t)o < (int64_t)b ? o : b; break;
            case VM_RV_AMOMAX_D: r = (int64_t)o > (int64_t)b ? o : b; break;
            case VM_RV_AMOMINU_D: r = o < b ? o : b; break;
            default: r = o > b ? o : b; break;
            }
            memcpy(m, &r, 8);
            x[d.rd] = o;
            break;
        }

        case VM_RV_FLW:
            if (load(h, a + imm, 4, &v)) goto trap;
            c->f[d.rd] = 0xffffffff00000000ull | v;
            break;
        case VM_RV_FLD:
            if (load(h, a + imm, 8, &v)) goto trap;
            c->f[d.rd] = v;
            break;
        case VM_RV_FSW: if (store(h, a + imm, 4, c->f[d.rs2])) goto trap; break;
        case VM_RV_FSD: if (store(h, a + imm, 8, c->f[d.rs2])) goto trap; break;

        case VM_RV_ILLEGAL:
        case VM_RV_SRET: case VM_RV_MRET: case VM_RV_WFI: case VM_RV_SFENCE_VMA:
            goto illegal;

        default: /* the F and D computational instructions */
            if (vm_fpu_exec(c, &d)) goto illegal;
            break;
        }
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

