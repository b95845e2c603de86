/*
 * rvdis: disassemble the .text section of a RISC-V ELF64 file with vmlab's
 * decoder and disassembler, printing each instruction in the line format of
 * `riscv64-linux-gnu-objdump -d -z` (address, encoding column, TAB,
 * instruction), so that tests/isa/objdump-compare can compare the two tools
 * line by line.
 *
 *   rvdis [-M no-aliases] [-L] FILE      disassemble FILE's .text
 *   rvdis -g N SEED OUT                  write test encodings (see gen())
 *
 * objdump appends `# address` to instructions whose memory address it can
 * work out: from a preceding auipc/lui into the base register, from gp (the
 * value of __global_pointer$), or from tp/zero as plain offsets. That is
 * state across instructions plus the symbol table, so it is not part of the
 * one-instruction vm_rv_disasm(); this test tool reproduces objdump's rule
 * (binutils 2.40 riscv-dis.c, maybe_print_address) from vmlab's decoded
 * fields so that the comparison covers those addresses too. Only the
 * `<symbol+offset>` names objdump prints after addresses are left out.
 *
 * -L prints, instead of the text, whether vmlab's decoder accepts each
 * instruction (address, encoding, 1 or 0, and for the encodings binutils
 * 2.40 shows as data although the decoder accepts them, their class), for
 * the illegal-encoding agreement check. A test tool: minimal ELF parsing,
 * exits non-zero on input it cannot read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmlab/riscv.h"

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap = cap ? 2 * cap : 1 << 20);
            if (!nb) break;
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *size = n;
    return buf;
}

static uint64_t rd(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* ELF64 section header fields */
#define SH(f, i, off, n) rd((f) + shoff + (uint64_t)(i) * shentsize + (off), (n))

typedef struct {
    const unsigned char *text;
    uint64_t text_addr, text_size;
    int has_gp;
    uint64_t gp;
} elf_t;

static int load_elf(const unsigned char *f, size_t size, elf_t *e)
{
    if (size < 64 || memcmp(f, "\177ELF", 4) || f[4] != 2 || f[5] != 1 || rd(f + 18, 2) != 243)
        return -1; /* not ELF64 little-endian RISC-V */
    uint64_t shoff = rd(f + 40, 8), shentsize = rd(f + 58, 2), shnum = rd(f + 60, 2);
    uint64_t shstrndx = rd(f + 62, 2);
    if (shentsize < 64 || shoff > size || shnum * shentsize > size - shoff || shstrndx >= shnum)
        return -1;
    uint64_t stroff = SH(f, shstrndx, 24, 8);
    memset(e, 0, sizeof *e);
    for (uint64_t i = 0; i < shnum; i++) {
        uint64_t name = SH(f, i, 0, 4), type = SH(f, i, 4, 4), off = SH(f, i, 24, 8);
        uint64_t sz = SH(f, i, 32, 8);
        if (type != 1 && type != 2) continue; /* only PROGBITS and SYMTAB are read */
        if (off > size || sz > size - off || stroff + name >= size) return -1;
        if (type == 1 && !strcmp((const char *)f + stroff + name, ".text")) {
            e->text = f + off;
            e->text_addr = SH(f, i, 16, 8);
            e->text_size = sz;
        } else if (type == 2) { /* SHT_SYMTAB: look for __global_pointer$ */
            uint64_t link = SH(f, i, 40, 4), symstr = SH(f, link < shnum ? link : 0, 24, 8);
            for (uint64_t s = 0; s + 24 <= sz; s += 24) {
                uint64_t nm = rd(f + off + s, 4);
                if (symstr + nm + sizeof "__global_pointer$" <= size &&
                    !strcmp((const char *)f + symstr + nm, "__global_pointer$")) {
                    e->has_gp = 1;
                    e->gp = rd(f + off + s + 8, 8);
                }
            }
        }
    }
    return e->text ? 0 : -1;
}

/* {====================================================================
 * objdump's `# address` annotation (binutils 2.40 maybe_print_address)
 * ==================================================================== */

typedef struct {
    uint64_t hi[32]; /* address loaded by auipc/lui, or NONE */
    int has_gp;
    uint64_t gp;
    int print;
    uint64_t addr;
} annot_t;

#define NONE UINT64_MAX

static void maybe(annot_t *a, int base, int64_t off, int wide)
{
    if (a->hi[base] != NONE) {
        a->addr = (base ? a->hi[base] : 0) + (uint64_t)off;
        a->hi[base] = NONE;
    } else if (base == 3 && a->has_gp) {
        a->addr = a->gp + (uint64_t)off;
    } else if (base == 4 || base == 0) {
        a->addr = (uint64_t)off;
    } else {
        return;
    }
    a->print = 1;
    if (wide) a->addr = (uint64_t)(int64_t)(int32_t)a->addr;
}

