# engines: the reference interpreter (semantic oracle), the threaded interpreter,
# FP semantics shared by all engines. See doc/engines.md.
libvmlab_core_la_SOURCES += engines/engine.c engines/interp.c engines/fpu.c \
	engines/engine.h engines/cpu.h engines/fpu.h engines/fpu_ops.h \
	engines/semantics.h engines/semantics_ops.h engines/semantics_end.h engines/memacc.h \
	engines/block.c engines/block.h engines/threaded.c \
	engines/jit_x86.c engines/jit_cache.c engines/jit_cache.h engines/x86_emit.c engines/x86_emit.h
include $(srcdir)/tests/engines/local.mk
