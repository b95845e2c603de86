/*
 * Unit tests of the RV64GC decoder (isa/riscv/decode.c).
 *
 * - Field meanings documented in riscv.h, on hand-picked encodings: sign-
 *   extended immediates at their extremes, shift amounts, CSR numbers, fence
 *   fields, AMO ordering bits, FP rounding modes, rs3.
 * - Reserved and illegal encodings, 16- and 32-bit.
 * - Every one of the 49152 compressed encodings: when legal, its expansion
 *   must be exactly what the decoder makes of the equivalent 32-bit
 *   instruction (re-encoded here by a small encoder), and printed as that
 *   32-bit instruction it must read as objdump's text for the compressed
 *   one, which checks the implicit fields no c.* disassembly shows (c.j's
 *   rd, c.jalr's rd, c.mv's rs1 ...).
 * - The op name and class tables.
 * The text side, and the agreement with objdump on which encodings are
 * legal, are tested by test_disasm and tests/isa/objdump-compare.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "vmlab/riscv.h"

#define ANY 99

static const struct {
    uint32_t raw;
    int op, rd, rs1, rs2, rs3, rm;
    int64_t imm;
} fields[] = {
    /* raw          op                  rd   rs1  rs2  rs3  rm   imm */
    {0x80000537, VM_RV_LUI, 10, ANY, ANY, ANY, ANY, -0x80000000LL},
    {0x7ffff517, VM_RV_AUIPC, 10, ANY, ANY, ANY, ANY, 0x7ffff000},
    {0x800000ef, VM_RV_JAL, 1, ANY, ANY, ANY, ANY, -0x100000},
    {0x7ffff0ef, VM_RV_JAL, 1, ANY, ANY, ANY, ANY, 0xffffe},
    {0x80058567, VM_RV_JALR, 10, 11, ANY, ANY, ANY, -2048},
    {0x80a00063, VM_RV_BEQ, ANY, 0, 10, ANY, ANY, -4096},
    {0x7e050fe3, VM_RV_BEQ, ANY, 10, 0, ANY, ANY, 4094},
    {0x80058503, VM_RV_LB, 10, 11, ANY, ANY, ANY, -2048},
    {0x7ff5e503, VM_RV_LWU, 10, 11, ANY, ANY, ANY, 2047},
    {0xfea58fa3, VM_RV_SB, ANY, 11, 10, ANY, ANY, -1},
    {0x80a5b023, VM_RV_SD, ANY, 11, 10, ANY, ANY, -2048},
    {0x7ea5bfa3, VM_RV_SD, ANY, 11, 10, ANY, ANY, 2047},
    {0xfff5c513, VM_RV_XORI, 10, 11, ANY, ANY, ANY, -1},
    {0x03f59513, VM_RV_SLLI, 10, 11, ANY, ANY, ANY, 63},
    {0x43f5d513, VM_RV_SRAI, 10, 11, ANY, ANY, ANY, 63},
    {0x41f5d51b, VM_RV_SRAIW, 10, 11, ANY, ANY, ANY, 31},
    {0x40c5853b, VM_RV_SUBW, 10, 11, 12, ANY, ANY, ANY},
    {0x02c5f533, VM_RV_REMU, 10, 11, 12, ANY, ANY, ANY},
    {0x8330000f, VM_RV_FENCE, ANY, ANY, ANY, ANY, ANY, 0x833},
    {0x0100000f, VM_RV_FENCE, ANY, ANY, ANY, ANY, ANY, 0x010},
    {0x0000100f, VM_RV_FENCE_I, ANY, ANY, ANY, ANY, ANY, ANY},
    {0xc0002573, VM_RV_CSRRS, 10, 0, ANY, ANY, ANY, 0xc00},
    {0x001fd073, VM_RV_CSRRWI, 0, 31, ANY, ANY, ANY, 0x001},
    {0xfff5f573, VM_RV_CSRRCI, 10, 11, ANY, ANY, ANY, 0xfff},
    {0x1605b52f, VM_RV_LR_D, 10, 11, 0, ANY, 3, ANY},
    {0x0ac5a52f, VM_RV_AMOSWAP_W, 10, 11, 12, ANY, 1, ANY},
    {0x1cc5b52f, VM_RV_SC_D, 10, 11, 12, ANY, 2, ANY},
    {0xe0c5a52f, VM_RV_AMOMAXU_W, 10, 11, 12, ANY, 0, ANY},
    {0x6ac5c54f, VM_RV_FNMADD_D, 10, 11, 12, 13, 4, ANY},
    {0xf8c5f543, VM_RV_FMADD_S, 10, 11, 12, 31, 7, ANY},
    {0x02a5d553, VM_RV_FADD_D, 10, 11, 10, ANY, 5, ANY}, /* rm 5: the interpreter traps */
    {0xc0354553, VM_RV_FCVT_LU_S, 10, 10, 3, ANY, 4, ANY},
    {0x40158553, VM_RV_FCVT_S_D, 10, 11, 1, ANY, 0, ANY},
    {0x42057553, VM_RV_FCVT_D_S, 10, 10, 0, ANY, 7, ANY}, /* objdump: .4byte; qemu runs it */
    {0xe2000553, VM_RV_FMV_X_D, 10, 0, ANY, ANY, ANY, ANY},
    {0xf2050fd3, VM_RV_FMV_D_X, 31, 10, ANY, ANY, ANY, ANY},
    {0x81f5b027, VM_RV_FSD, ANY, 11, 31, ANY, ANY, -2048},
    {0x12b50073, VM_RV_SFENCE_VMA, 0, 10, 11, ANY, ANY, ANY},
    /* compressed, with their extreme immediates */
    {0x1fe4, VM_RV_ADDI, 9, 2, ANY, ANY, ANY, 1020},   /* c.addi4spn s1,sp,1020 */
    {0x3ffc, VM_RV_FLD, 15, 15, ANY, ANY, ANY, 248},   /* c.fld fa5,248(a5) */
    {0x5ce0, VM_RV_LW, 8, 9, ANY, ANY, ANY, 124},      /* c.lw s0,124(s1) */
    {0xfc64, VM_RV_SD, ANY, 8, 9, ANY, ANY, 248},      /* c.sd s1,248(s0) */
    {0x1501, VM_RV_ADDI, 10, 10, ANY, ANY, ANY, -32},  /* c.addi a0,-32 */
    {0x32fd, VM_RV_ADDIW, 5, 5, ANY, ANY, ANY, -1},    /* c.addiw t0,-1 */
    {0x7101, VM_RV_ADDI, 2, 2, ANY, ANY, ANY, -512},   /* c.addi16sp sp,-512 */
    {0x617d, VM_RV_ADDI, 2, 2, ANY, ANY, ANY, 496},    /* c.addi16sp sp,496 */
    {0x7f81, VM_RV_LUI, 31, ANY, ANY, ANY, ANY, -0x20000},
    {0x6505, VM_RV_LUI, 10, ANY, ANY, ANY, ANY, 0x1000},
    {0x907d, VM_RV_SRLI, 8, 8, ANY, ANY, ANY, 63},
    {0x9601, VM_RV_SRAI, 12, 12, ANY, ANY, ANY, 32},
    {0x9afd, VM_RV_ANDI, 13, 13, ANY, ANY, ANY, -1},
    {0xaffd, VM_RV_JAL, 0, ANY, ANY, ANY, ANY, 2046},
    {0xb001, VM_RV_JAL, 0, ANY, ANY, ANY, ANY, -2048},
    {0xcd7d, VM_RV_BEQ, ANY, 10, 0, ANY, ANY, 254},
    {0xf081, VM_RV_BNE, ANY, 9, 0, ANY, ANY, -256},
    {0x1ffe, VM_RV_SLLI, 31, 31, ANY, ANY, ANY, 63},
    {0x357e, VM_RV_FLD, 10, 2, ANY, ANY, ANY, 504},    /* c.fldsp */
    {0x50fe, VM_RV_LW, 1, 2, ANY, ANY, ANY, 252},      /* c.lwsp */
    {0x7ffe, VM_RV_LD, 31, 2, ANY, ANY, ANY, 504},     /* c.ldsp */
    {0xbfee, VM_RV_FSD, ANY, 2, 27, ANY, ANY, 504},    /* c.fsdsp */
    {0xdffe, VM_RV_SW, ANY, 2, 31, ANY, ANY, 252},     /* c.swsp */
    {0x9002, VM_RV_EBREAK, ANY, ANY, ANY, ANY, ANY, ANY},
    /* HINTs decode (and execute as no-ops) */
    {0x0015, VM_RV_ADDI, 0, 0, ANY, ANY, ANY, 5},      /* c.addi zero,5 */
    {0x4015, VM_RV_ADDI, 0, 0, ANY, ANY, ANY, 5},      /* c.li zero,5 */
    {0x8012, VM_RV_ADD, 0, 0, 4, ANY, ANY, ANY},       /* c.mv zero,tp */
    {0x0502, VM_RV_SLLI, 10, 10, ANY, ANY, ANY, 0},    /* c.slli64 a0 */
};

