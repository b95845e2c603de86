/* rvc: the C extension written as explicit c.* mnemonics, so each compressed encoding
 * (not whatever the assembler picks) is executed — immediates at the ends of their
 * ranges, sign extension of c.addiw/c.lw, the x8-x15 register forms, stack-pointer
 * relative loads/stores (integer and double), compressed jumps and branches, and
 * c.jalr's link (pc + 2). Registers are pinned with register variables because the
 * 3-bit register fields reach only s0, s1, a0-a5. */
#include "isa.h"

#define V(x) (unsigned long long)(x)

/* Runs TEXT with a0 = x, a1 = y and returns a2, a3, a4, a5, s1 in out[]. Register
 * variables hold their register only inside the asm statement, so they are set right
 * before it and read right after it, with no call in between. */
#define BLOCK(name, TEXT) \
	static void name(uint64_t x, uint64_t y, uint64_t out[5]) \
	{ \
		register uint64_t a0 __asm__("a0") = x, a1 __asm__("a1") = y; \
		register uint64_t a2 __asm__("a2"), a3 __asm__("a3"), a4 __asm__("a4"), a5 __asm__("a5"); \
		register uint64_t s1 __asm__("s1"); \
		__asm__ volatile(TEXT : "=&r"(a2), "=&r"(a3), "=&r"(a4), "=&r"(a5), "=&r"(s1) : "r"(a0), "r"(a1)); \
		out[0] = a2; out[1] = a3; out[2] = a4; out[3] = a5; out[4] = s1; \
	}

BLOCK(imm_ops,
	"mv a2,a0\n c.addi a2,31\n"
	"mv a3,a0\n c.addi a3,-32\n"
	"mv a4,a0\n c.addiw a4,-1\n"
	"mv a5,a0\n c.slli a5,63\n"
	"mv s1,a0\n c.srai s1,1\n")
BLOCK(imm_ops2,
	"mv a2,a0\n c.srli a2,33\n"
	"mv a3,a0\n c.srai a3,63\n"
	"mv a4,a0\n c.andi a4,-17\n"
	"mv a5,a0\n c.andi a5,31\n"
	"mv s1,a0\n c.addiw s1,0\n")
BLOCK(reg_ops,
	"mv a2,a0\n c.add a2,a1\n"
	"mv a3,a0\n c.sub a3,a1\n"
	"mv a4,a0\n c.addw a4,a1\n"
	"mv a5,a0\n c.subw a5,a1\n"
	"mv s1,a0\n c.xor s1,a1\n")
BLOCK(reg_ops2,
	"mv a2,a0\n c.or a2,a1\n"
	"mv a3,a0\n c.and a3,a1\n"
	"c.mv a4,a1\n"
	"mv a5,a1\n c.slli a5,1\n"
	"mv s1,a0\n c.srli s1,1\n")

