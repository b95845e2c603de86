# core: errors, the machine object, ELF loader, ELF symbol reader (the profiler's and the Lua
# module's), Linux user-mode personality, vmsh.
libvmlab_core_la_SOURCES += core/error.c core/machine.c core/elf.c core/linux.c \
	core/linux_syscall.c core/machine_priv.h core/linux_priv.h core/elf_symbols.c core/elf_symbols.h
vmlabinclude_HEADERS += include/vmlab/error.h include/vmlab/machine.h

bin_PROGRAMS += vmsh
vmsh_SOURCES = core/vmsh.c
vmsh_LDADD = libvmlab_core.la
