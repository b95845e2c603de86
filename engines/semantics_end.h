/* Undefines the hooks an engine defined before including semantics_ops.h
 * (see semantics.h), so each engine closes its expansion the same way. */
#undef X
#undef A
#undef B
#undef IMM
#undef RD
#undef RS1
#undef RS2
#undef PC
#undef LEN
#undef OP
#undef RETIRED
#undef SET_RD
#undef JUMP
#undef BRANCH
#undef LOAD
#undef STORE
#undef AMO_PTR
#undef TRAP
#undef ILLEGAL
#undef ECALL
#undef FENCE_I
