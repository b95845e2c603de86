/*
 * RV64GC disassembler whose text is GNU objdump's, character for character
 * (binutils 2.40, the Debian toolchain vmlab tests against), in both of its
 * styles: the default one with pseudo-instructions, and `-M no-aliases`.
 *
 * Design: the decoder (decode.c) has already split the instruction into
 * op, registers and immediate; everything printed here comes from those
 * fields, so the objdump comparison test (tests/isa/objdump-compare) checks
 * the decoder's field extraction as much as this file. Three tables carry
 * all of objdump's choices:
 *   - formats[op]: the operand list of every base operation, written in a
 *     small format language (below);
 *   - aliases[]: objdump's pseudo-instructions, in objdump's own priority
 *     order (its opcode table is searched first-match: e.g. binutils 2.40
 *     lists the alias `add rd,rs,imm` before `addi`, so that is what it prints);
 *   - rvc[]: compressed encodings, matched on the raw 16 bits because the
 *     decoder expands them: each row gives the c.* name and operands
 *     (no-aliases) and the name objdump prints by default.
 * objdump also names a few encodings the decoder rejects (uret, dret, hret,
 * sfence.vm, c.unimp, c.addi16sp with a zero immediate: not RV64GC user
 * code, or reserved) and shows as data a few the decoder accepts, as qemu
 * does (FENCE/FENCE.I with non-zero reserved fields, fcvt.d.{s,w,wu} with
 * a rounding mode other than rne): the text follows objdump in both cases
 * (table fixed[], objdump_rejects()), so it always matches; the decoder
 * keeps to the ISA manual and qemu.
 *
 * The output is exactly objdump's instruction column: mnemonic, a TAB, the
 * operands; branch targets as bare hex addresses. objdump's `<symbol>` and
 * `# address` annotations need a symbol table and the preceding
 * instructions, which a one-instruction API does not have.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "vmlab/riscv.h"

/* {====================================================================
 * Output buffer: snprintf semantics (always NUL-terminated when size > 0,
 * the return value is the length the whole text needs)
 * ==================================================================== */

typedef struct {
    char *buf;
    size_t size;
    size_t len;
} out_t;

static void put(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(out_t *o, const char *fmt, ...)
{
    va_list ap;
    size_t room = o->len < o->size ? o->size - o->len : 0;
    va_start(ap, fmt);
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) o->len += (size_t)n;
}

/* {====================================================================
 * Operand formats. Letters stand for the decoded fields, anything else is
 * copied:  d s t  integer rd rs1 rs2     D S T R  FP rd rs1 rs2 rs3
 *          j  immediate, decimal          u  upper immediate >> 12, hex
 *          >  shift amount, hex           a  pc + immediate (branch target)
 *          E  CSR name or number          Z  rs1 as CSR immediate, decimal
 *          P Q  fence predecessor / successor sets
 * ==================================================================== */

/* CSR names objdump 2.40 prints under privileged spec 1.11, the version
 * the Debian riscv64 toolchain records in every object's attributes (other
 * versions name a few CSRs differently): first number, count, first index
 * for numbered runs ("hpmcounter%u" from 3), name. */
