-- Costs of the Lua API (doc/lua-api.md, "Costs"): times m:run() plain, with an
-- event handler, with a watchpoint, and an m:step(1) loop. Not a test (no
-- wall-clock assertions): vmsh tests/lua/costs.lua PROG N
local prog, n = arg[1], arg[2]
local function run(setup)
  local m = vm.machine{}
  assert(m:load(prog, {n}))
  setup(m)
  local t = os.clock()
  local r = m:run()
  t = os.clock() - t
  assert(r.reason == "exit", r.reason)
  return m.insns, t
end
local ins, t0 = run(function() end)
print(string.format("plain m:run: %d insns, %.3f s CPU, %.1f MIPS", ins, t0, ins / t0 / 1e6))
local _, t1 = run(function(m) m:on("syscall", function() end) end)
print(string.format("with a syscall handler: %.3f s CPU", t1))
local _, t2 = run(function(m) m:watch("main") end)
print(string.format("with a watchpoint: %.3f s CPU (%.0fx), %.1f MIPS", t2, t2 / t0, ins / t2 / 1e6))
local m = vm.machine{}; assert(m:load(prog, {n}))
local t = os.clock(); local k = 0
while m:step(1).reason == "step" do k = k + 1 end
t = os.clock() - t
print(string.format("m:step(1) loop: %.3f s CPU, %.2f us per instruction", t, t / k * 1e6))
