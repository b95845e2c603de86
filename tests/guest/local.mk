# tests/guest: guest programs run under vmsh and under qemu-riscv64 (the oracle) by
# tests/guest/run-diff; stdout, filtered stderr and exit status must match.
# tests/isa: hand-written instruction tests, same driver. See doc/testing.md.
#
# Each test is its source file: the driver compiles it with $(RISCV_CC) at check time
# (binaries cached in tests/guest/bin/) and reads per-test options from
# "run-diff: KEY VALUE" lines in the source.

GUEST_TESTS = \
	tests/guest/int_edge.c \
	tests/guest/fp_env.c \
	tests/guest/libm.c \
	tests/guest/printf_strtod.c \
	tests/guest/setjmp_varargs.c \
	tests/guest/unwind.c \
	tests/guest/malloc_big.c \
	tests/guest/mmap_brk.c \
	tests/guest/fileio.c \
	tests/guest/stdin_echo.c \
	tests/guest/argv_env.c \
	tests/guest/exit_atexit.c \
	tests/guest/exit_return.c \
	tests/guest/exit_raw.c \
	tests/guest/exit_group.c \
	tests/guest/abort.c \
	tests/guest/segv.c \
	tests/guest/signals.c \
	tests/guest/sigcontext.c \
	tests/guest/sigterm.c \
	tests/guest/segv_rethrow.c \
	tests/guest/smc.c \
	tests/guest/smc_big.c \
	tests/guest/site_inval.c \
	tests/guest/time_uname.c \
	tests/guest/syscalls.c \
	tests/guest/dynamic.c

ISA_TESTS = \
	tests/isa/rv64i.c \
	tests/isa/rv64m.c \
	tests/isa/rv64a.c \
	tests/isa/rv64f.c \
	tests/isa/rv64d.c \
	tests/isa/nanbox.c \
	tests/isa/csr.c \
	tests/isa/rvc.c \
	tests/isa/random_ops.c \
	tests/isa/illegal.c \
	tests/isa/control.S

TESTS += $(GUEST_TESTS) $(ISA_TESTS)
TEST_EXTENSIONS = .c .S
C_LOG_COMPILER = $(SHELL) $(srcdir)/tests/guest/run-diff
S_LOG_COMPILER = $(SHELL) $(srcdir)/tests/guest/run-diff
EXTRA_DIST += $(GUEST_TESTS) $(ISA_TESTS) tests/guest/run-diff tests/guest/stdin_echo.txt \
	tests/isa/isa.h tests/isa/fp_run.h

clean-local: clean-guest-bin
clean-guest-bin:
	-rm -rf tests/guest/bin
.PHONY: clean-guest-bin
