-- Who writes this variable? Watch a global of the program, print every change
-- with the instruction that made it, then where the variable lives: its
-- translation (a probe: no TLB access) and its value read back by physical
-- address. Watchpoints cost nothing for stores to other pages.
--   vmsh examples/watch.lua PROG GLOBAL [MAX_CHANGES=5] [-- ARGS...]
local vm = require "vmlab"
local prog, global = arg[1], arg[2]
if not (prog and global) then error("usage: vmsh watch.lua PROG GLOBAL [MAX_CHANGES] [-- ARGS...]") end
local max = tonumber(arg[3] ~= "--" and arg[3] or nil) or 5
local args = {}
for i = 1, #arg do if arg[i] == "--" then args = table.move(arg, i + 1, #arg, 1, {}) break end end

local m = vm.machine{}
assert(m:load(prog, args))
local addr = assert(m:addr(global))
m:watch(addr, 8)
local dec = vm.decoder("rv64")
local changes = 0
while true do
  local r = m:run()
  if r.reason ~= "watchpoint" then print("program: " .. r.reason .. " " .. (r.status or r.msg)) break end
  changes = changes + 1
  local insn = dec:decode(m, r.write_pc)
  print(string.format("%s: %d -> %d by %s (%s) after %d instructions", global, r.old, r.new,
                      m:symbol(r.write_pc) or vm.hex(r.write_pc), insn and insn.text or "?", m.insns))
  if changes >= max then
    m:remove_watch(addr)
    local t = assert(m.mmu:lookup(addr))
    print(string.format("%s at %s: physical %s, %d-byte page %s, %s in the L1 D-TLB", global, vm.hex(addr),
                        vm.hex(t.pa), t.page_size, t.perms, t.tlb.l1d and "held" or "not held"))
    print(string.format("read by physical address: %d", m.mem.phys:read_i64(t.pa)))
  end
end
