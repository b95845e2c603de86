/*
 * GCBench baselines for bench/gc/run: the program of gc/gcbench.c (Boehm's
 * GCBench: stretch tree, long-lived tree and array, top-down and bottom-up
 * trees of depth 4..max; same checksum) against malloc/free (-DUSE_MALLOC,
 * each temporary tree freed explicitly) or the Boehm collector (-DUSE_BOEHM;
 * GC_INCREMENTAL=1 selects incremental mode, see bt_c.c). A node is two
 * pointers and two ints (24 bytes). Prints one JSON line (see pauses.h).
 *
 *   cc -O2 -DUSE_BOEHM gcbench_c.c -lgc -o gcbench_boehm && ./gcbench_boehm 16
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef USE_BOEHM
#include <gc/gc.h>
#define ALLOC(n)        GC_MALLOC(n)
#define ALLOC_ATOMIC(n) GC_MALLOC_ATOMIC(n)
#else
#define ALLOC(n)        calloc(1, n)
#define ALLOC_ATOMIC(n) malloc(n)
#endif

#include "pauses.h"

#define ARRAY_SIZE 500000

typedef struct node {
    struct node *l, *r;
    int i, j;
} node;

static node *new_node(node *l, node *r)
{
    node *n = ALLOC(sizeof *n);
    if (!n) {
        fputs("out of memory\n", stderr);
        exit(3);
    }
    n->l = l;
    n->r = r;
    return n;
}

static long tree_size(int i)
{
    return (1L << (i + 1)) - 1;
}

static void populate(int depth, node *n)
{
    if (depth <= 0) return;
    depth--;
    n->l = new_node(NULL, NULL);
    n->r = new_node(NULL, NULL);
    populate(depth, n->l);
    populate(depth, n->r);
}

static node *make_tree(int depth)
{
    if (depth <= 0) return new_node(NULL, NULL);
    node *l = make_tree(depth - 1);
    return new_node(l, make_tree(depth - 1));
}

static long count(node *t)
{
    long n = 0;
    while (t) {
        n++;
        if (t->r) n += count(t->r);
        t = t->l;
    }
    return n;
}

static void release(node *t)
{
#ifdef USE_MALLOC
    while (t) {
        node *l = t->l;
        release(t->r);
        free(t);
        t = l;
    }
#else
    (void)t;
#endif
}

int main(int argc, char **argv)
{
    int depth = argc > 1 ? atoi(argv[1]) : 16;
    const int min_depth = 4;
    int stretch = depth + 2, long_lived = depth;
    pauses_init();
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    long sum = 0;
    node *t = make_tree(stretch);
    sum += count(t);
    release(t);
    node *ll = new_node(NULL, NULL);
    populate(long_lived, ll);
    double *a = ALLOC_ATOMIC(ARRAY_SIZE * sizeof(double));
    if (!a) return 3;
    memset(a, 0, ARRAY_SIZE * sizeof(double));
    for (int i = 0; i < ARRAY_SIZE / 2; i++) a[i] = 1.0 / (i + 1);
    for (int d = min_depth; d <= depth; d += 2) {
        long iters = 2 * tree_size(stretch) / tree_size(d);
        for (long i = 0; i < iters; i++) {
            t = new_node(NULL, NULL);
            populate(d, t);
            sum += count(t);
            release(t);
        }
        for (long i = 0; i < iters; i++) {
            t = make_tree(d);
            sum += count(t);
            release(t);
        }
    }
    if (a[999] != 1.0 / 1000) return 1;
    sum += count(ll);
    release(ll);
#ifdef USE_MALLOC
    free(a);
#endif
    pauses_report("gcbench", sum, w0, c0);
    return 0;
}
