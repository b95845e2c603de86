/*
 * Unit tests of the RISC-V disassembler (isa/riscv/disasm.c) and of the
 * decoder fields it prints.
 *
 * The table holds hand-picked encodings: every compressed form (with the
 * HINT and reserved variants), every base operation, every pseudo-
 * instruction objdump uses, CSR names and numbers, rounding modes, AMO
 * ordering suffixes, fence sets, the encodings objdump knows but RV64GC
 * does not (uret, dret...) and those objdump shows as data, and edge
 * immediates (-2048/2047 offsets, +-1 MiB jumps, +-4 KiB branches). The
 * expected strings are riscv64-linux-gnu-objdump 2.40's output (`-d -z
 * -M priv-spec=1.11` and `-M no-aliases`) for the same bytes placed at
 * address `pc`, minus its `<symbol>` and `# address` annotations.
 * tests/isa/objdump-compare checks the same property on a whole glibc
 * binary and on every 16-bit and many random 32-bit encodings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vmlab/riscv.h"

static const struct {
    uint64_t pc;
    uint32_t raw;
    const char *text, *noalias;
} cases[] = {
    {0x0, 0x0048, "add\ta0,sp,4", "c.addi4spn\ta0,sp,4"},
    {0x2, 0x1fe4, "add\ts1,sp,1020", "c.addi4spn\ts1,sp,1020"},
    {0x4, 0x3ffc, "fld\tfa5,248(a5)", "c.fld\tfa5,248(a5)"},
    {0x6, 0x5ce0, "lw\ts0,124(s1)", "c.lw\ts0,124(s1)"},
    {0x8, 0x611c, "ld\ta5,0(a0)", "c.ld\ta5,0(a0)"},
    {0xa, 0xa680, "fsd\tfs0,8(a3)", "c.fsd\tfs0,8(a3)"},
    {0xc, 0xc3b8, "sw\ta4,64(a5)", "c.sw\ta4,64(a5)"},
    {0xe, 0xfc64, "sd\ts1,248(s0)", "c.sd\ts1,248(s0)"},
    {0x10, 0x0001, "nop", "c.addi\tzero,0"},
    {0x12, 0x1501, "add\ta0,a0,-32", "c.addi\ta0,-32"},
    {0x14, 0x017d, "add\tsp,sp,31", "c.addi\tsp,31"},
    {0x16, 0x2781, "sext.w\ta5,a5", "c.addiw\ta5,0"},
    {0x18, 0x32fd, "addw\tt0,t0,-1", "c.addiw\tt0,-1"},
    {0x1a, 0x5501, "li\ta0,-32", "c.li\ta0,-32"},
    {0x1c, 0x4dfd, "li\ts11,31", "c.li\ts11,31"},
    {0x1e, 0x7101, "add\tsp,sp,-512", "c.addi16sp\tsp,-512"},
    {0x20, 0x617d, "add\tsp,sp,496", "c.addi16sp\tsp,496"},
    {0x22, 0x6505, "lui\ta0,0x1", "c.lui\ta0,0x1"},
    {0x24, 0x7f81, "lui\tt6,0xfffe0", "c.lui\tt6,0xfffe0"},
    {0x26, 0x8185, "srl\ta1,a1,0x1", "c.srli\ta1,0x1"},
    {0x28, 0x907d, "srl\ts0,s0,0x3f", "c.srli\ts0,0x3f"},
    {0x2a, 0x9601, "sra\ta2,a2,0x20", "c.srai\ta2,0x20"},
    {0x2c, 0x9afd, "and\ta3,a3,-1", "c.andi\ta3,-1"},
    {0x2e, 0x88fd, "and\ts1,s1,31", "c.andi\ts1,31"},
    {0x30, 0x8d0d, "sub\ta0,a0,a1", "c.sub\ta0,a1"},
    {0x32, 0x8e35, "xor\ta2,a2,a3", "c.xor\ta2,a3"},
    {0x34, 0x8f5d, "or\ta4,a4,a5", "c.or\ta4,a5"},
    {0x36, 0x8c65, "and\ts0,s0,s1", "c.and\ts0,s1"},
    {0x38, 0x9d1d, "subw\ta0,a0,a5", "c.subw\ta0,a5"},
    {0x3a, 0x9cb1, "addw\ts1,s1,a2", "c.addw\ts1,a2"},
    {0x3c, 0xaffd, "j\t83a", "c.j\t83a"},
    {0x3e, 0xb001, "j\tfffffffffffff83e", "c.j\tfffffffffffff83e"},
    {0x40, 0xcd7d, "beqz\ta0,13e", "c.beqz\ta0,13e"},
    {0x42, 0xf081, "bnez\ts1,ffffffffffffff42", "c.bnez\ts1,ffffffffffffff42"},
    {0x44, 0x0086, "sll\tra,ra,0x1", "c.slli\tra,0x1"},
    {0x46, 0x1ffe, "sll\tt6,t6,0x3f", "c.slli\tt6,0x3f"},
    {0x48, 0x357e, "fld\tfa0,504(sp)", "c.fldsp\tfa0,504(sp)"},
    {0x4a, 0x50fe, "lw\tra,252(sp)", "c.lwsp\tra,252(sp)"},
    {0x4c, 0x6402, "ld\ts0,0(sp)", "c.ldsp\ts0,0(sp)"},
    {0x4e, 0x8502, "jr\ta0", "c.jr\ta0"},
    {0x50, 0x8082, "ret", "c.jr\tra"},
    {0x52, 0x857e, "mv\ta0,t6", "c.mv\ta0,t6"},
    {0x54, 0x9002, "ebreak", "c.ebreak"},
    {0x56, 0x9282, "jalr\tt0", "c.jalr\tt0"},
    {0x58, 0x9082, "jalr\tra", "c.jalr\tra"},
    {0x5a, 0x952e, "add\ta0,a0,a1", "c.add\ta0,a1"},
    {0x5c, 0xbfee, "fsd\tfs11,504(sp)", "c.fsdsp\tfs11,504(sp)"},
    {0x5e, 0xc07e, "sw\tt6,0(sp)", "c.swsp\tt6,0(sp)"},
    {0x60, 0xe406, "sd\tra,8(sp)", "c.sdsp\tra,8(sp)"},
    {0x62, 0xfffff537, "lui\ta0,0xfffff", "lui\ta0,0xfffff"},
    {0x66, 0x00001037, "lui\tzero,0x1", "lui\tzero,0x1"},
    {0x6a, 0x00000297, "auipc\tt0,0x0", "auipc\tt0,0x0"},
    {0x6e, 0x80000517, "auipc\ta0,0x80000", "auipc\ta0,0x80000"},
    {0x72, 0x7ffff0ef, "jal\t100070", "jal\tra,100070"},
    {0x76, 0x8000006f, "j\tfffffffffff00076", "jal\tzero,fffffffffff00076"},
    {0x7a, 0x0080056f, "jal\ta0,82", "jal\ta0,82"},
    {0x7e, 0x00008067, "ret", "jalr\tzero,0(ra)"},
    {0x82, 0x00050067, "jr\ta0", "jalr\tzero,0(a0)"},
    {0x86, 0x80050067, "jr\t-2048(a0)", "jalr\tzero,-2048(a0)"},
    {0x8a, 0x000580e7, "jalr\ta1", "jalr\tra,0(a1)"},
    {0x8e, 0x7ff580e7, "jalr\t2047(a1)", "jalr\tra,2047(a1)"},
    {0x92, 0x00058567, "jalr\ta0,a1", "jalr\ta0,0(a1)"},
    {0x96, 0x01058367, "jalr\tt1,16(a1)", "jalr\tt1,16(a1)"},
    {0x9a, 0x7e050fe3, "beqz\ta0,1098", "beq\ta0,zero,1098"},
    {0x9e, 0x80a00063, "beq\tzero,a0,fffffffffffff09e", "beq\tzero,a0,fffffffffffff09e"},
    {0xa2, 0x00b51463, "bne\ta0,a1,aa", "bne\ta0,a1,aa"},
    {0xa6, 0x00054463, "bltz\ta0,ae", "blt\ta0,zero,ae"},
    {0xaa, 0x00a04463, "bgtz\ta0,b2", "blt\tzero,a0,b2"},
    {0xae, 0x00b54463, "blt\ta0,a1,b6", "blt\ta0,a1,b6"},
    {0xb2, 0x00a05463, "blez\ta0,ba", "bge\tzero,a0,ba"},
    {0xb6, 0x00055463, "bgez\ta0,be", "bge\ta0,zero,be"},
    {0xba, 0x00005463, "blez\tzero,c2", "bge\tzero,zero,c2"},
    {0xbe, 0x00b55463, "bge\ta0,a1,c6", "bge\ta0,a1,c6"},
    {0xc2, 0x00b56463, "bltu\ta0,a1,ca", "bltu\ta0,a1,ca"},
    {0xc6, 0x00b07463, "bgeu\tzero,a1,ce", "bgeu\tzero,a1,ce"},
    {0xca, 0x80058503, "lb\ta0,-2048(a1)", "lb\ta0,-2048(a1)"},
    {0xce, 0x7ff59503, "lh\ta0,2047(a1)", "lh\ta0,2047(a1)"},
    {0xd2, 0x00002503, "lw\ta0,0(zero)", "lw\ta0,0(zero)"},
    {0xd6, 0xff823503, "ld\ta0,-8(tp)", "ld\ta0,-8(tp)"},
    {0xda, 0x0011c503, "lbu\ta0,1(gp)", "lbu\ta0,1(gp)"},
    {0xde, 0x00015503, "lhu\ta0,0(sp)", "lhu\ta0,0(sp)"},
    {0xe2, 0x00446503, "lwu\ta0,4(s0)", "lwu\ta0,4(s0)"},
    {0xe6, 0xfea58fa3, "sb\ta0,-1(a1)", "sb\ta0,-1(a1)"},
    {0xea, 0x80a59023, "sh\ta0,-2048(a1)", "sh\ta0,-2048(a1)"},
    {0xee, 0x7e012fa3, "sw\tzero,2047(sp)", "sw\tzero,2047(sp)"},
    {0xf2, 0xfe143823, "sd\tra,-16(s0)", "sd\tra,-16(s0)"},
    {0xf6, 0x00000013, "nop", "addi\tzero,zero,0"},
    {0xfa, 0x80000513, "li\ta0,-2048", "addi\ta0,zero,-2048"},
    {0xfe, 0x00100013, "li\tzero,1", "addi\tzero,zero,1"},
    {0x102, 0x00058513, "mv\ta0,a1", "addi\ta0,a1,0"},
    {0x106, 0x7ff58513, "add\ta0,a1,2047", "addi\ta0,a1,2047"},
    {0x10a, 0xfff5a513, "slti\ta0,a1,-1", "slti\ta0,a1,-1"},
    {0x10e, 0x0015b513, "seqz\ta0,a1", "sltiu\ta0,a1,1"},
    {0x112, 0x0025b513, "sltiu\ta0,a1,2", "sltiu\ta0,a1,2"},
    {0x116, 0xfff5c513, "not\ta0,a1", "xori\ta0,a1,-1"},
    {0x11a, 0x0015c513, "xor\ta0,a1,1", "xori\ta0,a1,1"},
    {0x11e, 0x0005e513, "or\ta0,a1,0", "ori\ta0,a1,0"},
    {0x122, 0x0ff5f513, "zext.b\ta0,a1", "andi\ta0,a1,255"},
    {0x126, 0xfff5f513, "and\ta0,a1,-1", "andi\ta0,a1,-1"},
    {0x12a, 0x03f59513, "sll\ta0,a1,0x3f", "slli\ta0,a1,0x3f"},
    {0x12e, 0x0005d513, "srl\ta0,a1,0x0", "srli\ta0,a1,0x0"},
    {0x132, 0x43f5d513, "sra\ta0,a1,0x3f", "srai\ta0,a1,0x3f"},
    {0x136, 0x00b00533, "add\ta0,zero,a1", "add\ta0,zero,a1"},
    {0x13a, 0x40b00533, "neg\ta0,a1", "sub\ta0,zero,a1"},
    {0x13e, 0x40c58533, "sub\ta0,a1,a2", "sub\ta0,a1,a2"},
    {0x142, 0x00c59533, "sll\ta0,a1,a2", "sll\ta0,a1,a2"},
    {0x146, 0x0005a533, "sltz\ta0,a1", "slt\ta0,a1,zero"},
    {0x14a, 0x00b02533, "sgtz\ta0,a1", "slt\ta0,zero,a1"},
    {0x14e, 0x00c5a533, "slt\ta0,a1,a2", "slt\ta0,a1,a2"},
    {0x152, 0x00b03533, "snez\ta0,a1", "sltu\ta0,zero,a1"},
    {0x156, 0x00c5b533, "sltu\ta0,a1,a2", "sltu\ta0,a1,a2"},
    {0x15a, 0x00c5c533, "xor\ta0,a1,a2", "xor\ta0,a1,a2"},
    {0x15e, 0x00c5d533, "srl\ta0,a1,a2", "srl\ta0,a1,a2"},
    {0x162, 0x40c5d533, "sra\ta0,a1,a2", "sra\ta0,a1,a2"},
    {0x166, 0x00c5e533, "or\ta0,a1,a2", "or\ta0,a1,a2"},
    {0x16a, 0x00c5f533, "and\ta0,a1,a2", "and\ta0,a1,a2"},
    {0x16e, 0x0005851b, "sext.w\ta0,a1", "addiw\ta0,a1,0"},
    {0x172, 0xfff5851b, "addw\ta0,a1,-1", "addiw\ta0,a1,-1"},
    {0x176, 0x01f5951b, "sllw\ta0,a1,0x1f", "slliw\ta0,a1,0x1f"},
    {0x17a, 0x0005d51b, "srlw\ta0,a1,0x0", "srliw\ta0,a1,0x0"},
    {0x17e, 0x41f5d51b, "sraw\ta0,a1,0x1f", "sraiw\ta0,a1,0x1f"},
    {0x182, 0x00c5853b, "addw\ta0,a1,a2", "addw\ta0,a1,a2"},
    {0x186, 0x40b0053b, "negw\ta0,a1", "subw\ta0,zero,a1"},
    {0x18a, 0x40c5853b, "subw\ta0,a1,a2", "subw\ta0,a1,a2"},
    {0x18e, 0x00c5953b, "sllw\ta0,a1,a2", "sllw\ta0,a1,a2"},
    {0x192, 0x00c5d53b, "srlw\ta0,a1,a2", "srlw\ta0,a1,a2"},
    {0x196, 0x40c5d53b, "sraw\ta0,a1,a2", "sraw\ta0,a1,a2"},
    {0x19a, 0x0ff0000f, "fence", "fence\tiorw,iorw"},
    {0x19e, 0x0330000f, "fence\trw,rw", "fence\trw,rw"},
    {0x1a2, 0x0210000f, "fence\tr,w", "fence\tr,w"},
    {0x1a6, 0x0840000f, "fence\ti,o", "fence\ti,o"},
    {0x1aa, 0x8330000f, "fence.tso", "fence.tso"},
    {0x1ae, 0x0000100f, "fence.i", "fence.i"},
    {0x1b2, 0x00000073, "ecall", "ecall"},
    {0x1b6, 0x00100073, "ebreak", "ebreak"},
    {0x1ba, 0x10200073, "sret", "sret"},
    {0x1be, 0x30200073, "mret", "mret"},
    {0x1c2, 0x10500073, "wfi", "wfi"},
    {0x1c6, 0x12000073, "sfence.vma", "sfence.vma\tzero,zero"},
    {0x1ca, 0x12050073, "sfence.vma\ta0", "sfence.vma\ta0,zero"},
    {0x1ce, 0x12b50073, "sfence.vma\ta0,a1", "sfence.vma\ta0,a1"},
    {0x1d2, 0xc0002573, "rdcycle\ta0", "csrrs\ta0,cycle,zero"},
    {0x1d6, 0xc0102573, "rdtime\ta0", "csrrs\ta0,time,zero"},
    {0x1da, 0xc0202573, "rdinstret\ta0", "csrrs\ta0,instret,zero"},
    {0x1de, 0x00302573, "frcsr\ta0", "csrrs\ta0,fcsr,zero"},
    {0x1e2, 0x00202573, "frrm\ta0", "csrrs\ta0,frm,zero"},
    {0x1e6, 0x00102573, "frflags\ta0", "csrrs\ta0,fflags,zero"},
    {0x1ea, 0xc0002073, "rdcycle\tzero", "csrrs\tzero,cycle,zero"},
    {0x1ee, 0x00351073, "fscsr\ta0", "csrrw\tzero,fcsr,a0"},
    {0x1f2, 0x003515f3, "fscsr\ta1,a0", "csrrw\ta1,fcsr,a0"},
    {0x1f6, 0x00251073, "fsrm\ta0", "csrrw\tzero,frm,a0"},
    {0x1fa, 0x002515f3, "fsrm\ta1,a0", "csrrw\ta1,frm,a0"},
    {0x1fe, 0x00151073, "fsflags\ta0", "csrrw\tzero,fflags,a0"},
    {0x202, 0x001515f3, "fsflags\ta1,a0", "csrrw\ta1,fflags,a0"},
    {0x206, 0x0020d073, "fsrmi\tzero,1", "csrrwi\tzero,frm,1"},
    {0x20a, 0x002255f3, "fsrmi\ta1,4", "csrrwi\ta1,frm,4"},
    {0x20e, 0x001fd073, "fsflagsi\tzero,31", "csrrwi\tzero,fflags,31"},
    {0x212, 0x001055f3, "fsflagsi\ta1,0", "csrrwi\ta1,fflags,0"},
    {0x216, 0x30002573, "csrr\ta0,mstatus", "csrrs\ta0,mstatus,zero"},
    {0x21a, 0x7ff02573, "csrr\ta0,0x7ff", "csrrs\ta0,0x7ff,zero"},
    {0x21e, 0xc1102573, "csrr\ta0,hpmcounter17", "csrrs\ta0,hpmcounter17,zero"},
    {0x222, 0x3bf02573, "csrr\ta0,pmpaddr15", "csrrs\ta0,pmpaddr15,zero"},
    {0x226, 0x14051073, "csrw\tsscratch,a0", "csrrw\tzero,sscratch,a0"},
    {0x22a, 0x1402d073, "csrw\tsscratch,5", "csrrwi\tzero,sscratch,5"},
    {0x22e, 0x14052073, "csrs\tsscratch,a0", "csrrs\tzero,sscratch,a0"},
    {0x232, 0x1402e073, "csrs\tsscratch,5", "csrrsi\tzero,sscratch,5"},
    {0x236, 0x14053073, "csrc\tsscratch,a0", "csrrc\tzero,sscratch,a0"},
    {0x23a, 0x1402f073, "csrc\tsscratch,5", "csrrci\tzero,sscratch,5"},
    {0x23e, 0x14059573, "csrrw\ta0,sscratch,a1", "csrrw\ta0,sscratch,a1"},
    {0x242, 0x1405a573, "csrrs\ta0,sscratch,a1", "csrrs\ta0,sscratch,a1"},
    {0x246, 0x1405b573, "csrrc\ta0,sscratch,a1", "csrrc\ta0,sscratch,a1"},
    {0x24a, 0x1402d573, "csrrw\ta0,sscratch,5", "csrrwi\ta0,sscratch,5"},
    {0x24e, 0x1402e573, "csrrs\ta0,sscratch,5", "csrrsi\ta0,sscratch,5"},
    {0x252, 0x140ff573, "csrrc\ta0,sscratch,31", "csrrci\ta0,sscratch,31"},
    {0x256, 0x02c58533, "mul\ta0,a1,a2", "mul\ta0,a1,a2"},
    {0x25a, 0x02c59533, "mulh\ta0,a1,a2", "mulh\ta0,a1,a2"},
    {0x25e, 0x02c5a533, "mulhsu\ta0,a1,a2", "mulhsu\ta0,a1,a2"},
    {0x262, 0x02c5b533, "mulhu\ta0,a1,a2", "mulhu\ta0,a1,a2"},
    {0x266, 0x02c5c533, "div\ta0,a1,a2", "div\ta0,a1,a2"},
    {0x26a, 0x02c5d533, "divu\ta0,a1,a2", "divu\ta0,a1,a2"},
    {0x26e, 0x02c5e533, "rem\ta0,a1,a2", "rem\ta0,a1,a2"},
    {0x272, 0x02c5f533, "remu\ta0,a1,a2", "remu\ta0,a1,a2"},
    {0x276, 0x02c5853b, "mulw\ta0,a1,a2", "mulw\ta0,a1,a2"},
    {0x27a, 0x02c5c53b, "divw\ta0,a1,a2", "divw\ta0,a1,a2"},
    {0x27e, 0x02c5d53b, "divuw\ta0,a1,a2", "divuw\ta0,a1,a2"},
    {0x282, 0x02c5e53b, "remw\ta0,a1,a2", "remw\ta0,a1,a2"},
    {0x286, 0x02c5f53b, "remuw\ta0,a1,a2", "remuw\ta0,a1,a2"},
    {0x28a, 0x1005a52f, "lr.w\ta0,(a1)", "lr.w\ta0,(a1)"},
    {0x28e, 0x1405b52f, "lr.d.aq\ta0,(a1)", "lr.d.aq\ta0,(a1)"},
    {0x292, 0x1205a52f, "lr.w.rl\ta0,(a1)", "lr.w.rl\ta0,(a1)"},
    {0x296, 0x1605b52f, "lr.d.aqrl\ta0,(a1)", "lr.d.aqrl\ta0,(a1)"},
    {0x29a, 0x18c5a52f, "sc.w\ta0,a2,(a1)", "sc.w\ta0,a2,(a1)"},
    {0x29e, 0x1cc5b52f, "sc.d.aq\ta0,a2,(a1)", "sc.d.aq\ta0,a2,(a1)"},
    {0x2a2, 0x0ac5a52f, "amoswap.w.rl\ta0,a2,(a1)", "amoswap.w.rl\ta0,a2,(a1)"},
    {0x2a6, 0x06c5b52f, "amoadd.d.aqrl\ta0,a2,(a1)", "amoadd.d.aqrl\ta0,a2,(a1)"},
    {0x2aa, 0x20c5a52f, "amoxor.w\ta0,a2,(a1)", "amoxor.w\ta0,a2,(a1)"},
    {0x2ae, 0x60c5b52f, "amoand.d\ta0,a2,(a1)", "amoand.d\ta0,a2,(a1)"},
    {0x2b2, 0x44c5a52f, "amoor.w.aq\ta0,a2,(a1)", "amoor.w.aq\ta0,a2,(a1)"},
    {0x2b6, 0x80c5b52f, "amomin.d\ta0,a2,(a1)", "amomin.d\ta0,a2,(a1)"},
    {0x2ba, 0xa0c5a52f, "amomax.w\ta0,a2,(a1)", "amomax.w\ta0,a2,(a1)"},
    {0x2be, 0xc0c5b52f, "amominu.d\ta0,a2,(a1)", "amominu.d\ta0,a2,(a1)"},
    {0x2c2, 0xe0c5a52f, "amomaxu.w\ta0,a2,(a1)", "amomaxu.w\ta0,a2,(a1)"},
    {0x2c6, 0xffc5a507, "flw\tfa0,-4(a1)", "flw\tfa0,-4(a1)"},
    {0x2ca, 0x7ea5afa7, "fsw\tfa0,2047(a1)", "fsw\tfa0,2047(a1)"},
    {0x2ce, 0x00013407, "fld\tfs0,0(sp)", "fld\tfs0,0(sp)"},
    {0x2d2, 0x81f5b027, "fsd\tft11,-2048(a1)", "fsd\tft11,-2048(a1)"},
    {0x2d6, 0x68c5f543, "fmadd.s\tfa0,fa1,fa2,fa3", "fmadd.s\tfa0,fa1,fa2,fa3"},
    {0x2da, 0x68c58547, "fmsub.s\tfa0,fa1,fa2,fa3,rne", "fmsub.s\tfa0,fa1,fa2,fa3,rne"},
    {0x2de, 0x6ac5954b, "fnmsub.d\tfa0,fa1,fa2,fa3,rtz", "fnmsub.d\tfa0,fa1,fa2,fa3,rtz"},
    {0x2e2, 0x6ac5c54f, "fnmadd.d\tfa0,fa1,fa2,fa3,rmm", "fnmadd.d\tfa0,fa1,fa2,fa3,rmm"},
    {0x2e6, 0x00c5a553, "fadd.s\tfa0,fa1,fa2,rdn", "fadd.s\tfa0,fa1,fa2,rdn"},
    {0x2ea, 0x0ac5b553, "fsub.d\tfa0,fa1,fa2,rup", "fsub.d\tfa0,fa1,fa2,rup"},
    {0x2ee, 0x12c5f553, "fmul.d\tfa0,fa1,fa2", "fmul.d\tfa0,fa1,fa2"},
    {0x2f2, 0x18c5f553, "fdiv.s\tfa0,fa1,fa2", "fdiv.s\tfa0,fa1,fa2"},
    {0x2f6, 0x5a05f553, "fsqrt.d\tfa0,fa1", "fsqrt.d\tfa0,fa1"},
    {0x2fa, 0x58059553, "fsqrt.s\tfa0,fa1,rtz", "fsqrt.s\tfa0,fa1,rtz"},
    {0x2fe, 0x20b58553, "fmv.s\tfa0,fa1", "fsgnj.s\tfa0,fa1,fa1"},
    {0x302, 0x20b59553, "fneg.s\tfa0,fa1", "fsgnjn.s\tfa0,fa1,fa1"},
    {0x306, 0x20b5a553, "fabs.s\tfa0,fa1", "fsgnjx.s\tfa0,fa1,fa1"},
    {0x30a, 0x22b58553, "fmv.d\tfa0,fa1", "fsgnj.d\tfa0,fa1,fa1"},
    {0x30e, 0x22b59553, "fneg.d\tfa0,fa1", "fsgnjn.d\tfa0,fa1,fa1"},
    {0x312, 0x22b5a553, "fabs.d\tfa0,fa1", "fsgnjx.d\tfa0,fa1,fa1"},
    {0x316, 0x22c58553, "fsgnj.d\tfa0,fa1,fa2", "fsgnj.d\tfa0,fa1,fa2"},
    {0x31a, 0x22c59553, "fsgnjn.d\tfa0,fa1,fa2", "fsgnjn.d\tfa0,fa1,fa2"},
    {0x31e, 0x20c5a553, "fsgnjx.s\tfa0,fa1,fa2", "fsgnjx.s\tfa0,fa1,fa2"},
    {0x322, 0x28c58553, "fmin.s\tfa0,fa1,fa2", "fmin.s\tfa0,fa1,fa2"},
    {0x326, 0x2ac59553, "fmax.d\tfa0,fa1,fa2", "fmax.d\tfa0,fa1,fa2"},
    {0x32a, 0xc0051553, "fcvt.w.s\ta0,fa0,rtz", "fcvt.w.s\ta0,fa0,rtz"},
    {0x32e, 0xc0157553, "fcvt.wu.s\ta0,fa0", "fcvt.wu.s\ta0,fa0"},
    {0x332, 0xc0250553, "fcvt.l.s\ta0,fa0,rne", "fcvt.l.s\ta0,fa0,rne"},
    {0x336, 0xc0354553, "fcvt.lu.s\ta0,fa0,rmm", "fcvt.lu.s\ta0,fa0,rmm"},
    {0x33a, 0xc2051553, "fcvt.w.d\ta0,fa0,rtz", "fcvt.w.d\ta0,fa0,rtz"},
    {0x33e, 0xc2153553, "fcvt.wu.d\ta0,fa0,rup", "fcvt.wu.d\ta0,fa0,rup"},
    {0x342, 0xc2257553, "fcvt.l.d\ta0,fa0", "fcvt.l.d\ta0,fa0"},
    {0x346, 0xc2352553, "fcvt.lu.d\ta0,fa0,rdn", "fcvt.lu.d\ta0,fa0,rdn"},
    {0x34a, 0xd0057553, "fcvt.s.w\tfa0,a0", "fcvt.s.w\tfa0,a0"},
    {0x34e, 0xd0151553, "fcvt.s.wu\tfa0,a0,rtz", "fcvt.s.wu\tfa0,a0,rtz"},
    {0x352, 0xd0250553, "fcvt.s.l\tfa0,a0,rne", "fcvt.s.l\tfa0,a0,rne"},
    {0x356, 0xd0357553, "fcvt.s.lu\tfa0,a0", "fcvt.s.lu\tfa0,a0"},
    {0x35a, 0xd2050553, "fcvt.d.w\tfa0,a0", "fcvt.d.w\tfa0,a0"},
    {0x35e, 0xd2150553, "fcvt.d.wu\tfa0,a0", "fcvt.d.wu\tfa0,a0"},
    {0x362, 0xd2251553, "fcvt.d.l\tfa0,a0,rtz", "fcvt.d.l\tfa0,a0,rtz"},
    {0x366, 0xd2357553, "fcvt.d.lu\tfa0,a0", "fcvt.d.lu\tfa0,a0"},
    {0x36a, 0x4015f553, "fcvt.s.d\tfa0,fa1", "fcvt.s.d\tfa0,fa1"},
    {0x36e, 0x40158553, "fcvt.s.d\tfa0,fa1,rne", "fcvt.s.d\tfa0,fa1,rne"},
    {0x372, 0x42058553, "fcvt.d.s\tfa0,fa1", "fcvt.d.s\tfa0,fa1"},
    {0x376, 0xe0050553, "fmv.x.w\ta0,fa0", "fmv.x.w\ta0,fa0"},
    {0x37a, 0xf0050553, "fmv.w.x\tfa0,a0", "fmv.w.x\tfa0,a0"},
    {0x37e, 0xe2000553, "fmv.x.d\ta0,ft0", "fmv.x.d\ta0,ft0"},
    {0x382, 0xf2050fd3, "fmv.d.x\tft11,a0", "fmv.d.x\tft11,a0"},
    {0x386, 0xa0b52553, "feq.s\ta0,fa0,fa1", "feq.s\ta0,fa0,fa1"},
    {0x38a, 0xa0b51553, "flt.s\ta0,fa0,fa1", "flt.s\ta0,fa0,fa1"},
    {0x38e, 0xa2b50553, "fle.d\ta0,fa0,fa1", "fle.d\ta0,fa0,fa1"},
    {0x392, 0xe0051553, "fclass.s\ta0,fa0", "fclass.s\ta0,fa0"},
    {0x396, 0xe2051553, "fclass.d\ta0,fa0", "fclass.d\ta0,fa0"},
    {0x39a, 0x0000, "unimp", "c.unimp"},
    {0x39c, 0x0001, "nop", "c.addi\tzero,0"},
    {0x39e, 0x0005, "c.nop\t1", "c.addi\tzero,1"},
    {0x3a0, 0x0015, "c.nop\t5", "c.addi\tzero,5"},
    {0x3a2, 0x0501, "add\ta0,a0,0", "c.addi\ta0,0"},
    {0x3a4, 0x4015, "c.li\tzero,5", "c.li\tzero,5"},
    {0x3a6, 0x6005, "c.lui\tzero,0x1", "c.lui\tzero,0x1"},
    {0x3a8, 0x0002, "c.slli64\tzero", "c.slli64\tzero"},
    {0x3aa, 0x0502, "c.slli64\ta0", "c.slli64\ta0"},
    {0x3ac, 0x0006, "c.slli\tzero,0x1", "c.slli\tzero,0x1"},
    {0x3ae, 0x8001, "c.srli64\ts0", "c.srli64\ts0"},
    {0x3b0, 0x8401, "c.srai64\ts0", "c.srai64\ts0"},
    {0x3b2, 0x8012, "c.mv\tzero,tp", "c.mv\tzero,tp"},
    {0x3b4, 0x9012, "c.add\tzero,tp", "c.add\tzero,tp"},
    {0x3b6, 0x8002, ".2byte\t0x8002", ".2byte\t0x8002"},
    {0x3b8, 0x4002, ".2byte\t0x4002", ".2byte\t0x4002"},
    {0x3ba, 0x2001, ".2byte\t0x2001", ".2byte\t0x2001"},
    {0x3bc, 0x6101, "add\tsp,sp,0", "c.addi16sp\tsp,0"},
    {0x3be, 0x0010, ".2byte\t0x10", ".2byte\t0x10"},
    {0x3c0, 0x9c41, ".2byte\t0x9c41", ".2byte\t0x9c41"},
    {0x3c2, 0x6081, ".2byte\t0x6081", ".2byte\t0x6081"},
    {0x3c4, 0x6002, ".2byte\t0x6002", ".2byte\t0x6002"},
    {0x3c6, 0x2501, "sext.w\ta0,a0", "c.addiw\ta0,0"},
    {0x3c8, 0x0100000f, "fence\tw,unknown", "fence\tw,unknown"},
    {0x3cc, 0x0000000f, "fence\tunknown,unknown", "fence\tunknown,unknown"},
    {0x3d0, 0xc0001073, "unimp", "unimp"},
    {0x3d4, 0x00200073, "uret", "uret"},
    {0x3d8, 0x20200073, "hret", "hret"},
    {0x3dc, 0x7b200073, "dret", "dret"},
    {0x3e0, 0x10400073, "sfence.vm", "sfence.vm"},
    {0x3e4, 0x10450073, "sfence.vm\ta0", "sfence.vm\ta0"},
    {0x3e8, 0x42057553, ".4byte\t0x42057553", ".4byte\t0x42057553"},
    {0x3ec, 0xd2057553, ".4byte\t0xd2057553", ".4byte\t0xd2057553"},
    {0x3f0, 0x0010100f, ".4byte\t0x10100f", ".4byte\t0x10100f"},
    {0x3f4, 0x0ff5000f, ".4byte\t0xff5000f", ".4byte\t0xff5000f"},
    {0x3f8, 0x8ff0000f, ".4byte\t0x8ff0000f", ".4byte\t0x8ff0000f"},
    {0x3fc, 0x0000000b, ".4byte\t0xb", ".4byte\t0xb"},
    {0x400, 0xfe000033, ".4byte\t0xfe000033", ".4byte\t0xfe000033"},
    {0x404, 0x02a5d553, "fadd.d\tfa0,fa1,fa0,unknown", "fadd.d\tfa0,fa1,fa0,unknown"},
    {0x408, 0x02a5e553, "fadd.d\tfa0,fa1,fa0,unknown", "fadd.d\tfa0,fa1,fa0,unknown"},
    {0x40c, 0x00002067, ".4byte\t0x2067", ".4byte\t0x2067"},
    {0x410, 0x00000033, "add\tzero,zero,zero", "add\tzero,zero,zero"},
    {0x414, 0x0000001b, "sext.w\tzero,zero", "addiw\tzero,zero,0"},
    {0x418, 0x8330000f, "fence.tso", "fence.tso"},
};

static void test_objdump_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vm_rv_insn in;
        char buf[96];
        int len = vm_rv_decode(cases[i].raw, &in);
        assert_int_equal(len, (cases[i].raw & 3) == 3 ? 4 : 2);
        int n = vm_rv_disasm(&in, cases[i].pc, 1, buf, sizeof buf);
        if (strcmp(buf, cases[i].text))
            print_error("0x%08x: got \"%s\", objdump prints \"%s\"\n", cases[i].raw, buf, cases[i].text);
        assert_string_equal(buf, cases[i].text);
        assert_int_equal(n, strlen(cases[i].text));
        n = vm_rv_disasm(&in, cases[i].pc, 0, buf, sizeof buf);
        if (strcmp(buf, cases[i].noalias))
            print_error("0x%08x: got \"%s\", objdump -M no-aliases prints \"%s\"\n", cases[i].raw,
                        buf, cases[i].noalias);
        assert_string_equal(buf, cases[i].noalias);
        assert_int_equal(n, strlen(cases[i].noalias));
    }
}

/* The return value and truncation follow snprintf. */
static void test_buffer(void **state)
{
    (void)state;
    vm_rv_insn in;
    char buf[32];
    vm_rv_decode(0x4015f553, &in); /* fcvt.s.d fa0,fa1 */
    const char *full = "fcvt.s.d\tfa0,fa1";
    int len = (int)strlen(full);
    assert_int_equal(vm_rv_disasm(&in, 0, 1, NULL, 0), len);
    for (size_t size = 1; size <= sizeof buf; size++) {
        memset(buf, 'X', sizeof buf);
        assert_int_equal(vm_rv_disasm(&in, 0, 1, buf, size), len);
        size_t got = size - 1 < (size_t)len ? size - 1 : (size_t)len;
        assert_int_equal(strlen(buf), got);
        assert_memory_equal(buf, full, got);
        if (size < sizeof buf) assert_int_equal(buf[size], 'X');
    }
    /* branch targets wrap at 64 bits, as objdump prints them */
    vm_rv_decode(0xb001, &in); /* c.j -2048 */
    vm_rv_disasm(&in, 0x10, 1, buf, sizeof buf);
    assert_string_equal(buf, "j\tfffffffffffff810");
    vm_rv_disasm(&in, UINT64_C(0xfffffffffffffffe) + 0x800, 0, buf, sizeof buf);
    assert_string_equal(buf, "c.j\tfffffffffffffffe");
}

