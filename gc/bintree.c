/*
 * binary-trees (the Benchmarks Game shape) against the vmlab heap.
 *
 * Nodes are objects with two reference slots and no raw bytes (24 bytes with
 * the header). Trees are built bottom-up, children before their parent, as
 * the Java and C# programs do, so a parent is always younger than its
 * children and the generational barrier never fires: the workload measures
 * allocation and tracing, not barriers (GCBench covers those). Every
 * reference that must survive an allocation sits in a shadow-stack slot.
 */
#include "gc/gc_priv.h"

enum { BT_NODE = 1 };

static vm_gc_ref bottom_up(vm_gc_heap *h, int depth, vm_error *err)
{
    if (depth == 0) return vm_gc_alloc(h, BT_NODE, 2, 0, err);
    vm_gc_ref *l = vm_gc_push(h, NULL);
    if (!l) {
        vm_error_set(err, VM_ENOMEM, "gc: shadow stack full at tree depth %d", depth);
        return NULL;
    }
    vm_gc_ref n = NULL;
    if ((*l = bottom_up(h, depth - 1, err))) {
        vm_gc_ref *r = vm_gc_push(h, bottom_up(h, depth - 1, err));
        if (r && *r && (n = vm_gc_alloc(h, BT_NODE, 2, 0, err))) {
            vm_gc_write(h, n, 0, *l);
            vm_gc_write(h, n, 1, *r);
        }
        if (!r) vm_error_set(err, VM_ENOMEM, "gc: shadow stack full at tree depth %d", depth);
        vm_gc_pop(h, r ? 1 : 0);
    }
    vm_gc_pop(h, 1);
    return n;
}

static long item_check(vm_gc_heap *h, vm_gc_ref t)
{
    long n = 0;
    /* iterate down the left spine, recurse right: depth-bounded recursion */
    while (t) {
        n++;
        vm_gc_ref r = vm_gc_read(h, t, 1);
        if (r) n += item_check(h, r);
        t = vm_gc_read(h, t, 0);
    }
    return n;
}

int vm_gc_run_bintree(vm_gc_heap *h, int depth, long *check, vm_error *err)
{
    const int min_depth = 4;
    int max_depth = depth < min_depth + 2 ? min_depth + 2 : depth;
    if (depth > 30)
        return vm_error_set(err, VM_EINVAL, "gc: binary-trees depth %d is too deep", depth);
    long sum = 0;
    vm_gc_ref t = bottom_up(h, max_depth + 1, err);
    if (!t) return -1;
    sum += item_check(h, t);
    vm_gc_ref *ll = vm_gc_push(h, bottom_up(h, max_depth, err));
    if (!ll) return vm_error_set(err, VM_ENOMEM, "gc: shadow stack full");
    if (!*ll) {
        vm_gc_pop(h, 1);
        return -1;
    }
    for (int d = min_depth; d <= max_depth; d += 2) {
        long iters = 1L << (max_depth - d + min_depth);
        for (long i = 0; i < iters; i++) {
            if (!(t = bottom_up(h, d, err))) {
                vm_gc_pop(h, 1);
                return -1;
            }
            sum += item_check(h, t);
        }
    }
    sum += item_check(h, *ll);
    vm_gc_pop(h, 1);
    if (check) *check = sum;
    return 0;
}
