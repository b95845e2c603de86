# tests/isa: the RISC-V decoder and disassembler against GNU objdump, their
# cmocka unit tests, and the decoder fuzzer (tests/fuzz; its script compiles
# the harnesses itself with clang, so only the script is registered here).
check_PROGRAMS += tests/isa/rvdis tests/unit/test_decode tests/unit/test_disasm
tests_isa_rvdis_SOURCES = tests/isa/rvdis.c
tests_isa_rvdis_LDADD = libvmlab_core.la

tests_unit_test_decode_SOURCES = tests/unit/test_decode.c
tests_unit_test_decode_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_decode_LDADD = libvmlab_core.la $(CMOCKA_LIBS)

tests_unit_test_disasm_SOURCES = tests/unit/test_disasm.c
tests_unit_test_disasm_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_disasm_LDADD = libvmlab_core.la $(CMOCKA_LIBS)

TESTS += tests/unit/test_decode tests/unit/test_disasm tests/isa/objdump-compare tests/fuzz/run-fuzz
EXTRA_DIST += tests/isa/objdump-compare tests/fuzz/run-fuzz tests/fuzz/fuzz_decode.c
