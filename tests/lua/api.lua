-- Lua API tests of the vmlab module: every method, its error cases, and
-- object lifetimes under collectgarbage(). Runs in vmsh and in stock lua5.4.
--   vmsh tests/lua/api.lua COLLATZ FAULT       (guest programs, static)
local vm = require "vmlab"
local COLLATZ, FAULT = arg[1], arg[2]
local ENGINE = vm.defaults.engine or "interp"  -- vmsh --engine=NAME runs it all on NAME
assert(COLLATZ and FAULT, "usage: api.lua COLLATZ FAULT")

local testlib = dofile((arg[0]:match("^(.*/)") or "") .. "testlib.lua")
local check, eq, raises = testlib.check, testlib.eq, testlib.raises

local function loaded(path, args)
  local m = vm.machine{}
  assert(m:load(path or COLLATZ, args or {"10"}))
  return m
end

-- {==== module ====
eq("version", type(vm.version), "string")
eq("hex", vm.hex(255), "0xff")
eq("hex big", vm.hex(-1), "0xffffffffffffffff")
raises("hex arg", "expected an integer", vm.hex, {})

-- {==== vm.machine ====
local m = vm.machine{}
check("tostring unloaded", tostring(m):find("no program", 1, true))
raises("unknown key", "unknown option 'frobnicate'", vm.machine, {frobnicate = 1})
eq("mem key", vm.machine{mem = 1 << 30}.mem.phys.size, 1 << 30)
raises("tlb type", "option 'tlb' must be a string or a table", vm.machine, {tlb = 5})
raises("tlb spec", "TLB spec 'bogus'", vm.machine, {tlb = "bogus"})
raises("tlb level type", "level 'l1d' must be a string", vm.machine, {tlb = {l1d = {}}})
raises("shadow type", "option 'shadow_tlbs' must be a table", vm.machine, {shadow_tlbs = "x"})
raises("mmu bad", "mmu", vm.machine, {mmu = "sv57"})
raises("engine type", "option 'engine' must be a string", vm.machine, {engine = 3})
raises("bad engine", "no such engine", vm.machine, {engine = "warp"})
raises("strict type", "option 'strict' must be a boolean", vm.machine, {strict = 1})
raises("not a table", "table expected", vm.machine, 5)
raises("run unloaded", "no program loaded", m.run, m)
raises("step unloaded", "no program loaded", m.step, m)
raises("field", "no field or method 'nope'", function() return m.nope end)
raises("set field", "cannot be set", function() m.insns = 3 end)
raises("tlb field", "the TLB levels are in m.mmu", function() return m.tlb end)

-- {==== load ====
local ok, err = m:load("/nonexistent/prog")
check("load missing", ok == nil and err:find("/nonexistent/prog", 1, true), err)
ok, err = m:load("/bin/sh")
check("load x86", ok == nil and err:find("x86-64", 1, true), err)
raises("load args", "element 1 is a table", m.load, m, COLLATZ, {{}})
raises("load opts", "unknown option 'envv'", m.load, m, COLLATZ, {}, {envv = {}})
raises("load env", "option 'env' must be a table", m.load, m, COLLATZ, {}, {env = "x"})
eq("load ok", m:load(COLLATZ, {"10"}, {env = {"A=1", B = "2"}}), m)
check("loaded", m.loaded and m.program == COLLATZ)
check("tostring loaded", tostring(m):find("pc=0x", 1, true))
eq("no insns yet", m.insns, 0)

-- {==== symbols ====
local syms = m:symbols()
check("symbols", #syms > 100, #syms)
local main = m:addr("main")
check("addr main", math.type(main) == "integer" and main > 0)
local found
for _, s in ipairs(syms) do if s.name == "main" then found = s end end
check("symbols main", found and found.addr == main and found.type == "func" and found.global and found.size > 0)
local na, nerr = m:addr("no_such_symbol")
check("addr missing", na == nil and nerr:find("no symbol 'no_such_symbol'", 1, true))
eq("symbol", m:symbol(main + 4), "main+4")
eq("symbol exact", m:symbol(main), "main")
eq("entry is _start", m:symbol(m.cpu.pc), "_start")

-- {==== cpu ====
local cpu = m.cpu
check("cpu tostring", tostring(cpu):find("vmlab.cpu", 1, true))
eq("same cpu object", m.cpu, cpu)
check("sp", cpu.sp > 0 and cpu.sp == cpu.x[2] and cpu.x2 == cpu.sp and cpu.x.sp == cpu.sp)
eq("zero", cpu.zero, 0)
cpu.x[0] = 5
eq("x0 stays 0", cpu.x[0], 0)
cpu.a0 = 0x1234
eq("a0 set", cpu.x[10], 0x1234)
cpu.x[11] = -1
eq("a1 -1", cpu.a1, -1)
eq("fp is s0", cpu.fp, cpu.s0)
cpu.fd[1] = 1.5
eq("fd", cpu.fd.ft1, 1.5)
eq("f bits", cpu.f1, 0x3ff8000000000000)
eq("f by name", cpu.ft1, 0x3ff8000000000000)
cpu.frm = 2
eq("frm", cpu.csr.frm, 2)
eq("fcsr by number", cpu.csr[3], 2 << 5)
eq("instret", cpu.instret, 0)
eq("csr unknown number", cpu.csr[0x300], nil)
raises("cycle ro", "read-only", function() cpu.cycle = 1 end)
raises("no register", "no register or field 'nope'", function() return cpu.nope end)
raises("x[32]", "no register 32", function() return cpu.x[32] end)
raises("set bad value", "expected an integer", function() cpu.a0 = {} end)
eq("#x", #cpu.x, 32)
local regs = cpu:regs()
check("regs()", regs.sp == cpu.sp and regs.pc == cpu.pc and regs.zero == 0)
cpu.a0 = 0; cpu.a1 = 0; cpu.frm = 0

-- {==== mem ====
local mem = m.mem
local buf = cpu.sp - 256
eq("write", mem:write(buf, "hello\0world"), true)
eq("read", mem:read(buf, 5), "hello")
eq("read_string", mem:read_string(buf), "hello")
eq("read_string max", mem:read_string(buf, 3), "hel")
eq("write_string", mem:write_string(buf, "abc"), true)
eq("read after write_string", mem:read(buf, 4), "abc\0")
mem:write_u32(buf, 0xdeadbeef)
eq("u32", mem:read_u32(buf), 0xdeadbeef)
eq("i32", mem:read_i32(buf), -559038737)
eq("u8", mem:read_u8(buf), 0xef)
eq("i8", mem:read_i8(buf), -17)
eq("u16", mem:read_u16(buf), 0xbeef)
mem:write_u64(buf, -2)
eq("u64", mem:read_u64(buf), -2)
mem:write(buf, string.pack("<d", 2.25))
eq("f64", mem:read_f64(buf), 2.25)
local r0, e0 = mem:read(0, 4)
check("unmapped read", r0 == nil and e0:find("not readable", 1, true), e0)
local w0, we = mem:write(0x10, "x")
check("unmapped write", w0 == nil and we:find("not writable", 1, true), we)
raises("read bad addr", "expected an integer", mem.read, mem, {}, 4)
raises("read bad n", "n: must be", mem.read, mem, buf, -1)
eq("read by symbol", #mem:read("main", 4), 4)
eq("read addr string", mem:read(string.format("0x%x", buf), 8), mem:read(buf, 8))
local text0 = mem:read(main, 4)
local wt, wte = mem:write(main, "\0\0\0\0")
check("text not writable", wt == nil and wte ~= nil)
eq("force write", mem:write(main, text0, true), true)

-- {==== step, run ====
local pc0 = cpu.pc
local r = m:step(1)
check("step", r.reason == "step" and r.insns == 1 and cpu.pc ~= pc0, r.reason)
r = m:step(3)
eq("step 3", r.insns, 3)
raises("step 0", "n: must be at least 1", m.step, m, 0)
r = m:run{max_insns = 1000}
check("limit", r.reason == "limit" and r.insns == 1000 and r.msg:find("1000", 1, true), r.reason)
raises("run bad key", "unknown option 'bogus'", m.run, m, {bogus = 1})
raises("run negative", "must not be negative", m.run, m, {max_insns = -1})
raises("run until bad", "no symbol 'nope'", m.run, m, {until_pc = "nope"})
r = m:run{until_pc = "main"}
check("until", r.reason == "until" and r.pc == main, r.reason)
local bp = m:breakpoint("collatz_steps")
eq("breakpoint addr", bp, m:addr("collatz_steps"))
r = m:run()
check("breakpoint", r.reason == "breakpoint" and r.pc == bp, r.reason)
eq("arg 1", cpu.a0, 1)
r = m:run()
check("breakpoint again", r.reason == "breakpoint" and cpu.a0 == 2)
local bps = m:breakpoints()
check("breakpoints()", #bps == 1 and bps[1] == bp)
eq("remove", m:remove_breakpoint(bp), true)
eq("remove again", m:remove_breakpoint(bp), false)
raises("breakpoint bad", "no symbol 'nope'", m.breakpoint, m, "nope")
-- watchpoint on the global `calls`
local calls = m:addr("calls")
eq("watch", m:watch("calls", 8), calls)
r = m:run()
check("watchpoint", r.reason == "watchpoint" and r.addr == calls and r.old == 1 and r.new == 2, r.reason)
eq("watches", m:watches()[1].value, 2)
eq("remove_watch", m:remove_watch(calls), true)
raises("watch len", "len: must be 1..8", m.watch, m, calls, 9)
r = m:run()
check("exit", r.reason == "exit" and r.status == 0, r.reason)
local st = m:stats()
check("stats", st.insns == m.insns and st.stop == "exit" and st.exit_code == 0 and st.program == COLLATZ
      and st.engine == ENGINE and st.syscalls > 0)
r = m:run()
eq("run after exit", r.reason, "exit")

-- {==== engines ====
eq("engine", m.engine, ENGINE)
m.engine = "interp"
eq("engine switched", m.engine, "interp")
m.engine = ENGINE
raises("engine bad", "no such engine", function() m.engine = "warp" end)
local eo, eoerr = m:engine_option("no-such-option", "1")
check("engine_option unknown", eo == nil and type(eoerr) == "string", eoerr)
raises("engine_option args", "string expected", m.engine_option, m, "dump")

-- {==== events ====
m = loaded()
local names, writes, exited = {}, 0, nil
m:on("syscall", function(ev, mm)
  names[#names + 1] = ev.name
  check("syscall ev machine", mm == m)
  check("syscall args", #ev.args == 6)
end)
m:on("syscall_return", function(ev) if ev.name == "write" then writes = ev.ret end end)
eq("on returns previous", m:on("exit", function(ev) exited = ev.status end), nil)
r = m:run()
check("events ran", r.reason == "exit" and names[#names] == "exit_group", names[#names])
check("write seen", writes > 10, writes)
eq("exit event", exited, 0)
raises("on bad event", "unknown event 'bogus' (events: syscall, syscall_return, exit, fault, insn,", m.on, m, "bogus", print)
raises("on gc event", "unknown event 'gc_start'", m.on, m, "gc_start", print)
-- tracer events (vmlab/trace_events.def)
m = loaded()
local ninsn, nmiss, sysx, first_miss = 0, 0, 0, nil
m:on("insn", function() ninsn = ninsn + 1 end)
m:on("tlb_miss", function(ev) nmiss = nmiss + 1; first_miss = first_miss or ev end)
m:on("syscall_exit", function(ev) sysx = sysx + 1 end)
r = m:run()
-- insn and mem_* come from the interpreter only, so far (doc/trace.md)
check("trace insn", r.reason == "exit" and (ninsn == m.insns or ENGINE ~= "interp"), ninsn)
check("trace tlb_miss", nmiss > 0 and first_miss.event == "tlb_miss" and math.type(first_miss.vpn) == "integer", nmiss)
eq("trace syscall_exit", sysx, m:stats().syscalls)
eq("trace off returns previous", type(m:on("insn", nil)), "function")
m = loaded()
m:on("syscall_exit", function() error("trace boom") end)
raises("trace handler error", "trace boom", m.run, m)
m:on("syscall_exit", nil)
eq("after trace error", m:run().reason, "exit")
raises("on bad fn", "function expected", m.on, m, "exit", 5)
m = loaded()
local inner
m:on("syscall", function(_, mm)
  inner = {pcall(mm.run, mm)}
  mm.cpu.t6 = 7                      -- registers may change
  return true
end)
r = m:run()
check("no run inside a handler", r.reason == "hook" and not inner[1] and tostring(inner[2]):find("not allowed while the machine runs", 1, true), inner[2])
eq("register set by handler", m.cpu.t6, 7)
m:on("syscall", function(_, mm) mm:close() end)
raises("no close inside a handler", "not allowed while the machine runs", m.run, m)
m:on("syscall", function(_, mm) mm:load(COLLATZ) end)
raises("no load inside a handler", "not allowed while the machine runs", m.run, m)
m = loaded()
m:on("syscall", function(ev) return ev.name == "write" end)
r = m:run()
eq("hook stop", r.reason, "hook")
m:on("syscall", function() error("boom") end)
raises("handler error", "event handler failed", m.run, m)
m:on("syscall", nil)
r = m:run()
eq("runs on after handler error", r.reason, "exit")

-- {==== faults ====
m = loaded(FAULT, {})
local fault
m:on("fault", function(ev) fault = ev end)
r = m:run()
check("fault result", r.reason == "fault" and r.signal == 11 and r.addr == 0x10 and r.signame == "SEGV"
      and r.disasm:find("lw", 1, true), r.reason)
check("fault event", fault and fault.signal == 11 and fault.addr == 0x10 and fault.pc == r.pc)
eq("fault stats", m:stats().exit_code, 139)


-- {==== m.mmu ====
m = vm.machine{tlb = {l1i = "32x4:lru", l1d = "16x2:fifo"}, shadow_tlbs = {"l1d=64x4:lru"}}
assert(m:load(COLLATZ, {"50"}))
local mmu = m.mmu
eq("mmu same object", m.mmu, mmu)
eq("mmu mode", mmu.mode, "sv39")
eq("mmu config", mmu.config, "l1d=16x2:fifo,l1i=32x4:lru")
eq("mmu levels", table.concat(mmu.levels, ","), "l1i,l1d")
eq("mmu pages", mmu.pages, "4k")
check("mmu tostring", tostring(mmu):find("l1d=16x2:fifo", 1, true))
r = m:run()
local l1d = mmu.l1d
check("l1d stats", l1d.entries == 16 and l1d.ways == 2 and l1d.policy == "fifo" and l1d.accesses > 0
      and l1d.hits + l1d.misses == l1d.accesses, l1d.policy)
local ms = mmu:stats()
check("mmu:stats", ms.tlb.l1i.accesses > 0 and ms.walks.count > 0 and #ms.shadow == 1)
mmu:flush()
check("flush counted", mmu.l1d.flushes >= 1)
raises("mmu field bad", "no field or method 'nope'", function() return mmu.nope end)
raises("set_policy level", "invalid option 'l3'", mmu.set_policy, mmu, "l3", print)
raises("set_policy absent", "no TLB level l2", mmu.set_policy, mmu, "l2", function() return 0 end)
raises("set_policy arg", "policy:", mmu.set_policy, mmu, "l1d", 5)
raises("set_policy table", "needs a victim function", mmu.set_policy, mmu, "l1d", {})
-- a Lua victim function, errors, restoring the built-in policy
m = vm.machine{tlb = "l1d=4x2:lru"}
assert(m:load(COLLATZ, {"20"}))
local asked, badargs = 0, 0
m.mmu:set_policy("l1d", function(set, ways, clock)
  asked = asked + 1
  if not (set == 0 or set == 1) or ways ~= 2 or math.type(clock) ~= "integer" then badargs = badargs + 1 end
  return 0
end)
eq("policy named lua", m.mmu.l1d.policy, "lua")
r = m:run{max_insns = 20000}
check("lua victim asked", asked > 0 and asked == m.mmu.l1d.evictions, asked)
eq("victim args", badargs, 0)
m.mmu:set_policy("l1d", function() return 9 end)
raises("victim out of range", "victim must return a way in 0..1", m.run, m)
m.mmu:set_policy("l1d", nil)
eq("policy restored", m.mmu.l1d.policy, "lru")
eq("runs after policy error", m:run().reason, "exit")
do
  local bm = vm.machine{mmu = "bare"}
  assert(bm:load(COLLATZ, {"3"}))
  bm:run()
  eq("bare mode", bm.mmu.mode, "bare")
  eq("bare no levels", #bm.mmu.levels, 0)
end

-- {==== decoder ====
local d = vm.decoder("rv64")
eq("decoder isa", d.isa, "rv64")
check("decoder tostring", tostring(d):find("rv64", 1, true))
local i = d:decode("\x13\x05\x15\x00")
check("addi", i.mnemonic == i.text:match("^%S+") and i.length == 4 and i.class == "alu" and i.op == "addi"
      and i.operands[1] == "a0" and i.operands[3] == "1" and i.rd == 10 and i.imm == 1, i.text)
check("insn tostring", tostring(i):find("13051500", 1, true))
i = d:decode("\x05\x05")
check("c.addi", i.length == 2 and i.op == "addi", i.text)
i = d:decode("\xef\x00\x00\x01", 0x1000)
check("jal target", i.op == "jal" and i.class == "jump" and i.target == 0x1010, i.text)
i = d:decode("\x63\x04\xb5\x00", 0x2000)
check("beq target", i.class == "branch" and i.target == 0x2008, i.text)
local ld = d:decode("\x03\x35\x81\x00")
check("ld operands", ld.op == "ld" and ld.operands[2] == "8(sp)", ld.text)
local n = 0
for ins in d:iter("\x13\x05\x15\x00\x05\x05\x13\x05\x15\x00", 0x100) do n = n + 1; check("iter addr", ins.addr >= 0x100) end
eq("iter count", n, 3)
local bad, berr = d:decode("\x13\x05")
check("truncated", bad == nil and berr:find("incomplete", 1, true), berr)
m = loaded()
i = d:decode(m, m:addr("main"))
check("decode machine", i and i.addr == m:addr("main"))
n = 0
for _ in d:iter(m, m:addr("main"), 5) do n = n + 1 end
eq("iter machine", n, 5)
raises("decode machine no addr", "an address in the machine is needed", d.decode, d, m)
raises("decode bad src", "expected a string of bytes or a machine", d.decode, d, {})
raises("bad isa", "unknown ISA 'arm'", vm.decoder, "arm")
local okx, x = pcall(vm.decoder, "x86_64")
if okx then
  i = x:decode("\x48\x89\xe5")
  check("x86 mov", i.mnemonic == "mov" and i.length == 3 and i.operands[1] == "rbp" and i.operands[2] == "rsp", i.text)
  i = x:decode("\xe8\x00\x00\x00\x00", 0x1000)
  check("x86 call", i.class == "call" and i.target == 0x1005, i.class)
  i = x:decode("\x74\x02", 0x10)
  check("x86 jcc", i.class == "branch" and i.target == 0x14, i.class)
  check("x86 bad", x:decode("\x0f") == nil)
  i = x:decode("\x48\x8b\x45\x50")
  check("x86 mem operand", i.operands[1] == "rax" and i.operands[2]:find("[rbp+0x50]", 1, true), i.text)
  eq("x86 other class", i.class, "other")
else
  print("note: x86_64 decoder not built: " .. tostring(x))
end

-- {==== lifetimes ====
do
  local mm = loaded()
  local c, me = mm.cpu, mm.mem
  local xv = c.x
  mm = nil
  collectgarbage(); collectgarbage()
  check("cpu outlives machine ref", c.sp > 0 and xv[2] == c.sp)
  check("mem outlives machine ref", #me:read(c.sp, 8) == 8)
end
do
  local mm = loaded()
  local c = mm.cpu
  mm:close()
  raises("closed cpu", "closed", function() return c.pc end)
  raises("closed machine", "closed", mm.run, mm)
  check("closed tostring", tostring(mm):find("closed", 1, true))
  mm:close() -- twice is fine
end
for _ = 1, 30 do local mm = loaded(); mm:step(10) end
collectgarbage(); collectgarbage()
check("many machines", true)
do
  local mm <close> = loaded()
  mm:step(1)
end

-- {==== GC heap ====
local h = vm.gc.heap{collector = "marksweep"}
check("heap tostring", tostring(h):find("marksweep", 1, true))
eq("collector", h.collector, "marksweep")
raises("heap unknown key", "unknown option 'size'", vm.gc.heap, {size = 1})
raises("heap bad collector", "unknown collector 'lazy'", vm.gc.heap, {collector = "lazy"})
raises("heap bad marking", "unknown barrier 'cms'", vm.gc.heap, {marking = "cms"})
do -- incremental update: a list built while marking runs survives
  local hi = vm.gc.heap{collector = "incremental", marking = "iu", verify = true}
  local head = hi:alloc(1)
  for _ = 1, 20000 do
    local n = hi:alloc(1)
    n:set(1, head)
    head = n
  end
  hi:collect(true)
  local len, p = 0, head
  while p do len, p = len + 1, p:get(1) end
  eq("iu list", len, 20001)
  eq("iu verify", hi:verify(), true)
end
local a = h:alloc(2, 16, 7)
check("alloc", a.nrefs == 2 and a.nbytes == 16 and a.shape == 7 and a.size == 8 + 16 + 16)
local b = h:alloc(0, 8)
a:set(1, b)
check("get eq", a:get(1) == b and a:get(2) == nil)
raises("slot range", "not in 1..2", a.get, a, 3)
a:write(0, "12345678")
eq("bytes", a:read(0, 8), "12345678")
raises("bytes range", "do not fit", a.write, a, 12, "12345")
h:collect(true)
eq("survives collect", a:get(1):read(), "\0\0\0\0\0\0\0\0")
for _, kind in ipairs{"semispace", "generational", "incremental", "adaptive", "marksweep"} do
  h:switch(kind)
  check("switch " .. kind, a:get(1) == b and a:read(0, 8) == "12345678")
end
raises("switch bad", "unknown collector 'x'", h.switch, h, "x")
eq("verify", h:verify(), true)
local hs = h:stats()
check("heap stats", hs.collections >= 1 and hs.alloc_objects >= 2 and hs.switches == 5)
local roots0 = h.roots
b = nil
collectgarbage(); collectgarbage()
check("handles are roots", h.roots < roots0, h.roots)
a:release()
raises("released", "released", a.get, a, 1)
local hq = vm.gc.heap{collector = "adaptive"}
local seen
hq:set_policy(function(s) seen = s end)
hq:alloc(0, 64)
hq:collect(true)
check("policy input", seen and type(seen.throughput_of) == "table" and seen.collections >= 1
      and type(seen.collector) == "string" and seen.tenures_of.marksweep ~= nil, seen)
-- every field of vm_gc_policy_input (include/vmlab/gc.h), with its Lua type
for k, t in pairs{collector = "string", collections = "number", since_switch = "number",
                  survival = "number", survival_avg = "number", survival_min = "number",
                  survival_max = "number", last_pause_ns = "number", max_pause_ns = "number",
                  gc_share = "number", alloc_rate = "number", live = "number", heap = "number",
                  max_heap = "number", pause_target_ns = "number", alloc_since_switch = "number",
                  throughput = "number", throughput_of = "table", tenures_of = "table",
                  out_of_memory = "boolean", out_of_memory_of = "table"} do
  check("policy input field " .. k, seen and type(seen[k]) == t, seen and seen[k])
end
check("policy input out_of_memory", seen and seen.out_of_memory == false
      and seen.out_of_memory_of.generational == 0 and seen.out_of_memory_of.marksweep == 0, seen)
-- 100 x 20000 bytes fit a 2 MiB heap under mark-sweep, not beside generational's
-- smallest nursery: the policy is called with out_of_memory, and its switch lets the
-- allocation succeed
local ho = vm.gc.heap{collector = "adaptive", max_heap = 2 << 20, growth = 0}
local oom
ho:set_policy(function(s) if s.out_of_memory then oom = s; return "marksweep" end end)
local big = {}
for i = 1, 100 do big[i] = ho:alloc(0, 20000) end
check("policy out_of_memory", #big == 100 and oom and oom.out_of_memory == true
      and oom.collector == "generational" and oom.out_of_memory_of.generational == 1
      and ho.collector == "marksweep", oom)
big = nil
local hp = vm.gc.heap{collector = "adaptive"}
hp:set_policy(function() error("policy boom") end)
local keep = hp:alloc(1, 0)
raises("policy error", "gc policy or event handler failed", function()
  for _ = 1, 100000 do hp:alloc(0, 64) end
  hp:collect(true)
end)
hp:set_policy(nil)
check("heap after policy error", keep.nrefs == 1)
hp:set_policy(function() hp:alloc(0, 8) end)
raises("no alloc in policy", "the heap is collecting", hp.collect, hp, true)
hp:set_policy(nil)
local hev = vm.gc.heap{collector = "generational"}
local kinds = {}
eq("h:on first", hev:on("gc", function(ev) kinds[ev.kind] = (kinds[ev.kind] or 0) + 1 end), nil)
hev:alloc(1, 8)
hev:collect(true)
check("gc events", (kinds.start or 0) >= 1 and kinds.start == kinds["end"], kinds.start)
raises("h:on bad", "invalid option 'gcx'", hev.on, hev, "gcx", print)
hev:on("gc", function() error("ev boom") end)
raises("gc event error", "ev boom", hev.collect, hev, true)
hev:on("gc", nil)
eq("collect after event error", hev:collect(true), true)
local dead = vm.gc.heap{}
local obj = dead:alloc(0, 8)
dead = nil
collectgarbage(); collectgarbage()
eq("object keeps heap", obj.nbytes, 8)

testlib.finish(string.format("api.lua (%s)", ENGINE))
