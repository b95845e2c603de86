/* Access types and page permissions shared by the address space, the walker and the TLB model. */
#ifndef VMLAB_ACCESS_H
#define VMLAB_ACCESS_H
enum { VM_PROT_R = 1, VM_PROT_W = 2, VM_PROT_X = 4 };
enum { VM_ACC_READ = 0, VM_ACC_WRITE = 1, VM_ACC_FETCH = 2 };
#endif
