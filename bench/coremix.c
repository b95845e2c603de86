/* coremix: a CoreMark-like mix of integer kernels (our own code, not CoreMark's) —
 * per iteration: a linked list that is searched, reversed and merge-sorted; a small
 * integer matrix multiply-accumulate with bit extraction; a state machine that
 * classifies a text of numbers; and a CRC-16 over all intermediate results.
 * Usage: coremix [ITERATIONS]   (default 10000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* {====== CRC-16/CCITT, bitwise like a small embedded implementation would be */
static uint16_t crc16(uint16_t crc, uint32_t v, int bytes)
{
	for (int b = 0; b < bytes; b++) {
		crc ^= (uint16_t)((v >> (8 * b)) & 0xff) << 8;
		for (int i = 0; i < 8; i++)
			crc = crc & 0x8000 ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}
/* ======} */

/* {====== linked list */
typedef struct node { struct node *next; int32_t key; int16_t data; } node;

static node *list_reverse(node *h)
{
	node *prev = NULL;
	while (h) { node *n = h->next; h->next = prev; prev = h; h = n; }
	return prev;
}

static node *list_find(node *h, int32_t key)
{
	while (h && h->key != key) h = h->next;
	return h;
}

/* bottom-up merge sort by key (or by data when by_data) */
static node *list_sort(node *h, int by_data)
{
	for (int width = 1;; width *= 2) {
		node *p = h, *tail = NULL;
		h = NULL;
		int merges = 0;
		while (p) {
			merges++;
			node *q = p;
			int ps = 0, qs = width;
			while (ps < width && q) { ps++; q = q->next; }
			while (ps > 0 || (qs > 0 && q)) {
				node *e;
				int take_p = ps > 0 && (qs == 0 || !q ||
					(by_data ? p->data <= q->data : p->key <= q->key));
				if (take_p) { e = p; p = p->next; ps--; }
				else { e = q; q = q->next; qs--; }
				if (tail) tail->next = e; else h = e;
				tail = e;
			}
			p = q;
		}
		tail->next = NULL;
		if (merges <= 1) return h;
	}
}
/* ======} */

/* {====== matrix: C = A*B (int16 in, int32 out), then fold bit fields */
#define MN 12
static uint16_t matrix_step(int16_t a[MN][MN], int16_t b[MN][MN], int32_t c[MN][MN], int16_t k, uint16_t crc)
{
	for (int i = 0; i < MN; i++)
		for (int j = 0; j < MN; j++)
			a[i][j] = (int16_t)(a[i][j] + k);
	for (int i = 0; i < MN; i++)
		for (int j = 0; j < MN; j++) {
			int32_t s = 0;
			for (int x = 0; x < MN; x++)
				s += a[i][x] * b[x][j];
			c[i][j] = s;
		}
	int32_t acc = 0;
	for (int i = 0; i < MN; i++)
		for (int j = 0; j < MN; j++)
			acc += ((c[i][j] >> 2) & 0xf) * ((c[i][j] >> 5) & 0x7f);
	for (int i = 0; i < MN; i++)
		for (int j = 0; j < MN; j++)
			a[i][j] = (int16_t)(a[i][j] - k);
	return crc16(crc, (uint32_t)acc, 4);
}
/* ======} */

/* {====== state machine over a text of numbers: int, float, exponent, invalid */
enum st { START, INT, SIGN, FRAC, EXP, EXPSIGN, SCI, INVALID, NST };
static uint16_t scan(const char *s, unsigned counts[NST], uint16_t crc)
{
	while (*s) {
		enum st st = START;
		for (; *s && *s != ','; s++) {
			char c = *s;
			int dig = c >= '0' && c <= '9';
			switch (st) {
			case START: st = dig ? INT : (c == '+' || c == '-') ? SIGN : c == '.' ? FRAC : INVALID; break;
			case SIGN: st = dig ? INT : c == '.' ? FRAC : INVALID; break;
			case INT: st = dig ? INT : c == '.' ? FRAC : (c == 'e' || c == 'E') ? EXP : INVALID; break;
			case FRAC: st = dig ? FRAC : (c == 'e' || c == 'E') ? EXP : INVALID; break;
			case EXP: st = dig ? SCI : (c == '+' || c == '-') ? EXPSIGN : INVALID; break;
			case EXPSIGN: st = dig ? SCI : INVALID; break;
			case SCI: st = dig ? SCI : INVALID; break;
			default: break;
			}
		}
		counts[st]++;
		crc = crc16(crc, st, 1);
		if (*s) s++;
	}
	return crc;
}
/* ======} */

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 10000;
	enum { NL = 400 };
	node *pool = malloc(NL * sizeof *pool), *head = NULL;
	uint32_t seed = 0x1234;
	for (int i = NL - 1; i >= 0; i--) {
		seed = seed * 1103515245u + 12345u;
		pool[i].key = (int32_t)(seed >> 8) & 0xffff;
		pool[i].data = (int16_t)(seed >> 16);
		pool[i].next = head;
		head = &pool[i];
	}
	static int16_t a[MN][MN], b[MN][MN];
	static int32_t c[MN][MN];
	for (int i = 0; i < MN; i++)
		for (int j = 0; j < MN; j++) {
			a[i][j] = (int16_t)((i * 31 + j * 7) % 97 - 40);
			b[i][j] = (int16_t)((i * 13 + j * 17) % 89 - 30);
		}
	char text[2048];
	int tl = 0;
	static const char *const pieces[] = {"123", "-4.5", "+.5e3", "9e", "1.2.3", "77E-2", "abc", "0", "-", "5e+12"};
	for (int i = 0; tl < 2000; i++)
		tl += snprintf(text + tl, sizeof text - tl, "%s,", pieces[(i * 7 + i / 3) % 10]);
	uint16_t crc = 0xffff;
	unsigned counts[NST] = {0};
	for (long it = 0; it < iters; it++) {
		/* list: find some keys, sort by data, reverse, sort by key */
		int found = 0;
		for (int k = 0; k < 8; k++) {
			node *n = list_find(head, (int32_t)((it * 131 + k * 977) & 0xffff));
			found += n != NULL;
			if (n) n->data ^= (int16_t)it;
		}
		head = list_sort(head, 1);
		crc = crc16(crc, (uint32_t)head->data, 2);
		head = list_reverse(head);
		crc = crc16(crc, (uint32_t)head->key, 4);
		head = list_sort(head, 0);
		crc = crc16(crc, (uint32_t)(found + head->key), 4);
		crc = matrix_step(a, b, c, (int16_t)(it & 0xff), crc);
		crc = scan(text, counts, crc);
	}
	printf("coremix: %ld iterations, states", iters);
	for (int i = 0; i < NST; i++)
		printf(" %u", counts[i]);
	printf("\nchecksum %04x\n", crc);
	free(pool);
	return 0;
}
