# isa: instruction decoders and disassemblers (RISC-V ours, x86-64 through Zydis).
libvmlab_core_la_SOURCES += isa/riscv/decode.c isa/riscv/disasm.c
vmlabinclude_HEADERS += include/vmlab/riscv.h include/vmlab/riscv_ops.def
# x86-64 through Zydis (isa/x86, vmlab/x86.h): for the JIT's --jit-dump and the labs
libvmlab_core_la_SOURCES += isa/x86/decode.c
libvmlab_core_la_LIBADD += $(ZYDIS_LIBS)
vmlabinclude_HEADERS += include/vmlab/x86.h include/vmlab/engine.h
