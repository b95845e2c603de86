# tests/engines: every differential test (tests/guest, tests/isa) again under each
# fast engine, checked against qemu-riscv64 (output, exit status) and against the
# reference interpreter (output, exit status, retired instruction count).
# Included from engines/local.mk. Each test is a generated one-line script
# tests/engines/ENGINE/SUITE-NAME.test that calls tests/engines/run-engine; the
# lists mirror GUEST_TESTS and ISA_TESTS (tests/guest/local.mk), and
# tests/engines/check-lists fails when they drift apart.
ENGINE_TESTS_THREADED = \
	tests/engines/threaded/guest-int_edge.test \
	tests/engines/threaded/guest-fp_env.test \
	tests/engines/threaded/guest-libm.test \
	tests/engines/threaded/guest-printf_strtod.test \
	tests/engines/threaded/guest-setjmp_varargs.test \
	tests/engines/threaded/guest-unwind.test \
	tests/engines/threaded/guest-malloc_big.test \
	tests/engines/threaded/guest-mmap_brk.test \
	tests/engines/threaded/guest-fileio.test \
	tests/engines/threaded/guest-stdin_echo.test \
	tests/engines/threaded/guest-argv_env.test \
	tests/engines/threaded/guest-exit_atexit.test \
	tests/engines/threaded/guest-exit_return.test \
	tests/engines/threaded/guest-exit_raw.test \
	tests/engines/threaded/guest-exit_group.test \
	tests/engines/threaded/guest-abort.test \
	tests/engines/threaded/guest-segv.test \
	tests/engines/threaded/guest-signals.test \
	tests/engines/threaded/guest-sigcontext.test \
	tests/engines/threaded/guest-sigterm.test \
	tests/engines/threaded/guest-segv_rethrow.test \
	tests/engines/threaded/guest-smc.test \
	tests/engines/threaded/guest-smc_big.test \
	tests/engines/threaded/guest-site_inval.test \
	tests/engines/threaded/guest-time_uname.test \
	tests/engines/threaded/guest-syscalls.test \
	tests/engines/threaded/guest-dynamic.test \
	tests/engines/threaded/isa-rv64i.test \
	tests/engines/threaded/isa-rv64m.test \
	tests/engines/threaded/isa-rv64a.test \
	tests/engines/threaded/isa-rv64f.test \
	tests/engines/threaded/isa-rv64d.test \
	tests/engines/threaded/isa-nanbox.test \
	tests/engines/threaded/isa-csr.test \
	tests/engines/threaded/isa-rvc.test \
	tests/engines/threaded/isa-random_ops.test \
	tests/engines/threaded/isa-illegal.test \
	tests/engines/threaded/isa-control.test

ENGINE_TESTS_JIT = \
	tests/engines/jit/guest-int_edge.test \
	tests/engines/jit/guest-fp_env.test \
	tests/engines/jit/guest-libm.test \
	tests/engines/jit/guest-printf_strtod.test \
	tests/engines/jit/guest-setjmp_varargs.test \
	tests/engines/jit/guest-unwind.test \
	tests/engines/jit/guest-malloc_big.test \
	tests/engines/jit/guest-mmap_brk.test \
	tests/engines/jit/guest-fileio.test \
	tests/engines/jit/guest-stdin_echo.test \
	tests/engines/jit/guest-argv_env.test \
	tests/engines/jit/guest-exit_atexit.test \
	tests/engines/jit/guest-exit_return.test \
	tests/engines/jit/guest-exit_raw.test \
	tests/engines/jit/guest-exit_group.test \
	tests/engines/jit/guest-abort.test \
	tests/engines/jit/guest-segv.test \
	tests/engines/jit/guest-signals.test \
	tests/engines/jit/guest-sigcontext.test \
	tests/engines/jit/guest-sigterm.test \
	tests/engines/jit/guest-segv_rethrow.test \
	tests/engines/jit/guest-smc.test \
	tests/engines/jit/guest-smc_big.test \
	tests/engines/jit/guest-site_inval.test \
	tests/engines/jit/guest-time_uname.test \
	tests/engines/jit/guest-syscalls.test \
	tests/engines/jit/guest-dynamic.test \
	tests/engines/jit/isa-rv64i.test \
	tests/engines/jit/isa-rv64m.test \
	tests/engines/jit/isa-rv64a.test \
	tests/engines/jit/isa-rv64f.test \
	tests/engines/jit/isa-rv64d.test \
	tests/engines/jit/isa-nanbox.test \
	tests/engines/jit/isa-csr.test \
	tests/engines/jit/isa-rvc.test \
	tests/engines/jit/isa-random_ops.test \
	tests/engines/jit/isa-illegal.test \
	tests/engines/jit/isa-control.test

