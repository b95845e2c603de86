# engines: the reference interpreter (semantic oracle), the threaded interpreter,
# FP semantics shared by all engines. See doc/engines.md.
libvmlab_core_la_SOURCES += engines/engine.c engines/interp.c engines/fpu.c \
	engines/engine.h engines/cpu.h engines/fpu.h \
	engines/semantics.h engines/semantics_ops.h engines/memacc.h \
	engines/block.c engines/block.h engines/threaded.c
include $(srcdir)/tests/engines/local.mk
