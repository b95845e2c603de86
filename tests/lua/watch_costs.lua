-- Costs of watchpoints (doc/lua-api.md, "Costs"): tests/lua/stores.c run
-- plain, with a watchpoint on a page no store touches (`elsewhere`), and with
-- one on the never-written word `hot.untouched` of the page that every store
-- of the hot loop writes (all of them then take the slow path); none of the
-- watchpoints ever hits. Best of 3 CPU times per cell. Not a test (no
-- wall-clock assertions):
--   vmsh tests/lua/watch_costs.lua STORES [ROUNDS=20000] [TLB_MODE=exact]
local prog, rounds, mode = arg[1], arg[2] or "20000", arg[3] or "exact"
assert(prog, "usage: watch_costs.lua STORES [ROUNDS] [exact|fast|bare]")
local testlib = dofile((arg[0]:match("^(.*/)") or "") .. "testlib.lua")

local function run(engine, setup)
  local best, insns = math.huge, nil
  for _ = 1, 3 do
    local opts = {engine = engine}
    if mode == "bare" then opts.mmu = "bare" else opts.tlb_mode = mode end
    local m, t = testlib.timed_run(opts, prog, {rounds}, setup)
    insns = m.insns
    if t < best then best = t end
  end
  return insns, best
end

print(string.format("%s, %s rounds, tlb mode %s", prog, rounds, mode))
print("| engine | plain | watch on another page | watch on the stores' page |")
print("| --- | --- | --- | --- |")
-- vm.engines() is new: a vmsh from before it (to measure the old single-stepping watchpoints) gets the list
local engines = vm.engines and vm.engines() or {"interp", "threaded", "jit"}
for _, e in ipairs(engines) do
  local n, t0 = run(e, function() end)
  local _, t1 = run(e, function(m) m:watch("elsewhere") end)
  local _, t2 = run(e, function(m) m:watch(m:addr("hot") + 4000) end)
  print(string.format("| %s | %.3f s (%.0f MIPS) | %.3f s (%.2fx) | %.3f s (%.2fx) |", e, t0, n / t0 / 1e6,
                      t1, t1 / t0, t2, t2 / t0))
end
