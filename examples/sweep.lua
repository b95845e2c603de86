-- Sweep a program's input size and write the retired instructions as CSV and
-- as an SVG plot (tlb_sweep.lua sweeps the TLB's size and policy instead).
--   vmsh examples/sweep.lua PROG OUT_PREFIX N1 N2 ...
-- PROG is run as "PROG N" for each N (e.g. mandel's iteration count).
local vm = require "vmlab"
local prog, out = arg[1], arg[2]
if not (prog and out and arg[3]) then error("usage: vmsh sweep.lua PROG OUT_PREFIX N1 N2 ...") end
local rows = {}
for i = 3, #arg do
  local n = arg[i]
  local m = vm.machine{}
  assert(m:load(prog, {n}))
  local r = m:run()
  local st = m:stats()
  rows[#rows + 1] = {n = tonumber(n), insns = st.insns, syscalls = st.syscalls, status = r.status}
  m:close()
end
local csv = assert(io.open(out .. ".csv", "w"))
csv:write("n,insns,syscalls\n")
for _, r in ipairs(rows) do csv:write(string.format("%d,%d,%d\n", r.n, r.insns, r.syscalls)) end
csv:close()

-- a small line plot: x = n, y = instructions
local W, H, P = 480, 300, 50
local maxx, maxy = 0, 0
for _, r in ipairs(rows) do maxx = math.max(maxx, r.n); maxy = math.max(maxy, r.insns) end
local function px(x) return P + (W - 2 * P) * x / maxx end
local function py(y) return H - P - (H - 2 * P) * y / maxy end
local svg = assert(io.open(out .. ".svg", "w"))
svg:write(string.format('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">\n', W, H))
svg:write(string.format('<text x="%d" y="20" font-family="sans-serif" font-size="14">%s: retired instructions vs input</text>\n', P, prog:match("[^/]*$")))
svg:write(string.format('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>\n', P, H - P, W - P, H - P))
svg:write(string.format('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>\n', P, P, P, H - P))
local pts = {}
for _, r in ipairs(rows) do
  pts[#pts + 1] = string.format("%.1f,%.1f", px(r.n), py(r.insns))
  svg:write(string.format('<circle cx="%.1f" cy="%.1f" r="3"/><text x="%.1f" y="%d" font-size="10">%d</text>\n',
                          px(r.n), py(r.insns), px(r.n) - 5, H - P + 14, r.n))
end
svg:write(string.format('<polyline fill="none" stroke="steelblue" points="%s"/>\n', table.concat(pts, " ")))
svg:write(string.format('<text x="5" y="%d" font-size="10">%d</text>\n', P, maxy))
svg:write("</svg>\n")
svg:close()
for _, r in ipairs(rows) do print(string.format("n=%d insns=%d", r.n, r.insns)) end
print("wrote " .. out .. ".csv and " .. out .. ".svg")
