# tests: unit tests (cmocka), guest differential tests, ISA tests, fuzzers.
include $(srcdir)/tests/guest/local.mk
include $(srcdir)/tests/isa/local.mk

check_PROGRAMS += tests/unit/test_machine
tests_unit_test_machine_SOURCES = tests/unit/test_machine.c
tests_unit_test_machine_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_machine_LDADD = libvmlab_core.la $(CMOCKA_LIBS)
TESTS += tests/unit/test_machine

TESTS += tests/cli/vmsh-cli
EXTRA_DIST += tests/cli/vmsh-cli

check_PROGRAMS += tests/unit/test_mmu
tests_unit_test_mmu_SOURCES = tests/unit/test_mmu.c
tests_unit_test_mmu_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mmu_LDADD = libvmlab_core.la $(CMOCKA_LIBS)
TESTS += tests/unit/test_mmu

TESTS += tests/mmu/tlb-known-answers
EXTRA_DIST += tests/mmu/tlb-known-answers tests/mmu/touch.c
TESTS += tests/mmu/faults.c
EXTRA_DIST += tests/mmu/faults.c