/* Which operands objdump prints decides how often it consults the state;
 * the cases below follow its operand letters for each instruction form. */
static void annotate(annot_t *a, const vm_rv_insn *in, uint64_t pc, int aliases)
{
    uint32_t x = in->raw;
    a->print = 0;
    if (in->op == VM_RV_ILLEGAL) return;
    if (in->len == 2) {
        if ((x & 0xe003) == 0x6001 && in->op == VM_RV_LUI) a->hi[in->rd] = (uint64_t)in->imm;
        if ((x & 0xe003) == 0x0001 && in->rd != 0) maybe(a, in->rd, in->imm, 0); /* c.addi */
        if ((x & 0xe003) == 0x2001 && in->rd != 0 && (in->imm != 0 || !aliases))
            maybe(a, in->rd, in->imm, 1); /* c.addiw, unless shown as sext.w */
        return;
    }
    switch (vm_rv_op_class(in->op)) {
    case VM_RV_CLASS_LOAD:
    case VM_RV_CLASS_STORE:
    case VM_RV_CLASS_FLOAD:
    case VM_RV_CLASS_FSTORE: maybe(a, in->rs1, in->imm, 0); return;
    default: break;
    }
    switch (in->op) {
    case VM_RV_AUIPC: a->hi[in->rd] = pc + (uint64_t)in->imm; break;
    case VM_RV_LUI: a->hi[in->rd] = (uint64_t)in->imm; break;
    case VM_RV_ADDI: /* "addi/add rd,rs1,imm"; not nop, li, mv */
        if (in->rs1 != 0 && (in->imm != 0 || !aliases)) maybe(a, in->rs1, in->imm, 0);
        break;
    case VM_RV_ADDIW: /* "addiw/addw rd,rs1,imm"; not sext.w */
        if (in->rs1 != 0 && (in->imm != 0 || !aliases)) maybe(a, in->rs1, in->imm, 1);
        break;
    case VM_RV_JALR:
        if (aliases && in->rd == 0 && in->rs1 == 1 && in->imm == 0) break; /* ret */
        if (aliases && in->imm == 0) { /* jr/jalr rs1, jalr rd,rs1: operand 's' */
            maybe(a, in->rs1, 0, 0);
        } else { /* 'o(s)': the offset, its immediate check, then the register */
            for (int i = 0; i < 3; i++) maybe(a, in->rs1, in->imm, 0);
        }
        break;
    }
}

/* For -L: the class of an encoding the decoder accepts but binutils 2.40
 * does not know (tests/isa/objdump-compare lists why each is deliberate). */
static const char *why(const vm_rv_insn *in)
{
    uint32_t x = in->raw;
    if (in->op == VM_RV_FENCE && (x & 0xf00f8f80u) && x != 0x8330000fu)
        return "fence with reserved fields";
    if (in->op == VM_RV_FENCE_I && x != 0x100fu) return "fence.i with reserved fields";
    if ((in->op == VM_RV_FCVT_D_S || in->op == VM_RV_FCVT_D_W || in->op == VM_RV_FCVT_D_WU) &&
        in->rm != 0)
        return "fcvt.d.s/w/wu with rm != rne";
    return "-";
}

/* {====================================================================
 * Test encodings, as a raw little-endian byte stream: every 16-bit
 * encoding; every combination of the 32-bit fields that select operations
 * (opcode, funct3, funct7 and where needed rs2) with fixed registers
 * (155648 words); then N 32-bit words to
 * vary the registers too. Those are random, but most get a
 * defined major opcode and some fields set to the values that select
 * pseudo-instructions, FP operations, CSR aliases and AMOs, so that rare
 * forms (fneg.d, frcsr, fcvt.d.lu ...) are covered too. The 48/64-bit
 * length prefixes are avoided: RV64GC does not define them and objdump
 * measures them differently.
 * ==================================================================== */

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static uint32_t gen32(uint64_t *s)
{
    static const uint8_t major[] = {0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33,
                                    0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f,
                                    0x73};
    static const uint8_t fp7[] = {0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x0c, 0x0d, 0x2c,
                                  0x2d, 0x10, 0x11, 0x14, 0x15, 0x20, 0x21, 0x50, 0x51,
                                  0x60, 0x61, 0x68, 0x69, 0x70, 0x71, 0x78, 0x79};
    static const int16_t imm[] = {0, 1, -1, 255, 2, 3, 0xc00, 0xc01, 0xc02, 0x0ff, 0x7ff, -2048};
    uint32_t w = (uint32_t)(xorshift(s) >> 16), r = (uint32_t)(xorshift(s) >> 20);
    if (r & 0xf) w = (w & ~0x7fu) | major[(r >> 4) % sizeof major];
    if ((w & 0x7f) == 0x53 && (r & 0x300)) w = (w & 0x01ffffffu) | (uint32_t)fp7[(r >> 10) % sizeof fp7] << 25;
    if ((w & 0x7f) == 0x2f && (r & 0x300)) w = (w & ~(0x1fu << 27)) | ((r >> 10) & 7) << 29 | ((r >> 13) & 3) << 27;
    r = (uint32_t)(xorshift(s) >> 16);
    if ((r & 7) == 0) w &= ~(0x1fu << 20) | ((r >> 8) & 3) << 20; /* rs2 0..3 */
    if ((r & 0x38) == 0) w = (w & ~(0x1fu << 20)) | (w >> 15 & 0x1f) << 20; /* rs2 = rs1 */
    if ((r & 0x1c0) == 0) w &= ~(0x1fu << 15);                              /* rs1 = 0 */
    if ((r & 0xe00) == 0) w &= ~(0x1fu << 7);                               /* rd = 0 */
    if ((r & 0x7000) == 0) w &= ~(0x1fu << 15) | 1u << 15;                  /* rs1 = ra */
    if ((r & 0x38000) == 0) w = (w & 0xfffffu) | (uint32_t)imm[(r >> 18) % 12] << 20;
    if ((r & 0x1c0000) == 0) w &= ~(7u << 12) | ((r >> 21) & 1 ? 7u : 0u) << 12; /* rm */
    w |= 3;
    if ((w & 0x1f) == 0x1f) w &= ~0x10u;
    return w;
}

