/* Internals of the Linux personality shared by linux.c and linux_syscall.c. */
#ifndef VMLAB_LINUX_PRIV_H
#define VMLAB_LINUX_PRIV_H

#include "core/machine_priv.h"

int lx_fd_host(vm_linux *lx, int64_t gfd);
int lx_fd_alloc(vm_linux *lx, int host, int min);
int lx_fd_set(vm_linux *lx, int gfd, int host);
int lx_fd_close(vm_linux *lx, int64_t gfd);

void vm_linux_post_signal(vm_machine *m, int sig, int code);
int vm_linux_kill_self(vm_machine *m, int sig, int code);
int64_t vm_linux_sigreturn(vm_machine *m);

#endif