static const struct csr_name {
    uint16_t num;
    uint8_t count, first;
    const char *name;
} csr_names[] = {
    {0x000, 1, 0, "ustatus"}, {0x001, 1, 0, "fflags"}, {0x002, 1, 0, "frm"}, {0x003, 1, 0, "fcsr"},
    {0x004, 1, 0, "uie"}, {0x005, 1, 0, "utvec"}, {0x008, 1, 0, "vstart"}, {0x009, 1, 0, "vxsat"},
    {0x00a, 1, 0, "vxrm"}, {0x00f, 1, 0, "vcsr"}, {0x015, 1, 0, "seed"}, {0x040, 1, 0, "uscratch"},
    {0x041, 1, 0, "uepc"}, {0x042, 1, 0, "ucause"}, {0x043, 1, 0, "utval"}, {0x044, 1, 0, "uip"},
    {0x100, 1, 0, "sstatus"}, {0x102, 1, 0, "sedeleg"}, {0x103, 1, 0, "sideleg"},
    {0x104, 1, 0, "sie"}, {0x105, 1, 0, "stvec"}, {0x106, 1, 0, "scounteren"},
    {0x10c, 4, 0, "sstateen%u"}, {0x114, 1, 0, "sieh"}, {0x140, 1, 0, "sscratch"},
    {0x141, 1, 0, "sepc"}, {0x142, 1, 0, "scause"}, {0x143, 1, 0, "stval"}, {0x144, 1, 0, "sip"},
    {0x14d, 1, 0, "stimecmp"}, {0x150, 1, 0, "siselect"}, {0x151, 1, 0, "sireg"},
    {0x154, 1, 0, "siph"}, {0x15c, 1, 0, "stopei"}, {0x15d, 1, 0, "stimecmph"},
    {0x180, 1, 0, "satp"}, {0x200, 1, 0, "vsstatus"}, {0x204, 1, 0, "vsie"},
    {0x205, 1, 0, "vstvec"}, {0x214, 1, 0, "vsieh"}, {0x240, 1, 0, "vsscratch"},
    {0x241, 1, 0, "vsepc"}, {0x242, 1, 0, "vscause"}, {0x243, 1, 0, "vstval"},
    {0x244, 1, 0, "vsip"}, {0x24d, 1, 0, "vstimecmp"}, {0x250, 1, 0, "vsiselect"},
    {0x251, 1, 0, "vsireg"}, {0x254, 1, 0, "vsiph"}, {0x25c, 1, 0, "vstopei"},
    {0x25d, 1, 0, "vstimecmph"}, {0x280, 1, 0, "vsatp"}, {0x300, 1, 0, "mstatus"},
    {0x301, 1, 0, "misa"}, {0x302, 1, 0, "medeleg"}, {0x303, 1, 0, "mideleg"}, {0x304, 1, 0, "mie"},
    {0x305, 1, 0, "mtvec"}, {0x306, 1, 0, "mcounteren"}, {0x308, 1, 0, "mvien"},
    {0x309, 1, 0, "mvip"}, {0x30c, 4, 0, "mstateen%u"}, {0x313, 1, 0, "midelegh"},
    {0x314, 1, 0, "mieh"}, {0x318, 1, 0, "mvienh"}, {0x319, 1, 0, "mviph"},
    {0x31c, 4, 0, "mstateen%uh"}, {0x320, 1, 0, "mcountinhibit"}, {0x323, 29, 3, "mhpmevent%u"},
    {0x340, 1, 0, "mscratch"}, {0x341, 1, 0, "mepc"}, {0x342, 1, 0, "mcause"},
    {0x343, 1, 0, "mtval"}, {0x344, 1, 0, "mip"}, {0x350, 1, 0, "miselect"}, {0x351, 1, 0, "mireg"},
    {0x354, 1, 0, "miph"}, {0x35c, 1, 0, "mtopei"}, {0x3a0, 4, 0, "pmpcfg%u"},
    {0x3b0, 16, 0, "pmpaddr%u"}, {0x5a8, 1, 0, "scontext"}, {0x600, 1, 0, "hstatus"},
    {0x602, 1, 0, "hedeleg"}, {0x603, 1, 0, "hideleg"}, {0x604, 1, 0, "hie"},
    {0x605, 1, 0, "htimedelta"}, {0x606, 1, 0, "hcounteren"}, {0x607, 1, 0, "hgeie"},
    {0x608, 1, 0, "hvien"}, {0x609, 1, 0, "hvictl"}, {0x60a, 1, 0, "henvcfg"},
    {0x60c, 4, 0, "hstateen%u"}, {0x613, 1, 0, "hidelegh"}, {0x615, 1, 0, "htimedeltah"},
    {0x618, 1, 0, "hvienh"}, {0x61a, 1, 0, "henvcfgh"}, {0x61c, 4, 0, "hstateen%uh"},
    {0x643, 1, 0, "htval"}, {0x644, 1, 0, "hip"}, {0x645, 1, 0, "hvip"}, {0x646, 2, 1, "hviprio%u"},
    {0x64a, 1, 0, "htinst"}, {0x655, 1, 0, "hviph"}, {0x656, 2, 1, "hviprio%uh"},
    {0x680, 1, 0, "hgatp"}, {0x6a8, 1, 0, "hcontext"}, {0x723, 29, 3, "mhpmevent%uh"},
    {0x7a0, 1, 0, "tselect"}, {0x7a1, 3, 1, "tdata%u"}, {0x7a4, 1, 0, "tinfo"},
    {0x7a5, 1, 0, "tcontrol"}, {0x7a8, 1, 0, "mcontext"}, {0x7aa, 1, 0, "mscontext"},
    {0x7b0, 1, 0, "dcsr"}, {0x7b1, 1, 0, "dpc"}, {0x7b2, 2, 0, "dscratch%u"},
    {0xb00, 1, 0, "mcycle"}, {0xb02, 1, 0, "minstret"}, {0xb03, 29, 3, "mhpmcounter%u"},
    {0xb80, 1, 0, "mcycleh"}, {0xb82, 1, 0, "minstreth"}, {0xb83, 29, 3, "mhpmcounter%uh"},
    {0xc00, 1, 0, "cycle"}, {0xc01, 1, 0, "time"}, {0xc02, 1, 0, "instret"},
    {0xc03, 29, 3, "hpmcounter%u"}, {0xc20, 1, 0, "vl"}, {0xc21, 1, 0, "vtype"},
    {0xc22, 1, 0, "vlenb"}, {0xc80, 1, 0, "cycleh"}, {0xc81, 1, 0, "timeh"},
    {0xc82, 1, 0, "instreth"}, {0xc83, 29, 3, "hpmcounter%uh"}, {0xda0, 1, 0, "scountovf"},
    {0xdb0, 1, 0, "stopi"}, {0xe12, 1, 0, "hgeip"}, {0xeb0, 1, 0, "vstopi"},
    {0xf11, 1, 0, "mvendorid"}, {0xf12, 1, 0, "marchid"}, {0xf13, 1, 0, "mimpid"},
    {0xf14, 1, 0, "mhartid"}, {0xfb0, 1, 0, "mtopi"},
};

