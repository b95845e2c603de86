/*
 * RV64GC decoder: one switch on the major opcode, then on funct fields, as the
 * spec's opcode map is laid out. Compressed (RVC) encodings are expanded here,
 * once, into the base operation they stand for, so that every engine executes
 * a single instruction set. Reserved encodings decode as VM_RV_ILLEGAL; the
 * choices follow the unprivileged spec (and match qemu-riscv64, our oracle).
 */
#include "vmlab/riscv.h"

#define BITS(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT(x, n)       (((x) >> (n)) & 1u)

static inline int64_t sext(uint64_t v, int bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static const char *const op_names[VM_RV_NOPS] = {
    [VM_RV_ILLEGAL] = "illegal",
#define X(id, mn, cls) [VM_RV_##id] = mn,
#include "vmlab/riscv_ops.def"
#undef X
};

static const unsigned char op_classes[VM_RV_NOPS] = {
    [VM_RV_ILLEGAL] = VM_RV_CLASS_ILLEGAL,
#define X(id, mn, cls) [VM_RV_##id] = VM_RV_CLASS_##cls,
#include "vmlab/riscv_ops.def"
#undef X
};

const char *vm_rv_op_name(int op)
{
    return op > 0 && op < VM_RV_NOPS ? op_names[op] : "illegal";
}

int vm_rv_op_class(int op)
{
    return op > 0 && op < VM_RV_NOPS ? op_classes[op] : VM_RV_CLASS_ILLEGAL;
}

const char *vm_rv_class_name(int cls)
{
    static const char *const names[] = {"illegal", "alu",   "mul",    "div", "branch",
                                        "jump",    "load",  "store",  "amo", "fload",
                                        "fstore",  "fp",    "csr",    "system"};
    return cls >= 0 && cls < (int)(sizeof names / sizeof names[0]) ? names[cls] : "illegal";
}

const char *vm_rv_xreg_name(int r)
{
    static const char *const n[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2",
                                      "s0",   "s1", "a0", "a1", "a2",  "a3",  "a4", "a5",
                                      "a6",   "a7", "s2", "s3", "s4",  "s5",  "s6", "s7",
                                      "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
    return r >= 0 && r < 32 ? n[r] : "?";
}

const char *vm_rv_freg_name(int r)
{
    static const char *const n[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                      "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                      "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                      "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
    return r >= 0 && r < 32 ? n[r] : "?";
}

/* {====================================================================
 * 32-bit encodings
 * ==================================================================== */

static int decode32(uint32_t x, vm_rv_insn *d)
{
    unsigned f3 = BITS(x, 14, 12), f7 = BITS(x, 31, 25);
    d->rd = BITS(x, 11, 7);
    d->rs1 = BITS(x, 19, 15);
    d->rs2 = BITS(x, 24, 20);
    d->rs3 = BITS(x, 31, 27);
    d->rm = f3;
    int64_t imm_i = (int32_t)x >> 20;
    int64_t imm_s = ((int32_t)(x & 0xfe000000u) >> 20) | (int32_t)BITS(x, 11, 7);
    int op = VM_RV_ILLEGAL;

    switch (BITS(x, 6, 0)) {
    case 0x37: op = VM_RV_LUI; d->imm = (int32_t)(x & 0xfffff000u); break;
    case 0x17: op = VM_RV_AUIPC; d->imm = (int32_t)(x & 0xfffff000u); break;
    case 0x6f:
        op = VM_RV_JAL;
        d->imm = sext((BIT(x, 31) << 20) | (BITS(x, 30, 21) << 1) | (BIT(x, 20) << 11) |
                          (BITS(x, 19, 12) << 12),
                      21);
        break;
    case 0x67:
        if (f3 == 0) op = VM_RV_JALR;
        d->imm = imm_i;
        break;
    case 0x63: {
        static const int b[8] = {VM_RV_BEQ, VM_RV_BNE, 0, 0, VM_RV_BLT, VM_RV_BGE, VM_RV_BLTU,
                                 VM_RV_BGEU};
        op = b[f3];
        d->imm = sext((BIT(x, 31) << 12) | (BIT(x, 7) << 11) | (BITS(x, 30, 25) << 5) |
                          (BITS(x, 11, 8) << 1),
                      13);
        break;
    }
    case 0x03: {
        static const int l[8] = {VM_RV_LB,  VM_RV_LH,  VM_RV_LW,  VM_RV_LD,
                                 VM_RV_LBU, VM_RV_LHU, VM_RV_LWU, 0};
        op = l[f3];
        d->imm = imm_i;
        break;
    }
    case 0x23: {
        static const int s[8] = {VM_RV_SB, VM_RV_SH, VM_RV_SW, VM_RV_SD};
        op = s[f3];
        d->imm = imm_s;
        break;
    }
    case 0x13:
        d->imm = imm_i;
        switch (f3) {
        case 0: op = VM_RV_ADDI; break;
        case 2: op = VM_RV_SLTI; break;
        case 3: op = VM_RV_SLTIU; break;
        case 4: op = VM_RV_XORI; break;
        case 6: op = VM_RV_ORI; break;
        case 7: op = VM_RV_ANDI; break;
        case 1:
            if (BITS(x, 31, 26) == 0) op = VM_RV_SLLI;
            d->imm = BITS(x, 25, 20);
            break;
        case 5:
            if (BITS(x, 31, 26) == 0) op = VM_RV_SRLI;
            else if (BITS(x, 31, 26) == 0x10) op = VM_RV_SRAI;
            d->imm = BITS(x, 25, 20);
            break;
        }
        break;
    case 0x1b:
        d->imm = imm_i;
        if (f3 == 0) {
            op = VM_RV_ADDIW;
        } else if (f3 == 1 && f7 == 0) {
            op = VM_RV_SLLIW;
            d->imm = d->rs2;
        } else if (f3 == 5 && (f7 == 0 || f7 == 0x20)) {
            op = f7 ? VM_RV_SRAIW : VM_RV_SRLIW;
            d->imm = d->rs2;
        }
        break;
    case 0x33:
        if (f7 == 0) {
            static const int o[8] = {VM_RV_ADD, VM_RV_SLL, VM_RV_SLT, VM_RV_SLTU,
                                     VM_RV_XOR, VM_RV_SRL, VM_RV_OR,  VM_RV_AND};
            op = o[f3];
        } else if (f7 == 0x20) {
            op = f3 == 0 ? VM_RV_SUB : f3 == 5 ? VM_RV_SRA : 0;
        } else if (f7 == 1) {
            static const int m[8] = {VM_RV_MUL, VM_RV_MULH, VM_RV_MULHSU, VM_RV_MULHU,
                                     VM_RV_DIV, VM_RV_DIVU, VM_RV_REM,    VM_RV_REMU};
            op = m[f3];
        }
        break;
    case 0x3b:
        if (f7 == 0) {
            op = f3 == 0 ? VM_RV_ADDW : f3 == 1 ? VM_RV_SLLW : f3 == 5 ? VM_RV_SRLW : 0;
        } else if (f7 == 0x20) {
            op = f3 == 0 ? VM_RV_SUBW : f3 == 5 ? VM_RV_SRAW : 0;
        } else if (f7 == 1) {
            static const int m[8] = {VM_RV_MULW, 0, 0, 0, VM_RV_DIVW, VM_RV_DIVUW, VM_RV_REMW,
                                     VM_RV_REMUW};
            op = m[f3];
        }
        break;
    case 0x0f:
        d->imm = BITS(x, 31, 20);
        if (f3 == 0) op = VM_RV_FENCE;
        else if (f3 == 1) op = VM_RV_FENCE_I;
        break;
    case 0x73:
        d->imm = BITS(x, 31, 20);
        if (f3 == 0) {
            if (x == 0x00000073) op = VM_RV_ECALL;
            else if (x == 0x00100073) op = VM_RV_EBREAK;
            else if (x == 0x10200073) op = VM_RV_SRET;
            else if (x == 0x30200073) op = VM_RV_MRET;
            else if (x == 0x10500073) op = VM_RV_WFI;
            else if (f7 == 0x09 && d->rd == 0) op = VM_RV_SFENCE_VMA;
        } else if (f3 != 4) {
            static const int c[8] = {0, VM_RV_CSRRW, VM_RV_CSRRS, VM_RV_CSRRC, 0, VM_RV_CSRRWI,
                                     VM_RV_CSRRSI, VM_RV_CSRRCI};
            op = c[f3];
        }
        break;
    case 0x2f: {
        d->rm = BITS(x, 26, 25); /* aq, rl */
        unsigned f5 = BITS(x, 31, 27);
        int w = f3 == 2, dw = f3 == 3;
        if (!w && !dw) break;
        switch (f5) {
        case 0x02:
            if (d->rs2 == 0) op = w ? VM_RV_LR_W : VM_RV_LR_D;
            break;
        case 0x03: op = w ? VM_RV_SC_W : VM_RV_SC_D; break;
        case 0x01: op = w ? VM_RV_AMOSWAP_W : VM_RV_AMOSWAP_D; break;
        case 0x00: op = w ? VM_RV_AMOADD_W : VM_RV_AMOADD_D; break;
        case 0x04: op = w ? VM_RV_AMOXOR_W : VM_RV_AMOXOR_D; break;
        case 0x0c: op = w ? VM_RV_AMOAND_W : VM_RV_AMOAND_D; break;
        case 0x08: op = w ? VM_RV_AMOOR_W : VM_RV_AMOOR_D; break;
        case 0x10: op = w ? VM_RV_AMOMIN_W : VM_RV_AMOMIN_D; break;
        case 0x14: op = w ? VM_RV_AMOMAX_W : VM_RV_AMOMAX_D; break;
        case 0x18: op = w ? VM_RV_AMOMINU_W : VM_RV_AMOMINU_D; break;
        case 0x1c: op = w ? VM_RV_AMOMAXU_W : VM_RV_AMOMAXU_D; break;
        }
        break;
    }
    case 0x07:
        d->imm = imm_i;
        op = f3 == 2 ? VM_RV_FLW : f3 == 3 ? VM_RV_FLD : 0;
        break;
    case 0x27:
        d->imm = imm_s;
        op = f3 == 2 ? VM_RV_FSW : f3 == 3 ? VM_RV_FSD : 0;
        break;
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
        unsigned fmt = BITS(x, 26, 25), k = (BITS(x, 6, 0) - 0x43) >> 2;
        static const int s[4] = {VM_RV_FMADD_S, VM_RV_FMSUB_S, VM_RV_FNMSUB_S, VM_RV_FNMADD_S};
        static const int dd[4] = {VM_RV_FMADD_D, VM_RV_FMSUB_D, VM_RV_FNMSUB_D, VM_RV_FNMADD_D};
        op = fmt == 0 ? s[k] : fmt == 1 ? dd[k] : 0;
        break;
    }
    case 0x53: {
        int dbl = f7 & 1;
        switch (f7) {
        case 0x00: case 0x01: op = dbl ? VM_RV_FADD_D : VM_RV_FADD_S; break;
        case 0x04: case 0x05: op = dbl ? VM_RV_FSUB_D : VM_RV_FSUB_S; break;
        case 0x08: case 0x09: op = dbl ? VM_RV_FMUL_D : VM_RV_FMUL_S; break;
        case 0x0c: case 0x0d: op = dbl ? VM_RV_FDIV_D : VM_RV_FDIV_S; break;
        case 0x2c: case 0x2d:
            if (d->rs2 == 0) op = dbl ? VM_RV_FSQRT_D : VM_RV_FSQRT_S;
            break;
        case 0x10: case 0x11:
            if (f3 < 3)
                op = (dbl ? VM_RV_FSGNJ_D : VM_RV_FSGNJ_S) + (int)f3;
            break;
        case 0x14: case 0x15:
            if (f3 < 2) op = (dbl ? VM_RV_FMIN_D : VM_RV_FMIN_S) + (int)f3;
            break;
        case 0x20:
            if (d->rs2 == 1) op = VM_RV_FCVT_S_D;
            break;
        case 0x21:
            if (d->rs2 == 0) op = VM_RV_FCVT_D_S;
            break;
        case 0x50: case 0x51: {
            static const int s[3] = {VM_RV_FLE_S, VM_RV_FLT_S, VM_RV_FEQ_S};
            static const int dd[3] = {VM_RV_FLE_D, VM_RV_FLT_D, VM_RV_FEQ_D};
            if (f3 < 3) op = dbl ? dd[f3] : s[f3];
            break;
        }
        case 0x60: case 0x61: {
            static const int s[4] = {VM_RV_FCVT_W_S, VM_RV_FCVT_WU_S, VM_RV_FCVT_L_S,
                                     VM_RV_FCVT_LU_S};
            static const int dd[4] = {VM_RV_FCVT_W_D, VM_RV_FCVT_WU_D, VM_RV_FCVT_L_D,
                                      VM_RV_FCVT_LU_D};
            if (d->rs2 < 4) op = dbl ? dd[d->rs2] : s[d->rs2];
            break;
        }
        case 0x68: case 0x69: {
            static const int s[4] = {VM_RV_FCVT_S_W, VM_RV_FCVT_S_WU, VM_RV_FCVT_S_L,
                                     VM_RV_FCVT_S_LU};
            static const int dd[4] = {VM_RV_FCVT_D_W, VM_RV_FCVT_D_WU, VM_RV_FCVT_D_L,
                                      VM_RV_FCVT_D_LU};
            if (d->rs2 < 4) op = dbl ? dd[d->rs2] : s[d->rs2];
            break;
        }
        case 0x70: case 0x71:
            if (d->rs2 == 0 && f3 == 0) op = dbl ? VM_RV_FMV_X_D : VM_RV_FMV_X_W;
            else if (d->rs2 == 0 && f3 == 1) op = dbl ? VM_RV_FCLASS_D : VM_RV_FCLASS_S;
            break;
        case 0x78: case 0x79:
            if (d->rs2 == 0 && f3 == 0) op = dbl ? VM_RV_FMV_D_X : VM_RV_FMV_W_X;
            break;
        }
        break;
    }
    }
    d->op = op;
    return 4;
}

/* {====================================================================
 * 16-bit (RVC) encodings, expanded to base operations
 * ==================================================================== */

static int decode16(uint32_t x, vm_rv_insn *d)
{
    unsigned f3 = BITS(x, 15, 13);
    unsigned r_full = BITS(x, 11, 7), r2_full = BITS(x, 6, 2);
    unsigned rp_hi = BITS(x, 9, 7) + 8, rp_lo = BITS(x, 4, 2) + 8;
    int64_t imm6 = sext((BIT(x, 12) << 5) | BITS(x, 6, 2), 6);
    int op = VM_RV_ILLEGAL;

    switch (x & 3) {
    case 0:
        switch (f3) {
        case 0: /* c.addi4spn */
            d->imm = (BITS(x, 12, 11) << 4) | (BITS(x, 10, 7) << 6) | (BIT(x, 6) << 2) |
                     (BIT(x, 5) << 3);
            d->rd = rp_lo;
            d->rs1 = 2;
            if (d->imm) op = VM_RV_ADDI;
            break;
        case 1: case 3: case 5: case 7: /* c.fld c.ld c.fsd c.sd */
            d->imm = (BITS(x, 12, 10) << 3) | (BITS(x, 6, 5) << 6);
            d->rs1 = rp_hi;
            d->rd = d->rs2 = rp_lo;
            op = f3 == 1 ? VM_RV_FLD : f3 == 3 ? VM_RV_LD : f3 == 5 ? VM_RV_FSD : VM_RV_SD;
            break;
        case 2: case 6: /* c.lw c.sw */
            d->imm = (BITS(x, 12, 10) << 3) | (BIT(x, 6) << 2) | (BIT(x, 5) << 6);
            d->rs1 = rp_hi;
            d->rd = d->rs2 = rp_lo;
            op = f3 == 2 ? VM_RV_LW : VM_RV_SW;
            break;
        }
        break;
    case 1:
        switch (f3) {
        case 0: /* c.addi, c.nop */
            op = VM_RV_ADDI;
            d->rd = d->rs1 = r_full;
            d->imm = imm6;
            break;
        case 1: /* c.addiw */
            d->rd = d->rs1 = r_full;
            d->imm = imm6;
            if (r_full) op = VM_RV_ADDIW;
            break;
        case 2: /* c.li */
            op = VM_RV_ADDI;
            d->rd = r_full;
            d->rs1 = 0;
            d->imm = imm6;
            break;
        case 3:
            if (r_full == 2) { /* c.addi16sp */
                d->imm = sext((BIT(x, 12) << 9) | (BIT(x, 6) << 4) | (BIT(x, 5) << 6) |
                                  (BITS(x, 4, 3) << 7) | (BIT(x, 2) << 5),
                              10);
                d->rd = d->rs1 = 2;
                if (d->imm) op = VM_RV_ADDI;
            } else { /* c.lui */
                d->imm = (int64_t)((uint64_t)imm6 << 12); /* no UB on negatives */
                d->rd = r_full;
                if (d->imm) op = VM_RV_LUI;
            }
            break;
        case 4: {
            d->rd = d->rs1 = rp_hi;
            d->rs2 = rp_lo;
            unsigned f2 = BITS(x, 11, 10);
            if (f2 == 0 || f2 == 1) {
                d->imm = (BIT(x, 12) << 5) | BITS(x, 6, 2);
                op = f2 == 0 ? VM_RV_SRLI : VM_RV_SRAI;
            } else if (f2 == 2) {
                d->imm = imm6;
                op = VM_RV_ANDI;
            } else {
                static const int a[8] = {VM_RV_SUB,  VM_RV_XOR,  VM_RV_OR, VM_RV_AND,
                                         VM_RV_SUBW, VM_RV_ADDW, 0,        0};
                op = a[(BIT(x, 12) << 2) | BITS(x, 6, 5)];
            }
            break;
        }
        case 5: /* c.j */
            op = VM_RV_JAL;
            d->rd = 0;
            d->imm = sext((BIT(x, 12) << 11) | (BIT(x, 11) << 4) | (BITS(x, 10, 9) << 8) |
                              (BIT(x, 8) << 10) | (BIT(x, 7) << 6) | (BIT(x, 6) << 7) |
                              (BITS(x, 5, 3) << 1) | (BIT(x, 2) << 5),
                          12);
            break;
        case 6: case 7: /* c.beqz c.bnez */
            op = f3 == 6 ? VM_RV_BEQ : VM_RV_BNE;
            d->rs1 = rp_hi;
            d->rs2 = 0;
            d->imm = sext((BIT(x, 12) << 8) | (BITS(x, 11, 10) << 3) | (BITS(x, 6, 5) << 6) |
                              (BITS(x, 4, 3) << 1) | (BIT(x, 2) << 5),
                          9);
            break;
        }
        break;
    case 2:
        switch (f3) {
        case 0: /* c.slli */
            op = VM_RV_SLLI;
            d->rd = d->rs1 = r_full;
            d->imm = (BIT(x, 12) << 5) | BITS(x, 6, 2);
            break;
        case 1: case 3: /* c.fldsp c.ldsp */
            d->rd = r_full;
            d->rs1 = 2;
            d->imm = (BIT(x, 12) << 5) | (BITS(x, 6, 5) << 3) | (BITS(x, 4, 2) << 6);
            op = f3 == 1 ? VM_RV_FLD : r_full ? VM_RV_LD : 0;
            break;
        case 2: /* c.lwsp */
            d->rd = r_full;
            d->rs1 = 2;
            d->imm = (BIT(x, 12) << 5) | (BITS(x, 6, 4) << 2) | (BITS(x, 3, 2) << 6);
            if (r_full) op = VM_RV_LW;
            break;
        case 4:
            if (!BIT(x, 12)) {
                if (r2_full == 0) { /* c.jr */
                    d->rd = 0;
                    d->rs1 = r_full;
                    d->imm = 0;
                    if (r_full) op = VM_RV_JALR;
                } else { /* c.mv */
                    op = VM_RV_ADD;
                    d->rd = r_full;
                    d->rs1 = 0;
                    d->rs2 = r2_full;
                }
            } else {
                if (r_full == 0 && r2_full == 0) {
                    op = VM_RV_EBREAK;
                } else if (r2_full == 0) { /* c.jalr */
                    op = VM_RV_JALR;
                    d->rd = 1;
                    d->rs1 = r_full;
                    d->imm = 0;
                } else { /* c.add */
                    op = VM_RV_ADD;
                    d->rd = d->rs1 = r_full;
                    d->rs2 = r2_full;
                }
            }
            break;
        case 5: case 7: /* c.fsdsp c.sdsp */
            d->rs1 = 2;
            d->rs2 = r2_full;
            d->imm = (BITS(x, 12, 10) << 3) | (BITS(x, 9, 7) << 6);
            op = f3 == 5 ? VM_RV_FSD : VM_RV_SD;
            break;
        case 6: /* c.swsp */
            d->rs1 = 2;
            d->rs2 = r2_full;
            d->imm = (BITS(x, 12, 9) << 2) | (BITS(x, 8, 7) << 6);
            op = VM_RV_SW;
            break;
        }
        break;
    }
    d->op = op;
    return 2;
}

int vm_rv_decode(uint32_t raw, vm_rv_insn *out)
{
    *out = (vm_rv_insn){0};
    if ((raw & 3) == 3) {
        out->raw = raw;
        out->len = 4;
        return decode32(raw, out);
    }
    out->raw = raw & 0xffff;
    out->len = 2;
    /* the all-zero halfword is defined to be illegal */
    if (out->raw == 0) return 2;
    return decode16(out->raw, out);
}
