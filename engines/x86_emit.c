/* x86-64 encoder for the JIT: see x86_emit.h. Encodings from the Intel SDM vol. 2. */
#include <string.h>

#include "engines/x86_emit.h"

void x86_init(x86_buf *b, uint8_t *start, size_t size)
{
    b->p = b->start = start;
    b->end = start + size;
    b->bad = 0;
    b->idx = -1;
}

void x86_byte(x86_buf *b, uint8_t v)
{
    if (b->p < b->end) *b->p++ = v;
    else b->bad = 1;
}

void x86_u32(x86_buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++) x86_byte(b, (uint8_t)(v >> (8 * i)));
}

/* (the index register's X bit applies only to memory operands; register
 * forms are never emitted while an index is set) */
static void rex(x86_buf *b, int w, int reg, int base, int force)
{
    uint8_t r = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((base & 8) ? 1 : 0) |
                          (b->idx >= 0 && (b->idx & 8) ? 2 : 0));
    if (r != 0x40 || force) x86_byte(b, r);
}

/* modrm (+ sib) for [base (+ idx) + disp] with register field reg: disp8
 * when it fits, disp32 otherwise */
static void mem_operand(x86_buf *b, int reg, int base, int32_t disp)
{
    int d8 = disp >= -128 && disp <= 127;
    uint8_t mod = d8 ? 0x40 : 0x80;
    if (b->idx >= 0) {
        x86_byte(b, (uint8_t)(mod | ((reg & 7) << 3) | 4));
        x86_byte(b, (uint8_t)(((b->idx & 7) << 3) | (base & 7)));
    } else {
        x86_byte(b, (uint8_t)(mod | ((reg & 7) << 3) | (base & 7)));
        if ((base & 7) == RSP) x86_byte(b, 0x24);
    }
    if (d8) x86_byte(b, (uint8_t)disp);
    else x86_u32(b, (uint32_t)disp);
}

