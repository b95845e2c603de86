/* smc: self-modifying code — instructions are written into an RWX mapping, run, then
 * patched in place and run again after __builtin___clear_cache (fence.i). A stale
 * translation or decode cache shows up as the old result. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* addi a0, a0, imm  (I-type, opcode 0x13, rd=rs1=a0=x10) */
static uint32_t addi_a0(int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (10 << 15) | (10 << 7) | 0x13; }
#define RET 0x00008067u	/* jalr x0, 0(ra) */

typedef long (*fn_t)(long);

int main(void)
{
	uint32_t *code = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) { perror("mmap rwx"); return 1; }
	fn_t f = (fn_t)(uintptr_t)code;
	long total = 0;
	for (int round = 0; round < 50; round++) {
		int n = 1 + round % 7;
		for (int i = 0; i < n; i++)
			code[i] = addi_a0(round * 3 - i);
		code[n] = RET;
		__builtin___clear_cache((char *)code, (char *)(code + n + 1));
		long r = f(1000);
		total += r;
		if (round % 10 == 0 || round == 49)
			printf("round %d: f(1000) = %ld\n", round, r);
		for (int k = 0; k < 3; k++)	/* run it hot, then patch the first word only */
			total += f(k);
		code[0] = addi_a0(-round);
		__builtin___clear_cache((char *)code, (char *)(code + 1));
		total += f(0);
	}
	printf("total %ld\n", total);
	/* patch the instruction that follows the running one on the same page */
	code[0] = addi_a0(1);
	code[1] = RET;
	code[2] = RET;
	__builtin___clear_cache((char *)code, (char *)(code + 3));
	printf("before patch %ld\n", f(0));
	code[1] = addi_a0(100);
	__builtin___clear_cache((char *)code, (char *)(code + 3));
	printf("after patch %ld\n", f(0));
	/* make the page read+exec only; code still runs */
	mprotect(code, 8192, PROT_READ | PROT_EXEC);
	printf("after mprotect r-x %ld\n", f(5));
	return 0;
}
