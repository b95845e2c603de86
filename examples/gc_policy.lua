-- The GC lab from Lua: a heap, a binary tree built and dropped, and the
-- adaptive collector's policy replaced by a Lua function that logs what it
-- sees and picks mark-sweep once survival is high.
--   vmsh examples/gc_policy.lua [DEPTH]
local vm = require "vmlab"
local depth = tonumber(arg[1]) or 12
local h = vm.gc.heap{collector = "adaptive", max_heap = 64 << 20}
local decisions = 0
h:set_policy(function(s)
  decisions = decisions + 1
  if s.collections % 4 == 0 then
    print(string.format("policy: %s after %d collections, survival %.2f", s.collector, s.collections, s.survival))
  end
  if s.survival > 0.5 then return "marksweep" end
end)
local function tree(d)
  local node = h:alloc(2, 8)
  if d > 0 then node:set(1, tree(d - 1)); node:set(2, tree(d - 1)) end
  return node
end
local function count(node)
  if not node then return 0 end
  return 1 + count(node:get(1)) + count(node:get(2))
end
local keep = tree(depth)
for _ = 1, 8 do tree(depth - 2) end      -- garbage
collectgarbage()                         -- drop Lua's handles to it
h:collect(true)
print(string.format("tree of depth %d: %d nodes", depth, count(keep)))
local st = h:stats()
print(string.format("collector now %s, %d collections, policy called %d times", h.collector,
                    st.collections, decisions))
