/*
 * Allocation traces: record a mutator once, replay it under every collector.
 *
 * A trace is a program for a register machine whose registers are
 * shadow-stack slots, because a precise mutator holds its references in roots
 * anyway: that makes a trace independent of addresses, so it replays
 * identically under moving and non-moving collectors. Recording is done by
 * mutators written against vm_gc_rec_* (the synthetic mutator is); each call
 * acts on the heap and appends one record.
 *
 * Format (little-endian, integers as LEB128 varints "v"):
 *   "VMGCTRC1" v:regs
 *   'A' v:dst v:shape v:nrefs v:nbytes   allocate into register dst
 *   'W' v:obj v:slot v:val+1             obj.slot = val (0 encodes NULL)
 *   'R' v:dst v:obj v:slot               dst = obj.slot
 *   'C' v:dst                            dst = NULL
 *   'E'                                  end
 */
#include <stdlib.h>
#include <string.h>

#include "gc/gc_priv.h"

struct vm_gc_rec {
    vm_gc_heap *h;
    FILE *f;
    vm_gc_ref *reg;
    unsigned regs;
    size_t depth0;
    bool ioerr;
};

static void put_v(vm_gc_rec *r, uint64_t v)
{
    if (!r->f) return;
    do {
        int b = v & 0x7f;
        v >>= 7;
        if (putc(v ? b | 0x80 : b, r->f) == EOF) r->ioerr = true;
    } while (v);
}

static void put_op(vm_gc_rec *r, int op)
{
    if (r->f && putc(op, r->f) == EOF) r->ioerr = true;
}

vm_gc_rec *vm_gc_rec_open(vm_gc_heap *h, const char *path, unsigned regs, vm_error *err)
{
    if (regs == 0 || regs > (1u << 20)) {
        vm_error_set(err, VM_EINVAL, "gc: %u registers is not in 1..2^20", regs);
        return NULL;
    }
    vm_gc_rec *r = calloc(1, sizeof *r);
    if (!r) {
        vm_error_set(err, VM_ENOMEM, "gc: no host memory for a recorder");
        return NULL;
    }
    r->h = h;
    r->regs = regs;
    r->depth0 = vm_gc_depth(h);
    for (unsigned i = 0; i < regs; i++) {
        vm_gc_ref *s = vm_gc_push(h, NULL);
        if (!s) {
            vm_gc_pop(h, vm_gc_depth(h) - r->depth0);
            free(r);
            vm_error_set(err, VM_ENOMEM, "gc: shadow stack too small for %u registers", regs);
            return NULL;
        }
        if (i == 0) r->reg = s;
    }
    if (path && !(r->f = fopen(path, "wb"))) {
        vm_gc_pop(h, regs);
        free(r);
        vm_error_set(err, VM_EIO, "gc: cannot create trace %s", path);
        return NULL;
    }
    if (r->f) {
        fputs("VMGCTRC1", r->f);
        put_v(r, regs);
    }
    return r;
}

vm_gc_ref vm_gc_rec_get(vm_gc_rec *r, unsigned reg)
{
    return reg < r->regs ? r->reg[reg] : NULL;
}

int vm_gc_rec_alloc(vm_gc_rec *r, unsigned dst, unsigned shape, unsigned nrefs, unsigned nbytes,
                    vm_error *err)
{
    if (dst >= r->regs) return vm_error_set(err, VM_EINVAL, "gc: register %u out of range", dst);
    vm_gc_ref o = vm_gc_alloc(r->h, shape, nrefs, nbytes, err);
    if (!o) return -1;
    r->reg[dst] = o;
    put_op(r, 'A');
    put_v(r, dst);
    put_v(r, shape);
    put_v(r, nrefs);
    put_v(r, nbytes);
    return 0;
}

void vm_gc_rec_write(vm_gc_rec *r, unsigned obj, unsigned slot, unsigned val)
{
    if (obj >= r->regs || !r->reg[obj] || slot >= vm_gc_nrefs(r->reg[obj])) return;
    vm_gc_write(r->h, r->reg[obj], slot, val < r->regs ? r->reg[val] : NULL);
    put_op(r, 'W');
    put_v(r, obj);
    put_v(r, slot);
    put_v(r, val < r->regs ? (uint64_t)val + 1 : 0);
}

void vm_gc_rec_read(vm_gc_rec *r, unsigned dst, unsigned obj, unsigned slot)
{
    if (dst >= r->regs || obj >= r->regs || !r->reg[obj] || slot >= vm_gc_nrefs(r->reg[obj]))
        return;
    r->reg[dst] = vm_gc_read(r->h, r->reg[obj], slot);
    put_op(r, 'R');
    put_v(r, dst);
    put_v(r, obj);
    put_v(r, slot);
}

void vm_gc_rec_clear(vm_gc_rec *r, unsigned dst)
{
    if (dst >= r->regs) return;
    r->reg[dst] = NULL;
    put_op(r, 'C');
    put_v(r, dst);
}

int vm_gc_rec_close(vm_gc_rec *r, vm_error *err)
{
    if (!r) return 0;
    int rc = 0;
    if (r->f) {
        put_op(r, 'E');
        if (fclose(r->f) != 0) r->ioerr = true;
        if (r->ioerr) rc = vm_error_set(err, VM_EIO, "gc: error writing the trace");
    }
    vm_gc_pop(r->h, vm_gc_depth(r->h) - r->depth0);
    free(r);
    return rc;
}

/* ---- replay --------------------------------------------------------------- */

static int get_v(FILE *f, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        int c = getc(f);
        if (c == EOF) return -1;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

int vm_gc_replay(vm_gc_heap *h, const char *path, long *check, vm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return vm_error_set(err, VM_EIO, "gc: cannot open trace %s", path);
    char magic[8];
    uint64_t regs, a[4];
    int rc = -1;
    vm_gc_rec *r = NULL;
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "VMGCTRC1", 8) != 0 || get_v(f, &regs) < 0) {
        vm_error_set(err, VM_EINVAL, "gc: %s is not a vmlab allocation trace", path);
        goto cleanup;
    }
    if (!(r = vm_gc_rec_open(h, NULL, (unsigned)(regs > (1u << 20) ? 0 : regs), err))) goto cleanup;
    long ops = 0, sum = 0;
    for (;;) {
        int op = getc(f);
        int n = op == 'A' ? 4 : op == 'W' || op == 'R' ? 3 : op == 'C' ? 1 : 0;
        for (int i = 0; i < n; i++)
            if (get_v(f, &a[i]) < 0 || a[i] > UINT32_MAX) op = -1;
        if (op == 'E') break;
        if (op == 'A') {
            if (vm_gc_rec_alloc(r, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2], (unsigned)a[3],
                                err) < 0)
                goto cleanup;
            sum += (long)a[2];
        } else if (op == 'W') {
            vm_gc_rec_write(r, (unsigned)a[0], (unsigned)a[1], a[2] ? (unsigned)a[2] - 1 : ~0u);
        } else if (op == 'R') {
            vm_gc_rec_read(r, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        } else if (op == 'C') {
            vm_gc_rec_clear(r, (unsigned)a[0]);
        } else {
            vm_error_set(err, VM_EINVAL, "gc: %s: bad record at operation %ld", path, ops);
            goto cleanup;
        }
        ops++;
    }
    for (unsigned i = 0; i < r->regs; i++)
        if (r->reg[i]) sum += vm_gc_shape(r->reg[i]) + vm_gc_nrefs(r->reg[i]);
    if (check) *check = sum;
    rc = 0;
cleanup:
    vm_gc_rec_close(r, NULL);
    fclose(f);
    return rc;
}
