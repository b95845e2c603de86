/*
 * Guest physical memory and its frame allocator.
 *
 * One contiguous reservation of host address space (not committed: pages
 * cost host memory only once touched) stands for the guest's physical
 * memory, so a physical address turns into a host pointer with one add.
 * Frames of 4 KiB and 2 MiB are handed out by a bump pointer with free
 * lists; a freed frame is returned to the host (MADV_DONTNEED), so it reads
 * as zero when reused. A file mapping places the host's file pages at the
 * frames' place in the reservation (MAP_FIXED), so MAP_SHARED works.
 */
#ifndef VMLAB_PHYS_H
#define VMLAB_PHYS_H

#include <stddef.h>
#include <stdint.h>

#include "vmlab/error.h"

#define VM_PHYS_SIZE  (64ull << 30)  /* guest physical memory: 64 GiB of address space */
#define VM_FRAME_4K   4096ull
#define VM_FRAME_2M   (2ull << 20)
#define VM_FRAME_1G   (1ull << 30)

typedef struct vm_phys {
    unsigned char *base;     /* host address of physical address 0 */
    uint64_t size;
    uint64_t bump;           /* next never-used physical address (grows up) */
    uint64_t *free4k, *free2m; /* stacks of freed frames */
    size_t n4k, cap4k, n2m, cap2m;
    uint64_t frames_in_use;  /* in 4 KiB units */
    uint64_t peak_in_use;
} vm_phys;

vm_phys *vm_phys_new(uint64_t size, vm_error *err);
void vm_phys_free(vm_phys *p);
/* Allocate one frame of `size` (4 KiB or 2 MiB), zeroed; 0 when exhausted
 * (physical address 0 is never handed out). */
uint64_t vm_phys_alloc(vm_phys *p, uint64_t size);
/* Allocate n contiguous 4 KiB frames (for file mappings); 0 if none. */
uint64_t vm_phys_alloc_run(vm_phys *p, uint64_t n);
void vm_phys_release(vm_phys *p, uint64_t pa, uint64_t size);
/* Put host file pages at [pa, pa+len): returns -errno on failure. The frames
 * go back to anonymous memory when released. */
int vm_phys_map_file(vm_phys *p, uint64_t pa, uint64_t len, int fd, uint64_t off, int shared,
                     int writable);
static inline void *vm_phys_host(const vm_phys *p, uint64_t pa) { return p->base + pa; }

#endif