int main(void)
{
	for (int i = 0; i < COUNT(ivals); i++) {
		uint64_t x = ivals[i], y = ivals[(i * 7 + 3) % COUNT(ivals)], o[5];
		imm_ops(x, y, o);
		printf("%llx %llx: c.addi %llx %llx c.addiw %llx c.slli63 %llx c.srai1 %llx", V(x), V(y), V(o[0]),
		       V(o[1]), V(o[2]), V(o[3]), V(o[4]));
		imm_ops2(x, y, o);
		printf(" c.srli %llx c.srai63 %llx c.andi %llx %llx sext.w %llx", V(o[0]), V(o[1]), V(o[2]), V(o[3]),
		       V(o[4]));
		reg_ops(x, y, o);
		printf(" add %llx sub %llx addw %llx subw %llx xor %llx", V(o[0]), V(o[1]), V(o[2]), V(o[3]), V(o[4]));
		reg_ops2(x, y, o);
		printf(" or %llx and %llx mv %llx slli1 %llx srli1 %llx\n", V(o[0]), V(o[1]), V(o[2]), V(o[3]), V(o[4]));
	}
	register uint64_t r0 __asm__("a0"), r1 __asm__("a1"), r2 __asm__("a2"), r3 __asm__("a3");
	__asm__ volatile("c.li a0,31\n c.li a1,-32\n c.lui a2,1\n c.lui a3,0xfffff"
			 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3));
	printf("c.li %llx %llx c.lui %llx %llx\n", V(r0), V(r1), V(r2), V(r3));
	__asm__ volatile("c.lui a0,31\n c.lui a1,0xfffe0\n c.li a2,0\n c.nop\n c.addi a2,1"
			 : "=r"(r0), "=r"(r1), "=r"(r2));
	printf("c.lui %llx %llx nop %llx\n", V(r0), V(r1), V(r2));
	/* stack-pointer forms: c.addi16sp, c.addi4spn, c.*sp loads/stores */
	uint64_t o1, o2, o3, o4, o5, o6;
	__asm__ volatile(
		"mv t1,sp\n"
		"c.addi16sp sp,-512\n"
		"sub %0,t1,sp\n"
		"c.addi4spn a0,sp,1020\n"
		"sub %1,a0,sp\n"
		"li a1,-2\n"
		"c.sdsp a1,504(sp)\n"
		"c.swsp a1,0(sp)\n"
		"li a2,0x7ff\n"
		"c.swsp a2,252(sp)\n"
		"c.ldsp a3,504(sp)\n"
		"c.lwsp a4,0(sp)\n"
		"c.lwsp a5,252(sp)\n"
		"mv %2,a3\n mv %3,a4\n mv %4,a5\n"
		"fmv.d.x ft0,a1\n"
		"c.fsdsp ft0,8(sp)\n"
		"c.fldsp ft1,8(sp)\n"
		"fmv.x.d %5,ft1\n"
		"c.addi16sp sp,496\n"
		"c.addi16sp sp,16\n"
		: "=&r"(o1), "=&r"(o2), "=&r"(o3), "=&r"(o4), "=&r"(o5), "=&r"(o6)
		: : "t1", "a0", "a1", "a2", "a3", "a4", "a5", "ft0", "ft1", "memory");
	printf("addi16sp %llu addi4spn %llu ldsp %llx lwsp %llx %llx fldsp %llx\n", V(o1), V(o2), V(o3), V(o4), V(o5),
	       V(o6));
	/* register-based loads/stores with the largest offsets */
	static uint64_t buf[40];
	for (int i = 0; i < 40; i++)
		buf[i] = 0x8070605040302010ull + (uint64_t)i * 0x0101010101010101ull;
	register uint64_t *bp __asm__("a0") = buf;
	register uint64_t x1 __asm__("a1"), x2 __asm__("a2"), x3 __asm__("a3"), x4 __asm__("a4");
	__asm__ volatile("c.ld a1,248(a0)\n c.lw a2,124(a0)\n c.lw a3,0(a0)\n"
			 "c.sw a3,4(a0)\n c.sd a1,0(a0)\n c.ld a4,0(a0)\n"
			 "c.fld fa5,16(a0)\n c.fsd fa5,8(a0)\n"
			 : "=&r"(x1), "=&r"(x2), "=&r"(x3), "=&r"(x4) : "r"(bp) : "fa5", "memory");
	printf("c.ld %llx c.lw %llx %llx c.sd->ld %llx buf1 %llx\n", V(x1), V(x2), V(x3), V(x4), V(buf[1]));
	/* control flow: c.j, c.beqz, c.bnez, c.jr, c.jalr (link = pc + 2) */
	for (int i = 0; i < 4; i++) {
		register uint64_t c0 __asm__("a0") = (uint64_t)i - 1;	/* -1, 0, 1, 2 */
		register uint64_t m __asm__("a1") = 0;
		uint64_t linkdiff;
		__asm__ volatile(
			"c.beqz a0,1f\n c.addi a1,1\n"
			"1: c.bnez a0,2f\n c.addi a1,2\n"
			"2: c.j 3f\n c.addi a1,4\n"
			"3: lla t0,4f\n c.jr t0\n c.addi a1,8\n"
			"4: lla t0,5f\n c.jalr t0\n"
			"6: c.j 7f\n"
			"5: lla t1,6b\n sub %2,ra,t1\n c.jr ra\n"
			"7:\n"
			: "+r"(c0), "+r"(m), "=&r"(linkdiff) : : "t0", "t1", "ra");
		printf("branch %d: mask %llx c.jalr link-next %lld\n", i - 1, V(m), (long long)linkdiff);
	}
	return 0;
}
