# lua: the Lua 5.4 module `vmlab` (embedded in vmsh; installed as vmlab.so
# into Lua's cpath), vmsh's Lua mode and REPL, the examples and their tests.
EXTRA_DIST += lua/repl.lua lua/vmsh_lua.h lua/repl.h lua/lvmlab.h

if HAVE_LUA
# The module's code, once, in a convenience library: vmsh links it, and
# vmlab.so is it plus libvmlab_core.
noinst_LTLIBRARIES += lua/libvmlua.la
lua_libvmlua_la_SOURCES = lua/lvmlab.c lua/lmachine.c lua/ldecoder.c lua/lgc.c lua/lvmlab.h
lua_libvmlua_la_CFLAGS = $(AM_CFLAGS) $(LUA_CFLAGS)

luacmod_LTLIBRARIES = lua/vmlab.la
lua_vmlab_la_SOURCES =
lua_vmlab_la_LIBADD = lua/libvmlua.la libvmlab_core.la $(ZYDIS_LIBS) -lm
lua_vmlab_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -export-symbols-regex '^luaopen_vmlab$$'

# vmsh's Lua mode (scripts, -e, the REPL)
noinst_LTLIBRARIES += lua/libvmshlua.la
lua_libvmshlua_la_SOURCES = lua/vmsh_lua.c lua/repl.c lua/repl.h lua/vmsh_lua.h
lua_libvmshlua_la_CFLAGS = $(AM_CFLAGS) $(LUA_CFLAGS) $(READLINE_CFLAGS)
nodist_lua_libvmshlua_la_SOURCES = lua/repl_lua.h
$(lua_libvmshlua_la_OBJECTS): lua/repl_lua.h
lua/repl_lua.h: $(srcdir)/lua/repl.lua
	$(AM_V_GEN)$(MKDIR_P) lua && \
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $(srcdir)/lua/repl.lua >$@.tmp && \
	mv $@.tmp $@
CLEANFILES += lua/repl_lua.h

vmsh_SOURCES += lua/vmsh_lua.h
vmsh_LDADD += lua/libvmshlua.la lua/libvmlua.la libvmlab_core.la -lm $(LUA_LIBS) $(READLINE_LIBS) $(ZYDIS_LIBS)
endif

# tests and examples (tests/lua/, examples/*.lua)
EXTRA_DIST += tests/lua/api.lua tests/lua/run-api tests/lua/run-examples tests/lua/run-module \
	tests/lua/run-repl examples/run_stats.lua examples/sweep.lua examples/engines.lua \
	examples/insn_mix.lua examples/strace.lua examples/breakpoints.lua examples/gc_policy.lua \
	examples/tlb_policy.lua examples/tlb_sweep.lua examples/watch.lua \
	examples/guest/collatz.c examples/guest/fault.c examples/guest/spin.c
TESTS += tests/lua/run-api tests/lua/run-examples tests/lua/run-module tests/lua/run-repl
if HAVE_FORKPTY
check_PROGRAMS += tests/lua/pty_driver
tests_lua_pty_driver_SOURCES = tests/lua/pty_driver.c
tests_lua_pty_driver_LDADD = $(PTY_LIBS)
endif
EXTRA_DIST += tests/lua/costs.lua tests/lua/mem.lua tests/lua/stores.c tests/lua/watch_costs.lua \
	tests/lua/testlib.lua
