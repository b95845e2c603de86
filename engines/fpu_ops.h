/*
 * The F/D computational ops, the operations vm_fpu_exec (engines/fpu.c)
 * executes: the ops of class FP in include/vmlab/riscv_ops.def, which is their
 * only list. Adding an FP op there gives it its vm_fpu_exec_<op> entry point
 * and its threaded-interpreter handlers; its semantics go in fpu.c.
 *
 * Included (no include guard) with FPU_OP(id) defined, as semantics_ops.h is
 * with SEM_OP: expands FPU_OP(id) once per FP op, in riscv_ops.def's order.
 * The includer undefines FPU_OP. riscv_ops.def expands X, which the engines
 * also use (their register file): the includer's X is saved and restored.
 */
#pragma push_macro("X")
#undef X

/* X(id, mnemonic, cls) -> FPU_OP(id) when cls is the token FP, else nothing:
 * VM_FPU_PROBE_FP is the only probe that expands to two arguments, which
 * moves 1 into VM_FPU_SECOND_'s second position. No list of the other
 * classes is needed. */
#define VM_FPU_SECOND_(a, b, ...) b
#define VM_FPU_TEST_(...)         VM_FPU_SECOND_(__VA_ARGS__, 0, ~)
#define VM_FPU_PROBE_FP           ~, 1
#define VM_FPU_CAT_(a, b)         a##b
#define VM_FPU_IF_(bit, id)       VM_FPU_CAT_(VM_FPU_IF_, bit)(id)
#define VM_FPU_IF_1(id)           FPU_OP(id)
#define VM_FPU_IF_0(id)
#define X(id, mn, cls) VM_FPU_IF_(VM_FPU_TEST_(VM_FPU_PROBE_##cls), id)
#include "vmlab/riscv_ops.def"
#undef X
#pragma pop_macro("X")
#undef VM_FPU_SECOND_
#undef VM_FPU_TEST_
#undef VM_FPU_PROBE_FP
#undef VM_FPU_CAT_
#undef VM_FPU_IF_
#undef VM_FPU_IF_1
#undef VM_FPU_IF_0