static void rr_operand(x86_buf *b, int reg, int rm)
{
    x86_byte(b, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

void x86_load64(x86_buf *b, int reg, int base, int32_t disp)
{
    rex(b, 1, reg, base, 0);
    x86_byte(b, 0x8b);
    mem_operand(b, reg, base, disp);
}

void x86_store64(x86_buf *b, int base, int32_t disp, int reg)
{
    rex(b, 1, reg, base, 0);
    x86_byte(b, 0x89);
    mem_operand(b, reg, base, disp);
}

void x86_load_ext(x86_buf *b, int reg, int base, int32_t disp, int size, int sign)
{
    switch (size) {
    case 1:
    case 2:
        rex(b, sign, reg, base, 0);
        x86_byte(b, 0x0f);
        x86_byte(b, (uint8_t)((sign ? 0xbe : 0xb6) + (size == 2)));
        break;
    case 4:
        rex(b, sign, reg, base, 0);
        x86_byte(b, sign ? 0x63 : 0x8b);
        break;
    default:
        rex(b, 1, reg, base, 0);
        x86_byte(b, 0x8b);
        break;
    }
    mem_operand(b, reg, base, disp);
}

void x86_store_n(x86_buf *b, int base, int32_t disp, int reg, int size)
{
    if (size == 2) x86_byte(b, 0x66);
    rex(b, size == 8, reg, base, size == 1);
    x86_byte(b, size == 1 ? 0x88 : 0x89);
    mem_operand(b, reg, base, disp);
}

void x86_mov_rr(x86_buf *b, int dst, int src)
{
    rex(b, 1, src, dst, 0);
    x86_byte(b, 0x89);
    rr_operand(b, src, dst);
}

void x86_mov_imm(x86_buf *b, int reg, uint64_t v)
{
    if (v <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
        rex(b, 0, 0, reg, 0);
        x86_byte(b, (uint8_t)(0xb8 + (reg & 7)));
        x86_u32(b, (uint32_t)v);
    } else if ((int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) {
        rex(b, 1, 0, reg, 0);
        x86_byte(b, 0xc7);
        rr_operand(b, 0, reg);
        x86_u32(b, (uint32_t)v);
    } else {
        rex(b, 1, 0, reg, 0);
        x86_byte(b, (uint8_t)(0xb8 + (reg & 7)));
        x86_u32(b, (uint32_t)v);
        x86_u32(b, (uint32_t)(v >> 32));
    }
}

void x86_store_imm(x86_buf *b, int base, int32_t disp, int32_t v)
{
    rex(b, 1, 0, base, 0);
    x86_byte(b, 0xc7);
    mem_operand(b, 0, base, disp);
    x86_u32(b, (uint32_t)v);
}

void x86_alu_rr(x86_buf *b, int op, int dst, int src, int w64)
{
    rex(b, w64, dst, src, 0);
    x86_byte(b, (uint8_t)(op * 8 + 3));
    rr_operand(b, dst, src);
}

void x86_alu_ri(x86_buf *b, int op, int dst, int32_t imm, int w64)
{
    rex(b, w64, 0, dst, 0);
    if (imm >= -128 && imm <= 127) {
        x86_byte(b, 0x83);
        rr_operand(b, op, dst);
        x86_byte(b, (uint8_t)imm);
    } else {
        x86_byte(b, 0x81);
        rr_operand(b, op, dst);
        x86_u32(b, (uint32_t)imm);
    }
}

void x86_alu_rm(x86_buf *b, int op, int dst, int base, int32_t disp)
{
    x86_alu_rmw(b, op, dst, base, disp, 1);
}

void x86_alu_rmw(x86_buf *b, int op, int dst, int base, int32_t disp, int w64)
{
    rex(b, w64, dst, base, 0);
    x86_byte(b, (uint8_t)(op * 8 + 3));
    mem_operand(b, dst, base, disp);
}

void x86_alu_mi(x86_buf *b, int op, int base, int32_t disp, int32_t imm)
{
    rex(b, 1, 0, base, 0);
    x86_byte(b, 0x81);
    mem_operand(b, op, base, disp);
    x86_u32(b, (uint32_t)imm);
}

void x86_cmp_mi(x86_buf *b, int base, int32_t disp, int32_t imm, int size)
{
    if (size == 2) x86_byte(b, 0x66);
    rex(b, size == 8, 0, base, 0);
    x86_byte(b, 0x81);
    mem_operand(b, ALU_CMP, base, disp);
    if (size == 2) {
        x86_byte(b, (uint8_t)imm);
        x86_byte(b, (uint8_t)(imm >> 8));
    } else {
        x86_u32(b, (uint32_t)imm);
    }
}

void x86_shift_ri(x86_buf *b, int op, int reg, int amount, int w64)
{
    rex(b, w64, 0, reg, 0);
    x86_byte(b, 0xc1);
    rr_operand(b, op, reg);
    x86_byte(b, (uint8_t)amount);
}

void x86_shift_cl(x86_buf *b, int op, int reg, int w64)
{
    rex(b, w64, 0, reg, 0);
    x86_byte(b, 0xd3);
    rr_operand(b, op, reg);
}

void x86_imul_rr(x86_buf *b, int dst, int src, int w64)
{
    rex(b, w64, dst, src, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xaf);
    rr_operand(b, dst, src);
}

void x86_unary(x86_buf *b, int op, int reg, int w64)
{
    rex(b, w64, 0, reg, 0);
    x86_byte(b, 0xf7);
    rr_operand(b, op, reg);
}

void x86_cqo(x86_buf *b, int w64)
{
    if (w64) x86_byte(b, 0x48);
    x86_byte(b, 0x99);
}

void x86_movsxd(x86_buf *b, int dst, int src)
{
    rex(b, 1, dst, src, 0);
    x86_byte(b, 0x63);
    rr_operand(b, dst, src);
}

void x86_mov32(x86_buf *b, int dst, int src)
{
    rex(b, 0, src, dst, 0);
    x86_byte(b, 0x89);
    rr_operand(b, src, dst);
}

void x86_setcc_zx(x86_buf *b, int cc, int reg)
{
    rex(b, 0, 0, reg, 1); /* REX so that sil/dil, not dh/bh */
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x90 + cc));
    rr_operand(b, 0, reg);
    rex(b, 0, reg, reg, 1);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xb6);
    rr_operand(b, reg, reg);
}

void x86_cmov(x86_buf *b, int cc, int dst, int src, int w64)
{
    rex(b, w64, dst, src, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x40 + cc));
    rr_operand(b, dst, src);
}

void x86_test_ri8(x86_buf *b, int reg, uint8_t imm)
{
    rex(b, 0, 0, reg, reg >= 4); /* REX so that sil/dil, not dh/bh */
    x86_byte(b, 0xf6);
    rr_operand(b, 0, reg);
    x86_byte(b, imm);
}

void x86_lea(x86_buf *b, int reg, int base, int32_t disp)
{
    rex(b, 1, reg, base, 0);
    x86_byte(b, 0x8d);
    mem_operand(b, reg, base, disp);
}

void x86_inc_m64(x86_buf *b, int base, int32_t disp)
{
    rex(b, 1, 0, base, 0);
    x86_byte(b, 0xff);
    mem_operand(b, 0, base, disp);
}

void x86_test_rr32(x86_buf *b, int r1, int r2)
{
    rex(b, 0, r2, r1, 0);
    x86_byte(b, 0x85);
    rr_operand(b, r2, r1);
}

void x86_test_mi8(x86_buf *b, int base, int32_t disp, uint8_t imm)
{
    rex(b, 0, 0, base, 0);
    x86_byte(b, 0xf6);
    mem_operand(b, 0, base, disp);
    x86_byte(b, imm);
}