static void put_csr(out_t *o, unsigned csr)
{
    for (size_t i = 0; i < sizeof csr_names / sizeof csr_names[0]; i++) {
        const struct csr_name *c = &csr_names[i];
        if (csr >= c->num && csr < c->num + c->count) {
            const char *num = c->count > 1 ? strstr(c->name, "%u") : NULL;
            if (!num) put(o, "%s", c->name);
            else put(o, "%.*s%u%s", (int)(num - c->name), c->name, csr - c->num + c->first, num + 2);
            return;
        }
    }
    put(o, "0x%x", csr);
}

static const char *const fence_sets[16] = {
    "unknown", "w",  "r",  "rw",  "o",  "ow",  "or",  "orw",
    "i",       "iw", "ir", "irw", "io", "iow", "ior", "iorw"};

static const char *const rm_names[8] = {"rne", "rtz", "rdn", "rup", "rmm",
                                        "unknown", "unknown", "dyn"};

static void put_operands(out_t *o, const char *f, const vm_rv_insn *in, uint64_t pc)
{
    for (; *f; f++) {
        switch (*f) {
        case 'd': put(o, "%s", vm_rv_xreg_name(in->rd)); break;
        case 's': put(o, "%s", vm_rv_xreg_name(in->rs1)); break;
        case 't': put(o, "%s", vm_rv_xreg_name(in->rs2)); break;
        case 'D': put(o, "%s", vm_rv_freg_name(in->rd)); break;
        case 'S': put(o, "%s", vm_rv_freg_name(in->rs1)); break;
        case 'T': put(o, "%s", vm_rv_freg_name(in->rs2)); break;
        case 'R': put(o, "%s", vm_rv_freg_name(in->rs3)); break;
        case 'j': put(o, "%" PRId64, in->imm); break;
        case 'u': put(o, "0x%x", (unsigned)((uint64_t)in->imm >> 12) & 0xfffff); break;
        case '>': put(o, "0x%x", (unsigned)in->imm & 0x3f); break;
        case 'a': put(o, "%" PRIx64, pc + (uint64_t)in->imm); break;
        case 'E': put_csr(o, (unsigned)in->imm & 0xfff); break;
        case 'Z': put(o, "%d", in->rs1); break;
        case 'P': put(o, "%s", fence_sets[(in->imm >> 4) & 15]); break;
        case 'Q': put(o, "%s", fence_sets[in->imm & 15]); break;
        default: put(o, "%c", *f); break;
        }
    }
}

/* {====================================================================
 * Base operations (also the no-aliases text of every 32-bit instruction)
 * ==================================================================== */

enum {
    RM = 1,   /* ",rm" follows the operands unless rm is dyn */
    RM0 = 2,  /* objdump knows only rm == rne (prints none): fcvt.d.s/w/wu */
    AQRL = 4, /* .aq/.rl/.aqrl suffix from the ordering bits */
};

