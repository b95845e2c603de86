/*
 * Guest memory accesses for the fast engines (threaded interpreter, JIT
 * helpers): the same contract as the reference interpreter's load/store/
 * amo_ptr, written against the mem/ interface only (vm_mem_ptr fast path,
 * vm_mem_read/vm_mem_write across pages), so the MMU/TLB model behind those
 * calls is seen identically by every engine.
 *
 * A fault fills the hart's trap fields exactly as the interpreter does.
 */
#ifndef VMLAB_MEMACC_H
#define VMLAB_MEMACC_H

#include <string.h>

#include "engines/engine.h"

/* Record a fault of the access type (load, store, fetch) at f->addr. */
static inline void vm_eng_set_fault(vm_cpu *c, int acc, const vm_mem_fault *f)
{
    static const int page[3] = {VM_TRAP_LOAD_PAGE, VM_TRAP_STORE_PAGE, VM_TRAP_INSN_PAGE};
    static const int access[3] = {VM_TRAP_LOAD_ACCESS, VM_TRAP_STORE_ACCESS, VM_TRAP_INSN_ACCESS};
    c->trap_cause = f->bus ? access[acc] : page[acc];
    c->trap_tval = f->addr;
    c->trap_bus = f->bus;
    c->trap_mapped = f->mapped;
}

static inline int vm_eng_load(vm_hart *h, uint64_t va, unsigned size, uint64_t *out)
{
    vm_mem_fault f;
    uint64_t v = 0;
    if (__builtin_expect((va & VM_PAGE_MASK) + size <= VM_PAGE_SIZE, 1)) {
        const void *p = vm_mem_ptr(h->mem, va, VM_ACC_READ, &f);
        if (!p) goto fault;
        memcpy(&v, p, size);
    } else if (vm_mem_read(h->mem, va, &v, size, &f)) {
        goto fault;
    }
    *out = v;
    return 0;
fault:
    vm_eng_set_fault(&h->cpu, VM_ACC_READ, &f);
    return -1;
}

static inline int vm_eng_store(vm_hart *h, uint64_t va, unsigned size, uint64_t v)
{
    vm_mem_fault f;
    if (__builtin_expect((va & VM_PAGE_MASK) + size <= VM_PAGE_SIZE, 1)) {
        void *p = vm_mem_ptr(h->mem, va, VM_ACC_WRITE, &f);
        if (!p) goto fault;
        memcpy(p, &v, size);
    } else if (vm_mem_write(h->mem, va, &v, size, &f)) {
        goto fault;
    }
    return 0;
fault:
    vm_eng_set_fault(&h->cpu, VM_ACC_WRITE, &f);
    return -1;
}

/* Atomics need natural alignment and write permission (even LR does not;
 * it only reads). */
static inline void *vm_eng_amo_ptr(vm_hart *h, uint64_t va, unsigned size, int acc)
{
    vm_cpu *c = &h->cpu;
    if (va & (size - 1)) {
        c->trap_cause = acc == VM_ACC_READ ? VM_TRAP_LOAD_MISALIGNED : VM_TRAP_STORE_MISALIGNED;
        c->trap_tval = va;
        c->trap_bus = 0;
        c->trap_mapped = 1;
        return NULL;
    }
    vm_mem_fault f;
    void *p = vm_mem_ptr(h->mem, va, acc, &f);
    if (!p) vm_eng_set_fault(c, acc, &f);
    return p;
}

#endif
