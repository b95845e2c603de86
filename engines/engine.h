/*
 * The engine interface: every execution engine (reference interpreter,
 * threaded interpreter, JIT) is one ops table. The machine owns the CPU state
 * and address space; an engine runs guest code on them until a budget of
 * instructions is spent or something the machine must handle happens
 * (a system call, a trap). Engines hold no global state: `create` returns a
 * per-machine state pointer.
 */
#ifndef VMLAB_ENGINE_H
#define VMLAB_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "engines/cpu.h"
#include "mem/mem.h"
#include "vmlab/error.h"

enum vm_stop {
    VM_STOP_BUDGET = 0, /* the instruction budget is spent */
    VM_STOP_ECALL,      /* an ecall retired: pc is past it, the machine serves it */
    VM_STOP_TRAP,       /* a trap: cpu.trap_cause/trap_tval, pc at the instruction */
    VM_STOP_BREAK,      /* pc is at a breakpoint (not the first instruction of the run) */
};

/* What an engine sees of its machine: the hart and its address space. */
typedef struct vm_hart {
    vm_cpu cpu;
    vm_mem *mem;
    /* breakpoints, sorted; engines test nbreak (one predictable branch)
     * before each instruction, or re-translate when the set changes */
    uint64_t *breaks;
    int nbreak;
    uint64_t break_resume; /* a run resumes at this pc without stopping there */
    struct vm_tracer *trace; /* trace/: non-NULL while a fine-grained event is on (doc/trace.md) */
    /* host time translating (trace/host_time.h): engines that translate add
     * each translation's clock-pair time and count it */
    uint64_t translate_ns, translations;
} vm_hart;

/* The one place an engine learns the address space's --tlb-mode: in exact
 * mode (paged MMU) every guest access, instruction fetches included, must be
 * made through vm_mem_ptr in the interpreter's order, so that the TLB model
 * counts exactly what the interpreter makes it count. Caching engines then
 * decode without counting and make each instruction's fetch when they
 * execute it; the JIT also keeps its data accesses out of line. In fast mode (and bare) the host-side
 * translation cache may be used directly. */
static inline int vm_hart_fetch_exact(const vm_hart *h) { return h->mem->exact; }

/* Is pc a breakpoint? (binary search; only called when nbreak != 0) */
static inline int vm_hart_is_break(const vm_hart *h, uint64_t pc)
{
    int lo = 0, hi = h->nbreak - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (h->breaks[mid] == pc) return 1;
        if (h->breaks[mid] < pc) lo = mid + 1;
        else hi = mid - 1;
    }
    return 0;
}

typedef struct vm_engine_ops {
    const char *name;
    void *(*create)(vm_hart *h, vm_error *err);
    /* Run at most `budget` instructions; returns enum vm_stop. */
    int (*run)(void *st, vm_hart *h, uint64_t budget);
    /* Execute exactly one instruction (or stop before it on a trap). */
    int (*step)(void *st, vm_hart *h);
    /* Guest code in [va, va+len) changed or was unmapped. */
    void (*invalidate)(void *st, uint64_t va, uint64_t len);
    /* Append the engine's statistics as JSON members ("k": v, ...) to buf;
     * returns the length written. */
    int (*stats)(void *st, char *buf, size_t size);
    void (*destroy)(void *st);
    /* Set an engine-specific option (vmlab/engine.h); NULL: none. Returns 0,
     * or -1 with err. */
    int (*option)(void *st, const char *key, const char *value, vm_error *err);
} vm_engine_ops;

/* The engines built into this vmlab, NULL-terminated. */
extern const vm_engine_ops *const vm_engines[];
const vm_engine_ops *vm_engine_find(const char *name);

extern const vm_engine_ops vm_engine_interp;
extern const vm_engine_ops vm_engine_threaded;
extern const vm_engine_ops vm_engine_jit; /* x86-64 hosts */

#endif
