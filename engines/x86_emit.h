/*
 * A small x86-64 encoder for the JIT: just the instructions jit_x86.c emits,
 * into a byte buffer that records overflow instead of writing past its end
 * (the translator checks `bad` once per block and retries after a flush).
 * Memory operands are [base + disp32] with any base register.
 */
#ifndef VMLAB_X86_EMIT_H
#define VMLAB_X86_EMIT_H

#include <stddef.h>
#include <stdint.h>

enum x86_reg { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* condition codes (the low nibble of jcc/setcc) */
enum x86_cc { CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7, CC_P = 10, CC_L = 12,
              CC_GE = 13, CC_LE = 14, CC_G = 15 };

/* two-operand ALU group: the /digit of 81 and (8*digit + 3) of the r, r/m form */
enum x86_alu { ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
enum x86_shift { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

typedef struct x86_buf {
    uint8_t *p, *start, *end;
    int bad; /* ran out of room */
    int idx; /* index register of the memory operands, -1: none (x86_index) */
} x86_buf;

/* Memory operands of the calls that follow address [base + idx + disp]
 * until x86_index(b, -1). idx must not be RSP. */
static inline void x86_index(x86_buf *b, int idx) { b->idx = idx; }

void x86_init(x86_buf *b, uint8_t *start, size_t size);
static inline size_t x86_len(const x86_buf *b) { return (size_t)(b->p - b->start); }

void x86_byte(x86_buf *b, uint8_t v);
void x86_u32(x86_buf *b, uint32_t v);
/* reg <- [base + disp] (size 8) / [base + disp] <- reg */
void x86_load64(x86_buf *b, int reg, int base, int32_t disp);
void x86_store64(x86_buf *b, int base, int32_t disp, int reg);
/* sized loads from [base + disp], zero- or sign-extended to 64 bits */
void x86_load_ext(x86_buf *b, int reg, int base, int32_t disp, int size, int sign);
/* sized store of reg's low bytes to [base + disp] */
void x86_store_n(x86_buf *b, int base, int32_t disp, int reg, int size);
void x86_mov_rr(x86_buf *b, int dst, int src);          /* 64-bit */
void x86_mov_imm(x86_buf *b, int reg, uint64_t v);       /* shortest form */
void x86_store_imm(x86_buf *b, int base, int32_t disp, int32_t v); /* qword, sign-extended */
void x86_alu_rr(x86_buf *b, int op, int dst, int src, int w64);
void x86_alu_ri(x86_buf *b, int op, int dst, int32_t imm, int w64);
void x86_alu_rm(x86_buf *b, int op, int dst, int base, int32_t disp); /* 64-bit reg op= [mem] */
void x86_alu_rmw(x86_buf *b, int op, int dst, int base, int32_t disp, int w64); /* 32 or 64 bits */
void x86_alu_mi(x86_buf *b, int op, int base, int32_t disp, int32_t imm); /* qword [mem] op= imm */
void x86_cmp_mi(x86_buf *b, int base, int32_t disp, int32_t imm, int size); /* size 2 or 8 */
void x86_shift_ri(x86_buf *b, int op, int reg, int amount, int w64);
void x86_shift_cl(x86_buf *b, int op, int reg, int w64);
void x86_imul_rr(x86_buf *b, int dst, int src, int w64);
/* The one-operand group F7 on reg: X86_NEG, X86_MUL (rdx:rax = rax * reg),
 * X86_IMUL1, X86_DIV, X86_IDIV (rax, rdx = rdx:rax / reg) */
enum x86_unop { X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7 };
void x86_unary(x86_buf *b, int op, int reg, int w64);
void x86_cqo(x86_buf *b, int w64);                       /* rdx:rax = sign-extend rax (cdq if !w64) */
void x86_movsxd(x86_buf *b, int dst, int src);           /* dst = sign-extend src's low 32 */
void x86_mov32(x86_buf *b, int dst, int src);            /* dst = zero-extend src's low 32 */
void x86_setcc_zx(x86_buf *b, int cc, int reg);          /* reg = cc ? 1 : 0 */
void x86_cmov(x86_buf *b, int cc, int dst, int src, int w64); /* if (cc) dst = src */
void x86_lea(x86_buf *b, int reg, int base, int32_t disp);
void x86_inc_m64(x86_buf *b, int base, int32_t disp);
void x86_test_rr32(x86_buf *b, int r1, int r2);
void x86_test_ri8(x86_buf *b, int reg, uint8_t imm); /* test reg8, imm8 */
void x86_test_mi8(x86_buf *b, int base, int32_t disp, uint8_t imm);
/* SSE2 scalar doubles; x is an xmm register number 0..7 */
void x86_movq_xm(x86_buf *b, int x, int base, int32_t disp);  /* xmm <- qword [mem] */
void x86_movq_mx(x86_buf *b, int base, int32_t disp, int x);  /* qword [mem] <- xmm */
void x86_sse_op(x86_buf *b, uint8_t prefix, uint8_t op, int x, int base, int32_t disp); /* op xmm, [mem] */
void x86_sse_rr(x86_buf *b, uint8_t prefix, uint8_t op, int x, int y);                 /* op xmm, xmm */
void x86_movq_xr(x86_buf *b, int x, int reg);  /* xmm <- r64 */
void x86_movq_rx(x86_buf *b, int reg, int x);  /* r64 <- xmm */
/* reg = (int) xmm, truncated (cvttsd2si) or rounded by MXCSR (cvtsd2si);
 * the ss forms take a single */
void x86_cvtsd2si(x86_buf *b, int reg, int x, int w64, int trunc);
void x86_cvtss2si(x86_buf *b, int reg, int x, int w64, int trunc);
/* VEX.LIG.66.0F38.Ww op /r (the FMA3 scalars: w 1 doubles, 0 singles): dst,
 * vvvv = v, and r/m = xmm register rm, or [base + disp] when rm < 0 */
void x86_vex38(x86_buf *b, uint8_t op, int w, int dst, int v, int rm, int base, int32_t disp);
/* xmm = (double or float) reg, rounded by MXCSR */
void x86_cvtsi2sd(x86_buf *b, int x, int reg, int w64);
void x86_cvtsi2ss(x86_buf *b, int x, int reg, int w64);
/* jumps: return the offset of the rel32 field for later patching */
size_t x86_jmp(x86_buf *b);
size_t x86_jcc(x86_buf *b, int cc);
/* Point the rel32 field at `field` (an offset from b->start) to `target`;
 * nothing if the field did not fit (the buffer is then bad anyway). */
void x86_patch_rel32(x86_buf *b, size_t field, size_t target);
/* The same in code outside any buffer (chaining an emitted block). */
void x86_write_rel32(uint8_t *start, size_t field, size_t target);
void x86_call_abs(x86_buf *b, const void *fn);            /* via rax */
void x86_jmp_reg(x86_buf *b, int reg);
void x86_push(x86_buf *b, int reg);
void x86_pop(x86_buf *b, int reg);
void x86_ret(x86_buf *b);

#endif
