# gc: the managed heap, its collectors, workloads, the vmgc CLI and tests.
libvmlab_core_la_SOURCES += gc/heap.c gc/msspace.c gc/marksweep.c gc/semispace.c \
	gc/generational.c gc/incremental.c gc/adaptive.c gc/verify.c gc/stats.c \
	gc/bintree.c gc/gcbench.c gc/synth.c gc/trace.c gc/gc_priv.h
vmlabinclude_HEADERS += include/vmlab/gc.h

bin_PROGRAMS += vmgc
vmgc_SOURCES = gc/vmgc.c
vmgc_LDADD = libvmlab_core.la

check_PROGRAMS += tests/unit/test_gc
tests_unit_test_gc_SOURCES = tests/unit/test_gc.c
tests_unit_test_gc_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_gc_LDADD = libvmlab_core.la $(CMOCKA_LIBS)
TESTS += tests/unit/test_gc

EXTRA_DIST += bench/gc/run bench/gc/ab bench/gc/bt_c.c bench/gc/gcbench_c.c bench/gc/pauses.h
