-- A TLB replacement policy written in Lua (slow: for prototyping, then port
-- it to C as mem/tlb_*.c). This one is LRU, so the L1 data TLB must miss
-- exactly as often as with the built-in C LRU on the same program.
--   vmsh examples/tlb_policy.lua PROG [ARGS...]
local vm = require "vmlab"
local prog = arg[1] or error("usage: vmsh tlb_policy.lua PROG [ARGS...]")
local args = table.move(arg, 2, #arg, 1, {})
local spec = {l1i = "32x4:lru", l1d = "16x4:lru"}

local function run(policy)
  local m = vm.machine{tlb = spec}
  assert(m:load(prog, args))
  if policy then m.mmu:set_policy("l1d", policy) end
  io.stdout:flush()
  local r = m:run()
  assert(r.reason == "exit", r.msg)
  return m.mmu.l1d
end

-- LRU: every way remembers when it was last used; the victim is the oldest.
local function lru()
  local age, tick = {}, 0
  local function touch(set, way)
    tick = tick + 1
    age[set] = age[set] or {}
    age[set][way] = tick
  end
  return {
    hit = touch,
    fill = touch,
    victim = function(set, ways)
      local a, v = age[set] or {}, 0
      for w = 1, ways - 1 do if (a[w] or 0) < (a[v] or 0) then v = w end end
      return v
    end,
  }
end

local c = run(nil)
local l = run(lru())
print(string.format("C   lru: %d accesses, %d misses, %d evictions", c.accesses, c.misses, c.evictions))
print(string.format("Lua lru: %d accesses, %d misses, %d evictions (policy %s)", l.accesses, l.misses,
                    l.evictions, l.policy))
print(c.misses == l.misses and c.evictions == l.evictions and "same misses" or "DIFFERENT")
