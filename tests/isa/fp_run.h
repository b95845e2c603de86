/* fp_run.h: the loops shared by rv64f.c and rv64d.c — run each table of FP wrappers
 * (see isa.h) over the edge values under each rounding mode it needs, printing
 * "result/flags" in hex. MASK trims results to the format's width. */
#ifndef VMLAB_TESTS_FP_RUN_H
#define VMLAB_TESTS_FP_RUN_H

#include "isa.h"

typedef uint64_t (*fn1_t)(uint64_t, uint64_t);
typedef uint64_t (*fn2_t)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*fn3_t)(uint64_t, uint64_t, uint64_t, uint64_t);

static void run1(const struct fp_entry *t, int n, const uint64_t *v, int nv, uint64_t mask)
{
	for (int e = 0; e < n; e++) {
		uint64_t frm;
		for (int k = 0; frm_list(&t[e], k, &frm); k++) {
			printf("%s frm=%llu:", t[e].name, (unsigned long long)frm);
			for (int i = 0; i < nv; i++) {
				uint64_t r = ((fn1_t)t[e].fn)(v[i], frm);
				printf(" %llx/%s", (unsigned long long)(r & mask), fl(fp_flags));
			}
			printf("\n");
		}
	}
}

static void run2(const struct fp_entry *t, int n, const uint64_t *v, int nv, uint64_t mask)
{
	for (int e = 0; e < n; e++) {
		uint64_t frm;
		for (int k = 0; frm_list(&t[e], k, &frm); k++)
			for (int i = 0; i < nv; i++) {
				printf("%s frm=%llu %llx:", t[e].name, (unsigned long long)frm, (unsigned long long)v[i]);
				for (int j = 0; j < nv; j++) {
					uint64_t r = ((fn2_t)t[e].fn)(v[i], v[j], frm);
					printf(" %llx/%s", (unsigned long long)(r & mask), fl(fp_flags));
				}
				printf("\n");
			}
	}
}

static void run3(const struct fp_entry *t, int n, const uint64_t *v, int nv, const uint64_t *c, int nc,
		 uint64_t mask)
{
	for (int e = 0; e < n; e++) {
		uint64_t frm;
		for (int k = 0; frm_list(&t[e], k, &frm); k++)
			for (int i = 0; i < nv; i++) {
				printf("%s frm=%llu %llx:", t[e].name, (unsigned long long)frm, (unsigned long long)v[i]);
				for (int j = 0; j < nv; j += 4)
					for (int m = 0; m < nc; m++) {
						uint64_t r = ((fn3_t)t[e].fn)(v[i], v[j], c[m], frm);
						printf(" %llx/%s", (unsigned long long)(r & mask), fl(fp_flags));
					}
				printf("\n");
			}
	}
}

#endif