static const struct {
    const char *fmt;
    uint8_t flags;
} formats[VM_RV_NOPS] = {
#define R3(op) [VM_RV_##op] = {"d,s,t", 0}
#define IMM(op) [VM_RV_##op] = {"d,s,j", 0}
#define SH(op) [VM_RV_##op] = {"d,s,>", 0}
#define LD(op) [VM_RV_##op] = {"d,j(s)", 0}
#define ST(op) [VM_RV_##op] = {"t,j(s)", 0}
#define BR(op) [VM_RV_##op] = {"s,t,a", 0}
#define AMO(op) [VM_RV_##op##_W] = {"d,t,(s)", AQRL}, [VM_RV_##op##_D] = {"d,t,(s)", AQRL}
#define FP(op, fmt, fl) [VM_RV_##op##_S] = {fmt, fl}, [VM_RV_##op##_D] = {fmt, fl}
    [VM_RV_LUI] = {"d,u", 0}, [VM_RV_AUIPC] = {"d,u", 0},
    [VM_RV_JAL] = {"d,a", 0}, [VM_RV_JALR] = {"d,j(s)", 0},
    BR(BEQ), BR(BNE), BR(BLT), BR(BGE), BR(BLTU), BR(BGEU),
    LD(LB), LD(LH), LD(LW), LD(LD), LD(LBU), LD(LHU), LD(LWU),
    ST(SB), ST(SH), ST(SW), ST(SD),
    IMM(ADDI), IMM(SLTI), IMM(SLTIU), IMM(XORI), IMM(ORI), IMM(ANDI), IMM(ADDIW),
    SH(SLLI), SH(SRLI), SH(SRAI), SH(SLLIW), SH(SRLIW), SH(SRAIW),
    R3(ADD), R3(SUB), R3(SLL), R3(SLT), R3(SLTU), R3(XOR), R3(SRL), R3(SRA), R3(OR), R3(AND),
    R3(ADDW), R3(SUBW), R3(SLLW), R3(SRLW), R3(SRAW),
    [VM_RV_FENCE] = {"P,Q", 0}, [VM_RV_FENCE_I] = {"", 0},
    [VM_RV_ECALL] = {"", 0}, [VM_RV_EBREAK] = {"", 0},
    [VM_RV_SRET] = {"", 0}, [VM_RV_MRET] = {"", 0}, [VM_RV_WFI] = {"", 0},
    [VM_RV_SFENCE_VMA] = {"s,t", 0},
    [VM_RV_CSRRW] = {"d,E,s", 0}, [VM_RV_CSRRS] = {"d,E,s", 0}, [VM_RV_CSRRC] = {"d,E,s", 0},
    [VM_RV_CSRRWI] = {"d,E,Z", 0}, [VM_RV_CSRRSI] = {"d,E,Z", 0}, [VM_RV_CSRRCI] = {"d,E,Z", 0},
    R3(MUL), R3(MULH), R3(MULHSU), R3(MULHU), R3(DIV), R3(DIVU), R3(REM), R3(REMU),
    R3(MULW), R3(DIVW), R3(DIVUW), R3(REMW), R3(REMUW),
    [VM_RV_LR_W] = {"d,(s)", AQRL}, [VM_RV_LR_D] = {"d,(s)", AQRL},
    AMO(SC), AMO(AMOSWAP), AMO(AMOADD), AMO(AMOXOR), AMO(AMOAND), AMO(AMOOR),
    AMO(AMOMIN), AMO(AMOMAX), AMO(AMOMINU), AMO(AMOMAXU),
    [VM_RV_FLW] = {"D,j(s)", 0}, [VM_RV_FLD] = {"D,j(s)", 0},
    [VM_RV_FSW] = {"T,j(s)", 0}, [VM_RV_FSD] = {"T,j(s)", 0},
    FP(FMADD, "D,S,T,R", RM), FP(FMSUB, "D,S,T,R", RM),
    FP(FNMSUB, "D,S,T,R", RM), FP(FNMADD, "D,S,T,R", RM),
    FP(FADD, "D,S,T", RM), FP(FSUB, "D,S,T", RM), FP(FMUL, "D,S,T", RM), FP(FDIV, "D,S,T", RM),
    FP(FSQRT, "D,S", RM),
    FP(FSGNJ, "D,S,T", 0), FP(FSGNJN, "D,S,T", 0), FP(FSGNJX, "D,S,T", 0),
    FP(FMIN, "D,S,T", 0), FP(FMAX, "D,S,T", 0),
    FP(FEQ, "d,S,T", 0), FP(FLT, "d,S,T", 0), FP(FLE, "d,S,T", 0), FP(FCLASS, "d,S", 0),
    FP(FCVT_W, "d,S", RM), FP(FCVT_WU, "d,S", RM), FP(FCVT_L, "d,S", RM), FP(FCVT_LU, "d,S", RM),
    [VM_RV_FCVT_S_W] = {"D,s", RM}, [VM_RV_FCVT_S_WU] = {"D,s", RM},
    [VM_RV_FCVT_S_L] = {"D,s", RM}, [VM_RV_FCVT_S_LU] = {"D,s", RM},
    [VM_RV_FCVT_D_W] = {"D,s", RM0}, [VM_RV_FCVT_D_WU] = {"D,s", RM0},
    [VM_RV_FCVT_D_L] = {"D,s", RM}, [VM_RV_FCVT_D_LU] = {"D,s", RM},
    [VM_RV_FCVT_S_D] = {"D,S", RM}, [VM_RV_FCVT_D_S] = {"D,S", RM0},
    [VM_RV_FMV_X_W] = {"d,S", 0}, [VM_RV_FMV_X_D] = {"d,S", 0},
    [VM_RV_FMV_W_X] = {"D,s", 0}, [VM_RV_FMV_D_X] = {"D,s", 0},
#undef R3
#undef IMM
#undef SH
#undef LD
#undef ST
#undef BR
#undef AMO
#undef FP
};

