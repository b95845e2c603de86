# tests: unit tests (cmocka), guest differential tests, ISA tests, fuzzers.
include $(srcdir)/tests/guest/local.mk
