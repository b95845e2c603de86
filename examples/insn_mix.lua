-- Instruction-mix histogram: single-step a program, decode every executed
-- instruction with vm.decoder("rv64") and count classes and mnemonics.
--   vmsh examples/insn_mix.lua PROG [ARGS...]
local vm = require "vmlab"
local prog = arg[1] or error("usage: vmsh insn_mix.lua PROG [ARGS...]")
local m = vm.machine{}
assert(m:load(prog, table.move(arg, 2, #arg, 1, {})))
local d = vm.decoder("rv64")
local classes, ops, total = {}, {}, 0
local cache = {}     -- pc -> decoded instruction (code does not change here)
while true do
  local pc = m.cpu.pc
  local i = cache[pc]
  if not i then i = assert(d:decode(m, pc)); cache[pc] = i end
  local r = m:step(1)
  if r.insns == 1 then   -- retired (a faulting instruction is not)
    total = total + 1
    classes[i.class] = (classes[i.class] or 0) + 1
    ops[i.op] = (ops[i.op] or 0) + 1
  end
  if r.reason ~= "step" then break end
end
local function top(t, n)
  local k = {}
  for name, c in pairs(t) do k[#k + 1] = {name, c} end
  table.sort(k, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  return table.move(k, 1, math.min(n, #k), 1, {})
end
print(string.format("%d instructions", total))
print("by class:")
for _, e in ipairs(top(classes, 20)) do
  print(string.format("  %-8s %8d %5.1f%% %s", e[1], e[2], 100 * e[2] / total, string.rep("#", math.floor(50 * e[2] / total + 0.5))))
end
print("top operations:")
for _, e in ipairs(top(ops, 10)) do print(string.format("  %-10s %8d", e[1], e[2])) end
