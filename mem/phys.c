/* Guest physical memory: see phys.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem/phys.h"

vm_phys *vm_phys_new(uint64_t size, vm_error *err)
{
    vm_phys *p = calloc(1, sizeof *p);
    if (!p) {
        vm_error_set(err, VM_ENOMEM, "physical memory: out of host memory");
        return NULL;
    }
    /* 1 GiB extra so that the base can be aligned for 1 GiB superpages */
    void *m = mmap(NULL, size + VM_FRAME_1G, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        vm_error_set(err, VM_ENOMEM, "physical memory: cannot reserve %llu GiB of host address space: %s",
                     (unsigned long long)(size >> 30), strerror(errno));
        free(p);
        return NULL;
    }
    uintptr_t a = ((uintptr_t)m + VM_FRAME_1G - 1) & ~(uintptr_t)(VM_FRAME_1G - 1);
    if (a > (uintptr_t)m) munmap(m, a - (uintptr_t)m);
    munmap((void *)(a + size), (uintptr_t)m + size + VM_FRAME_1G - (a + size));
    p->base = (unsigned char *)a;
    p->size = size;
    p->bump = VM_FRAME_2M; /* keep physical page 0 unused: 0 means "no frame" */
    return p;
}

void vm_phys_free(vm_phys *p)
{
    if (!p) return;
    munmap(p->base, p->size);
    free(p->free4k);
    free(p->free2m);
    free(p);
}

static int push(uint64_t **stack, size_t *n, size_t *cap, uint64_t v)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        uint64_t *ns = realloc(*stack, nc * sizeof *ns);
        if (!ns) return -1;
        *stack = ns;
        *cap = nc;
    }
    (*stack)[(*n)++] = v;
    return 0;
}

uint64_t vm_phys_alloc(vm_phys *p, uint64_t size)
{
    uint64_t pa = 0;
    if (size == VM_FRAME_2M) {
        if (p->n2m) pa = p->free2m[--p->n2m];
    } else if (p->n4k) {
        pa = p->free4k[--p->n4k];
    } else if (p->n2m && (p->bump + size > p->size)) {
        /* out of fresh space: split a free 2 MiB frame */
        uint64_t big = p->free2m[--p->n2m];
        for (uint64_t o = VM_FRAME_4K; o < VM_FRAME_2M; o += VM_FRAME_4K)
            push(&p->free4k, &p->n4k, &p->cap4k, big + o);
        pa = big;
    }
    if (!pa) {
        uint64_t a = (p->bump + size - 1) & ~(size - 1);
        if (a + size > p->size) return 0;
        /* the alignment gap of a 2 MiB frame becomes 4 KiB frames */
        for (uint64_t g = p->bump; g < a; g += VM_FRAME_4K) push(&p->free4k, &p->n4k, &p->cap4k, g);
        pa = a;
        p->bump = a + size;
    }
    p->frames_in_use += size / VM_FRAME_4K;
    if (p->frames_in_use > p->peak_in_use) p->peak_in_use = p->frames_in_use;
    return pa;
}

uint64_t vm_phys_alloc_run(vm_phys *p, uint64_t n)
{
    /* runs come from fresh space only: simple, and file mappings are rare */
    uint64_t len = n * VM_FRAME_4K;
    if (p->bump + len > p->size) return 0;
    uint64_t pa = p->bump;
    p->bump += len;
    p->frames_in_use += n;
    if (p->frames_in_use > p->peak_in_use) p->peak_in_use = p->frames_in_use;
    return pa;
}

void vm_phys_release(vm_phys *p, uint64_t pa, uint64_t size)
{
    /* anonymous again (it may have held a file), and zero when next touched */
    void *h = p->base + pa;
    if (mmap(h, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
             -1, 0) == MAP_FAILED)
        madvise(h, size, MADV_DONTNEED);
    p->frames_in_use -= size / VM_FRAME_4K;
    if (size == VM_FRAME_2M) push(&p->free2m, &p->n2m, &p->cap2m, pa);
    else push(&p->free4k, &p->n4k, &p->cap4k, pa);
}

int vm_phys_map_file(vm_phys *p, uint64_t pa, uint64_t len, int fd, uint64_t off, int shared,
                     int writable)
{
    void *want = p->base + pa;
    void *h = mmap(want, len, PROT_READ | (writable ? PROT_WRITE : 0),
                   (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED, fd, (off_t)off);
    if (h == MAP_FAILED) {
        int e = errno;
        mmap(want, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
             -1, 0);
        return -e;
    }
    return 0;
}
