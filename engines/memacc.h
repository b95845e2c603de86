/*
 * Guest memory accesses for the fast engines (threaded interpreter, JIT
 * helpers): the same contract as the reference interpreter's load/store/
 * amo_ptr, written against the mem/ interface only (vm_mem_ptr fast path,
 * vm_mem_read/vm_mem_write across pages), so the MMU/TLB model behind those
 * calls is seen identically by every engine.
 *
 * A fault fills the hart's trap fields exactly as the interpreter does.
 *
 * Write watches (mem.h, vmlab/machine.h's watchpoints). A store that writes
 * a watched byte is made, then reported as a trap with the pseudo-cause
 * VM_TRAP_WATCH_STORE: every engine leaves with pc at the store and the store
 * not counted, and the machine retires it (pc past it, one more instruction)
 * and stops. An atomic cannot be finished that way (its result register is
 * written after the access), so it traps with VM_TRAP_WATCH_AMO before
 * touching memory and the machine runs it again with mem->watch_pass set.
 * The JIT's inline stores need no check: a watched page is never in the
 * fast-path state they probe (mem.h), so they reach vm_eng_store.
 */
#ifndef VMLAB_MEMACC_H
#define VMLAB_MEMACC_H

#include <string.h>

#include "engines/engine.h"
#include "vmlab/trace.h"

/* Pseudo trap causes of write watches, above every RISC-V cause. */
enum { VM_TRAP_WATCH_STORE = 0x100, VM_TRAP_WATCH_AMO = 0x101 };

static inline void vm_eng_set_watch(vm_cpu *c, int cause, uint64_t va, unsigned size)
{
    c->trap_cause = cause;
    c->trap_tval = va;
    c->trap_bus = (int)size; /* the access size, for the machine's invalidation */
    c->trap_mapped = 1;
}

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
    if (__builtin_expect(vm_mem_watch_maybe(h->mem, va, size), 0) &&
        vm_mem_watch_check(h->mem, va, size)) {
        vm_eng_set_watch(&h->cpu, VM_TRAP_WATCH_STORE, va, size);
        return -1;
    }
    return 0;
fault:
    vm_eng_set_fault(&h->cpu, VM_ACC_WRITE, &f);
    return -1;
}

/* The mem_read / mem_write trace events of an access made (engine.c): out
 * of line and cold, so that the traced accesses below stay small enough to
 * be inlined; with nothing traced they cost one test. */
void vm_eng_trace_access(vm_hart *h, int write, uint64_t va, unsigned size);

/* vm_eng_load / vm_eng_store and, when `traced` (a constant where the
 * caller has an untraced copy of its loop) and the event is on, the event,
 * after the access as the interpreter orders them. */
static inline __attribute__((always_inline)) int
vm_eng_load_traced(vm_hart *h, int traced, uint64_t va, unsigned size, uint64_t *out)
{
    if (vm_eng_load(h, va, size, out)) return -1;
    if (traced && VM_TRACE_ON(h->trace, mem_read)) vm_eng_trace_access(h, 0, va, size);
    return 0;
}

static inline __attribute__((always_inline)) int
vm_eng_store_traced(vm_hart *h, int traced, uint64_t va, unsigned size, uint64_t v)
{
    if (vm_eng_store(h, va, size, v)) return -1;
    if (traced && VM_TRACE_ON(h->trace, mem_write)) vm_eng_trace_access(h, 1, va, size);
    return 0;
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
    else if (__builtin_expect(acc == VM_ACC_WRITE && vm_mem_watch_maybe(h->mem, va, size), 0) &&
             vm_mem_watch_check(h->mem, va, size) && !h->mem->watch_pass) {
        vm_eng_set_watch(c, VM_TRAP_WATCH_AMO, va, size);
        return NULL;
    }
    return p;
}

#endif
