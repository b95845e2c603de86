/* rv64i: every RV64I computational instruction on the edge values — register-register
 * and register-immediate ALU ops, their W forms (32-bit result sign-extended), shifts
 * by amounts at the limits (only the low 5/6 bits count), lui/auipc, loads and stores of
 * every width with sign/zero extension, every branch condition, jal/jalr links. */
#include "isa.h"
#include <string.h>

#define RR(op) \
	static uint64_t op##_rr(uint64_t a, uint64_t b) \
	{ uint64_t r; __asm__ volatile(NORVC #op " %0,%1,%2" POPRVC : "=r"(r) : "r"(a), "r"(b)); return r; }
RR(add) RR(sub) RR(sll) RR(slt) RR(sltu) RR(xor) RR(srl) RR(sra) RR(or) RR(and)
RR(addw) RR(subw) RR(sllw) RR(srlw) RR(sraw)

static uint64_t (*const rr_fn[])(uint64_t, uint64_t) = {add_rr, sub_rr, sll_rr, slt_rr, sltu_rr, xor_rr,
	srl_rr, sra_rr, or_rr, and_rr, addw_rr, subw_rr, sllw_rr, srlw_rr, sraw_rr};
static const char *const rr_name[] = {"add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
	"addw", "subw", "sllw", "srlw", "sraw"};

#define RI(op, imm) do { \
	printf("%-6s %5s:", #op, #imm); \
	for (int i = 0; i < COUNT(ivals); i++) { \
		uint64_t r; \
		__asm__ volatile(NORVC #op " %0,%1," #imm POPRVC : "=r"(r) : "r"(ivals[i])); \
		printf(" %llx", (unsigned long long)r); \
	} \
	printf("\n"); } while (0)

#define IMM_SET(op) RI(op, 0); RI(op, 1); RI(op, -1); RI(op, 2047); RI(op, -2048); RI(op, 0x555); RI(op, -0x7ff)

#define LD(op, off) ({ uint64_t r; __asm__ volatile(NORVC #op " %0," #off "(%1)" POPRVC : "=r"(r) : "r"(mem)); r; })

static unsigned char mem[64] __attribute__((aligned(16)));

static unsigned branches(uint64_t a, uint64_t b)
{
	unsigned m = 0;
#define BR(op, bit) __asm__ volatile(NORVC #op " %1,%2,1f\n j 2f\n1: ori %0,%0," #bit "\n2:" POPRVC \
				     : "+r"(m) : "r"(a), "r"(b))
	BR(beq, 1); BR(bne, 2); BR(blt, 4); BR(bge, 8); BR(bltu, 16); BR(bgeu, 32);
	BR(bgt, 64); BR(ble, 128); BR(bgtu, 256); BR(bleu, 512);
	return m;
}

int main(void)
{
	for (int k = 0; k < COUNT(rr_fn); k++)
		for (int i = 0; i < COUNT(ivals); i++) {
			printf("%-5s %llx:", rr_name[k], (unsigned long long)ivals[i]);
			for (int j = 0; j < COUNT(ivals); j++)
				printf(" %llx", (unsigned long long)rr_fn[k](ivals[i], ivals[j]));
			printf("\n");
		}
	IMM_SET(addi); IMM_SET(slti); IMM_SET(sltiu); IMM_SET(xori); IMM_SET(ori); IMM_SET(andi);
	IMM_SET(addiw);
	RI(slli, 0); RI(slli, 1); RI(slli, 31); RI(slli, 32); RI(slli, 63);
	RI(srli, 0); RI(srli, 1); RI(srli, 31); RI(srli, 32); RI(srli, 63);
	RI(srai, 0); RI(srai, 1); RI(srai, 31); RI(srai, 32); RI(srai, 63);
	RI(slliw, 0); RI(slliw, 1); RI(slliw, 16); RI(slliw, 31);
	RI(srliw, 0); RI(srliw, 1); RI(srliw, 16); RI(srliw, 31);
	RI(sraiw, 0); RI(sraiw, 1); RI(sraiw, 16); RI(sraiw, 31);

	uint64_t l[6];
	__asm__ volatile(NORVC "lui %0,0\n lui %1,0x80000\n lui %2,0xfffff\n lui %3,0x7ffff\n lui %4,1\n lui %5,0x12345"
			 POPRVC : "=r"(l[0]), "=r"(l[1]), "=r"(l[2]), "=r"(l[3]), "=r"(l[4]), "=r"(l[5]));
	printf("lui %llx %llx %llx %llx %llx %llx\n", (unsigned long long)l[0], (unsigned long long)l[1],
	       (unsigned long long)l[2], (unsigned long long)l[3], (unsigned long long)l[4], (unsigned long long)l[5]);
	uint64_t p0, p1, p2;
	__asm__ volatile(NORVC "1: auipc %0,0\n auipc %1,1\n auipc %2,0x80000\n" POPRVC
			 : "=r"(p0), "=r"(p1), "=r"(p2));
	printf("auipc deltas %llx %llx\n", (unsigned long long)(p1 - p0), (unsigned long long)(p2 - p0));

	for (int i = 0; i < 64; i++)
		mem[i] = (unsigned char)(0x81 + i * 37);
	printf("loads: lb %llx %llx lbu %llx lh %llx %llx lhu %llx lw %llx %llx lwu %llx ld %llx %llx\n",
	       (unsigned long long)LD(lb, 0), (unsigned long long)LD(lb, 3), (unsigned long long)LD(lbu, 0),
	       (unsigned long long)LD(lh, 0), (unsigned long long)LD(lh, 6), (unsigned long long)LD(lhu, 2),
	       (unsigned long long)LD(lw, 0), (unsigned long long)LD(lw, 12), (unsigned long long)LD(lwu, 4),
	       (unsigned long long)LD(ld, 8), (unsigned long long)LD(ld, 56));
	printf("misaligned: lh %llx lw %llx ld %llx\n", (unsigned long long)LD(lh, 1), (unsigned long long)LD(lw, 5),
	       (unsigned long long)LD(ld, 17));
	uint64_t v = 0x8899aabbccddeeff;
	__asm__ volatile(NORVC "sb %0,0(%1)\n sh %0,2(%1)\n sw %0,4(%1)\n sd %0,8(%1)\n sd %0,19(%1)\n sw %0,33(%1)"
			 POPRVC : : "r"(v), "r"(mem) : "memory");
	printf("stores:");
	for (int i = 0; i < 40; i++)
		printf(" %02x", mem[i]);
	printf("\n");
	/* x0 is hard-wired: writes are discarded */
	uint64_t z;
	__asm__ volatile(NORVC "addi x0,x0,5\n add %0,x0,x0" POPRVC : "=r"(z));
	printf("x0 %llx\n", (unsigned long long)z);

	for (int i = 0; i < COUNT(ivals); i++) {
		printf("br %llx:", (unsigned long long)ivals[i]);
		for (int j = 0; j < COUNT(ivals); j++)
			printf(" %x", branches(ivals[i], ivals[j]));
		printf("\n");
	}
	/* jal/jalr: link = address of the next instruction; jalr clears bit 0 of the target */
	uint64_t link1, here1, link2, tgt2, link3;
	__asm__ volatile(NORVC
			 "jal %0,1f\n"
			 "1: auipc %1,0\n"
			 "lla %3,2f\n addi %3,%3,1\n"
			 "jalr %2,0(%3)\n"
			 "2: auipc %3,0\n"
			 "lla %4,3f\n"
			 "jalr %4,-4+4(%4)\n"
			 "3: auipc t0,0\n sub %4,%4,t0\n"
			 POPRVC : "=&r"(link1), "=&r"(here1), "=&r"(link2), "=&r"(tgt2), "=&r"(link3) : : "t0");
	printf("jal link-next %lld, jalr odd target ok %d link %lld, jalr rd==rs1 link %lld\n",
	       (long long)(link1 - here1), tgt2 == link2, (long long)(link2 - tgt2), (long long)link3);
	return 0;
}
