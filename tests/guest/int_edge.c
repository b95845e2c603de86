/* int_edge: integer edge cases as compiled C code sees them — division by zero and
 * INT_MIN/-1 (RISC-V defines both: no trap), shifts at their limits, the high half of
 * products (mulh/mulhu/mulhsu via __int128), 32-bit wrap-around of W operations, and
 * libgcc's bit helpers. Operands go through volatile so that gcc emits the instructions
 * instead of folding them. */
#include <stdint.h>
#include <stdio.h>
#include <limits.h>

static volatile int64_t vals[] = {0, 1, -1, 2, -2, 3, 7, -7, INT32_MAX, INT32_MIN,
	(int64_t)UINT32_MAX, INT64_MAX, INT64_MIN, INT64_MIN + 1, 0x123456789abcdef0,
	-0x5555555555555555, 0x80000000, 0xffffffff80000000};
#define N (int)(sizeof vals / sizeof vals[0])

static __attribute__((noinline)) int64_t sdiv(int64_t a, int64_t b) { return a / b; }
static __attribute__((noinline)) int64_t srem(int64_t a, int64_t b) { return a % b; }
static __attribute__((noinline)) uint64_t udiv(uint64_t a, uint64_t b) { return a / b; }
static __attribute__((noinline)) uint64_t urem(uint64_t a, uint64_t b) { return a % b; }
static __attribute__((noinline)) int32_t sdivw(int32_t a, int32_t b) { return a / b; }
static __attribute__((noinline)) int32_t sremw(int32_t a, int32_t b) { return a % b; }
static __attribute__((noinline)) uint32_t udivw(uint32_t a, uint32_t b) { return a / b; }
static __attribute__((noinline)) uint32_t uremw(uint32_t a, uint32_t b) { return a % b; }

int main(void)
{
	uint64_t h = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int64_t a = vals[i], b = vals[j];
			__int128 sp = (__int128)a * b;
			unsigned __int128 up = (unsigned __int128)(uint64_t)a * (uint64_t)b;
			__int128 sup = (__int128)a * (unsigned __int128)(uint64_t)b;
			printf("%016llx %016llx: div %llx rem %llx divu %llx remu %llx "
			       "divw %x remw %x divuw %x remuw %x mulh %llx mulhu %llx mulhsu %llx mulw %x\n",
			       (unsigned long long)a, (unsigned long long)b,
			       (unsigned long long)sdiv(a, b), (unsigned long long)srem(a, b),
			       (unsigned long long)udiv(a, b), (unsigned long long)urem(a, b),
			       (unsigned)sdivw((int32_t)a, (int32_t)b), (unsigned)sremw((int32_t)a, (int32_t)b),
			       udivw((uint32_t)a, (uint32_t)b), uremw((uint32_t)a, (uint32_t)b),
			       (unsigned long long)(uint64_t)(sp >> 64), (unsigned long long)(uint64_t)(up >> 64),
			       (unsigned long long)(uint64_t)(sup >> 64), (unsigned)((int32_t)a * (int32_t)b));
			h = h * 31 + (uint64_t)(a + b) + (uint64_t)(a - b);
		}
	/* RISC-V: x/0 = -1 (all ones), x%0 = x, INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0 */
	printf("check div0 %s\n", sdiv(5, 0) == -1 && srem(5, 0) == 5 && udiv(5, 0) == UINT64_MAX ? "ok" : "BAD");
	printf("check ovf %s\n", sdiv(INT64_MIN, -1) == INT64_MIN && srem(INT64_MIN, -1) == 0 &&
	       sdivw(INT32_MIN, -1) == INT32_MIN && sremw(INT32_MIN, -1) == 0 ? "ok" : "BAD");
	for (int i = 0; i < N; i++) {
		uint64_t a = (uint64_t)vals[i];
		for (volatile int s = 0; s < 64; s += 7)
			h = h * 131 + (a << s) + (a >> s) + (uint64_t)((int64_t)a >> s)
			    + (uint32_t)((uint32_t)a << (s & 31)) + (uint64_t)(int64_t)((int32_t)a >> (s & 31));
		printf("bits %016llx clz %d ctz %d pop %d parity %d bswap %016llx\n", (unsigned long long)a,
		       a ? __builtin_clzll(a) : 64, a ? __builtin_ctzll(a) : 64, __builtin_popcountll(a),
		       __builtin_parityll(a), (unsigned long long)__builtin_bswap64(a));
		long long r1, r2, r3;
		int o1 = __builtin_add_overflow((long long)a, 1LL, &r1);
		int o2 = __builtin_mul_overflow((long long)a, 3LL, &r2);
		int o3 = __builtin_sub_overflow((long long)a, 5LL, &r3);
		printf("ovf add %d %llx mul %d %llx sub %d %llx\n", o1, (unsigned long long)r1, o2,
		       (unsigned long long)r2, o3, (unsigned long long)r3);
	}
	unsigned __int128 big = ((unsigned __int128)0x0123456789abcdefULL << 64) | 0xfedcba9876543210ULL;
	unsigned __int128 q = big / 0x1234567ULL, m = big % 0xfffffffbULL;
	printf("u128 q %016llx%016llx m %llx\n", (unsigned long long)(q >> 64), (unsigned long long)q,
	       (unsigned long long)m);
	printf("hash %016llx\n", (unsigned long long)h);
	return 0;
}
