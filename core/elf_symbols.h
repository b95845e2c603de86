/*
 * The one reader of an ELF64 file's symbol table in libvmlab, for debuggers,
 * the Lua module (m:symbols(), m:addr("main"), "break main") and the
 * profiler (trace/symbols.c indexes its functions). It reads the file, not
 * guest memory: .symtab when the file has one, else .dynsym. Addresses are
 * the file's (link-time) values; the caller adds the load bias of a PIE.
 */
#ifndef VMLAB_CORE_ELF_SYMBOLS_H
#define VMLAB_CORE_ELF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "vmlab/error.h"

enum vm_elfsym_type { VM_ELFSYM_NOTYPE, VM_ELFSYM_OBJECT, VM_ELFSYM_FUNC, VM_ELFSYM_OTHER };

typedef struct vm_elfsym {
    const char *name;  /* points into the table's string storage */
    uint64_t value, size;
    int type;          /* enum vm_elfsym_type */
    int global;        /* STB_GLOBAL or STB_WEAK */
} vm_elfsym;

typedef struct vm_elfsyms {
    vm_elfsym *v;      /* sorted by value, then name */
    size_t n;
    char *strings;     /* owns every name */
    uint64_t entry;    /* e_entry */
    int pie;           /* ET_DYN: values are relative to the load bias */
} vm_elfsyms;

/* Read the named symbols (not sections, not files, not undefined ones) of the
 * ELF64 little-endian file at `path` into *out. A file without symbols gives
 * n == 0. Fails (VM_EIO, VM_ENOEXEC) with a message naming the file. */
int vm_elfsyms_read(const char *path, vm_elfsyms *out, vm_error *err);
void vm_elfsyms_free(vm_elfsyms *s);

/* The symbol called `name` (a global one first), or NULL. O(n). */
const vm_elfsym *vm_elfsyms_find(const vm_elfsyms *s, const char *name);
/* The function or object containing file address `addr` (or the nearest
 * symbol below it), or NULL; *off gets addr - value. O(log n). */
const vm_elfsym *vm_elfsyms_at(const vm_elfsyms *s, uint64_t addr, uint64_t *off);

#endif
