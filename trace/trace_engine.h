/*
 * What engines need to emit the fine-grained events (insn, mem_read,
 * mem_write, block_exec, block_translate) — see doc/trace.md, "Engines".
 *
 * Contract: vm_hart.trace is non-NULL only while one of the FINE events is
 * enabled. An interpreter tests it once per instruction / access:
 *     VM_TRACE(h->trace, insn, pc, raw, icount);
 * (VM_TRACE tests the pointer and the event's bit, then calls out of line);
 * engines/interp.c tests it once per run instead and runs one of two
 * instantiations of its loop, so that with nothing traced there is no test
 * at all: a fine event that a callback switches on in the middle of an
 * untraced run then takes effect at the next run (system call, trap).
 * An engine that compiles code tests h->trace when it translates a block and
 * emits the calls into the translation only when it is set; the machine calls
 * the engine's invalidate(0, UINT64_MAX) whenever h->trace or the set of fine
 * events changes, so translations made with the other setting are dropped.
 */
#ifndef VMLAB_TRACE_ENGINE_H
#define VMLAB_TRACE_ENGINE_H

#include "mem/mem.h"
#include "vmlab/trace.h"

/* Physical address of va for the mem_* events (the host address in bare
 * mode; 0 if unmapped). A page-table lookup that the TLB model does not see:
 * only called while tracing. */
uint64_t vm_trace_paddr(vm_mem *m, uint64_t va);

#endif
