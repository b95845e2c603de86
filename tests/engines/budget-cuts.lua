-- budget-cuts.lua PROG MMU TLB_MODE ENGINE [ARGS...]: run PROG under interp and ENGINE
-- in runs of a few budgets each, so that the budget ends inside hot loops, superblocks
-- and back edges, and compare the whole user-visible state after each cut: pc,
-- instret, fflags, every x and f register, the stop reason, and (exact mode) the TLB
-- statistics. Prints "same" or each difference; exits 1 on a difference.
local vm = require "vmlab"
local prog, mmu, mode, engine = arg[1], arg[2], arg[3], arg[4]
local args = {}
for i = 5, #arg do args[#args + 1] = arg[i] end

local function state(m, r)
  local c = m.cpu
  local t = {string.format("pc %x instret %d fflags %d frm %d stop %s", c.pc, c.instret, c.fflags,
                           c.frm, r.reason)}
  for i = 0, 31 do t[#t + 1] = string.format("x%d %x", i, c.x[i]) end
  for i = 0, 31 do t[#t + 1] = string.format("f%d %x", i, c.f[i]) end
  if mmu ~= "bare" and mode == "exact" then
    local s = m:stats()
    for _, lv in ipairs{"l1i", "l1d", "l2"} do
      local l = s.tlb and s.tlb[lv]
      if l then t[#t + 1] = string.format("%s %d/%d/%d", lv, l.accesses, l.hits, l.misses) end
    end
  end
  return t
end

-- AT_RANDOM (the stack guard's source) comes from the host's getrandom: the same
-- 16 bytes for both machines, or registers holding the canary would differ
local function fix_random(m)
  local mem, p = m.mem, m.cpu.sp
  p = p + 8 * (mem:read_u64(p) + 2)               -- past argc, argv[], NULL
  while mem:read_u64(p) ~= 0 do p = p + 8 end       -- envp[]
  p = p + 8
  while true do
    local ty = mem:read_u64(p)
    if ty == 0 then return end
    if ty == 25 then assert(mem:write(mem:read_u64(p + 8), "0123456789abcdef")); return end
    p = p + 16
  end
end

local bad, seed = 0, 4242
for k = 1, 8 do
  seed = (seed * 1103515245 + 12345) % 2147483648
  local n = 5000 + seed % 400000          -- each run's budget
  local st = {}
  for _, e in ipairs{"interp", engine} do
    local m <close> = vm.machine{engine = e, mmu = mmu, tlb_mode = mode}
    m:load(prog, args)
    fix_random(m)
    local r
    for _ = 1, 6 do
      r = m:run{max_insns = n}
      if r.reason ~= "limit" then break end
    end
    st[e] = state(m, r)
  end
  for i = 1, #st.interp do
    if st.interp[i] ~= st[engine][i] then
      bad = bad + 1
      print(string.format("DIFF %s %s/%s budget %d: interp [%s] %s [%s]", prog, mmu, mode, n,
                          st.interp[i], engine, st[engine][i]))
      break
    end
  end
end
print(bad == 0 and "same" or ("differences: " .. bad))
os.exit(bad == 0 and 0 or 1)
