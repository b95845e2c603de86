/*
 * vm.decoder("rv64") and vm.decoder("x86_64"): decode bytes (a Lua string)
 * or a machine's memory into instruction objects.
 *
 * An instruction is a plain Lua table (cheap to make, easy to print and to
 * keep) with a metatable for __tostring: addr, length, bytes, mnemonic,
 * operands (array of strings as the disassembler prints them), text, class,
 * target (the address a direct branch, jump or call goes to) and, for rv64,
 * op (the base operation: "c.addi" decodes to "addi"), rd, rs1, rs2, imm.
 *
 * rv64 uses vmlab's own decoder and objdump-exact disassembler (isa/riscv);
 * x86_64 uses vmlab's x86-64 decoder (isa/x86, Zydis-backed, the one the
 * JIT's --jit-dump uses), so both ISAs print as the rest of vmlab does.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "lua/lvmlab.h"
#include "vmlab/machine.h"
#include "vmlab/riscv.h"
#include "vmlab/x86.h"

enum { ISA_RV64, ISA_X86_64 };

typedef struct lvm_decoder {
    int isa;
} lvm_decoder;

static lvm_decoder *checkdecoder(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LVM_DECODER);
}

static void seti(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void sets(lua_State *L, const char *k, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* Operands of an objdump-style text "mnemonic op1,op2(op3)" as strings. */
static void push_operands_from_text(lua_State *L, const char *text)
{
    lua_newtable(L);
    const char *p = text;
    while (*p && !isspace((unsigned char)*p)) p++;
    while (isspace((unsigned char)*p)) p++;
    int n = 0;
    while (*p) {
        const char *q = p;
        int depth = 0;
        while (*q && (depth || *q != ',')) {
            if (*q == '(') depth++;
            else if (*q == ')' && depth) depth--;
            q++;
        }
        const char *e = q;
        while (e > p && isspace((unsigned char)e[-1])) e--;
        /* objdump appends "<symbol>" to targets: not an operand */
        lua_pushlstring(L, p, (size_t)(e - p));
        lua_rawseti(L, -2, ++n);
        p = *q ? q + 1 : q;
        while (isspace((unsigned char)*p)) p++;
    }
}

static void push_mnemonic_from_text(lua_State *L, const char *text)
{
    size_t n = 0;
    while (text[n] && !isspace((unsigned char)text[n])) n++;
    lua_pushlstring(L, text, n);
}

/* Decode one rv64 instruction from buf[0..avail); push it or return -1. */
static int push_rv64(lua_State *L, const uint8_t *buf, size_t avail, uint64_t pc)
{
    if (avail < 2) return -1;
    uint32_t raw = (uint32_t)buf[0] | (uint32_t)buf[1] << 8;
    if ((raw & 3) == 3) {
        if (avail < 4) return -1;
        raw |= (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    }
    vm_rv_insn d;
    int len = vm_rv_decode(raw, &d);
    char text[128];
    vm_rv_disasm(&d, pc, 1, text, sizeof text);
    lua_createtable(L, 0, 14);
    luaL_setmetatable(L, LVM_INSN);
    seti(L, "addr", (lua_Integer)pc);
    seti(L, "length", len);
    lua_pushlstring(L, (const char *)buf, (size_t)len);
    lua_setfield(L, -2, "bytes");
    sets(L, "text", text);
    push_mnemonic_from_text(L, text);
    lua_setfield(L, -2, "mnemonic");
    push_operands_from_text(L, text);
    lua_setfield(L, -2, "operands");
    int cls = vm_rv_op_class(d.op);
    sets(L, "class", vm_rv_class_name(cls));
    sets(L, "op", vm_rv_op_name(d.op));
    seti(L, "rd", d.rd);
    seti(L, "rs1", d.rs1);
    seti(L, "rs2", d.rs2);
    seti(L, "imm", d.imm);
    seti(L, "raw", raw & (len == 2 ? 0xffffu : 0xffffffffu));
    if (cls == VM_RV_CLASS_BRANCH || d.op == VM_RV_JAL) seti(L, "target", (lua_Integer)(pc + (uint64_t)d.imm));
    return 0;
}

static int push_x86(lua_State *L, const uint8_t *buf, size_t avail, uint64_t pc)
{
    static const char *const cls[] = {"other", "branch", "jump", "call", "ret"};
    vm_x86_insn d;
    char text[160];
    if (vm_x86_decode(buf, avail, pc, &d) < 0 || vm_x86_disasm(&d, pc, text, sizeof text) < 0) return -1;
    lua_createtable(L, 0, 9);
    luaL_setmetatable(L, LVM_INSN);
    seti(L, "addr", (lua_Integer)pc);
    seti(L, "length", d.len);
    lua_pushlstring(L, (const char *)d.bytes, d.len);
    lua_setfield(L, -2, "bytes");
    sets(L, "text", text);
    sets(L, "mnemonic", d.mnemonic);
    push_operands_from_text(L, text);
    lua_setfield(L, -2, "operands");
    sets(L, "class", d.cls < sizeof cls / sizeof *cls ? cls[d.cls] : "other");
    if (d.has_target) seti(L, "target", (lua_Integer)d.target);
    return 0;
}

/* Decode at `pc` from buf; push the instruction, or nil and a message. */
static int push_insn(lua_State *L, lvm_decoder *d, const uint8_t *buf, size_t avail, uint64_t pc)
{
    int rc = -1;
    if (d->isa == ISA_RV64) rc = push_rv64(L, buf, avail, pc);
    else rc = push_x86(L, buf, avail, pc);
    if (rc) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s at 0x%" PRIx64, avail ? "incomplete or invalid instruction" : "no bytes", pc);
        lua_pushnil(L);
        lua_pushstring(L, msg);
        return 2;
    }
    return 1;
}

