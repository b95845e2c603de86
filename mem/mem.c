/*
 * Guest address space: radix table of guest pages -> host pages, and a
 * translation cache per access type. See mem.h for the design.
 *
 * Leaf entry: host page address | VM_PAGE_* flags | VM_PROT_* bits. Host pages
 * are 4 KiB aligned, so the low 12 bits are free for flags.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem/mem.h"

#define L1_IDX(vpn) (((vpn) >> 18) & 511)
#define L2_IDX(vpn) (((vpn) >> 9) & 511)
#define L3_IDX(vpn) ((vpn) & 511)
#define ENTRY_HOST(e) ((e) & ~(uintptr_t)VM_PAGE_MASK)

vm_mem *vm_mem_new(vm_error *err)
{
    vm_mem *m = calloc(1, sizeof *m);
    if (!m) {
        vm_error_set(err, VM_ENOMEM, "address space: out of host memory");
        return NULL;
    }
    vm_mem_flush_tcache(m);
    return m;
}

static uintptr_t *leaf(const vm_mem *m, uint64_t vpn)
{
    uintptr_t **l2 = m->l1[L1_IDX(vpn)];
    if (!l2) return NULL;
    uintptr_t *l3 = l2[L2_IDX(vpn)];
    return l3 ? &l3[L3_IDX(vpn)] : NULL;
}

static uintptr_t *leaf_alloc(vm_mem *m, uint64_t vpn)
{
    uintptr_t ***l2 = &m->l1[L1_IDX(vpn)];
    if (!*l2 && !(*l2 = calloc(512, sizeof **l2))) return NULL;
    uintptr_t **l3 = &(*l2)[L2_IDX(vpn)];
    if (!*l3 && !(*l3 = calloc(512, sizeof **l3))) return NULL;
    return &(*l3)[L3_IDX(vpn)];
}

/* Release the host pages of a run of leaves, coalescing contiguous ones. */
static void release_pages(vm_mem *m, uint64_t vpn, uint64_t n)
{
    uintptr_t run = 0;
    size_t run_len = 0;
    for (uint64_t i = 0; i < n; i++) {
        uintptr_t *e = leaf(m, vpn + i);
        if (!e || !(*e & VM_PAGE_PRESENT)) continue;
        uintptr_t h = ENTRY_HOST(*e);
        if (h && run + run_len == h) {
            run_len += VM_PAGE_SIZE;
        } else {
            if (run) munmap((void *)run, run_len);
            run = h;
            run_len = h ? VM_PAGE_SIZE : 0;
        }
        *e = 0;
        m->mapped_pages--;
    }
    if (run) munmap((void *)run, run_len);
}

void vm_mem_free(vm_mem *m)
{
    if (!m) return;
    for (int i = 0; i < 512; i++) {
        if (!m->l1[i]) continue;
        for (int j = 0; j < 512; j++) {
            if (!m->l1[i][j]) continue;
            release_pages(m, ((uint64_t)i << 18) | ((uint64_t)j << 9), 512);
            free(m->l1[i][j]);
        }
        free(m->l1[i]);
    }
    free(m);
}

void vm_mem_flush_tcache(vm_mem *m)
{
    for (int a = 0; a < 3; a++)
        for (int i = 0; i < VM_TCACHE_SIZE; i++) m->tc[a][i].vpn = ~0ull;
}

static int range_ok(uint64_t va, uint64_t len)
{
    return !(va & VM_PAGE_MASK) && !(len & VM_PAGE_MASK) && len && va < VM_VA_LIMIT &&
           len <= VM_VA_LIMIT - va;
}

