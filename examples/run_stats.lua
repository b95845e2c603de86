-- Run a program on a vmlab machine and print its statistics (the same
-- document as vmsh --stats, as a Lua table).
--   vmsh examples/run_stats.lua PROG [ARGS...]
local vm = require "vmlab"
local prog = arg[1] or error("usage: vmsh run_stats.lua PROG [ARGS...]")
local m = vm.machine{}
assert(m:load(prog, table.move(arg, 2, #arg, 1, {})))
local r = m:run()
io.write(string.format("stopped: %s (%s)\n", r.reason, r.msg))
local st = m:stats()
local keys = {}
for k, v in pairs(st) do if type(v) ~= "table" then keys[#keys + 1] = k end end
table.sort(keys)
for _, k in ipairs(keys) do io.write(string.format("%-14s %s\n", k, tostring(st[k]))) end