/* {====================================================================
 * objdump's pseudo-instructions for 32-bit encodings, first match wins
 * within an op. A row matches when each constrained field has its value;
 * CSR ops keep the CSR number in imm.
 * ==================================================================== */

#define ANY -1      /* register field: any */
#define SAME -2     /* rs2 == rs1 (fmv/fneg/fabs) */
#define ANYIMM 4096 /* imm: any (outside every 12-bit constraint) */

static const struct alias {
    uint16_t op;
    int8_t rd, rs1, rs2;
    int16_t imm;
    const char *name, *fmt;
} aliases[] = {
    {VM_RV_ADDI, 0, 0, ANY, 0, "nop", ""},
    {VM_RV_ADDI, ANY, 0, ANY, ANYIMM, "li", "d,j"},
    {VM_RV_ADDI, ANY, ANY, ANY, 0, "mv", "d,s"},
    {VM_RV_ADDI, ANY, ANY, ANY, ANYIMM, "add", "d,s,j"}, /* sic: binutils 2.40 */
    {VM_RV_ANDI, ANY, ANY, ANY, 255, "zext.b", "d,s"},
    {VM_RV_ANDI, ANY, ANY, ANY, ANYIMM, "and", "d,s,j"},
    {VM_RV_XORI, ANY, ANY, ANY, -1, "not", "d,s"},
    {VM_RV_XORI, ANY, ANY, ANY, ANYIMM, "xor", "d,s,j"},
    {VM_RV_ORI, ANY, ANY, ANY, ANYIMM, "or", "d,s,j"},
    {VM_RV_SLTIU, ANY, ANY, ANY, 1, "seqz", "d,s"},
    {VM_RV_SLLI, ANY, ANY, ANY, ANYIMM, "sll", "d,s,>"},
    {VM_RV_SRLI, ANY, ANY, ANY, ANYIMM, "srl", "d,s,>"},
    {VM_RV_SRAI, ANY, ANY, ANY, ANYIMM, "sra", "d,s,>"},
    {VM_RV_ADDIW, ANY, ANY, ANY, 0, "sext.w", "d,s"},
    {VM_RV_ADDIW, ANY, ANY, ANY, ANYIMM, "addw", "d,s,j"},
    {VM_RV_SLLIW, ANY, ANY, ANY, ANYIMM, "sllw", "d,s,>"},
    {VM_RV_SRLIW, ANY, ANY, ANY, ANYIMM, "srlw", "d,s,>"},
    {VM_RV_SRAIW, ANY, ANY, ANY, ANYIMM, "sraw", "d,s,>"},
    {VM_RV_SUB, ANY, 0, ANY, ANYIMM, "neg", "d,t"},
    {VM_RV_SUBW, ANY, 0, ANY, ANYIMM, "negw", "d,t"},
    {VM_RV_SLTU, ANY, 0, ANY, ANYIMM, "snez", "d,t"},
    {VM_RV_SLT, ANY, ANY, 0, ANYIMM, "sltz", "d,s"},
    {VM_RV_SLT, ANY, 0, ANY, ANYIMM, "sgtz", "d,t"},
    {VM_RV_JAL, 0, ANY, ANY, ANYIMM, "j", "a"},
    {VM_RV_JAL, 1, ANY, ANY, ANYIMM, "jal", "a"},
    {VM_RV_JALR, 0, 1, ANY, 0, "ret", ""},
    {VM_RV_JALR, 0, ANY, ANY, 0, "jr", "s"},
    {VM_RV_JALR, 0, ANY, ANY, ANYIMM, "jr", "j(s)"},
    {VM_RV_JALR, 1, ANY, ANY, 0, "jalr", "s"},
    {VM_RV_JALR, 1, ANY, ANY, ANYIMM, "jalr", "j(s)"},
    {VM_RV_JALR, ANY, ANY, ANY, 0, "jalr", "d,s"},
    {VM_RV_BEQ, ANY, ANY, 0, ANYIMM, "beqz", "s,a"},
    {VM_RV_BNE, ANY, ANY, 0, ANYIMM, "bnez", "s,a"},
    {VM_RV_BGE, ANY, 0, ANY, ANYIMM, "blez", "t,a"},
    {VM_RV_BGE, ANY, ANY, 0, ANYIMM, "bgez", "s,a"},
    {VM_RV_BLT, ANY, ANY, 0, ANYIMM, "bltz", "s,a"},
    {VM_RV_BLT, ANY, 0, ANY, ANYIMM, "bgtz", "t,a"},
    {VM_RV_FENCE, ANY, ANY, ANY, 0x0ff, "fence", ""},
    {VM_RV_SFENCE_VMA, ANY, 0, 0, ANYIMM, "sfence.vma", ""},
    {VM_RV_SFENCE_VMA, ANY, ANY, 0, ANYIMM, "sfence.vma", "s"},
    /* CSR accessors: the counters, then the FP CSRs, then the generic ones */
    {VM_RV_CSRRS, ANY, 0, ANY, 0xc00, "rdcycle", "d"},
    {VM_RV_CSRRS, ANY, 0, ANY, 0xc02, "rdinstret", "d"},
    {VM_RV_CSRRS, ANY, 0, ANY, 0xc01, "rdtime", "d"},
    {VM_RV_CSRRS, ANY, 0, ANY, 0x003, "frcsr", "d"},
    {VM_RV_CSRRW, 0, ANY, ANY, 0x003, "fscsr", "s"},
    {VM_RV_CSRRW, ANY, ANY, ANY, 0x003, "fscsr", "d,s"},
    {VM_RV_CSRRS, ANY, 0, ANY, 0x002, "frrm", "d"},
    {VM_RV_CSRRW, 0, ANY, ANY, 0x002, "fsrm", "s"},
    {VM_RV_CSRRW, ANY, ANY, ANY, 0x002, "fsrm", "d,s"},
    {VM_RV_CSRRWI, ANY, ANY, ANY, 0x002, "fsrmi", "d,Z"},
    {VM_RV_CSRRS, ANY, 0, ANY, 0x001, "frflags", "d"},
    {VM_RV_CSRRW, 0, ANY, ANY, 0x001, "fsflags", "s"},
    {VM_RV_CSRRW, ANY, ANY, ANY, 0x001, "fsflags", "d,s"},
    {VM_RV_CSRRWI, ANY, ANY, ANY, 0x001, "fsflagsi", "d,Z"},
    {VM_RV_CSRRS, ANY, 0, ANY, ANYIMM, "csrr", "d,E"},
    {VM_RV_CSRRW, 0, ANY, ANY, ANYIMM, "csrw", "E,s"},
    {VM_RV_CSRRWI, 0, ANY, ANY, ANYIMM, "csrw", "E,Z"},
    {VM_RV_CSRRS, 0, ANY, ANY, ANYIMM, "csrs", "E,s"},
    {VM_RV_CSRRSI, 0, ANY, ANY, ANYIMM, "csrs", "E,Z"},
    {VM_RV_CSRRC, 0, ANY, ANY, ANYIMM, "csrc", "E,s"},
    {VM_RV_CSRRCI, 0, ANY, ANY, ANYIMM, "csrc", "E,Z"},
    {VM_RV_CSRRWI, ANY, ANY, ANY, ANYIMM, "csrrw", "d,E,Z"},
    {VM_RV_CSRRSI, ANY, ANY, ANY, ANYIMM, "csrrs", "d,E,Z"},
    {VM_RV_CSRRCI, ANY, ANY, ANY, ANYIMM, "csrrc", "d,E,Z"},
    {VM_RV_FSGNJ_S, ANY, ANY, SAME, ANYIMM, "fmv.s", "D,S"},
    {VM_RV_FSGNJN_S, ANY, ANY, SAME, ANYIMM, "fneg.s", "D,S"},
    {VM_RV_FSGNJX_S, ANY, ANY, SAME, ANYIMM, "fabs.s", "D,S"},
    {VM_RV_FSGNJ_D, ANY, ANY, SAME, ANYIMM, "fmv.d", "D,S"},
    {VM_RV_FSGNJN_D, ANY, ANY, SAME, ANYIMM, "fneg.d", "D,S"},
    {VM_RV_FSGNJX_D, ANY, ANY, SAME, ANYIMM, "fabs.d", "D,S"},
};