static int gen(unsigned long n, unsigned long seed, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) return 1;
    for (uint32_t h = 0; h < 0x10000; h++)
        if ((h & 3) != 3) fputc(h & 0xff, f), fputc(h >> 8, f);
    /* every major opcode x funct3 x bits 31:25 (funct7, or the top of the
     * immediate) with rs2 = a2, and all of bits 31:20 where rs2 or the
     * immediate select operations too (MISC-MEM, AMO, OP-FP, SYSTEM);
     * rd = a0, rs1 = a1 */
    for (uint32_t op = 0; op < 32; op++) {
        int all = op == 0x03 || op == 0x0b || op == 0x14 || op == 0x1c;
        for (uint32_t x = 0; x < 8u << 12 && (op & 7) != 7; x += all ? 1 : 32) {
            uint32_t hi = all ? x & 0xfff : (x & 0xfe0) | 12;
            uint32_t w = hi << 20 | 11u << 15 | (x >> 12) << 12 | 10u << 7 | op << 2 | 3;
            for (int b = 0; b < 4; b++) fputc((w >> (8 * b)) & 0xff, f);
        }
    }
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    for (unsigned long i = 0; i < n; i++) {
        uint32_t w = gen32(&s);
        for (int b = 0; b < 4; b++) fputc((w >> (8 * b)) & 0xff, f);
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    int aliases = 1, legal = 0, i = 1;
    if (argc == 5 && !strcmp(argv[1], "-g"))
        return gen(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0), argv[4]);
    for (; i < argc - 1; i++) {
        if (!strcmp(argv[i], "-M") && i + 1 < argc - 1 && !strcmp(argv[i + 1], "no-aliases"))
            aliases = 0, i++;
        else if (!strcmp(argv[i], "-L"))
            legal = 1;
        else
            break;
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: rvdis [-M no-aliases] [-L] FILE | rvdis -g N SEED OUT\n");
        return 2;
    }
    size_t size;
    unsigned char *f = read_file(argv[i], &size);
    elf_t e;
    if (!f || load_elf(f, size, &e)) {
        fprintf(stderr, "rvdis: %s: cannot read a RISC-V ELF64 .text\n", argv[i]);
        free(f);
        return 1;
    }
    annot_t a = {.has_gp = e.has_gp, .gp = e.gp};
    for (int r = 0; r < 32; r++) a.hi[r] = NONE;
    for (uint64_t off = 0; off + 2 <= e.text_size;) {
        uint64_t pc = e.text_addr + off;
        uint32_t w = (uint32_t)rd(e.text + off, 2);
        if ((w & 3) == 3 && off + 4 <= e.text_size) w = (uint32_t)rd(e.text + off, 4);
        vm_rv_insn in;
        vm_rv_decode(w, &in);
        if (legal) {
            printf("%8" PRIx64 ":\t%08x\t%d\t%s\n", pc, w, in.op != VM_RV_ILLEGAL, why(&in));
        } else {
            char text[128];
            vm_rv_disasm(&in, pc, aliases, text, sizeof text);
            annotate(&a, &in, pc, aliases);
            if (in.len == 2) printf("%8" PRIx64 ":\t%04x                \t%s", pc, w & 0xffff, text);
            else printf("%8" PRIx64 ":\t%08x          \t%s", pc, w, text);
            if (a.print) printf(" # %" PRIx64, a.addr);
            putchar('\n');
        }
        off += in.len;
    }
    free(f);
    return 0;
}
