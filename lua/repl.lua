-- vmsh REPL support, compiled into vmsh (lua/repl_lua.h): the pretty
-- printer, the debugger-style commands, tab completion of Lua names and the
-- help text. The C side (lua/repl.c) reads lines, keeps history, decides
-- what is a complete chunk and calls in here. The current machine is the
-- global `m` (the `load` command sets it), so Lua and commands share it.
local vm = require "vmlab"
local R = {}

-- {==== pretty printing =================================================

local function is_ident(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
end

local function key_str(k)
  if is_ident(k) then return k end
  if math.type(k) == "integer" then return "[" .. k .. "]" end
  return "[" .. R.pp(k, 0, {}) .. "]"
end

local function cmp_keys(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

-- A readable rendering of v: integers >= 4096 also in hex (addresses),
-- tables sorted and indented, objects by their __tostring.
function R.pp(v, depth, seen)
  depth = depth or 0
  seen = seen or {}
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if math.type(v) == "integer" then
    if v >= 4096 or v < -4096 then return string.format("%d (0x%x)", v, v) end
    return tostring(v)
  end
  if t ~= "table" then return tostring(v) end
  local mt = getmetatable(v)
  if mt and mt.__tostring then return tostring(v) end
  if seen[v] then return "<cycle>" end
  if depth >= 4 then return "{...}" end
  seen[v] = true
  local n = #v
  local keys = {}
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, cmp_keys)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = R.pp(v[i], depth + 1, seen) end
  for _, k in ipairs(keys) do parts[#parts + 1] = key_str(k) .. " = " .. R.pp(v[k], depth + 1, seen) end
  seen[v] = nil
  if #parts == 0 then return "{}" end
  local one = "{ " .. table.concat(parts, ", ") .. " }"
  if #one <= 72 and not one:find("\n") then return one end
  local pad = string.rep("  ", depth + 1)
  return "{\n" .. pad .. table.concat(parts, ",\n" .. pad) .. "\n" .. string.rep("  ", depth) .. "}"
end

function R.show(...)
  local n = select("#", ...)
  if n == 0 then return end
  local out = {}
  for i = 1, n do out[i] = R.pp((select(i, ...))) end
  print(table.concat(out, "\t"))
end

-- }====

-- {==== debugger commands ================================================

local function machine()
  local mm = rawget(_G, "m")
  if type(mm) ~= "userdata" or not tostring(mm):match("^vmlab%.machine") then
    error("no machine: 'load PROG [ARGS...]' first (or set the global m)", 0)
  end
  if not mm.loaded then error("no program loaded: 'load PROG [ARGS...]'", 0) end
  return mm
end

local function hex(v) return string.format("0x%x", v) end

local function symof(mm, a)
  local s = mm:symbol(a)
  return s and (" <" .. s .. ">") or ""
end

-- An address on the command line: a number, a register name, a symbol, or
-- (in parentheses) a Lua expression.
local function addr_of(mm, s)
  if s == nil then return nil end
  local n = math.tointeger(tonumber(s))
  if n then return n end
  if s:sub(1, 1) == "(" then
    local f, err = load("return " .. s, "=addr", "t", _G)
    if not f then error(err, 0) end
    return math.tointeger(f()) or error("not an integer address: " .. s, 0)
  end
  local ok, v = pcall(function() return mm.cpu[s] end)
  if ok and math.type(v) == "integer" then return v end
  local a, err = mm:addr(s)
  if not a then error(err, 0) end
  return a
end

local dec

local function insn_line(mm, a, mark)
  dec = dec or vm.decoder("rv64")
  local i, err = dec:decode(mm, a)
  if not i then return string.format("   %s: %s", hex(a), err), 2 end
  local bytes = i.bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end)
  local tgt = i.target_symbol and (" <" .. i.target_symbol .. ">") or ""
  return string.format("%s %s%s: %-8s  %s%s", mark and "=>" or "  ", hex(a), symof(mm, a),
                       bytes, i.text, tgt), i.length, i
end

function R.describe(r, mm)
  local s = r.msg or r.reason
  if r.reason == "exit" then s = "exited with status " .. r.status
  elseif r.reason == "breakpoint" or r.reason == "until" or r.reason == "step"
      or r.reason == "watchpoint" or r.reason == "interrupted" or r.reason == "limit" then
    local where = insn_line(mm, r.pc, true)
    local what = r.reason == "watchpoint"
      and string.format("watchpoint %s: %s -> %s", hex(r.addr), hex(r.old), hex(r.new))
      or (r.reason == "step" and nil) or r.msg
    for k = 2, r.changed and #r.changed or 0 do
      local c = r.changed[k]
      what = what .. string.format("\nwatchpoint %s: %s -> %s", hex(c.addr), hex(c.old), hex(c.new))
    end
    if what then print(what) end
    return where .. string.format("   (%d insns)", r.insns)
  end
  return s .. string.format("   (%d insns)", r.insns)
end

local C = {}
local order = {}
local function cmd(names, usage, help, fn)
  for _, n in ipairs(names) do C[n] = {usage = usage, help = help, fn = fn, name = names[1]} end
  order[#order + 1] = names[1]
end

local function words(s)
  local w = {}
  for x in s:gmatch("%S+") do w[#w + 1] = x end
  return w
end

cmd({"load"}, "load PROG [ARGS...]", "load a riscv64 program into the current machine m (made if needed)",
  function(a)
    if not a[1] then error("usage: load PROG [ARGS...]", 0) end
    local mm = rawget(_G, "m")
    if type(mm) ~= "userdata" or not tostring(mm):match("^vmlab%.machine") then
      mm = vm.machine{}
      rawset(_G, "m", mm)
    end
    local args = table.move(a, 2, #a, 1, {})
    local ok, err = mm:load(a[1], args)
    if not ok then error(err, 0) end
    local main = mm:addr("main")
    print(string.format("loaded %s: pc %s%s%s", a[1], hex(mm.cpu.pc), symof(mm, mm.cpu.pc),
                        main and (", main at " .. hex(main)) or ""))
  end)

cmd({"run", "r", "continue", "c"}, "run [N]", "run until the program ends, a breakpoint or watchpoint, N instructions, or Ctrl-C",
  function(a)
    local mm = machine()
    local r = mm:run{max_insns = a[1] and math.tointeger(tonumber(a[1])) or nil}
    print(R.describe(r, mm))
  end)

cmd({"step", "s", "stepi", "si"}, "step [N]", "execute N (default 1) instructions",
  function(a)
    local mm = machine()
    local n = a[1] and math.tointeger(tonumber(a[1])) or 1
    print(R.describe(mm:step(n), mm))
  end)

cmd({"next", "n", "nexti", "ni"}, "next", "one instruction, stepping over calls (jal/jalr that link ra)",
  function()
    local mm = machine()
    local pc = mm.cpu.pc
    local _, len, i = insn_line(mm, pc)
    local r
    if i and (i.op == "jal" or i.op == "jalr") and i.rd == 1 then
      r = mm:run{until_pc = pc + len}
    else
      r = mm:step(1)
    end
    print(R.describe(r, mm))
  end)

cmd({"regs", "info"}, "regs", "the pc and the integer registers",
  function()
    local mm = machine()
    local c = mm.cpu
    print(string.format("pc   %016x%s", c.pc, symof(mm, c.pc)))
    local names = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2",
                   "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
                   "s10", "s11", "t3", "t4", "t5", "t6"}
    for i = 0, 31, 4 do
      local row = {}
      for j = i, i + 3 do row[#row + 1] = string.format("%-4s %016x", names[j + 1], c.x[j]) end
      print(table.concat(row, "  "))
    end
  end)

cmd({"x"}, "x ADDR [N]", "dump N (default 64) bytes of guest memory at ADDR (number, register, symbol or (expr))",
  function(a)
    local mm = machine()
    local addr = addr_of(mm, a[1] or error("usage: x ADDR [N]", 0))
    local n = a[2] and math.tointeger(tonumber(a[2])) or 64
    for off = 0, n - 1, 16 do
      local k = math.min(16, n - off)
      local s, err = mm.mem:read(addr + off, k)
      if not s then print(err) break end
      local hx = s:gsub(".", function(ch) return string.format("%02x ", ch:byte()) end)
      local asc = s:gsub("[^%g ]", ".")
      print(string.format("%s: %-48s %s", hex(addr + off), hx, asc))
    end
  end)

cmd({"dis", "disassemble"}, "dis [ADDR] [N]", "disassemble N (default 10) instructions at ADDR (default pc)",
  function(a)
    local mm = machine()
    local addr = a[1] and addr_of(mm, a[1]) or mm.cpu.pc
    local n = a[2] and math.tointeger(tonumber(a[2])) or 10
    local pc = mm.cpu.pc
    for _ = 1, n do
      local line, len, i = insn_line(mm, addr, addr == pc)
      print(line)
      if not i then break end
      addr = addr + len
    end
  end)

cmd({"break", "b"}, "break [SYMBOL|ADDR]", "set a breakpoint (no argument: list them)",
  function(a)
    local mm = machine()
    if not a[1] then
      for _, b in ipairs(mm:breakpoints()) do print(hex(b) .. symof(mm, b)) end
      return
    end
    local b = mm:breakpoint(addr_of(mm, a[1]))
    print("breakpoint at " .. hex(b) .. symof(mm, b))
  end)

cmd({"delete", "d"}, "delete SYMBOL|ADDR", "remove a breakpoint or watchpoint",
  function(a)
    local mm = machine()
    local addr = addr_of(mm, a[1] or error("usage: delete SYMBOL|ADDR", 0))
    if not (mm:remove_breakpoint(addr) or mm:remove_watch(addr)) then
      print("no breakpoint or watchpoint at " .. hex(addr))
    end
  end)

cmd({"watch", "w"}, "watch ADDR [LEN]", "stop when LEN (default 8) bytes at ADDR change (no argument: list them)",
  function(a)
    local mm = machine()
    if not a[1] then
      for _, w in ipairs(mm:watches()) do print(string.format("%s len %d = %s", hex(w.addr), w.len, hex(w.value))) end
      return
    end
    local w = mm:watch(addr_of(mm, a[1]), a[2] and math.tointeger(tonumber(a[2])) or 8)
    print("watchpoint at " .. hex(w) .. symof(mm, w))
  end)

cmd({"tlb"}, "tlb [flush]", "the TLB model's statistics table (or flush every TLB)",
  function(a)
    local mm = machine()
    if mm.mmu.mode == "bare" then print("no TLB: the machine's MMU is bare") return end
    if a[1] == "flush" then mm.mmu:flush() print("TLBs flushed") return end
    mm.mmu:print()
  end)

cmd({"stats"}, "stats", "the machine's statistics (the --stats document)",
  function() print(R.pp(machine():stats())) end)

cmd({"engine"}, "engine [NAME]", "show or switch the execution engine (and list the engines)",
  function(a)
    local mm = rawget(_G, "m")
    local list = "engines: " .. table.concat(vm.engines(), ", ")
    if type(mm) ~= "userdata" then
      if a[1] then error("no machine: 'load PROG' first", 0) end
      print(list)
      return
    end
    if a[1] then mm.engine = a[1] end
    print("engine " .. mm.engine .. " (" .. list .. ")")
  end)

cmd({"lookup"}, "lookup ADDR", "translate a virtual address: physical address, page, permissions, TLB levels holding it",
  function(a)
    local mm = machine()
    local addr = addr_of(mm, a[1] or error("usage: lookup ADDR", 0))
    local t, err = mm.mmu:lookup(addr)
    if not t then print(err) return end
    local held = {}
    for _, lv in ipairs{"l1i", "l1d", "l2"} do if t.tlb[lv] then held[#held + 1] = lv end end
    print(string.format("%s%s -> pa %s  page %s (level %d)  %s%s%s  tlb: %s", hex(addr), symof(mm, addr), hex(t.pa),
                        t.page_size >= 1 << 20 and (t.page_size >> 20) .. " MiB" or (t.page_size >> 10) .. " KiB",
                        t.level, t.perms, t.accessed and " A" or "", t.dirty and " D" or "",
                        #held > 0 and table.concat(held, " ") or "-"))
  end)

local topics = {
  lua = [[
Lua: anything that is not a command is Lua. A bare expression or '=expr'
prints its value; an incomplete chunk continues on the next line ('>>').
The module is the global vm (also require "vmlab"); the current machine is m.
  m = vm.machine{engine="interp"}   m:load("prog", {"arg"})   m:run{max_insns=1e6}
  m.cpu.pc  m.cpu.a0  m.cpu.x[10]   m.mem:read_u64(m.cpu.sp)  m:addr("main")
  d = vm.decoder("rv64")  for i in d:iter(m, m.cpu.pc, 5) do print(i) end
Full reference: doc/lua-api.md.]],
  keys = [[
Tab completes Lua names (globals, fields, methods after '.' or ':') and file
names inside a string or after 'load'. Up/Down walk the history, kept in
~/.vmsh_history (or $VMSH_HISTORY). Ctrl-C at the prompt clears the line;
during a run it stops the guest and returns to the prompt. Ctrl-D quits.]],
}

function R.help(topic)
  if topic and C[topic] then
    print(C[topic].usage .. "\n  " .. C[topic].help)
    return
  end
  if topic and topics[topic] then print(topics[topic]) return end
  if topic then print("no help on '" .. topic .. "'; try 'help'") return end
  print("commands (the current machine is m):")
  for _, n in ipairs(order) do print(string.format("  %-22s %s", C[n].usage, C[n].help)) end
  print("  help [COMMAND|lua|keys]")
  print("Everything else is Lua; 'help lua' shows how.")
end
cmd({"help", "?"}, "help [TOPIC]", "this help", function(a) R.help(a[1]) end)
order[#order] = nil -- help is listed by hand

-- Is this line a command (rather than Lua)? Its first word names one and is
-- not followed by something that makes it Lua (an assignment, a call, an
-- index or an operator).
function R.is_command(line)
  local w, rest = line:match("^%s*([%a?]+)(.*)$")
  if not w or not C[w] then return false end
  if rest == "" or rest:match("^%s*$") then return true end
  if not rest:match("^%s") then return false end
  local nxt = rest:match("^%s*(.)")
  return not (nxt == "=" or nxt == "(" or nxt == "." or nxt == ":" or nxt == "[" or nxt == "{"
              or rest:match("^%s*[%+%-%*/%%^<>~=]=?%s") or rest:match("^%s*%.%."))
end

function R.command(line)
  local a = words(line)
  local name = table.remove(a, 1)
  C[name].fn(a)
end

-- After Ctrl-C stopped a run: where the machine is.
function R.where()
  local mm = rawget(_G, "m")
  if type(mm) == "userdata" and tostring(mm):match("^vmlab%.machine") and mm.loaded then
    print((insn_line(mm, mm.cpu.pc, true)))
  end
end

-- }====

-- {==== completion =======================================================

local keywords = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
                  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
                  "true", "until", "while"}

local props = {
  ["vmlab.machine"] = {"cpu", "mem", "mmu", "engine", "insns", "pc", "loaded", "program"},
  ["vmlab.mmu"] = {"mode", "pages", "tlb_mode", "config", "levels", "l1i", "l1d", "l2", "pwc"},
  ["vmlab.mem"] = {"phys"},
  ["vmlab.cpu"] = {"pc", "x", "f", "fd", "csr", "regs", "zero", "ra", "sp", "gp", "tp", "t0",
                   "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2",
                   "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
                   "fflags", "frm", "fcsr", "cycle", "instret"},
  ["vmlab.decoder"] = {"isa"},
  ["vmlab.gc.heap"] = {"collector", "roots"},
  ["vmlab.gc.object"] = {"nrefs", "nbytes", "shape", "size", "address"},
}

local function fields(v, methods_only)
  local out, seen = {}, {}
  local function add(k, val)
    if type(k) == "string" and is_ident(k) and not seen[k] and (not methods_only or type(val) == "function") then
      seen[k] = true
      out[#out + 1] = k
    end
  end
  if type(v) == "table" then
    for k, val in pairs(v) do add(k, val) end
  end
  local mt = getmetatable(v)
  if type(mt) == "table" then
    local idx = rawget(mt, "__index")
    if type(idx) == "table" then for k, val in pairs(idx) do add(k, val) end end
    local methods = rawget(mt, "methods")
    if type(methods) == "table" then for k, val in pairs(methods) do add(k, val) end end
    if not methods_only then
      for _, k in ipairs(props[rawget(mt, "__name")] or {}) do add(k, true) end
    end
    if rawget(mt, "__name") == "vmlab.cpu" then add("regs", mt.regs) end
  end
  return out
end

-- Candidates for the word being completed ("m.cpu.p", "m:ru", "pri").
function R.complete(word, at_start)
  local out = {}
  local base, sep, part = word:match("^(.*)([%.:])([%w_]*)$")
  if base then
    local v = _G
    for name in base:gmatch("[^%.]+") do
      if not is_ident(name) then return out end
      local ok, nv = pcall(function() return v[name] end)
      if not ok or nv == nil then return out end
      v = nv
    end
    for _, k in ipairs(fields(v, sep == ":")) do
      if k:sub(1, #part) == part then out[#out + 1] = base .. sep .. k end
    end
  else
    for _, k in ipairs(fields(_G)) do
      if k:sub(1, #word) == word then out[#out + 1] = k end
    end
    for _, k in ipairs(keywords) do
      if k:sub(1, #word) == word then out[#out + 1] = k end
    end
    if at_start then
      for k in pairs(C) do
        if #k > 2 and k:sub(1, #word) == word then out[#out + 1] = k end
      end
    end
  end
  table.sort(out)
  local uniq = {}
  for i, k in ipairs(out) do if k ~= out[i - 1] then uniq[#uniq + 1] = k end end
  return uniq
end

-- }====

return R