/* Decoder fields behind the text: immediates and compressed expansions. */
static void test_decoded_fields(void **state)
{
    (void)state;
    static const struct {
        uint32_t raw;
        int op, rd, rs1, rs2;
        int64_t imm;
    } f[] = {
        {0xfe143823, VM_RV_SD, -1, 8, 1, -16},         /* sd ra,-16(s0): S-type sign */
        {0x80a59023, VM_RV_SH, -1, 11, 10, -2048},     /* sh a0,-2048(a1) */
        {0x7e012fa3, VM_RV_SW, -1, 2, 0, 2047},        /* sw zero,2047(sp) */
        {0x81f5b027, VM_RV_FSD, -1, 11, 31, -2048},    /* fsd ft11,-2048(a1) */
        {0x80a00063, VM_RV_BEQ, -1, 0, 10, -4096},     /* beq zero,a0,.-4096 */
        {0x8000006f, VM_RV_JAL, 0, -1, -1, -0x100000}, /* j .-1MiB */
        {0xfffff537, VM_RV_LUI, 10, -1, -1, -4096},    /* lui a0,0xfffff */
        {0x7101, VM_RV_ADDI, 2, 2, -1, -512},          /* c.addi16sp sp,-512 */
        {0x1fe4, VM_RV_ADDI, 9, 2, -1, 1020},          /* c.addi4spn s1,sp,1020 */
        {0x7f81, VM_RV_LUI, 31, -1, -1, -0x20000},     /* c.lui t6,0xfffe0 */
        {0x857e, VM_RV_ADD, 10, 0, 31, 0},             /* c.mv a0,t6 = add a0,zero,t6 */
        {0x9282, VM_RV_JALR, 1, 5, -1, 0},             /* c.jalr t0 */
        {0xf081, VM_RV_BNE, -1, 9, 0, -256},           /* c.bnez s1,.-256 */
        {0xbfee, VM_RV_FSD, -1, 2, 27, 504},           /* c.fsdsp fs11,504(sp) */
        {0x907d, VM_RV_SRLI, 8, 8, -1, 63},            /* c.srli s0,63 */
        /* fields no text shows: the implicit registers of expansions */
        {0xaffd, VM_RV_JAL, 0, -1, -1, 2046},          /* c.j = jal zero */
        {0x8502, VM_RV_JALR, 0, 10, -1, 0},            /* c.jr a0 = jalr zero,0(a0) */
        {0x5501, VM_RV_ADDI, 10, 0, -1, -32},          /* c.li a0,-32 = addi a0,zero,-32 */
        {0xcd7d, VM_RV_BEQ, -1, 10, 0, 254},           /* c.beqz a0 = beq a0,zero */
        {0x952e, VM_RV_ADD, 10, 10, 11, 0},            /* c.add a0,a1 */
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        vm_rv_insn in;
        vm_rv_decode(f[i].raw, &in);
        assert_int_equal(in.op, f[i].op);
        if (f[i].rd >= 0) assert_int_equal(in.rd, f[i].rd);
        if (f[i].rs1 >= 0) assert_int_equal(in.rs1, f[i].rs1);
        if (f[i].rs2 >= 0) assert_int_equal(in.rs2, f[i].rs2);
        assert_true(in.imm == f[i].imm);
    }
}

/* An insn that no decoder produced must not crash the disassembler. */
static void test_robust(void **state)
{
    (void)state;
    char buf[64];
    vm_rv_insn in = {.raw = 0x12345677, .op = VM_RV_NOPS + 7, .len = 4};
    assert_true(vm_rv_disasm(&in, 0, 1, buf, sizeof buf) > 0);
    assert_string_equal(buf, ".4byte\t0x12345677");
    in = (vm_rv_insn){.raw = 0xffff0000, .op = VM_RV_ILLEGAL, .len = 2};
    vm_rv_disasm(&in, 0, 0, buf, sizeof buf);
    assert_string_equal(buf, "c.unimp");
    assert_string_equal(vm_rv_xreg_name(32), "?");
    assert_string_equal(vm_rv_freg_name(-1), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objdump_text),
        cmocka_unit_test(test_buffer),
        cmocka_unit_test(test_decoded_fields),
        cmocka_unit_test(test_robust),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
