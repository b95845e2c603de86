/* RV64 F/D semantics shared by all engines: see fpu.c. */
#ifndef VMLAB_FPU_H
#define VMLAB_FPU_H

#include "engines/cpu.h"
#include "vmlab/riscv.h"

/* Execute one F/D instruction that is not a load or store. Returns 0, or -1
 * when it is illegal (a reserved rounding mode). */
int vm_fpu_exec(vm_cpu *c, const vm_rv_insn *d);
/* Engines bracket guest execution with enter/leave (see fpu.c) and call
 * sync before the guest reads or writes fflags. */
uint32_t vm_fpu_enter(void);
void vm_fpu_sync(vm_cpu *c);    /* before a guest read of fflags/fcsr */
void vm_fpu_written(vm_cpu *c); /* after a guest write of them */
void vm_fpu_leave(vm_cpu *c, uint32_t host);
/* vm_fpu_exec specialised for one op (d->op must be that op): the same
 * semantics without the dispatch, for engines that know the op when they
 * translate (the threaded interpreter calls each from its own handler). One
 * per F/D computational op, the ops of class FP in riscv_ops.def (see
 * engines/fpu_ops.h). */
#define FPU_OP(id) int vm_fpu_exec_##id(vm_cpu *c, const vm_rv_insn *d);
#include "engines/fpu_ops.h"
#undef FPU_OP
/* Whether an op has a rounding-mode field that must be valid. */
int vm_fpu_uses_rm(int op);

#endif