int vm_mem_map(vm_mem *m, uint64_t va, uint64_t len, int prot, void *host, int flags,
               vm_error *err)
{
    if (!range_ok(va, len))
        return vm_error_set(err, VM_EINVAL, "map 0x%llx+0x%llx: not a page-aligned user range",
                            (unsigned long long)va, (unsigned long long)len);
    int own = 0;
    if (!host && !(flags & VM_PAGE_BEYOND)) {
        host = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
        if (host == MAP_FAILED)
            return vm_error_set(err, VM_ENOMEM, "map 0x%llx+0x%llx: host mmap: %s",
                                (unsigned long long)va, (unsigned long long)len, strerror(errno));
        own = 1;
    }
    uint64_t vpn = va >> VM_PAGE_SHIFT, n = len >> VM_PAGE_SHIFT;
    /* allocate table nodes first so that failure leaves the space unchanged */
    for (uint64_t i = 0; i < n; i += 1) {
        if (!leaf_alloc(m, vpn + i)) {
            if (own) munmap(host, len);
            return vm_error_set(err, VM_ENOMEM, "map 0x%llx: out of host memory for page tables",
                                (unsigned long long)va);
        }
    }
    release_pages(m, vpn, n);
    for (uint64_t i = 0; i < n; i++) {
        uintptr_t h = host ? (uintptr_t)host + (i << VM_PAGE_SHIFT) : 0;
        *leaf(m, vpn + i) = h | VM_PAGE_PRESENT | (uintptr_t)flags | (uintptr_t)(prot & 7);
    }
    m->mapped_pages += n;
    vm_mem_flush_tcache(m);
    return 0;
}

int vm_mem_unmap(vm_mem *m, uint64_t va, uint64_t len)
{
    if (!range_ok(va, len)) return -1;
    release_pages(m, va >> VM_PAGE_SHIFT, len >> VM_PAGE_SHIFT);
    vm_mem_flush_tcache(m);
    return 0;
}

int vm_mem_protect(vm_mem *m, uint64_t va, uint64_t len, int prot, int *why)
{
    if (!range_ok(va, len)) {
        *why = EINVAL;
        return -1;
    }
    uint64_t vpn = va >> VM_PAGE_SHIFT, n = len >> VM_PAGE_SHIFT;
    for (uint64_t i = 0; i < n; i++) {
        uintptr_t *e = leaf(m, vpn + i);
        if (!e || !(*e & VM_PAGE_PRESENT)) {
            *why = ENOMEM;
            return -1;
        }
        if ((prot & VM_PROT_W) && (*e & VM_PAGE_HOSTRO)) {
            *why = EACCES;
            return -1;
        }
    }
    for (uint64_t i = 0; i < n; i++) {
        uintptr_t *e = leaf(m, vpn + i);
        *e = (*e & ~(uintptr_t)7) | (uintptr_t)(prot & 7);
    }
    vm_mem_flush_tcache(m);
    return 0;
}

uintptr_t vm_mem_entry(const vm_mem *m, uint64_t va)
{
    if (va >= VM_VA_LIMIT) return 0;
    const uintptr_t *e = leaf(m, va >> VM_PAGE_SHIFT);
    return e ? *e : 0;
}

int vm_mem_is_free(const vm_mem *m, uint64_t va, uint64_t len)
{
    for (uint64_t a = va; a < va + len; a += VM_PAGE_SIZE) {
        uint64_t vpn = a >> VM_PAGE_SHIFT;
        if (!m->l1[L1_IDX(vpn)]) { /* skip a whole empty 1 GiB region */
            a = ((vpn | ((1ull << 18) - 1)) << VM_PAGE_SHIFT);
            continue;
        }
        if (!m->l1[L1_IDX(vpn)][L2_IDX(vpn)]) {
            a = ((vpn | 511) << VM_PAGE_SHIFT);
            continue;
        }
        if (vm_mem_entry(m, a) & VM_PAGE_PRESENT) return 0;
    }
    return 1;
}

