/* The list of engines built into this vmlab, and lookup by name. */
#include <string.h>

#include "engines/engine.h"

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
