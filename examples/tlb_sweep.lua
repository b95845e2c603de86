-- Sweep the L1 data TLB's size and replacement policy over a program and
-- write the misses as CSV and as an SVG plot (one line per policy).
--   vmsh examples/tlb_sweep.lua PROG OUT_PREFIX [ARGS...]
local vm = require "vmlab"
local prog, out = arg[1], arg[2]
if not (prog and out) then error("usage: vmsh tlb_sweep.lua PROG OUT_PREFIX [ARGS...]") end
local args = table.move(arg, 3, #arg, 1, {})
local sizes = {4, 8, 16, 32, 64}
local policies = {"lru", "plru", "fifo", "random"}
local rows = {}
for _, pol in ipairs(policies) do
  for _, n in ipairs(sizes) do
    local m = vm.machine{tlb = {l1i = "32x4:lru", l1d = string.format("%dx4:%s", n, pol), seed = "1"}}
    assert(m:load(prog, args))
    io.stdout:flush()
    local r = m:run()
    assert(r.reason == "exit", r.msg)
    local l1d = m.mmu.l1d
    rows[#rows + 1] = {policy = pol, entries = n, accesses = l1d.accesses, misses = l1d.misses, mpki = l1d.mpki}
    m:close()
  end
end
local csv = assert(io.open(out .. ".csv", "w"))
csv:write("policy,entries,accesses,misses,mpki\n")
for _, r in ipairs(rows) do
  csv:write(string.format("%s,%d,%d,%d,%.4f\n", r.policy, r.entries, r.accesses, r.misses, r.mpki))
end
csv:close()

local W, H, P = 520, 320, 60
local maxy = 0
for _, r in ipairs(rows) do maxy = math.max(maxy, r.misses) end
local function px(i) return P + (W - 2 * P) * (i - 1) / (#sizes - 1) end
local function py(y) return H - P - (H - 2 * P) * y / math.max(maxy, 1) end
local colors = {lru = "steelblue", plru = "darkorange", fifo = "seagreen", random = "firebrick"}
local svg = assert(io.open(out .. ".svg", "w"))
svg:write(string.format('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">\n', W, H))
svg:write(string.format('<text x="%d" y="20" font-size="14">L1 D-TLB misses vs entries (4-way): %s</text>\n', P, prog:match("[^/]*$")))
svg:write(string.format('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>\n',
                        P, H - P, W - P, H - P, P, P, P, H - P))
for i, n in ipairs(sizes) do svg:write(string.format('<text x="%.1f" y="%d" font-size="10">%d</text>\n', px(i) - 5, H - P + 14, n)) end
svg:write(string.format('<text x="5" y="%d" font-size="10">%d</text>\n', P, maxy))
for k, pol in ipairs(policies) do
  local pts = {}
  for _, r in ipairs(rows) do
    if r.policy == pol then
      for i, n in ipairs(sizes) do if n == r.entries then pts[#pts + 1] = string.format("%.1f,%.1f", px(i), py(r.misses)) end end
    end
  end
  svg:write(string.format('<polyline fill="none" stroke="%s" points="%s"/>\n', colors[pol], table.concat(pts, " ")))
  svg:write(string.format('<text x="%d" y="%d" font-size="11" fill="%s">%s</text>\n', W - P + 5, P + 14 * k, colors[pol], pol))
end
svg:write("</svg>\n")
svg:close()
for _, r in ipairs(rows) do print(string.format("%-6s %3d entries: %7d misses", r.policy, r.entries, r.misses)) end
print("wrote " .. out .. ".csv and " .. out .. ".svg")
