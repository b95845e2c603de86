/*
 * Engine options of a machine: settings one execution engine understands,
 * passed through to the machine's current engine (engines/engine.h's
 * `option` operation). Today: the JIT's "dump" (a file that receives, for
 * every translated block, the guest instructions next to the host code; see
 * doc/engines.md). An option applies to the engine the machine has now; after
 * vm_machine_set_engine, set it again.
 */
#ifndef VMLAB_ENGINE_OPTION_H
#define VMLAB_ENGINE_OPTION_H

#include "vmlab/error.h"
#include "vmlab/machine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 0, or -1 with err (the engine has no such option, or the value is bad). */
int vm_machine_engine_option(vm_machine *m, const char *key, const char *value, vm_error *err);

#ifdef __cplusplus
}
#endif
#endif
