# trace: tracing and profiling (doc/trace.md). The event list is
# include/vmlab/trace_events.def; every backend is generated from it.
libvmlab_core_la_SOURCES += trace/trace.c trace/tracefile.c trace/trace_machine.c trace/trace_gc.c \
	trace/lttng_load.c trace/profile.c trace/symbols.c trace/symbols.h trace/trace_cli.c trace/trace_cli.h \
	trace/trace_priv.h trace/tracefile.h trace/trace_engine.h trace/profile.h trace/lttng_tp.h \
	trace/host_time.c trace/host_time.h
libvmlab_core_la_LIBADD += $(LTTNG_APP_LIBS)
vmlabinclude_HEADERS += include/vmlab/trace.h include/vmlab/trace_events.def

bin_PROGRAMS += vmtrace
vmtrace_SOURCES = trace/vmtrace.c trace/live.h
vmtrace_LDADD = libvmlab_core.la $(ZYDIS_LIBS) -lm
EXTRA_DIST += trace/live.bpf.c trace/live.c

# vmtrace live: a BPF program compiled with clang -target bpf, embedded in
# vmtrace as a byte array (trace/live_bpf.h), loaded with libbpf
if HAVE_BPF
vmtrace_SOURCES += trace/live.c
nodist_vmtrace_SOURCES = trace/live_bpf.h
vmtrace_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS)
vmtrace_LDADD += $(LIBBPF_LIBS)
BUILT_SOURCES = trace/live_bpf.h
trace/live.bpf.o: $(srcdir)/trace/live.bpf.c
	$(AM_V_GEN)$(BPF_CLANG) -g -O2 -Wall -target bpf $(BPF_CPPFLAGS) -c $(srcdir)/trace/live.bpf.c -o $@
trace/live_bpf.h: trace/live.bpf.o
	$(AM_V_GEN){ echo '/* generated from trace/live.bpf.c (trace/local.mk) */'; \
	  echo 'static const unsigned char vm_live_bpf[] = {'; \
	  od -An -v -tx1 trace/live.bpf.o | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '};'; } >$@.tmp && mv $@.tmp $@
CLEANFILES += trace/live.bpf.o trace/live_bpf.h
endif

# LTTng-UST tracepoint provider: a shared object that libvmlab dlopens only
# when a tracer asks for LTTng (see trace/lttng_load.c).
if HAVE_LTTNG
pkglib_LTLIBRARIES = trace/vmlab-lttng.la
trace_vmlab_lttng_la_SOURCES = trace/lttng_provider.c trace/lttng_tp.h
trace_vmlab_lttng_la_CFLAGS = $(AM_CFLAGS) $(LTTNG_CFLAGS)
trace_vmlab_lttng_la_LIBADD = $(LTTNG_LIBS)
trace_vmlab_lttng_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared
endif
AM_CPPFLAGS += -DVMLAB_LTTNG_PROVIDER_PATH='"$(pkglibdir)/vmlab-lttng.so"'

# tests (tests/trace): see doc/trace.md
check_PROGRAMS += tests/trace/test_trace tests/trace/jsoncheck
tests_trace_test_trace_SOURCES = tests/trace/test_trace.c
tests_trace_test_trace_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_trace_test_trace_LDADD = libvmlab_core.la $(CMOCKA_LIBS) $(ZYDIS_LIBS) -lm
tests_trace_jsoncheck_SOURCES = tests/trace/jsoncheck.c
TESTS += tests/trace/test_trace tests/trace/run-trace tests/trace/run-lttng tests/trace/run-usdt tests/trace/run-live
EXTRA_DIST += tests/trace/run-trace tests/trace/run-lttng tests/trace/run-usdt tests/trace/run-live tests/trace/hot.c \
	tests/trace/live.c
AM_TESTS_ENVIRONMENT += LTTNG='$(LTTNG)'; BABELTRACE2='$(BABELTRACE2)'; HAVE_LTTNG='$(HAVE_LTTNG_FLAG)'; \
	HAVE_SDT='$(HAVE_SDT_FLAG)'; HAVE_BPF='$(HAVE_BPF_FLAG)'; export LTTNG BABELTRACE2 HAVE_LTTNG HAVE_SDT HAVE_BPF;

# the cost benchmark (not a test): make trace/bench_trace; see doc/trace.md
EXTRA_PROGRAMS = trace/bench_trace
EXTRA_DIST += trace/bench-off trace/bench-usdt
trace_bench_trace_SOURCES = trace/bench_trace.c
trace_bench_trace_LDADD = libvmlab_core.la $(ZYDIS_LIBS) -lm
CLEANFILES += trace/bench_trace