uint64_t vm_mem_find_free(const vm_mem *m, uint64_t len, uint64_t bottom, uint64_t top)
{
    if (!len || top < len) return 0;
    uint64_t start = (top - len) & ~VM_PAGE_MASK;
    /* Walk down: find the highest mapped page in [start, start+len); if any,
     * move the window just below it. O(pages examined). */
    while (start >= bottom && start + len <= top) {
        uint64_t hit = 0;
        int found = 0;
        for (uint64_t a = start + len; a > start;) {
            a -= VM_PAGE_SIZE;
            if (vm_mem_entry(m, a) & VM_PAGE_PRESENT) {
                hit = a;
                found = 1;
                break;
            }
        }
        if (!found) return start;
        if (hit < len + bottom) return 0;
        start = hit - len;
    }
    return 0;
}

void *vm_mem_translate_slow(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f)
{
    static const int need[3] = {VM_PROT_R, VM_PROT_W, VM_PROT_X};
    m->tc_misses++;
    uintptr_t e = vm_mem_entry(m, va);
    if (!(e & VM_PAGE_PRESENT) || !(e & need[acc]) || (e & VM_PAGE_BEYOND)) {
        if (f) {
            f->addr = va;
            f->mapped = !!(e & VM_PAGE_PRESENT);
            f->bus = (e & VM_PAGE_PRESENT) && (e & need[acc]) && (e & VM_PAGE_BEYOND);
        }
        return NULL;
    }
    uint64_t vpn = va >> VM_PAGE_SHIFT;
    struct vm_tcache_entry *t = &m->tc[acc][vpn & (VM_TCACHE_SIZE - 1)];
    t->vpn = vpn;
    t->addend = ENTRY_HOST(e) - (vpn << VM_PAGE_SHIFT);
    return (void *)(ENTRY_HOST(e) + (va & VM_PAGE_MASK));
}

static int copy(vm_mem *m, uint64_t va, void *buf, size_t n, int acc, int force,
                vm_mem_fault *f)
{
    unsigned char *p = buf;
    while (n) {
        size_t chunk = VM_PAGE_SIZE - (va & VM_PAGE_MASK);
        if (chunk > n) chunk = n;
        unsigned char *h;
        if (force) {
            uintptr_t e = vm_mem_entry(m, va);
            if (!(e & VM_PAGE_PRESENT) || !ENTRY_HOST(e)) return -1;
            h = (unsigned char *)ENTRY_HOST(e) + (va & VM_PAGE_MASK);
        } else {
            if (va >= VM_VA_LIMIT) {
                if (f) *f = (vm_mem_fault){.addr = va};
                return -1;
            }
            h = vm_mem_ptr(m, va, acc, f);
            if (!h) return -1;
        }
        if (acc == VM_ACC_WRITE) memcpy(h, p, chunk);
        else memcpy(p, h, chunk);
        p += chunk;
        va += chunk;
        n -= chunk;
    }
    return 0;
}

int vm_mem_read(vm_mem *m, uint64_t va, void *dst, size_t n, vm_mem_fault *f)
{
    return copy(m, va, dst, n, VM_ACC_READ, 0, f);
}

int vm_mem_write(vm_mem *m, uint64_t va, const void *src, size_t n, vm_mem_fault *f)
{
    return copy(m, va, (void *)src, n, VM_ACC_WRITE, 0, f);
}

int vm_mem_write_force(vm_mem *m, uint64_t va, const void *src, size_t n)
{
    return copy(m, va, (void *)src, n, VM_ACC_WRITE, 1, NULL);
}

int vm_mem_read_str(vm_mem *m, uint64_t va, char *dst, size_t max, vm_mem_fault *f)
{
    for (size_t i = 0; i < max; i++) {
        if (va + i >= VM_VA_LIMIT) {
            if (f) *f = (vm_mem_fault){.addr = va + i};
            return -1;
        }
        const char *h = vm_mem_ptr(m, va + i, VM_ACC_READ, f);
        if (!h) return -1;
        if (!(dst[i] = *h)) return 0;
    }
    if (f) *f = (vm_mem_fault){.addr = va, .mapped = 1};
    errno = ENAMETOOLONG;
    return -1;
}
