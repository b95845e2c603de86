# tests: unit tests (cmocka), guest differential tests, ISA tests, fuzzers.
include $(srcdir)/tests/guest/local.mk
include $(srcdir)/tests/isa/local.mk
