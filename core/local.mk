# core: errors, the machine object, ELF loader, Linux user-mode personality, vmsh.
libvmlab_core_la_SOURCES += core/error.c core/machine.c
vmlabinclude_HEADERS += include/vmlab/error.h

bin_PROGRAMS += vmsh
vmsh_SOURCES = core/vmsh.c
vmsh_LDADD = libvmlab_core.la
