/* bc_interp: an integer interpreter loop — a small stack-based bytecode VM with switch
 * dispatch running a program (assembled at start-up from the text below) that counts
 * primes by trial division and folds them into a checksum. What it measures: one
 * indirect branch per bytecode, short dependent integer ops, loads and stores to a
 * small hot array — the classic worst case for an emulator's own dispatch.
 * Usage: bc_interp [LIMIT]   (primes below LIMIT; default 250000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JNZ, JMP, DUP, HALT, NOPS };
static const char *const names[NOPS] = {"push", "load", "store", "add", "sub", "mul", "mod", "lt", "jz",
	"jnz", "jmp", "dup", "halt"};
static const char *const vars_names[] = {"n", "d", "sum", "lim", "cnt"};

static const char *const source =
	"      push 2  store n\n"
	"outer: load n  load lim  lt  jz end  push 2  store d\n"
	"inner: load n  load d  dup  mul  lt  jnz prime\n"
	"      load n  load d  mod  jz next\n"
	"      load d  push 1  add  store d  jmp inner\n"
	"prime: load sum  push 31  mul  load n  add  store sum\n"
	"      load cnt  push 1  add  store cnt\n"
	"next: load n  push 1  add  store n  jmp outer\n"
	"end:  halt\n";

typedef struct { int op; int64_t arg; } insn;

/* Two passes over the source: the first records label addresses, the second emits. */
static int assemble(insn *code, int max)
{
	char labels[16][16];
	int addr[16], nl = 0;
	for (int pass = 0; pass < 2; pass++) {
		int n = 0;
		char buf[1024], *save = NULL;
		strcpy(buf, source);
		for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
			size_t len = strlen(t);
			if (t[len - 1] == ':') {
				if (pass == 0) { t[len - 1] = 0; strcpy(labels[nl], t); addr[nl++] = n; }
				continue;
			}
			int op = 0;
			while (op < NOPS && strcmp(names[op], t) != 0) op++;
			if (op == NOPS || n >= max) { fprintf(stderr, "bad token %s\n", t); exit(2); }
			int64_t arg = 0;
			if (op == PUSH || op == LOAD || op == STORE || op == JZ || op == JNZ || op == JMP) {
				char *a = strtok_r(NULL, " \n", &save);
				if (op == PUSH) arg = atoll(a);
				else if (op == LOAD || op == STORE) {
					while (strcmp(vars_names[arg], a) != 0) arg++;
				} else if (pass == 1) {
					int k = 0;
					while (k < nl && strcmp(labels[k], a) != 0) k++;
					if (k == nl) { fprintf(stderr, "no label %s\n", a); exit(2); }
					arg = addr[k];
				}
			}
			code[n++] = (insn){op, arg};
		}
		if (pass == 1) return n;
	}
	return 0;
}

static int64_t run(const insn *code, int64_t *vars, uint64_t *steps)
{
	int64_t stack[64];
	int sp = 0;
	uint64_t k = 0;
	for (const insn *pc = code;; pc++, k++) {
		switch (pc->op) {
		case PUSH: stack[sp++] = pc->arg; break;
		case LOAD: stack[sp++] = vars[pc->arg]; break;
		case STORE: vars[pc->arg] = stack[--sp]; break;
		case ADD: sp--; stack[sp - 1] += stack[sp]; break;
		case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
		case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
		case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
		case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
		case JZ: if (stack[--sp] == 0) pc = code + pc->arg - 1; break;
		case JNZ: if (stack[--sp] != 0) pc = code + pc->arg - 1; break;
		case JMP: pc = code + pc->arg - 1; break;
		case DUP: stack[sp] = stack[sp - 1]; sp++; break;
		case HALT: *steps = k; return vars[2];
		}
	}
}

int main(int argc, char **argv)
{
	int64_t limit = argc > 1 ? atoll(argv[1]) : 250000;
	insn code[128];
	int n = assemble(code, 128);
	int64_t vars[5] = {0, 0, 0, limit, 0};
	uint64_t steps = 0;
	int64_t sum = run(code, vars, &steps);
	printf("bc_interp: %d bytecodes, limit %lld, primes %lld, %llu steps\n", n, (long long)limit,
	       (long long)vars[4], (unsigned long long)steps);
	printf("checksum %016llx\n", (unsigned long long)(sum ^ (int64_t)steps));
	return 0;
}
