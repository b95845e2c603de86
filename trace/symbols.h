/*
 * The profiler's index of a program's functions: the STT_FUNC symbols of its
 * ELF file as address ranges, sorted, looked up by binary search. The file is
 * read by core/elf_symbols.c, the one ELF symbol-table reader (the Lua
 * module's m:symbols() uses it too); this is only the index over it.
 */
#ifndef VMLAB_TRACE_SYMBOLS_H
#define VMLAB_TRACE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "core/elf_symbols.h"
#include "vmlab/error.h"

typedef struct vm_tsym {
    uint64_t lo, hi; /* [lo, hi): the file's (link-time) addresses */
    const char *name;
} vm_tsym;

typedef struct vm_tsyms {
    vm_tsym *v;
    size_t n;
    uint64_t bias;  /* load bias of a PIE: vm_tsyms_find subtracts it; 0 after read */
    vm_elfsyms elf; /* every symbol of the file, its e_entry and whether it is a PIE */
} vm_tsyms;

/* Read the symbols of `path` (vm_elfsyms_read: .symtab, else .dynsym) and
 * index its functions. A file without symbols gives n == 0. Fails with
 * vm_elfsyms_read's errors (VM_EIO, VM_ENOEXEC, VM_ENOMEM). */
int vm_tsyms_read(const char *path, vm_tsyms *s, vm_error *err);
void vm_tsyms_free(vm_tsyms *s);
/* Index of the function containing the (biased) address addr, or -1. */
long vm_tsyms_find(const vm_tsyms *s, uint64_t addr);

#endif