# the JIT again in sv39 --tlb-mode=fast: the translation caches' paths (page, 2 MiB
# region, access-site entries) that exact mode does not take
ENGINE_TESTS_JIT_FAST = \
	tests/engines/jit_fast/guest-int_edge.test \
	tests/engines/jit_fast/guest-fp_env.test \
	tests/engines/jit_fast/guest-libm.test \
	tests/engines/jit_fast/guest-printf_strtod.test \
	tests/engines/jit_fast/guest-setjmp_varargs.test \
	tests/engines/jit_fast/guest-unwind.test \
	tests/engines/jit_fast/guest-malloc_big.test \
	tests/engines/jit_fast/guest-mmap_brk.test \
	tests/engines/jit_fast/guest-fileio.test \
	tests/engines/jit_fast/guest-stdin_echo.test \
	tests/engines/jit_fast/guest-argv_env.test \
	tests/engines/jit_fast/guest-exit_atexit.test \
	tests/engines/jit_fast/guest-exit_return.test \
	tests/engines/jit_fast/guest-exit_raw.test \
	tests/engines/jit_fast/guest-exit_group.test \
	tests/engines/jit_fast/guest-abort.test \
	tests/engines/jit_fast/guest-segv.test \
	tests/engines/jit_fast/guest-signals.test \
	tests/engines/jit_fast/guest-sigcontext.test \
	tests/engines/jit_fast/guest-sigterm.test \
	tests/engines/jit_fast/guest-segv_rethrow.test \
	tests/engines/jit_fast/guest-smc.test \
	tests/engines/jit_fast/guest-smc_big.test \
	tests/engines/jit_fast/guest-site_inval.test \
	tests/engines/jit_fast/guest-time_uname.test \
	tests/engines/jit_fast/guest-syscalls.test \
	tests/engines/jit_fast/guest-dynamic.test \
	tests/engines/jit_fast/isa-rv64i.test \
	tests/engines/jit_fast/isa-rv64m.test \
	tests/engines/jit_fast/isa-rv64a.test \
	tests/engines/jit_fast/isa-rv64f.test \
	tests/engines/jit_fast/isa-rv64d.test \
	tests/engines/jit_fast/isa-nanbox.test \
	tests/engines/jit_fast/isa-csr.test \
	tests/engines/jit_fast/isa-rvc.test \
	tests/engines/jit_fast/isa-random_ops.test \
	tests/engines/jit_fast/isa-illegal.test \
	tests/engines/jit_fast/isa-control.test

TESTS += $(ENGINE_TESTS_THREADED) $(ENGINE_TESTS_JIT) $(ENGINE_TESTS_JIT_FAST) tests/engines/check-lists
check_SCRIPTS += $(ENGINE_TESTS_THREADED) $(ENGINE_TESTS_JIT) $(ENGINE_TESTS_JIT_FAST)
CLEANFILES += $(ENGINE_TESTS_THREADED) $(ENGINE_TESTS_JIT) $(ENGINE_TESTS_JIT_FAST)
EXTRA_DIST += tests/engines/run-engine tests/engines/vmsh-pair tests/engines/check-lists

tests/engines/%.test: $(srcdir)/tests/engines/run-engine
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec /bin/sh "$$top_srcdir/tests/engines/run-engine" "$$0"\n' >$@
	@chmod +x $@

# budgets that end inside loops, superblocks and back edges (see doc/engines.md)
TESTS += tests/engines/budget-cuts
EXTRA_DIST += tests/engines/budget-cuts tests/engines/budget-cuts.lua

# the randomized differential test of the engines (a bounded run; see doc/engines.md)
check_PROGRAMS += tests/engines/engine_random
tests_engines_engine_random_SOURCES = tests/engines/engine_random.c
tests_engines_engine_random_LDADD = libvmlab_core.la
TESTS += tests/engines/engine_random

# the exact TLB mode's shortcuts against the model seeing every access
TESTS += tests/engines/exact-tlb
EXTRA_DIST += tests/engines/exact-tlb