static int field_is(int want, int have) { return want == ANY || want == have; }

static const struct alias *find_alias(const vm_rv_insn *in)
{
    /* Linear: ~70 rows, and disassembly is never on a hot path. */
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        const struct alias *a = &aliases[i];
        if (a->op == in->op && field_is(a->rd, in->rd) && field_is(a->rs1, in->rs1) &&
            (a->rs2 == SAME ? in->rs2 == in->rs1 : field_is(a->rs2, in->rs2)) &&
            (a->imm == ANYIMM || a->imm == in->imm))
            return a;
    }
    return NULL;
}

/* {====================================================================
 * Compressed encodings: first row whose mask/match fits the raw 16 bits.
 * The decoder has already rejected the reserved ones; rows that single
 * out rd == 0 (and the like) are the HINT encodings, which objdump shows
 * under their c.* name in both styles.
 * ==================================================================== */

static const struct rvc {
    uint16_t mask, match;
    const char *cname, *cfmt; /* -M no-aliases */
    const char *name, *fmt;   /* default style */
} rvc[] = {
    {0xe003, 0x0000, "c.addi4spn", "d,s,j", "add", "d,s,j"},
    {0xe003, 0x2000, "c.fld", "D,j(s)", "fld", "D,j(s)"},
    {0xe003, 0x4000, "c.lw", "d,j(s)", "lw", "d,j(s)"},
    {0xe003, 0x6000, "c.ld", "d,j(s)", "ld", "d,j(s)"},
    {0xe003, 0xa000, "c.fsd", "T,j(s)", "fsd", "T,j(s)"},
    {0xe003, 0xc000, "c.sw", "t,j(s)", "sw", "t,j(s)"},
    {0xe003, 0xe000, "c.sd", "t,j(s)", "sd", "t,j(s)"},
    {0xffff, 0x0001, "c.addi", "d,j", "nop", ""},
    {0xef83, 0x0001, "c.addi", "d,j", "c.nop", "j"},
    {0xe003, 0x0001, "c.addi", "d,j", "add", "d,s,j"},
    {0xf07f, 0x2001, "c.addiw", "d,j", "sext.w", "d,s"},
    {0xe003, 0x2001, "c.addiw", "d,j", "addw", "d,s,j"},
    {0xef83, 0x4001, "c.li", "d,j", "c.li", "d,j"},
    {0xe003, 0x4001, "c.li", "d,j", "li", "d,j"},
    {0xef83, 0x6101, "c.addi16sp", "s,j", "add", "d,s,j"},
    {0xef83, 0x6001, "c.lui", "d,u", "c.lui", "d,u"},
    {0xe003, 0x6001, "c.lui", "d,u", "lui", "d,u"},
    {0xfc7f, 0x8001, "c.srli64", "d", "c.srli64", "d"},
    {0xec03, 0x8001, "c.srli", "d,>", "srl", "d,s,>"},
    {0xfc7f, 0x8401, "c.srai64", "d", "c.srai64", "d"},
    {0xec03, 0x8401, "c.srai", "d,>", "sra", "d,s,>"},
    {0xec03, 0x8801, "c.andi", "d,j", "and", "d,s,j"},
    {0xfc63, 0x8c01, "c.sub", "d,t", "sub", "d,s,t"},
    {0xfc63, 0x8c21, "c.xor", "d,t", "xor", "d,s,t"},
    {0xfc63, 0x8c41, "c.or", "d,t", "or", "d,s,t"},
    {0xfc63, 0x8c61, "c.and", "d,t", "and", "d,s,t"},
    {0xfc63, 0x9c01, "c.subw", "d,t", "subw", "d,s,t"},
    {0xfc63, 0x9c21, "c.addw", "d,t", "addw", "d,s,t"},
    {0xe003, 0xa001, "c.j", "a", "j", "a"},
    {0xe003, 0xc001, "c.beqz", "s,a", "beqz", "s,a"},
    {0xe003, 0xe001, "c.bnez", "s,a", "bnez", "s,a"},
    {0xf07f, 0x0002, "c.slli64", "d", "c.slli64", "d"},
    {0xef83, 0x0002, "c.slli", "d,>", "c.slli", "d,>"},
    {0xe003, 0x0002, "c.slli", "d,>", "sll", "d,s,>"},
    {0xe003, 0x2002, "c.fldsp", "D,j(s)", "fld", "D,j(s)"},
    {0xe003, 0x4002, "c.lwsp", "d,j(s)", "lw", "d,j(s)"},
    {0xe003, 0x6002, "c.ldsp", "d,j(s)", "ld", "d,j(s)"},
    {0xffff, 0x8082, "c.jr", "s", "ret", ""},
    {0xf07f, 0x8002, "c.jr", "s", "jr", "s"},
    {0xff83, 0x8002, "c.mv", "d,t", "c.mv", "d,t"},
    {0xf003, 0x8002, "c.mv", "d,t", "mv", "d,t"},
    {0xffff, 0x9002, "c.ebreak", "", "ebreak", ""},
    {0xf07f, 0x9002, "c.jalr", "s", "jalr", "s"},
    {0xff83, 0x9002, "c.add", "d,t", "c.add", "d,t"},
    {0xf003, 0x9002, "c.add", "d,t", "add", "d,s,t"},
    {0xe003, 0xa002, "c.fsdsp", "T,j(s)", "fsd", "T,j(s)"},
    {0xe003, 0xc002, "c.swsp", "t,j(s)", "sw", "t,j(s)"},
    {0xe003, 0xe002, "c.sdsp", "t,j(s)", "sd", "t,j(s)"},
};