static void test_fields(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        vm_rv_insn in;
        int len = vm_rv_decode(fields[i].raw, &in);
        assert_int_equal(len, (fields[i].raw & 3) == 3 ? 4 : 2);
        assert_int_equal(in.len, len);
        assert_int_equal(in.raw, (fields[i].raw & 3) == 3 ? fields[i].raw : fields[i].raw & 0xffff);
        assert_int_equal(in.op, fields[i].op);
        if (fields[i].rd != ANY) assert_int_equal(in.rd, fields[i].rd);
        if (fields[i].rs1 != ANY) assert_int_equal(in.rs1, fields[i].rs1);
        if (fields[i].rs2 != ANY) assert_int_equal(in.rs2, fields[i].rs2);
        if (fields[i].rs3 != ANY) assert_int_equal(in.rs3, fields[i].rs3);
        if (fields[i].rm != ANY) assert_int_equal(in.rm, fields[i].rm);
        if (fields[i].imm != ANY) assert_true(in.imm == fields[i].imm);
    }
}

static void test_illegal(void **state)
{
    (void)state;
    static const uint32_t bad[] = {
        /* 16-bit: the zero halfword, and every reserved RVC encoding */
        0x0000, 0x0010,         /* c.addi4spn with zero immediate */
        0x8000,                 /* quadrant 0, funct3 100 */
        0x2001,                 /* c.addiw rd=0 */
        0x6101, 0x6081,         /* c.addi16sp / c.lui with zero immediate */
        0x9c41, 0x9c61,         /* quadrant 1 reserved ALU */
        0x4002, 0x6002,         /* c.lwsp / c.ldsp rd=0 */
        0x8002,                 /* c.jr x0 */
        /* 32-bit */
        0x0000000b, 0x00002067,                 /* custom-0, jalr f3=2 */
        0x00002063, 0x00007003, 0x00004023,     /* branch f3=2, load f3=7, store f3=4 */
        0x0405d513, 0x0205951b, 0xfe000033,     /* srli bit 30+26, slliw shamt[5], funct7 */
        0x4000c533, 0x40b5153b,                 /* funct7 0x20 with xor, with sllw */
        0x1015a52f, 0x0005952f,                 /* lr with rs2, AMO funct3=1 */
        0x04c58543, 0x06c58543,                 /* fmadd.h, fmadd.q */
        0x00001007, 0x00004027,                 /* flh, fsq */
        0x58159553, 0x40259553, 0x42159553,     /* fsqrt rs2, fcvt.s.d rs2=2, fcvt.d.s rs2=1 */
        0xc0450553, 0xe0053553,                 /* fcvt.w.s rs2=4, f7 0x70 with f3=3 */
        0x20b5b553, 0x28b5a553, 0xa0b53553,     /* fsgnj f3=3, fmin f3=2, feq f3=3 */
        0xe0151553, 0xf0051553,                 /* fmv.x.w rs2=1, fmv.w.x f3=1 */
        0x00200073, 0x7b200073, 0x00004073,     /* uret, dret, SYSTEM f3=4 */
        0x8000d513,                             /* srai with funct6 100000 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vm_rv_insn in;
        int len = vm_rv_decode(bad[i], &in);
        if (in.op != VM_RV_ILLEGAL) print_error("%08x decodes as %s\n", bad[i], vm_rv_op_name(in.op));
        assert_int_equal(in.op, VM_RV_ILLEGAL);
        assert_int_equal(len, vm_rv_insn_len(bad[i]));
    }
    /* the high half is ignored for a compressed encoding */
    vm_rv_insn in;
    assert_int_equal(vm_rv_decode(0xffff4501, &in), 2);
    assert_int_equal(in.op, VM_RV_ADDI);
    assert_int_equal(in.raw, 0x4501);
}

/* {===== a minimal encoder for the operations compressed forms expand to */

static uint32_t enc_i(uint32_t opc, int f3, const vm_rv_insn *d, int64_t imm)
{
    return (uint32_t)(imm & 0xfff) << 20 | d->rs1 << 15 | (uint32_t)f3 << 12 | d->rd << 7 | opc;
}

static uint32_t enc_s(uint32_t opc, int f3, const vm_rv_insn *d)
{
    uint32_t imm = (uint32_t)d->imm & 0xfff;
    return (imm >> 5) << 25 | d->rs2 << 20 | d->rs1 << 15 | (uint32_t)f3 << 12 | (imm & 31) << 7 |
           opc;
}

static uint32_t enc_r(uint32_t opc, int f3, int f7, const vm_rv_insn *d)
{
    return (uint32_t)f7 << 25 | d->rs2 << 20 | d->rs1 << 15 | (uint32_t)f3 << 12 | d->rd << 7 | opc;
}

static uint32_t encode(const vm_rv_insn *d)
{
    uint32_t i = (uint32_t)d->imm;
    switch (d->op) {
    case VM_RV_ADDI: return enc_i(0x13, 0, d, d->imm);
    case VM_RV_ADDIW: return enc_i(0x1b, 0, d, d->imm);
    case VM_RV_ANDI: return enc_i(0x13, 7, d, d->imm);
    case VM_RV_SLLI: return enc_i(0x13, 1, d, d->imm);
    case VM_RV_SRLI: return enc_i(0x13, 5, d, d->imm);
    case VM_RV_SRAI: return enc_i(0x13, 5, d, d->imm | 0x400);
    case VM_RV_LW: return enc_i(0x03, 2, d, d->imm);
    case VM_RV_LD: return enc_i(0x03, 3, d, d->imm);
    case VM_RV_FLD: return enc_i(0x07, 3, d, d->imm);
    case VM_RV_JALR: return enc_i(0x67, 0, d, d->imm);
    case VM_RV_SW: return enc_s(0x23, 2, d);
    case VM_RV_SD: return enc_s(0x23, 3, d);
    case VM_RV_FSD: return enc_s(0x27, 3, d);
    case VM_RV_ADD: return enc_r(0x33, 0, 0, d);
    case VM_RV_SUB: return enc_r(0x33, 0, 0x20, d);
    case VM_RV_XOR: return enc_r(0x33, 4, 0, d);
    case VM_RV_OR: return enc_r(0x33, 6, 0, d);
    case VM_RV_AND: return enc_r(0x33, 7, 0, d);
    case VM_RV_ADDW: return enc_r(0x3b, 0, 0, d);
    case VM_RV_SUBW: return enc_r(0x3b, 0, 0x20, d);
    case VM_RV_LUI: return (i & 0xfffff000u) | d->rd << 7 | 0x37;
    case VM_RV_EBREAK: return 0x00100073;
    case VM_RV_JAL:
        return (i >> 20 & 1) << 31 | (i >> 1 & 0x3ff) << 21 | (i >> 11 & 1) << 20 |
               (i >> 12 & 0xff) << 12 | d->rd << 7 | 0x6f;
    case VM_RV_BEQ:
    case VM_RV_BNE:
        return (i >> 12 & 1) << 31 | (i >> 5 & 0x3f) << 25 | d->rs2 << 20 | d->rs1 << 15 |
               (d->op == VM_RV_BNE ? 1u : 0u) << 12 | (i >> 1 & 15) << 8 | (i >> 11 & 1) << 7 | 0x63;
    }
    return 0;
}

static void test_rvc_expansion(void **state)
{
    (void)state;
    int legal = 0;
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 3) == 3) continue;
        vm_rv_insn c, w;
        assert_int_equal(vm_rv_decode(h, &c), 2);
        if (c.op == VM_RV_ILLEGAL) continue;
        legal++;
        uint32_t x = encode(&c);
        if (!x) print_error("%04x: %s has no 32-bit encoder here\n", h, vm_rv_op_name(c.op));
        assert_true(x != 0);
        vm_rv_decode(x, &w);
        /* fields that the op does not use may differ (the 32-bit decoder
         * fills rd of a store from the encoding); compare the used ones */
        int cls = vm_rv_op_class(c.op);
        int uses_rd = cls != VM_RV_CLASS_STORE && cls != VM_RV_CLASS_FSTORE &&
                      cls != VM_RV_CLASS_BRANCH && c.op != VM_RV_EBREAK;
        int uses_rs1 = c.op != VM_RV_LUI && c.op != VM_RV_JAL && c.op != VM_RV_EBREAK;
        int uses_rs2 = cls == VM_RV_CLASS_STORE || cls == VM_RV_CLASS_FSTORE ||
                       cls == VM_RV_CLASS_BRANCH || c.op == VM_RV_ADD || c.op == VM_RV_SUB ||
                       c.op == VM_RV_XOR || c.op == VM_RV_OR || c.op == VM_RV_AND ||
                       c.op == VM_RV_ADDW || c.op == VM_RV_SUBW;
        int uses_imm = !uses_rs2 || cls != VM_RV_CLASS_ALU;
        if (w.op != c.op || (uses_rd && w.rd != c.rd) || (uses_rs1 && w.rs1 != c.rs1) ||
            (uses_rs2 && w.rs2 != c.rs2) || (uses_imm && c.op != VM_RV_EBREAK && w.imm != c.imm))
            print_error("%04x expands to %s rd=%d rs1=%d rs2=%d imm=%lld, but %08x is %s rd=%d "
                        "rs1=%d rs2=%d imm=%lld\n",
                        h, vm_rv_op_name(c.op), c.rd, c.rs1, c.rs2, (long long)c.imm, x,
                        vm_rv_op_name(w.op), w.rd, w.rs1, w.rs2, (long long)w.imm);
        assert_int_equal(w.op, c.op);
        if (uses_rd) assert_int_equal(w.rd, c.rd);
        if (uses_rs1) assert_int_equal(w.rs1, c.rs1);
        if (uses_rs2) assert_int_equal(w.rs2, c.rs2);
        if (uses_imm && c.op != VM_RV_EBREAK) assert_true(w.imm == c.imm);
    }
    /* 49152 compressed encodings minus the reserved ones: objdump 2.40 knows
     * one more, c.addi16sp with a zero immediate, which the manual reserves
     * (tests/isa/objdump-compare). A change here is a change of legality. */
    assert_int_equal(legal, 46743);
}

