/*
 * Boehm's GCBench (Hans Boehm, after John Ellis and Pete Kovac) against the
 * vmlab heap: a stretch tree, a long-lived tree and a long-lived array of
 * doubles, then trees of depth 4..max built both top-down (Populate: parent
 * first, children stored into it, which exercises the write barrier once the
 * parent is old) and bottom-up (MakeTree).
 *
 * A node has two reference slots and two ints (8 raw bytes): 32 bytes. The
 * array is 500000 doubles of raw bytes (4 MB), a large object. `depth` is
 * kMaxTreeDepth (16 in the original); the stretch tree is depth + 2 and the
 * long-lived tree depth deep, as in the original's ratios.
 */
#include "gc/gc_priv.h"

enum { GB_NODE = 2, GB_ARRAY = 3 };
#define ARRAY_SIZE 500000

static vm_gc_ref new_node(vm_gc_heap *h, vm_error *err)
{
    return vm_gc_alloc(h, GB_NODE, 2, 8, err);
}

static long tree_size(int i)
{
    return (1L << (i + 1)) - 1;
}

/* Build top-down below *node (a shadow-stack slot). */
static int populate(vm_gc_heap *h, int depth, vm_gc_ref *node, vm_error *err)
{
    if (depth <= 0) return 0;
    depth--;
    vm_gc_ref n = new_node(h, err);
    if (!n) return -1;
    vm_gc_write(h, *node, 0, n);
    if (!(n = new_node(h, err))) return -1;
    vm_gc_write(h, *node, 1, n);
    vm_gc_ref *c = vm_gc_push(h, vm_gc_read(h, *node, 0));
    if (!c) return vm_error_set(err, VM_ENOMEM, "gc: shadow stack full");
    int rc = populate(h, depth, c, err);
    if (rc == 0) {
        *c = vm_gc_read(h, *node, 1);
        rc = populate(h, depth, c, err);
    }
    vm_gc_pop(h, 1);
    return rc;
}

static vm_gc_ref make_tree(vm_gc_heap *h, int depth, vm_error *err)
{
    if (depth <= 0) return new_node(h, err);
    vm_gc_ref *l = vm_gc_push(h, NULL);
    if (!l) {
        vm_error_set(err, VM_ENOMEM, "gc: shadow stack full");
        return NULL;
    }
    vm_gc_ref n = NULL;
    if ((*l = make_tree(h, depth - 1, err))) {
        vm_gc_ref *r = vm_gc_push(h, make_tree(h, depth - 1, err));
        if (r && *r && (n = new_node(h, err))) {
            vm_gc_write(h, n, 0, *l);
            vm_gc_write(h, n, 1, *r);
        }
        vm_gc_pop(h, r ? 1 : 0);
    }
    vm_gc_pop(h, 1);
    return n;
}

static long count(vm_gc_heap *h, vm_gc_ref t)
{
    long n = 0;
    while (t) {
        n++;
        vm_gc_ref r = vm_gc_read(h, t, 1);
        if (r) n += count(h, r);
        t = vm_gc_read(h, t, 0);
    }
    return n;
}

int vm_gc_run_gcbench(vm_gc_heap *h, int depth, long *check, vm_error *err)
{
    const int min_depth = 4;
    if (depth < min_depth || depth > 24)
        return vm_error_set(err, VM_EINVAL, "gc: GCBench depth %d is not in 4..24", depth);
    int stretch = depth + 2, long_lived = depth;
    long sum = 0;
    size_t base = vm_gc_depth(h);
    vm_gc_ref t = make_tree(h, stretch, err);
    if (!t) return -1;
    sum += count(h, t);
    vm_gc_ref *ll = vm_gc_push(h, new_node(h, err));
    vm_gc_ref *arr = vm_gc_push(h, NULL);
    vm_gc_ref *tmp = vm_gc_push(h, NULL);
    int rc = -1;
    if (!tmp) {
        vm_error_set(err, VM_ENOMEM, "gc: shadow stack full");
        goto cleanup;
    }
    if (!*ll || populate(h, long_lived, ll, err) < 0) goto cleanup;
    if (!(*arr = vm_gc_alloc(h, GB_ARRAY, 0, ARRAY_SIZE * sizeof(double), err))) goto cleanup;
    double *a = vm_gc_bytes(*arr);
    for (int i = 0; i < ARRAY_SIZE / 2; i++) a[i] = 1.0 / (i + 1);
    for (int d = min_depth; d <= depth; d += 2) {
        long iters = 2 * tree_size(stretch) / tree_size(d);
        for (long i = 0; i < iters; i++) {
            if (!(*tmp = new_node(h, err)) || populate(h, d, tmp, err) < 0) goto cleanup;
            sum += count(h, *tmp);
        }
        for (long i = 0; i < iters; i++) {
            if (!(*tmp = make_tree(h, d, err))) goto cleanup;
            sum += count(h, *tmp);
        }
    }
    a = vm_gc_bytes(*arr);
    if (a[999] != 1.0 / 1000) {
        vm_error_set(err, VM_EINVAL, "gc: GCBench array corrupted");
        goto cleanup;
    }
    sum += count(h, *ll);
    if (check) *check = sum;
    rc = 0;
cleanup:
    vm_gc_pop(h, vm_gc_depth(h) - base);
    return rc;
}