/* Encodings objdump names although the decoder rejects them (obsolete or
 * debug-mode privileged instructions, the reserved c.addi16sp with a zero
 * immediate, the all-zero halfword), and ones it names specially although
 * the decoder accepts them (unimp is `csrrw zero,cycle,zero`, a write to a
 * read-only CSR; fence.tso is a FENCE with fm = 8). Operands are literal
 * text, but for '%': the register in bits 19:15. */
static const struct fixed {
    uint32_t mask, match;
    uint8_t len;
    const char *cname, *cops; /* -M no-aliases */
    const char *name, *ops;   /* default style */
} fixed[] = {
    {0xffff, 0x0000, 2, "c.unimp", "", "unimp", ""},
    {0xffff, 0x6101, 2, "c.addi16sp", "sp,0", "add", "sp,sp,0"},
    {0xffffffff, 0xc0001073, 4, "unimp", "", "unimp", ""},
    {0xffffffff, 0x8330000f, 4, "fence.tso", "", "fence.tso", ""},
    {0xffffffff, 0x00200073, 4, "uret", "", "uret", ""},
    {0xffffffff, 0x20200073, 4, "hret", "", "hret", ""},
    {0xffffffff, 0x7b200073, 4, "dret", "", "dret", ""},
    {0xffffffff, 0x10400073, 4, "sfence.vm", "", "sfence.vm", ""},
    {0xfff07fff, 0x10400073, 4, "sfence.vm", "%", "sfence.vm", "%"},
};

