# mem: the guest address space (and, with the MMU issue, page tables and the TLB model).
libvmlab_core_la_SOURCES += mem/mem.c mem/mem.h