/* The round trip above cannot see an implicit field that is wrong but
 * consistent (c.jalr's rd = 1). Independent check: objdump's default-style
 * text for a compressed encoding is what the expansion means ("jalr t0",
 * "j 1234", "beqz a0,..."), so the expansion printed as a 32-bit
 * instruction must read the same. Exceptions, where both texts say the same
 * thing differently: HINTs, which objdump prints under their c.* name, and
 * moves (c.mv is add rd,zero,rs; c.addi rd,0 prints as "add rd,rd,0"). */
static void test_rvc_reads_as_objdump(void **state)
{
    (void)state;
    for (uint32_t h = 0; h < 0x10000; h++) {
        vm_rv_insn c, w;
        char a[96], b[96], mv[96];
        if ((h & 3) == 3 || (vm_rv_decode(h, &c), c.op == VM_RV_ILLEGAL)) continue;
        vm_rv_disasm(&c, 0x1000, 1, a, sizeof a);
        w = c;
        w.len = 4;
        w.raw = encode(&c);
        w.rm = 7;
        vm_rv_disasm(&w, 0x1000, 1, b, sizeof b);
        if (!strcmp(a, b) || !strncmp(a, "c.", 2)) continue;
        if (c.op == VM_RV_ADD) { /* "mv a0,a1" = "add a0,zero,a1" */
            snprintf(mv, sizeof mv, "mv\t%s,%s", vm_rv_xreg_name(c.rd), vm_rv_xreg_name(c.rs2));
            if (!strcmp(a, mv) && c.rs1 == 0) continue;
        }
        if (c.op == VM_RV_ADDI && c.imm == 0) { /* "add a0,a0,0" = "mv a0,a0" */
            snprintf(mv, sizeof mv, "mv\t%s,%s", vm_rv_xreg_name(c.rd), vm_rv_xreg_name(c.rs1));
            if (!strcmp(b, mv)) continue;
        }
        print_error("%04x: objdump prints \"%s\", its expansion reads \"%s\"\n", h, a, b);
        fail();
    }
}