/* Bytes at `pc` of source `src` (a string whose byte `off` (0-based) is at
 * `pc`, or a machine): fills buf and returns how many are available. */
static size_t fetch(lua_State *L, int src, uint64_t pc, size_t off, uint8_t *buf, size_t max)
{
    if (lua_type(L, src) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, src, &n);
        if (off >= n) return 0;
        size_t k = n - off < max ? n - off : max;
        memcpy(buf, s + off, k);
        return k;
    }
    vm_machine *m = lvm_tomachine(L, src);
    size_t k = 0;
    while (k < max && !vm_machine_read(m, pc + k, buf + k, 1, NULL)) k++;
    return k;
}

static void checksrc(lua_State *L, int src, const char *fn)
{
    if (lua_type(L, src) != LUA_TSTRING && !lvm_tomachine(L, src))
        luaL_error(L, "bad argument #1 to '%s' (source: expected a string of bytes or a machine, got %s)",
                   fn, luaL_typename(L, src));
}

/* d:decode(src [, addr [, offset]]) -> insn | nil, message
 * src a string: addr (default 0) is the address of its byte `offset`
 * (default 1); src a machine: addr is the guest address. */
static int d_decode(lua_State *L)
{
    lvm_decoder *d = checkdecoder(L, 1);
    checksrc(L, 2, "decode");
    int is_str = lua_type(L, 2) == LUA_TSTRING;
    if (!is_str && lua_isnoneornil(L, 3)) return luaL_error(L, "d:decode: bad argument #2 (addr): an address in the machine is needed");
    uint64_t pc = lua_isnoneornil(L, 3) ? 0 : lvm_checku64(L, 3, "addr");
    lua_Integer off = luaL_optinteger(L, 4, 1);
    if (off < 1) return luaL_argerror(L, 4, "offset: must be at least 1");
    uint8_t buf[16];
    size_t n = fetch(L, 2, pc, (size_t)off - 1, buf, d->isa == ISA_RV64 ? 4 : 15);
    int r = push_insn(L, d, buf, n, pc);
    if (r == 1 && !is_str) {
        char sym[256];
        lua_getfield(L, -1, "target");
        if (!lua_isnil(L, -1) && lvm_symname(L, 2, (uint64_t)lua_tointeger(L, -1), sym, sizeof sym)) {
            lua_pop(L, 1);
            sets(L, "target_symbol", sym);
        } else lua_pop(L, 1);
    }
    return r;
}

