/* smc_big: self-modifying code in a large RWX mapping, without fence.i. Stores into a
 * 2 MiB region that one mapping covers whole may go through the 2 MiB translation
 * cache (mem.h, VM_BTC_SIZE): the first stores happen before the region holds any
 * code, so the cache may hold a store entry for it; once the JIT has translated code
 * there, every store to it must still be seen (the new instruction runs, not the old
 * translation). qemu-riscv64 also runs a store to code precisely.
 * run-diff: vmsh-flags --mmu=bare
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

static uint32_t addi_a0(int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (10 << 15) | (10 << 7) | 0x13; }
#define RET 0x00008067u /* jalr x0, 0(ra) */
#define MIB (1ul << 20)

typedef long (*fn_t)(long);

int main(void)
{
	char *map = mmap(NULL, 6 * MIB, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) { perror("mmap rwx"); return 1; }
	/* a 2 MiB-aligned region inside the mapping: data at its start, code 64 KiB in */
	char *region = (char *)(((uintptr_t)map + 2 * MIB - 1) & ~(2 * MIB - 1));
	long *data = (long *)region;
	volatile uint32_t *code = (volatile uint32_t *)(region + 64 * 1024);
	for (int i = 0; i < 4096; i++) data[i] = i; /* stores before any code is there */
	code[0] = addi_a0(1);
	code[1] = RET;
	__builtin___clear_cache((char *)code, (char *)(code + 2)); /* the first code: with fence.i */
	fn_t f = (fn_t)(uintptr_t)code;
	long total = 0;
	for (int round = 0; round < 40; round++) {
		for (int k = 0; k < 5; k++) total += f(k); /* hot: translated */
		for (int i = 0; i < 64; i++) data[i * 61] += round; /* more stores to the region */
		code[0] = addi_a0(round * 7 - 3); /* no fence.i from here on */
		long r = f(1000);
		total += r;
		if (round % 8 == 0) printf("round %d: f(1000) = %ld\n", round, r);
	}
	long s = 0;
	for (int i = 0; i < 4096; i++) s += data[i];
	printf("total %ld, data %ld\n", total, s);
	return 0;
}
