/*
 * binary-trees baselines for bench/gc/run: the same program as
 * gc/bintree.c (children built before their parent, same checksum) against
 * malloc/free (-DUSE_MALLOC) or the Boehm collector (-DUSE_BOEHM; with
 * GC_INCREMENTAL=1 in the environment it enables incremental mode with
 * GC_set_time_limit(GC_PAUSE_TIME_TARGET or 5 ms)).
 *
 * It prints one JSON line like vmgc --json: check, wall and CPU time, peak
 * RSS and, for Boehm, every collection's pause taken from
 * GC_set_on_collection_event (GC_EVENT_START..GC_EVENT_END), reduced to
 * count, p50/p95/p99/max and MMU at 1/10/100 ms as gc/stats.c computes them.
 * Incremental Boehm does marking work outside START..END too, so its pauses
 * are a lower bound.
 *
 *   cc -O2 -DUSE_BOEHM bt_c.c -lgc -o bt_boehm && ./bt_boehm 19
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef USE_BOEHM
#include <gc/gc.h>
#define ALLOC(n) GC_MALLOC(n)
#define FREE(p)  ((void)(p))
#else
#define ALLOC(n) malloc(n)
#define FREE(p)  free(p)
#endif

#include "pauses.h"

typedef struct node {
    struct node *l, *r;
} node;

static node *bottom_up(int d)
{
    node *l = NULL, *r = NULL;
    if (d > 0) {
        l = bottom_up(d - 1);
        r = bottom_up(d - 1);
    }
    node *n = ALLOC(sizeof *n);
    if (!n) {
        fputs("out of memory\n", stderr);
        exit(3);
    }
    n->l = l;
    n->r = r;
    return n;
}

static long check(node *t)
{
    long n = 0;
    while (t) {
        n++;
        if (t->r) n += check(t->r);
        t = t->l;
    }
    return n;
}

static void release(node *t)
{
#ifdef USE_MALLOC
    if (!t) return;
    release(t->l);
    release(t->r);
    FREE(t);
#else
    (void)t;
#endif
}

int main(int argc, char **argv)
{
    int depth = argc > 1 ? atoi(argv[1]) : 16;
    const int min_depth = 4;
    int max_depth = depth < min_depth + 2 ? min_depth + 2 : depth;
    pauses_init();
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    long sum = 0;
    node *t = bottom_up(max_depth + 1);
    sum += check(t);
    release(t);
    node *ll = bottom_up(max_depth);
    for (int d = min_depth; d <= max_depth; d += 2) {
        long iters = 1L << (max_depth - d + min_depth);
        for (long i = 0; i < iters; i++) {
            t = bottom_up(d);
            sum += check(t);
            release(t);
        }
    }
    sum += check(ll);
    release(ll);
    pauses_report("bintree", sum, w0, c0);
    return 0;
}
