/* rv64a: the A extension — LR/SC pairs that succeed, an SC without a reservation, an SC
 * after a reservation was consumed, an SC to another address, LR/SC in a retry loop, and
 * every AMO in .w and .d with no ordering, .aq, .rl and .aqrl: the old value returned
 * (sign-extended for .w) and the new memory value. */
#include "isa.h"

static uint64_t mem[4] __attribute__((aligned(16)));

#define AMO(op, sfx, w) do { \
	for (int i = 0; i < COUNT(ivals); i += 3) { \
		printf("%s%s %llx:", #op, sfx, (unsigned long long)ivals[i]); \
		for (int j = 0; j < COUNT(ivals); j += 2) { \
			uint64_t old; \
			mem[0] = ivals[i]; mem[1] = 0x1111111111111111; \
			__asm__ volatile(#op sfx " %0,%1,(%2)" : "=r"(old) : "r"(ivals[j]), "r"(mem) : "memory"); \
			printf(" %llx/%llx", (unsigned long long)old, (unsigned long long)mem[0]); \
		} \
		printf(" next %llx\n", (unsigned long long)mem[1]); \
	} } while (0)

#define AMO_ALL(op) \
	AMO(op, ".w", 1); AMO(op, ".w.aq", 1); AMO(op, ".w.rl", 1); AMO(op, ".w.aqrl", 1); \
	AMO(op, ".d", 0); AMO(op, ".d.aq", 0); AMO(op, ".d.rl", 0); AMO(op, ".d.aqrl", 0)

int main(void)
{
	uint64_t v, sc, sc2;
	/* simple successful pair, .d */
	mem[0] = 0x0123456789abcdef;
	__asm__ volatile("lr.d %0,(%2)\n addi %0,%0,1\n sc.d %1,%0,(%2)" : "=&r"(v), "=&r"(sc) : "r"(mem) : "memory");
	printf("lr.d/sc.d: sc %llu mem %llx\n", (unsigned long long)sc, (unsigned long long)mem[0]);
	/* .w: loaded value sign-extended, the upper word untouched */
	mem[0] = 0x11111111f0000000;
	__asm__ volatile("lr.w.aq %0,(%2)\n addi %0,%0,-1\n sc.w.rl %1,%0,(%2)" : "=&r"(v), "=&r"(sc) : "r"(mem) : "memory");
	printf("lr.w/sc.w: v %llx sc %llu mem %llx\n", (unsigned long long)v, (unsigned long long)sc,
	       (unsigned long long)mem[0]);
	/* second SC after a successful one has no reservation: fails, memory unchanged */
	mem[0] = 5;
	__asm__ volatile("lr.d %0,(%3)\n sc.d %1,%0,(%3)\n li %0,99\n sc.d %2,%0,(%3)"
			 : "=&r"(v), "=&r"(sc), "=&r"(sc2) : "r"(mem) : "memory");
	printf("sc twice: %llu %llu mem %llu\n", (unsigned long long)sc, (unsigned long long)sc2,
	       (unsigned long long)mem[0]);
	/* SC to an address other than the reserved one must fail */
	mem[0] = 7; mem[2] = 8;
	__asm__ volatile("lr.d %0,(%2)\n sc.d %1,%0,(%3)" : "=&r"(v), "=&r"(sc) : "r"(mem), "r"(mem + 2) : "memory");
	printf("sc other address: %s mem2 %llu\n", sc ? "failed" : "SUCCEEDED", (unsigned long long)mem[2]);
	/* SC with no LR at all (after the previous SC cleared the reservation) */
	__asm__ volatile("sc.w %0,%1,(%2)" : "=&r"(sc) : "r"(42), "r"(mem) : "memory");
	printf("sc without lr: %s mem %llu\n", sc ? "failed" : "SUCCEEDED", (unsigned long long)mem[0]);
	/* increment loop */
	mem[0] = 0;
	for (int i = 0; i < 1000; i++)
		__asm__ volatile("1: lr.d.aqrl %0,(%1)\n addi %0,%0,3\n sc.d.aqrl t0,%0,(%1)\n bnez t0,1b"
				 : "=&r"(v) : "r"(mem) : "t0", "memory");
	printf("lr/sc loop: %llu\n", (unsigned long long)mem[0]);
	AMO_ALL(amoswap); AMO_ALL(amoadd); AMO_ALL(amoxor); AMO_ALL(amoand); AMO_ALL(amoor);
	AMO_ALL(amomin); AMO_ALL(amomax); AMO_ALL(amominu); AMO_ALL(amomaxu);
	/* rd = x0 form and rd == rs2 */
	mem[0] = 10;
	__asm__ volatile("amoadd.d x0,%0,(%1)" : : "r"(5), "r"(mem) : "memory");
	uint64_t r = 100;
	__asm__ volatile("amoswap.d %0,%0,(%1)" : "+r"(r) : "r"(mem) : "memory");
	printf("amo x0 then rd==rs2: %llu mem %llu\n", (unsigned long long)r, (unsigned long long)mem[0]);
	return 0;
}
