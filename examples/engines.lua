-- Compare the execution engines on one program: retired instructions must
-- be identical (the interpreter is the oracle); speed is what differs.
--   vmsh examples/engines.lua PROG [ARGS...]
local vm = require "vmlab"
local prog = arg[1] or error("usage: vmsh engines.lua PROG [ARGS...]")
local args = table.move(arg, 2, #arg, 1, {})
local ref
for _, name in ipairs(vm.engines()) do -- the engines this vmlab was built with
  local m = vm.machine{engine = name}
  assert(m:load(prog, args))
  io.stdout:flush()
  local r = m:run()
  local st = m:stats()
  ref = ref or st.insns
  print(string.format("%-9s %s status=%s insns=%d mips=%.1f %s", name, r.reason, tostring(r.status),
                      st.insns, st.mips, st.insns == ref and "same" or "DIFFERENT"))
end