/* iterator state in upvalues: 1 decoder, 2 src, 3 addr, 4 offset, 5 left */
static int d_iter_next(lua_State *L)
{
    lvm_decoder *d = checkdecoder(L, lua_upvalueindex(1));
    lua_Integer left = lua_tointeger(L, lua_upvalueindex(5));
    if (left == 0) return 0;
    uint64_t pc = (uint64_t)lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer off = lua_tointeger(L, lua_upvalueindex(4));
    uint8_t buf[16];
    lua_pushvalue(L, lua_upvalueindex(2));
    int src = lua_gettop(L);
    size_t n = fetch(L, src, pc, (size_t)off, buf, d->isa == ISA_RV64 ? 4 : 15);
    if (push_insn(L, d, buf, n, pc) != 1) return 0;
    lua_getfield(L, -1, "length");
    lua_Integer len = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, (lua_Integer)(pc + (uint64_t)len));
    lua_replace(L, lua_upvalueindex(3));
    lua_pushinteger(L, off + len);
    lua_replace(L, lua_upvalueindex(4));
    lua_pushinteger(L, left - 1);
    lua_replace(L, lua_upvalueindex(5));
    return 1;
}

/* d:iter(src, addr [, n]) -> iterator over instructions (n of them, or to
 * the end of a string, or to the first unreadable address) */
static int d_iter(lua_State *L)
{
    checkdecoder(L, 1);
    checksrc(L, 2, "iter");
    uint64_t pc = lua_isnoneornil(L, 3) ? 0 : lvm_checku64(L, 3, "addr");
    if (lua_type(L, 2) != LUA_TSTRING && lua_isnoneornil(L, 3))
        return luaL_error(L, "d:iter: bad argument #2 (addr): an address in the machine is needed");
    lua_Integer n = luaL_optinteger(L, 4, -1);
    if (lua_type(L, 2) != LUA_TSTRING && n < 0)
        return luaL_error(L, "d:iter: bad argument #3 (n): a count is needed for a machine");
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushinteger(L, (lua_Integer)pc);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, n);
    lua_pushcclosure(L, d_iter_next, 5);
    return 1;
}

static int d_index(lua_State *L)
{
    lvm_decoder *d = checkdecoder(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "isa")) {
        lua_pushstring(L, d->isa == ISA_RV64 ? "rv64" : "x86_64");
        return 1;
    }
    luaL_getmetatable(L, LVM_DECODER);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, k);
    if (lua_isnil(L, -1)) return luaL_error(L, "vmlab.decoder has no field or method '%s'", k);
    return 1;
}

static int d_tostring(lua_State *L)
{
    lvm_decoder *d = checkdecoder(L, 1);
    lua_pushfstring(L, "vmlab.decoder (%s)", d->isa == ISA_RV64 ? "rv64" : "x86_64");
    return 1;
}

static int insn_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "addr");
    lua_getfield(L, 1, "bytes");
    lua_getfield(L, 1, "text");
    size_t n;
    const char *b = lua_tolstring(L, 3, &n);
    char hex[40] = "";
    for (size_t i = 0; b && i < n && i < 15; i++)
        snprintf(hex + 2 * i, sizeof hex - 2 * i, "%02x", (unsigned char)b[i]);
    char buf[256];
    snprintf(buf, sizeof buf, "0x%llx: %-10s %s", (unsigned long long)lua_tointeger(L, 2), hex,
             luaL_optstring(L, 4, "?"));
    lua_pushstring(L, buf);
    return 1;
}

/* vm.decoder(isa) */
static int vm_decoder(lua_State *L)
{
    static const char *const isas[] = {"rv64", "riscv64", "x86_64", "x86-64", NULL};
    const char *name = luaL_checkstring(L, 1);
    int i;
    for (i = 0; isas[i] && strcmp(isas[i], name); i++) {}
    if (!isas[i])
        return luaL_error(L, "vm.decoder: bad argument #1 (isa): unknown ISA '%s' (known: rv64, x86_64)", name);
    lvm_decoder *d = lua_newuserdatauv(L, sizeof *d, 0);
    memset(d, 0, sizeof *d);
    d->isa = i < 2 ? ISA_RV64 : ISA_X86_64;
    luaL_setmetatable(L, LVM_DECODER);
    if (d->isa == ISA_X86_64 && !vm_x86_available())
        return luaL_error(L, "vm.decoder: x86_64 needs Zydis, which this build lacks (apt-get install libzydis-dev libzycore-dev, then reconfigure)");
    return 1;
}

void lvm_open_decoder(lua_State *L)
{
    static const luaL_Reg methods[] = {{"decode", d_decode}, {"iter", d_iter}, {NULL, NULL}};
    luaL_newmetatable(L, LVM_DECODER);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, d_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, d_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_newmetatable(L, LVM_INSN);
    lua_pushcfunction(L, insn_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, vm_decoder);
    lua_setfield(L, -2, "decoder");
}
