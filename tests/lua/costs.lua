-- Costs of the Lua API (doc/lua-api.md, "Costs"): times m:run() plain, with an
-- event handler, with a watchpoint, an m:step(1) loop, and a Lua TLB policy. Not a test (no
-- wall-clock assertions): vmsh tests/lua/costs.lua PROG N
local prog, n = arg[1], arg[2]
local testlib = dofile((arg[0]:match("^(.*/)") or "") .. "testlib.lua")
local function run(setup)
  local m, t = testlib.timed_run({}, prog, {n}, setup)
  return m.insns, t
end
local ins, t0 = run(function() end)
print(string.format("plain m:run: %d insns, %.3f s CPU, %.1f MIPS", ins, t0, ins / t0 / 1e6))
local _, t1 = run(function(m) m:on("syscall", function() end) end)
print(string.format("with a syscall handler: %.3f s CPU", t1))
local _, t2 = run(function(m) m:watch("main") end)
print(string.format("with a watchpoint (on main: a page no store writes): %.3f s CPU (%.1fx), %.1f MIPS", t2, t2 / t0, ins / t2 / 1e6))
local m = vm.machine{}; assert(m:load(prog, {n}))
local t = os.clock(); local k = 0
while m:step(1).reason == "step" do k = k + 1 end
t = os.clock() - t
print(string.format("m:step(1) loop: %.3f s CPU, %.2f us per instruction", t, t / k * 1e6))

-- a TLB replacement policy in Lua (LRU) against the C LRU, on a small L1 D-TLB
local function tlbrun(policy)
  local mm, t = testlib.timed_run({tlb = {l1i = "32x4:lru", l1d = "16x4:lru"}}, prog, {n},
                                  policy and function(m) m.mmu:set_policy("l1d", policy) end)
  return t, mm.mmu.l1d
end
local age, tick = {}, 0
local function touch(set, way) tick = tick + 1; age[set] = age[set] or {}; age[set][way] = tick end
local tc, lc = tlbrun(nil)
local tl, ll = tlbrun({hit = touch, fill = touch, victim = function(set, ways)
  local a, v = age[set] or {}, 0
  for w = 1, ways - 1 do if (a[w] or 0) < (a[v] or 0) then v = w end end
  return v
end})
print(string.format("TLB l1d=16x4: C lru %.3f s, Lua lru %.3f s (%.0fx); misses %d and %d",
                    tc, tl, tl / tc, lc.misses, ll.misses))