static void test_tables(void **state)
{
    (void)state;
    for (int op = 1; op < VM_RV_NOPS; op++) {
        assert_non_null(vm_rv_op_name(op));
        assert_string_not_equal(vm_rv_op_name(op), "illegal");
        int cls = vm_rv_op_class(op);
        assert_true(cls > VM_RV_CLASS_ILLEGAL && cls <= VM_RV_CLASS_SYSTEM);
        assert_string_not_equal(vm_rv_class_name(cls), "illegal");
        for (int other = 1; other < op; other++)
            assert_string_not_equal(vm_rv_op_name(op), vm_rv_op_name(other));
    }
    assert_string_equal(vm_rv_op_name(VM_RV_ILLEGAL), "illegal");
    assert_string_equal(vm_rv_op_name(VM_RV_NOPS), "illegal");
    assert_string_equal(vm_rv_op_name(-1), "illegal");
    assert_int_equal(vm_rv_op_class(VM_RV_NOPS), VM_RV_CLASS_ILLEGAL);
    assert_string_equal(vm_rv_class_name(99), "illegal");
    assert_string_equal(vm_rv_xreg_name(0), "zero");
    assert_string_equal(vm_rv_xreg_name(31), "t6");
    assert_string_equal(vm_rv_freg_name(31), "ft11");
    assert_int_equal(vm_rv_insn_len(0x0001), 2);
    assert_int_equal(vm_rv_insn_len(0x0003), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_illegal),
        cmocka_unit_test(test_rvc_expansion),
        cmocka_unit_test(test_rvc_reads_as_objdump),
        cmocka_unit_test(test_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
