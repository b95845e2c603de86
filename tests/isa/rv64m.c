/* rv64m: the M extension on every pair of edge values — mul/mulh/mulhsu/mulhu, the W
 * forms (which must ignore the upper 32 bits of their operands), and division with the
 * spec's answers for x/0 (all ones; remainder = dividend) and overflow (MIN/-1 = MIN,
 * remainder 0). No trap, in any case. */
#include "isa.h"

#define RR(op) \
	static uint64_t op##_rr(uint64_t a, uint64_t b) \
	{ uint64_t r; __asm__ volatile(NORVC #op " %0,%1,%2" POPRVC : "=r"(r) : "r"(a), "r"(b)); return r; }
RR(mul) RR(mulh) RR(mulhsu) RR(mulhu) RR(div) RR(divu) RR(rem) RR(remu)
RR(mulw) RR(divw) RR(divuw) RR(remw) RR(remuw)

static uint64_t (*const fn[])(uint64_t, uint64_t) = {mul_rr, mulh_rr, mulhsu_rr, mulhu_rr, div_rr, divu_rr,
	rem_rr, remu_rr, mulw_rr, divw_rr, divuw_rr, remw_rr, remuw_rr};
static const char *const name[] = {"mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw",
	"divw", "divuw", "remw", "remuw"};

int main(void)
{
	for (int k = 0; k < COUNT(fn); k++)
		for (int i = 0; i < COUNT(ivals); i++) {
			printf("%-6s %llx:", name[k], (unsigned long long)ivals[i]);
			for (int j = 0; j < COUNT(ivals); j++)
				printf(" %llx", (unsigned long long)fn[k](ivals[i], ivals[j]));
			printf("\n");
		}
	/* the result register may also be a source */
	uint64_t a = 0x7fffffffffffffff, b = 0xfffffffffffffffd;
	__asm__ volatile(NORVC "mulh %0,%0,%1\n" POPRVC : "+r"(a) : "r"(b));
	uint64_t c = 0x8000000000000000;
	__asm__ volatile(NORVC "div %0,%0,%0\n" POPRVC : "+r"(c));
	printf("rd==rs1 mulh %llx div %llx\n", (unsigned long long)a, (unsigned long long)c);
	return 0;
}
