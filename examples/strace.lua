-- An strace-like system call logger: m:on("syscall") and
-- m:on("syscall_return") see every call with its arguments and result.
--   vmsh examples/strace.lua PROG [ARGS...]   (the log goes to stderr)
local vm = require "vmlab"
local prog = arg[1] or error("usage: vmsh strace.lua PROG [ARGS...]")
local m = vm.machine{}
assert(m:load(prog, table.move(arg, 2, #arg, 1, {})))
local pending
m:on("syscall", function(ev, mm)
  local a = ev.args
  local shown
  if ev.name == "write" then
    local s = mm.mem:read(a[2], math.min(a[3], 24)) or "?"
    shown = string.format("%d, %q%s, %d", a[1], s, a[3] > 24 and "..." or "", a[3])
  elseif ev.name == "openat" then
    shown = string.format("%d, %q, 0x%x", a[1], mm.mem:read_string(a[2]) or "?", a[3])
  else
    shown = string.format("0x%x, 0x%x, 0x%x", a[1], a[2], a[3])
  end
  pending = string.format("%s(%s)", ev.name, shown)
  if ev.name == "exit_group" or ev.name == "exit" then io.stderr:write(pending, " = ?\n") end
end)
m:on("syscall_return", function(ev)
  if ev.name == "exit_group" or ev.name == "exit" then return end
  io.stderr:write(string.format("%s = %d\n", pending, ev.ret))
end)
m:on("exit", function(ev)
  io.stderr:write(string.format("+++ %s +++\n", ev.msg))
end)
local r = m:run()
os.exit(r.reason == "exit" and r.status or 128 + (r.signal or 0))