size_t x86_jmp(x86_buf *b)
{
    x86_byte(b, 0xe9);
    size_t at = x86_len(b);
    x86_u32(b, 0);
    return at;
}

size_t x86_jcc(x86_buf *b, int cc)
{
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x80 + cc));
    size_t at = x86_len(b);
    x86_u32(b, 0);
    return at;
}

void x86_write_rel32(uint8_t *start, size_t field, size_t target)
{
    int32_t rel = (int32_t)((int64_t)target - (int64_t)(field + 4));
    memcpy(start + field, &rel, 4);
}

void x86_patch_rel32(x86_buf *b, size_t field, size_t target)
{
    if (b->bad || field + 4 > (size_t)(b->p - b->start)) {
        b->bad = 1;
        return;
    }
    x86_write_rel32(b->start, field, target);
}

void x86_call_abs(x86_buf *b, const void *fn)
{
    x86_mov_imm(b, RAX, (uint64_t)(uintptr_t)fn);
    x86_byte(b, 0xff);
    x86_byte(b, 0xd0);
}

void x86_jmp_reg(x86_buf *b, int reg)
{
    rex(b, 0, 0, reg, 0);
    x86_byte(b, 0xff);
    rr_operand(b, 4, reg);
}

void x86_push(x86_buf *b, int reg)
{
    rex(b, 0, 0, reg, 0);
    x86_byte(b, (uint8_t)(0x50 + (reg & 7)));
}

void x86_pop(x86_buf *b, int reg)
{
    rex(b, 0, 0, reg, 0);
    x86_byte(b, (uint8_t)(0x58 + (reg & 7)));
}

void x86_ret(x86_buf *b) { x86_byte(b, 0xc3); }

void x86_movq_xm(x86_buf *b, int x, int base, int32_t disp)
{
    x86_byte(b, 0xf3);
    rex(b, 0, x, base, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0x7e);
    mem_operand(b, x, base, disp);
}

void x86_movq_mx(x86_buf *b, int base, int32_t disp, int x)
{
    x86_byte(b, 0x66);
    rex(b, 0, x, base, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xd6);
    mem_operand(b, x, base, disp);
}

void x86_sse_op(x86_buf *b, uint8_t prefix, uint8_t op, int x, int base, int32_t disp)
{
    if (prefix) x86_byte(b, prefix);
    rex(b, 0, x, base, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, op);
    mem_operand(b, x, base, disp);
}

void x86_sse_rr(x86_buf *b, uint8_t prefix, uint8_t op, int x, int y)
{
    if (prefix) x86_byte(b, prefix);
    rex(b, 0, x, y, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, op);
    rr_operand(b, x, y);
}

/* 66 REX.W 0F op /r between an xmm register (reg field) and a general one */
static void movq_gpr(x86_buf *b, uint8_t op, int x, int reg)
{
    x86_byte(b, 0x66);
    rex(b, 1, x, reg, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, op);
    rr_operand(b, x, reg);
}

void x86_movq_xr(x86_buf *b, int x, int reg) { movq_gpr(b, 0x6e, x, reg); }
void x86_movq_rx(x86_buf *b, int reg, int x) { movq_gpr(b, 0x7e, x, reg); }

/* prefix (REX) 0F op /r with reg field r and register operand m */
static void sse_gpr(x86_buf *b, uint8_t prefix, uint8_t op, int w64, int r, int m)
{
    x86_byte(b, prefix);
    rex(b, w64, r, m, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, op);
    rr_operand(b, r, m);
}

void x86_cvtsd2si(x86_buf *b, int reg, int x, int w64, int trunc)
{
    sse_gpr(b, 0xf2, trunc ? 0x2c : 0x2d, w64, reg, x);
}

void x86_cvtss2si(x86_buf *b, int reg, int x, int w64, int trunc)
{
    sse_gpr(b, 0xf3, trunc ? 0x2c : 0x2d, w64, reg, x);
}

void x86_vex38(x86_buf *b, uint8_t op, int w, int dst, int v, int rm, int base, int32_t disp)
{
    int r = rm >= 0 ? rm : base;
    x86_byte(b, 0xc4);
    x86_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((r & 8) ? 0 : 0x20) | 0x02)); /* 0F38 */
    x86_byte(b, (uint8_t)((w ? 0x80 : 0) | ((~v & 15) << 3) | 0x01)); /* W, L0, pp = 66 */
    x86_byte(b, op);
    if (rm >= 0) rr_operand(b, dst, rm);
    else mem_operand(b, dst, base, disp);
}

void x86_cvtsi2sd(x86_buf *b, int x, int reg, int w64) { sse_gpr(b, 0xf2, 0x2a, w64, x, reg); }
void x86_cvtsi2ss(x86_buf *b, int x, int reg, int w64) { sse_gpr(b, 0xf3, 0x2a, w64, x, reg); }