/* Encodings the decoder accepts but objdump 2.40 shows as data. */
static int objdump_rejects(const vm_rv_insn *in)
{
    uint32_t x = in->raw;
    switch (in->op) {
    case VM_RV_FENCE: return (x & 0xf00f8f80u) != 0; /* fm, rs1, rd must be 0 */
    case VM_RV_FENCE_I: return x != 0x0000100fu;      /* all fields 0 */
    default: return (formats[in->op].flags & RM0) && in->rm != 0;
    }
}

/* {====================================================================
 * Entry point
 * ==================================================================== */

/* Contract (riscv.h): writes at most `size` bytes, NUL-terminated when
 * size > 0 (buf may be NULL when size is 0), and returns the length of the
 * whole text, as snprintf does. Any vm_rv_insn is accepted: one that no
 * decoder produced (op out of range) prints as data, like an illegal one. */
int vm_rv_disasm(const vm_rv_insn *insn, uint64_t pc, int aliases, char *buf, size_t size)
{
    out_t o = {buf, size, 0};
    const vm_rv_insn *in = insn;
    int len = in->len == 2 ? 2 : 4;
    uint32_t raw = len == 2 ? in->raw & 0xffff : in->raw;
    int valid = in->op > VM_RV_ILLEGAL && in->op < VM_RV_NOPS && formats[in->op].fmt;
    unsigned flags = valid ? formats[in->op].flags : 0;
    const char *name = NULL, *fmt = "";

    if (size) buf[0] = '\0';
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        const struct fixed *f = &fixed[i];
        if (f->len == len && (raw & f->mask) == f->match) {
            const char *ops = aliases ? f->ops : f->cops;
            put(&o, "%s%s", aliases ? f->name : f->cname, *ops ? "\t" : "");
            if (*ops == '%') put(&o, "%s", vm_rv_xreg_name((raw >> 15) & 31));
            else put(&o, "%s", ops);
            return (int)o.len;
        }
    }
    if (valid && len == 2) {
        for (size_t i = 0; i < sizeof rvc / sizeof rvc[0] && !name; i++) {
            if ((raw & rvc[i].mask) == rvc[i].match) {
                name = aliases ? rvc[i].name : rvc[i].cname;
                fmt = aliases ? rvc[i].fmt : rvc[i].cfmt;
            }
        }
    } else if (valid && !objdump_rejects(in)) {
        const struct alias *a = aliases ? find_alias(in) : NULL;
        name = a ? a->name : vm_rv_op_name(in->op);
        fmt = a ? a->fmt : formats[in->op].fmt;
    }
    if (!name) { /* objdump's way of showing what it cannot decode */
        put(&o, ".%dbyte\t0x%x", len, (unsigned)raw);
        return (int)o.len;
    }

    put(&o, "%s", name);
    if (len == 4 && (flags & AQRL) && (in->rm & 3))
        put(&o, "%s", (const char *[]){"", ".rl", ".aq", ".aqrl"}[in->rm & 3]);
    if (*fmt) {
        put(&o, "\t");
        put_operands(&o, fmt, in, pc);
    }
    if (len == 4 && (flags & RM) && in->rm != 7) /* the dynamic mode goes unsaid */
        put(&o, ",%s", rm_names[in->rm & 7]);
    return (int)o.len;
}
