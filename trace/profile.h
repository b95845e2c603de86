/*
 * The guest profiler behind vmsh --profile: PC sampling every N retired
 * instructions, a call graph from jal/jalr with a shadow stack, attributed to
 * functions through the program's ELF symbol table. Output: a top-N table and
 * folded stacks ("main;work;hot 1234" lines: flamegraph.pl and speedscope).
 *
 * It is a subscriber of the tracer's `insn` event (it must see every jump to
 * keep the shadow stack), so a profiled run costs what that event costs.
 */
#ifndef VMLAB_TRACE_PROFILE_H
#define VMLAB_TRACE_PROFILE_H

#include <stdint.h>
#include <stdio.h>

#include "vmlab/error.h"
#include "vmlab/machine.h"
#include "vmlab/trace.h"

typedef struct vm_profile vm_profile;

/* Profile the program loaded in m (symbols from `path`, biased as loaded),
 * sampling every `period` instructions (0: 1000), through tracer t (which
 * must be attached to m). */
vm_profile *vm_profile_new(vm_machine *m, vm_tracer *t, const char *path, uint64_t period,
                           vm_error *err);
void vm_profile_free(vm_profile *p);
/* The top `n` functions by self samples, with inclusive samples and calls. */
void vm_profile_print(const vm_profile *p, FILE *f, int n);
/* Folded stacks, one "a;b;c count" line per distinct stack. */
int vm_profile_write_folded(const vm_profile *p, FILE *f);
uint64_t vm_profile_samples(const vm_profile *p);

#endif
