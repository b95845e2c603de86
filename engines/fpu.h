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
/* The F/D computational ops (the operations vm_fpu_exec executes), for an
 * X-macro M(id). */
#define VM_FPU_OPS(M)                                                                        \
    M(FMADD_S) M(FMSUB_S) M(FNMSUB_S) M(FNMADD_S) M(FADD_S) M(FSUB_S) M(FMUL_S) M(FDIV_S)    \
    M(FSQRT_S) M(FSGNJ_S) M(FSGNJN_S) M(FSGNJX_S) M(FMIN_S) M(FMAX_S) M(FCVT_W_S)           \
    M(FCVT_WU_S) M(FCVT_L_S) M(FCVT_LU_S) M(FMV_X_W) M(FEQ_S) M(FLT_S) M(FLE_S) M(FCLASS_S) \
    M(FCVT_S_W) M(FCVT_S_WU) M(FCVT_S_L) M(FCVT_S_LU) M(FMV_W_X)                           \
    M(FMADD_D) M(FMSUB_D) M(FNMSUB_D) M(FNMADD_D) M(FADD_D) M(FSUB_D) M(FMUL_D) M(FDIV_D)    \
    M(FSQRT_D) M(FSGNJ_D) M(FSGNJN_D) M(FSGNJX_D) M(FMIN_D) M(FMAX_D) M(FCVT_S_D)           \
    M(FCVT_D_S) M(FCVT_W_D) M(FCVT_WU_D) M(FCVT_L_D) M(FCVT_LU_D) M(FMV_X_D) M(FEQ_D)       \
    M(FLT_D) M(FLE_D) M(FCLASS_D) M(FCVT_D_W) M(FCVT_D_WU) M(FCVT_D_L) M(FCVT_D_LU)        \
    M(FMV_D_X)
/* vm_fpu_exec specialised for one op (d->op must be that op): the same
 * semantics without the dispatch, for engines that know the op when they
 * translate (the threaded interpreter calls each from its own handler). */
#define VM_FPU_DECL_(id) int vm_fpu_exec_##id(vm_cpu *c, const vm_rv_insn *d);
VM_FPU_OPS(VM_FPU_DECL_)
#undef VM_FPU_DECL_
/* Whether an op has a rounding-mode field that must be valid. */
int vm_fpu_uses_rm(int op);

#endif
