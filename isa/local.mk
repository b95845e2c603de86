# isa: instruction decoders and disassemblers (RISC-V ours, x86-64 through Zydis).
libvmlab_core_la_SOURCES += isa/riscv/decode.c isa/riscv/disasm.c
vmlabinclude_HEADERS += include/vmlab/riscv.h include/vmlab/riscv_ops.def
