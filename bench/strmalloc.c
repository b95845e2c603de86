/* strmalloc: string and allocator heavy code — builds keys with snprintf, interns them
 * in a chained hash table of malloc'd entries, concatenates and splits strings with
 * the str* family, sorts an array of strings with strcmp, and churns malloc/realloc/free
 * with mixed sizes: libc's string routines and the allocator's fast paths.
 * Usage: strmalloc [ROUNDS]   (default 40) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry { struct entry *next; char *key; long count; } entry;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 40;
	enum { NB = 4096, NK = 20000 };
	static const char *const words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
		"hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};
	uint64_t sum = 0;
	for (long r = 0; r < rounds; r++) {
		entry **tab = calloc(NB, sizeof *tab);
		char **keys = malloc(NK * sizeof *keys);
		for (int i = 0; i < NK; i++) {
			char buf[96];
			int w = (int)((i * 7 + r) % 16);
			snprintf(buf, sizeof buf, "%s-%s-%d", words[w], words[(w * 5 + i) % 16], i % 3001);
			uint32_t h = hash(buf) % NB;
			entry *e = tab[h];
			while (e && strcmp(e->key, buf) != 0) e = e->next;
			if (!e) {
				e = malloc(sizeof *e);
				e->key = strdup(buf);
				e->count = 0;
				e->next = tab[h];
				tab[h] = e;
			}
			e->count++;
			keys[i] = e->key;
		}
		qsort(keys, NK, sizeof *keys, cmp);
		sum = sum * 31 + hash(keys[0]) + hash(keys[NK / 2]) + hash(keys[NK - 1]);
		/* concatenate some keys into a growing buffer, then tokenize it */
		size_t cap = 16, len = 0;
		char *cat = malloc(cap);
		cat[0] = 0;
		for (int i = 0; i < NK; i += 3) {
			size_t kl = strlen(keys[i]);
			if (len + kl + 2 > cap) { cap = cap * 2 + kl; cat = realloc(cat, cap); }
			memcpy(cat + len, keys[i], kl);
			len += kl;
			cat[len++] = ',';
			cat[len] = 0;
		}
		long toks = 0, dashes = 0;
		char *save = NULL;
		for (char *t = strtok_r(cat, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			toks++;
			for (char *d = strchr(t, '-'); d; d = strchr(d + 1, '-')) dashes++;
		}
		sum += (uint64_t)toks * 1000003 + (uint64_t)dashes + len;
		free(cat);
		long distinct = 0, maxc = 0;
		for (int b = 0; b < NB; b++)
			for (entry *e = tab[b], *n; e; e = n) {
				n = e->next;
				distinct++;
				if (e->count > maxc) maxc = e->count;
				free(e->key);
				free(e);
			}
		sum = sum * 7 + (uint64_t)distinct * 13 + (uint64_t)maxc;
		free(keys);
		free(tab);
		/* allocator churn with mixed sizes */
		void *slot[256] = {0};
		for (int i = 0; i < 20000; i++) {
			int k = (int)((i * 2654435761u + (uint32_t)r) >> 24);
			size_t sz = 8 + (size_t)((i * 40503u) % 2000);
			if (slot[k] && (i & 3) == 0)
				slot[k] = realloc(slot[k], sz * 2);
			else {
				free(slot[k]);
				slot[k] = malloc(sz);
				memset(slot[k], i, sz < 64 ? sz : 64);
			}
		}
		for (int k = 0; k < 256; k++)
			free(slot[k]);
	}
	printf("strmalloc: %ld rounds\n", rounds);
	printf("checksum %016llx\n", (unsigned long long)sum);
	return 0;
}
