/*
 * The JIT's code cache: one bounded region of host memory, mapped twice from
 * a memfd — a read+write view the translator writes and patches through, and
 * a read+execute view the host runs — so no page is ever writable and
 * executable at once (W^X) and patching a chained jump needs no mprotect.
 * Allocation is a bump pointer; when the region is full the JIT flushes the
 * whole cache (every block, chain and lookup entry) and starts over.
 */
#ifndef VMLAB_JIT_CACHE_H
#define VMLAB_JIT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "vmlab/error.h"

typedef struct vm_jit_cache {
    uint8_t *rw, *rx;  /* the two views of the same pages */
    size_t size, used;
    int fd;
} vm_jit_cache;

int vm_jit_cache_init(vm_jit_cache *jc, size_t size, vm_error *err);
void vm_jit_cache_fini(vm_jit_cache *jc);
/* Executable address of an offset, and back. */
static inline uint8_t *vm_jit_cache_x(const vm_jit_cache *jc, size_t off) { return jc->rx + off; }

#endif
