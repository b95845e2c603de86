/*
 * Function symbols of an ELF64 file for the profiler: sorted by address,
 * looked up by binary search. (core/elf_symbols.c is the debugger's fuller
 * reader, but it is built into the Lua module only; this one is small and
 * lives in libvmlab.)
 */
#ifndef VMLAB_TRACE_SYMBOLS_H
#define VMLAB_TRACE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "vmlab/error.h"

typedef struct vm_tsym {
    uint64_t lo, hi; /* [lo, hi), biased */
    const char *name;
} vm_tsym;

typedef struct vm_tsyms {
    vm_tsym *v;
    size_t n;
    char *names;
    uint64_t entry; /* e_entry (unbiased) */
    int pie;
} vm_tsyms;

/* Read the STT_FUNC symbols of `path` (.symtab, else .dynsym), adding `bias`. */
int vm_tsyms_read(const char *path, uint64_t bias, vm_tsyms *s, vm_error *err);
/* e_entry and e_type of path, to compute a PIE's bias. */
int vm_tsyms_entry(const char *path, uint64_t *entry, int *pie, vm_error *err);
void vm_tsyms_free(vm_tsyms *s);
/* Index of the function containing addr, or -1. */
long vm_tsyms_find(const vm_tsyms *s, uint64_t addr);

#endif
