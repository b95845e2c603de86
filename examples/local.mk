# examples: the bundled demo (make demo) and, later, Lua scripts.
EXTRA_DIST += examples/run-demo examples/guest/mandel.c
.PHONY: demo
demo: vmsh$(EXEEXT)
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	RISCV_CC='$(RISCV_CC)' QEMU_RISCV64='$(QEMU_RISCV64)' $(SHELL) $(srcdir)/examples/run-demo
