# engines: the reference interpreter (semantic oracle), FP semantics shared by all engines.
libvmlab_core_la_SOURCES += engines/engine.c engines/interp.c engines/fpu.c \
	engines/engine.h engines/cpu.h engines/fpu.h
