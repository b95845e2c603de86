-- Helpers shared by the Lua scripts of tests/lua (one copy; doc/testing.md, "Lua tests").
-- A script loads this file from its own directory, so that it is found in the source
-- tree whatever the build or current directory (out-of-tree builds, make distcheck):
--   local testlib = dofile((arg[0]:match("^(.*/)") or "") .. "testlib.lua")
-- It runs in vmsh and in stock lua5.4 (with vmlab.so on LUA_CPATH).
--
-- Tests (api.lua, mem.lua):
--   testlib.check(name, ok, detail)        count a pass, or print "FAIL: name: detail"
--   testlib.eq(name, got, want)            check got == want
--   testlib.raises(name, pattern, f, ...)  f(...) must raise an error containing pattern
--                                          (plain text, not a Lua pattern)
--   testlib.finish(label)                  print "label: N passed, M failed"; exit 0 only
--                                          when none failed
-- Cost scripts (costs.lua, watch_costs.lua; not tests):
--   testlib.timed_run(opts, prog, args, setup)  a new vm.machine(opts) loads prog with args,
--     setup(m) if given, then m:run() is timed with os.clock() (CPU seconds) and must end
--     in the program's exit; returns the machine and the seconds.
local vm = require "vmlab"
local t = {passes = 0, fails = 0}

function t.check(name, ok, detail)
  if ok then t.passes = t.passes + 1
  else t.fails = t.fails + 1; print("FAIL: " .. name .. (detail and (": " .. tostring(detail)) or "")) end
end

function t.eq(name, got, want)
  t.check(name, got == want, string.format("got %s, want %s", tostring(got), tostring(want)))
end

function t.raises(name, pat, f, ...)
  local ok, err = pcall(f, ...)
  t.check(name, not ok and tostring(err):find(pat, 1, true) ~= nil, ok and "no error" or err)
end

function t.finish(label)
  print(string.format("%s: %d passed, %d failed", label, t.passes, t.fails))
  os.exit(t.fails == 0 and 0 or 1)
end

function t.timed_run(opts, prog, args, setup)
  local m = vm.machine(opts)
  assert(m:load(prog, args))
  if setup then setup(m) end
  local c = os.clock()
  local r = m:run()
  c = os.clock() - c
  assert(r.reason == "exit", r.msg or r.reason)
  return m, c
end

return t
