/* The list of engines built into this vmlab, and lookup by name. */
#include <string.h>

#include "core/machine_priv.h"
#include "engines/engine.h"
#include "engines/memacc.h"
#include "trace/trace_engine.h"
#include "vmlab/engine.h"

const vm_engine_ops *const vm_engines[] = {&vm_engine_interp, &vm_engine_threaded,
#if defined(__x86_64__)
                                               &vm_engine_jit,
#endif
                                               NULL};

const vm_engine_ops *vm_engine_find(const char *name)
{
    for (int i = 0; vm_engines[i]; i++)
        if (!strcmp(vm_engines[i]->name, name)) return vm_engines[i];
    return NULL;
}

int vm_machine_engine_option(vm_machine *m, const char *key, const char *value, vm_error *err)
{
    if (!m->eng->option)
        return vm_error_set(err, VM_EINVAL, "engine '%s' has no options ('%s')", m->eng->name, key);
    return m->eng->option(m->eng_state, key, value, err);
}

__attribute__((noinline, cold)) void vm_eng_trace_access(vm_hart *h, int write, uint64_t va,
                                                         unsigned size)
{
    if (write)
        VM_TRACE(h->trace, mem_write, va, vm_trace_paddr(h->mem, va), size);
    else
        VM_TRACE(h->trace, mem_read, va, vm_trace_paddr(h->mem, va), size);
}
