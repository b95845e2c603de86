# tests/guest: guest programs run under vmsh and qemu-riscv64 (included by tests/local.mk).
