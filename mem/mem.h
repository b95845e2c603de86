/*
 * Guest virtual address space of one machine (user mode).
 *
 * Pages are 4 KiB. A three-level radix table over the 39-bit user half of an
 * Sv39 space maps each guest page to a host page plus R/W/X permissions; a
 * small direct-mapped translation cache per access type (read, write, fetch)
 * makes the common access a compare and an add. The MMU issue puts a real
 * Sv39/Sv48 page table and the TLB model behind this same interface; engines
 * only ever call vm_mem_{read,write,fetch}_ptr and the slow paths here.
 *
 * Host pages are owned by the address space: anonymous memory or host file
 * mappings (so MAP_SHARED files behave as on Linux). Nothing is global: each
 * machine has its own vm_mem.
 */
#ifndef VMLAB_MEM_H
#define VMLAB_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "vmlab/error.h"

#define VM_PAGE_SHIFT 12
#define VM_PAGE_SIZE  4096ull
#define VM_PAGE_MASK  (VM_PAGE_SIZE - 1)
#define VM_VA_BITS    39
#define VM_VA_LIMIT   (1ull << (VM_VA_BITS - 1)) /* user half of Sv39: [0, 2^38) */

enum { VM_PROT_R = 1, VM_PROT_W = 2, VM_PROT_X = 4 };
enum { VM_ACC_READ = 0, VM_ACC_WRITE = 1, VM_ACC_FETCH = 2 };

/* Page entry flags beyond R/W/X (stored in the low bits of the leaf). */
enum {
    VM_PAGE_PRESENT = 8,   /* mapped (possibly with no permission) */
    VM_PAGE_HOSTRO = 16,   /* host mapping is read-only (shared file on an O_RDONLY fd) */
    VM_PAGE_BEYOND = 32,   /* file mapping beyond end of file: access is SIGBUS */
};

#define VM_TCACHE_SIZE 256

struct vm_tcache_entry {
    uint64_t vpn;      /* guest page number, or ~0 */
    uintptr_t addend;  /* host address = guest address + addend */
};

typedef struct vm_mem {
    uintptr_t **l1[512];
    struct vm_tcache_entry tc[3][VM_TCACHE_SIZE]; /* read, write, fetch */
    uint64_t mapped_pages;
    /* counts for --stats and the MMU issue */
    uint64_t tc_misses;
} vm_mem;

/* Result of a failed translation, for the guest's fault. */
typedef struct vm_mem_fault {
    uint64_t addr;
    int mapped; /* 1: permission (SEGV_ACCERR), 0: unmapped (SEGV_MAPERR) */
    int bus;    /* beyond end of a file mapping: SIGBUS */
} vm_mem_fault;

vm_mem *vm_mem_new(vm_error *err);
void vm_mem_free(vm_mem *m);

/* Map [va, va+len) (page aligned) with `prot`. host == NULL: fresh zeroed
 * anonymous memory; otherwise host pages the caller obtained with mmap and
 * hands over (they are munmap'ed with the guest pages). `flags` adds
 * VM_PAGE_HOSTRO / VM_PAGE_BEYOND. Replaces earlier mappings (MAP_FIXED). */
int vm_mem_map(vm_mem *m, uint64_t va, uint64_t len, int prot, void *host, int flags,
               vm_error *err);
int vm_mem_unmap(vm_mem *m, uint64_t va, uint64_t len);
/* Change permissions; -1 (errno-style reason in *why: ENOMEM unmapped,
 * EACCES host read-only) when a page is unmapped or cannot be writable. */
int vm_mem_protect(vm_mem *m, uint64_t va, uint64_t len, int prot, int *why);
/* 1 if no page of [va, va+len) is mapped. */
int vm_mem_is_free(const vm_mem *m, uint64_t va, uint64_t len);
/* Find a free range of len bytes, the highest that ends at or below `top`
 * and starts at or above `bottom`; 0 if none. */
uint64_t vm_mem_find_free(const vm_mem *m, uint64_t len, uint64_t bottom, uint64_t top);
/* Leaf entry of the page holding va (0 if unmapped). */
uintptr_t vm_mem_entry(const vm_mem *m, uint64_t va);
void vm_mem_flush_tcache(vm_mem *m);

/* Slow path: translate va for an access of type acc; fills the cache and
 * returns the host address, or NULL and *f. */
void *vm_mem_translate_slow(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f);

/* Fast path. The caller guarantees the access does not cross a page. */
static inline void *vm_mem_ptr(vm_mem *m, uint64_t va, int acc, vm_mem_fault *f)
{
    uint64_t vpn = va >> VM_PAGE_SHIFT;
    struct vm_tcache_entry *e = &m->tc[acc][vpn & (VM_TCACHE_SIZE - 1)];
    if (__builtin_expect(e->vpn == vpn, 1)) return (void *)(uintptr_t)(va + e->addend);
    return vm_mem_translate_slow(m, va, acc, f);
}

/* Copy between guest and host memory across pages (syscalls, loader, slow
 * unaligned accesses). Return 0, or -1 with *f set. Writes ignore guest
 * permissions when `force` (the loader and the kernel's own stores into a
 * read-only page use it). */
int vm_mem_read(vm_mem *m, uint64_t va, void *dst, size_t n, vm_mem_fault *f);
int vm_mem_write(vm_mem *m, uint64_t va, const void *src, size_t n, vm_mem_fault *f);
int vm_mem_write_force(vm_mem *m, uint64_t va, const void *src, size_t n);
/* Read a NUL-terminated guest string of at most max bytes (incl. NUL). */
int vm_mem_read_str(vm_mem *m, uint64_t va, char *dst, size_t max, vm_mem_fault *f);

#endif
