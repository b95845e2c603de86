# mem: the guest address space: bare, or Sv39/Sv48 page tables in guest physical memory
# translated by the TLB model (levels, geometry, replacement policies, shadows, cost model).
libvmlab_core_la_SOURCES += mem/mem.c mem/mem.h mem/access.h mem/phys.c mem/phys.h \
	mem/walk.c mem/walk.h mem/tlb.c mem/tlb.h mem/tlb_policy.h \
	mem/tlb_lru.c mem/tlb_plru.c mem/tlb_fifo.c mem/tlb_random.c
