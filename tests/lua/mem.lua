-- Tests of the machine's memory features in the Lua API, on every engine and
-- memory mode: watchpoints (stores, atomics, system calls; exact pc and
-- instruction count; unchanged TLB statistics), m.mmu:lookup / translate,
-- m.mem.phys, vm.machine{mem=}, vm.engines().
--   vmsh tests/lua/mem.lua STORES COLLATZ      (tests/lua/stores.c, examples/guest/collatz.c)
local vm = require "vmlab"
local STORES, COLLATZ = arg[1], arg[2]
assert(STORES and COLLATZ, "usage: mem.lua STORES COLLATZ")

local testlib = dofile((arg[0]:match("^(.*/)") or "") .. "testlib.lua")
local check, eq, raises = testlib.check, testlib.eq, testlib.raises

-- {==== vm.engines() ====
local engines = vm.engines()
check("engines", #engines >= 2 and engines[1] == "interp" and engines[2] == "threaded", table.concat(engines, ","))
do
  local m = vm.machine{}
  for _, e in ipairs(engines) do m.engine = e; eq("engine " .. e, m.engine, e) end
  raises("engine list in error", "available: " .. table.concat(engines, ", "), function() m.engine = "warp" end)
  raises("ctor engine list", "available: interp, threaded", vm.machine, {engine = "warp"})
end

-- {==== vm.machine{mem=} ====
eq("mem 512M", vm.machine{mem = "512M"}.mem.phys.size, 512 << 20)
eq("mem 4G", vm.machine{mem = "4G"}.mem.phys.size, 4 << 30)
eq("mem 64MiB", vm.machine{mem = "64MiB"}.mem.phys.size, 64 << 20)
eq("mem bytes", vm.machine{mem = 16 << 20}.mem.phys.size, 16 << 20)
eq("mem bytes string", vm.machine{mem = tostring(8 << 20)}.mem.phys.size, 8 << 20)
eq("mem default", vm.machine{}.mem.phys.size, 64 << 30)
eq("mem bare default", vm.machine{mmu = "bare"}.mem.phys.size, nil)
eq("mem bare", vm.machine{mmu = "bare", mem = "32M"}.mem.phys.size, 32 << 20)
raises("mem bad unit", "option 'mem': '12X' is not a size", vm.machine, {mem = "12X"})
raises("mem empty", "option 'mem': '' is not a size", vm.machine, {mem = ""})
raises("mem negative", "option 'mem': '-1G' is not a size", vm.machine, {mem = "-1G"})
raises("mem float", "option 'mem': 1.5 is not a positive number", vm.machine, {mem = 1.5})
raises("mem zero", "option 'mem': 0 is not a positive number", vm.machine, {mem = 0})
raises("mem type", "option 'mem' must be a number of bytes or a string", vm.machine, {mem = {}})
raises("mem unaligned", "option 'mem': 5000000 bytes: must be a multiple of 4 KiB", vm.machine, {mem = 5000000})
raises("mem small", "option 'mem': 1048576 bytes: must be a multiple of 4 KiB from 4 MiB to 1 TiB", vm.machine, {mem = "1M"})
raises("mem huge", "from 4 MiB to 1 TiB", vm.machine, {mem = "2T"})
raises("mem overflow", "is not a size", vm.machine, {mem = "99999999999999999999G"})
do -- too little memory for the stack (8 MiB): a result, not a crash
  for _, mmu in ipairs{"sv39", "bare"} do
    local m = vm.machine{mmu = mmu, mem = "4M"}
    local ok, err = m:load(COLLATZ)
    check("mem too small " .. mmu, ok == nil and type(err) == "string" and err:find("memory", 1, true), err)
  end
  local m = vm.machine{mem = "16M"}
  assert(m:load(COLLATZ, {"20"}))
  eq("mem 16M runs", m:run().reason, "exit")
  check("stats mapped within 16M", m:stats().mapped_pages * 4096 <= 16 << 20)
end

local function loaded(opts, prog, args)
  local m = vm.machine(opts)
  assert(m:load(prog or STORES, args or {"40", "pipe"}))
  return m
end

-- {==== every engine and memory mode ====
local modes = {{name = "exact", opts = {}}, {name = "fast", opts = {tlb_mode = "fast"}},
               {name = "bare", opts = {mmu = "bare"}}, {name = "2m", opts = {pages = "2m"}}}
for _, e in ipairs(engines) do
  for _, mode in ipairs(modes) do
    local tag = e .. "/" .. mode.name .. ": "
    local function opts() local o = {engine = e}; for k, v in pairs(mode.opts) do o[k] = v end; return o end

    -- a plain store: stops after it, old and new values, exact count
    local m = loaded(opts())
    local counter = m:addr("counter")
    eq(tag .. "watch", m:watch("counter"), counter)
    local r = m:run()
    check(tag .. "store hit", r.reason == "watchpoint" and r.addr == counter and r.old == 0 and r.new == 1, r.msg)
    local insn = vm.decoder("rv64"):decode(m, r.write_pc)
    check(tag .. "write_pc is the store", insn and insn.class == "store" and insn.addr + insn.length == r.pc,
          insn and insn.text)
    -- the same point reached by instruction count alone
    local ref = loaded(opts())
    local rr = ref:run{max_insns = m.insns}
    check(tag .. "exact count", rr.reason == "limit" and ref.pc == m.pc and ref.mem:read_u64(counter) == 1,
          string.format("%s pc %x vs %x", rr.reason, ref.pc, m.pc))
    local same = true
    for i = 1, 31 do same = same and ref.cpu.x[i] == m.cpu.x[i] end
    check(tag .. "same registers", same)
    r = m:run()
    check(tag .. "second hit", r.reason == "watchpoint" and r.old == 1 and r.new == 2, r.msg)
    -- an atomic add (amoadd.d): stops after it
    eq(tag .. "remove", m:remove_watch("counter"), true)
    local aw = m:addr("atomic_word")
    m:watch(aw)
    r = m:run()
    insn = vm.decoder("rv64"):decode(m, r.write_pc)
    check(tag .. "amo hit", r.reason == "watchpoint" and r.addr == aw and r.new == r.old + 1 and insn.class == "amo"
          and insn.addr + insn.length == r.pc, r.msg)
    m:remove_watch(aw)
    -- a floating-point store (c.fsd): 0.0 is written first (no change), then 0.5
    m:watch("fvalue")
    r = m:run()
    insn = vm.decoder("rv64"):decode(m, r.write_pc)
    check(tag .. "fp store hit", r.reason == "watchpoint" and r.old == 0 and r.new == 0x3fe0000000000000
          and insn.class == "fstore" and insn.addr + insn.length == r.pc, r.msg)
    m:remove_watch("fvalue")
    -- one misaligned store across two pages: seen from either page
    local cross = m:addr("cross")
    m:watch(cross + 4096, 4)
    m:watch(cross + 4088, 8)
    r = m:run()
    insn = vm.decoder("rv64"):decode(m, r.write_pc)
    check(tag .. "page-crossing store", r.reason == "watchpoint" and insn.class == "store" and
          insn.addr + insn.length == r.pc and ((r.addr == cross + 4096 and r.new == 0x11223344) or
          (r.addr == cross + 4088 and r.new == 0x5566778800000000)), r.msg)
    -- both watches changed: the first in the list is reported, `changed` has both
    local c = r.changed or {}
    check(tag .. "changed lists both", #c == 2 and c[1].addr == cross + 4096 and c[1].new == 0x11223344
          and c[2].addr == cross + 4088 and c[2].new == 0x5566778800000000 and c[2].old == 0, #c)
    m:remove_watch(cross + 4096)
    m:remove_watch(cross + 4088)
    -- a system call (read() into counter) stops after the ecall
    m:watch(counter)
    repeat r = m:run() until r.reason ~= "watchpoint" or r.new == 12345
    insn = r.write_pc and vm.decoder("rv64"):decode(m, r.write_pc)
    check(tag .. "syscall hit", r.reason == "watchpoint" and r.new == 12345 and insn and insn.mnemonic == "ecall"
          and r.pc == r.write_pc + 4, r.msg)
    r = m:run()
    check(tag .. "exit after", r.reason == "exit" and r.status == 0, r.msg)

    -- a watch that never hits, on the page of the hot stores and elsewhere:
    -- same result, and in exact mode the very same TLB statistics
    local plain = loaded(opts())
    local rp = plain:run()
    local w = loaded(opts())
    w:watch("hot", 8) -- hot.a[0] is written...
    w:remove_watch("hot")
    w:watch(w:addr("hot") + 4000) -- ...hot.untouched is not
    w:watch("elsewhere")
    local rw = w:run()
    check(tag .. "never hits", rw.reason == "exit" and rp.reason == "exit" and w.insns == plain.insns, rw.msg)
    if mode.name ~= "bare" then
      -- exact: the same accesses; fast: the stores to the watched page are
      -- served by the slow path's one-entry cache, the model sees the same
      local a, b = plain:stats().tlb, w:stats().tlb
      for _, lv in ipairs{"l1i", "l1d", "l2"} do
        if a[lv] then
          check(tag .. "tlb " .. lv .. " unchanged", a[lv].accesses == b[lv].accesses
                and a[lv].misses == b[lv].misses and a[lv].hits == b[lv].hits,
                string.format("%d/%d vs %d/%d", a[lv].accesses, a[lv].misses, b[lv].accesses, b[lv].misses))
        end
      end
      eq(tag .. "walks unchanged", w:stats().walks.count, plain:stats().walks.count)
    end
    -- hits do not change the statistics either (exact and fast): stores retire
    -- once; an atomic that hits is fetched and translated twice (doc), so
    -- only the plain store is watched here
    if mode.name ~= "bare" then
      local h = loaded(opts())
      h:watch(counter)
      local nhits = 0
      repeat local rh = h:run(); nhits = nhits + (rh.reason == "watchpoint" and 1 or 0) until rh.reason ~= "watchpoint"
      local a, b = plain:stats(), h:stats()
      local same = nhits == 41 and a.insns == b.insns
      for _, lv in ipairs{"l1i", "l1d", "l2"} do
        same = same and a.tlb[lv].accesses == b.tlb[lv].accesses and a.tlb[lv].misses == b.tlb[lv].misses
      end
      check(tag .. "hits keep the statistics", same and a.walks.count == b.walks.count,
            string.format("%d hits; l1d %d/%d vs %d/%d", nhits, a.tlb.l1d.accesses, a.tlb.l1d.misses,
                          b.tlb.l1d.accesses, b.tlb.l1d.misses))
    end
    -- a write by the debugger is not a hit (old: the value when the run began)
    m = loaded(opts())
    m:watch(counter)
    m.mem:write_u64(counter, 7)
    local nsys = 0
    m:on("syscall", function(_, mm) nsys = nsys + 1; mm.mem:write_u64(counter, 9) end)
    r = m:run()
    check(tag .. "debugger writes ignored", r.reason == "watchpoint" and r.old == 7 and r.new == 1 and nsys > 0
          and vm.decoder("rv64"):decode(m, r.write_pc).class == "store", r.msg)
    m:on("syscall", nil)
    -- watches survive m:load
    m:load(STORES, {"3"})
    r = m:run()
    check(tag .. "watch after load", r.reason == "watchpoint" and r.new == 1, r.msg)

    -- m.mmu:lookup / translate, m.mem.phys
    m = loaded(opts())
    m:run{until_pc = "printf"}
    local main = m:addr("main")
    local t = m.mmu:lookup(main)
    check(tag .. "lookup code", t and t.perms == "r-x" and t.va == main and t.level >= 0, t and t.perms)
    local d = m.mmu:lookup(counter)
    check(tag .. "lookup data", d and d.perms == "rw-" and (d.pa & 0xfff) == (counter & 0xfff), d and d.perms)
    if mode.name == "bare" then
      check(tag .. "bare: pa == va", d.pa == counter and d.page_size == 4096 and not d.tlb.l1d, d.pa)
    else
      check(tag .. "lookup a/d", d.accessed and d.dirty)
      eq(tag .. "page size", d.page_size, mode.name == "2m" and d.level == 1 and 2 << 20 or 4096)
      if mode.name ~= "2m" then
        -- the probe changes nothing the TLB model counts
        local before = m:stats().tlb
        for _ = 1, 10 do m.mmu:lookup(counter); m.mmu:translate(main, "x") end
        local after = m:stats().tlb
        check(tag .. "lookup is a probe", before.l1d.accesses == after.l1d.accesses and before.l2.accesses == after.l2.accesses
              and m:stats().walks.count == m:stats().walks.count)
        check(tag .. "in tlb", d.tlb.l1d or d.tlb.l2)
        m.mmu:flush()
        local f = m.mmu:lookup(counter)
        check(tag .. "flushed", not f.tlb.l1d and not f.tlb.l1i and not f.tlb.l2)
      end
    end
    eq(tag .. "translate", m.mmu:translate(counter, "w"), d.pa)
    eq(tag .. "translate x", m.mmu:translate(main, "x"), t.pa)
    local nx, nxe = m.mmu:translate(counter, "x")
    check(tag .. "translate not executable", nx == nil and nxe:find("not executable", 1, true), nxe)
    local nw, nwe = m.mmu:translate("main", "w")
    check(tag .. "translate not writable", nw == nil and nwe:find("not writable", 1, true), nwe)
    local nm, nme = m.mmu:lookup(0x10)
    check(tag .. "lookup unmapped", nm == nil and nme:find("0x10 is not mapped", 1, true), nme)
    raises(tag .. "translate access", "invalid option 'q'", m.mmu.translate, m.mmu, main, "q")
    local phys = m.mem.phys
    eq(tag .. "phys same object", m.mem.phys, phys)
    check(tag .. "phys tostring", tostring(phys):find("physical", 1, true))
    eq(tag .. "phys read", phys:read_u64(d.pa), m.mem:read_u64(counter))
    eq(tag .. "phys code", phys:read(t.pa, 16), m.mem:read(main, 16))
    eq(tag .. "phys write", phys:write_u64(d.pa, 0x1122334455667788), true)
    eq(tag .. "phys write seen virtually", m.mem:read_u64(counter), 0x1122334455667788)
    eq(tag .. "phys i8", phys:read_i8(d.pa), 0x88 - 256)
    phys:write_string(d.pa, "hi")
    eq(tag .. "phys string", phys:read_string(d.pa), "hi")
    raises(tag .. "phys no symbols", "physical address", phys.read, phys, "main", 4)
    if mode.name == "bare" then
      local z, ze = phys:read(0x10, 4)
      check(tag .. "bare phys unmapped", z == nil and ze:find("physical = virtual", 1, true), ze)
    else
      local size = phys.size
      local z, ze = phys:read(size, 1)
      check(tag .. "phys beyond", z == nil and ze:find("beyond", 1, true), ze)
      eq(tag .. "phys unallocated reads zero", phys:read_u64(size - 4096), 0)
      local fw, fwe = phys:write_u64(size - 4096, 1)
      check(tag .. "phys free frame", fw == nil and fwe:find("not in a frame in use", 1, true), fwe)
      check(tag .. "phys page 0", phys:write_u8(0, 1) == nil)
    end
    -- code written physically is seen by every engine (translations dropped)
    local rs = m:run()
    eq(tag .. "runs on after phys writes", rs.reason, "exit")
  end
end

-- lifetimes: m.mem.phys keeps its machine alive; a closed machine's view raises
do
  local m = vm.machine{}
  assert(m:load(COLLATZ, {"5"}))
  local pa = m.mmu:translate(m.cpu.sp)
  local argc = m.mem:read_u64(m.cpu.sp)
  local phys = m.mem.phys
  m = nil
  collectgarbage(); collectgarbage()
  eq("phys view keeps the machine", phys:read_u64(pa), argc)
  local m2 = vm.machine{}
  local p2, mmu2 = m2.mem.phys, m2.mmu
  m2:close()
  raises("phys of a closed machine", "this machine is closed", function() return p2:read_u64(0) end)
  raises("lookup on a closed machine", "this machine is closed", function() return mmu2:lookup(0) end)
  check("closed phys tostring", tostring(p2):find("vmlab.mem", 1, true))
end

-- fine tracing (the engines that emit mem_*): a store that hits keeps its mem_write event
for _, e in ipairs{"interp", "threaded"} do
  local function writes(watch)
    local m = vm.machine{engine = e}
    assert(m:load(STORES, {"3"}))
    local n, at = 0, 0
    m:on("mem_write", function(ev) n = n + 1; if ev.vaddr == m:addr("counter") then at = at + 1 end end)
    if watch then m:watch("counter") end
    repeat local r = m:run() until r.reason ~= "watchpoint"
    return n, at
  end
  local n0, a0 = writes(false)
  local n1, a1 = writes(true)
  check(e .. ": mem_write events with a watchpoint", n0 == n1 and a0 == a1 and a0 == 3, string.format("%d/%d vs %d/%d", n0, a0, n1, a1))
end

-- a physical write to code changes what runs (the engines drop their translations)
for _, e in ipairs(engines) do
  local m = vm.machine{engine = e}
  assert(m:load(COLLATZ, {"5"}))
  local steps = m:addr("collatz_steps")
  m:breakpoint(steps)
  m:run()                       -- the first call
  m:remove_breakpoint(steps)
  local ra = m.cpu.ra
  m:run{until_pc = ra}          -- it ran (translated, on the caching engines) and returned
  local real = m.cpu.a0
  -- `li a0,7; ret` (c.li a0,7 = 0x451d; c.jr ra = 0x8082), written by physical address only
  assert(m.mem.phys:write(m.mmu:translate(steps, "x"), "\x1d\x45\x82\x80"))
  local r = m:run{until_pc = ra} -- the second call runs the new code
  check(e .. ": phys write to code runs", r.reason == "until" and m.cpu.a0 == 7 and real == 0,
        string.format("%s, a0 = %d (first call: %d)", r.reason, m.cpu.a0, real))
  eq(e .. ": then exits", m:run().reason, "exit")
end

testlib.finish("mem.lua")
