-- Breakpoint-driven inspection: stop at every call of a function, print its
-- argument (a0) and the caller, then at its return print the result; watch
-- a global variable change. Uses the symbol table (m:addr, m:symbol).
--   vmsh examples/breakpoints.lua PROG FUNCTION [GLOBAL] [-- ARGS...]
local vm = require "vmlab"
local prog, fn, global = arg[1], arg[2], arg[3]
if not (prog and fn) then error("usage: vmsh breakpoints.lua PROG FUNCTION [GLOBAL] [-- ARGS...]") end
local args = {}
for i = 1, #arg do if arg[i] == "--" then args = table.move(arg, i + 1, #arg, 1, {}) break end end
if global == "--" then global = nil end
local m = vm.machine{}
assert(m:load(prog, args))
local entry = assert(m:addr(fn))
m:breakpoint(fn)
print(string.format("%s at 0x%x", fn, entry))
local hits = 0
while true do
  local r = m:run()
  if r.reason ~= "breakpoint" then print("program: " .. r.reason .. " " .. (r.status or r.msg)) break end
  hits = hits + 1
  local a0, ra = m.cpu.a0, m.cpu.ra
  m:run{until_pc = ra}                     -- run to the return address
  print(string.format("%s(%d) called from %s returned %d", fn, a0, m:symbol(ra) or "?", m.cpu.a0))
  if hits >= 5 then
    m:remove_breakpoint(fn)
    if global then
      local g = assert(m:addr(global))
      m:watch(g, 8)
      local w = m:run()
      print(string.format("watch %s: %s %d -> %d at %s", global, w.reason, w.old or -1, w.new or -1,
                          m:symbol(w.pc) or "?"))
      m:remove_watch(g)
    end
  end
end
