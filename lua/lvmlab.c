/*
 * The Lua 5.4 module `vmlab`: `local vm = require "vmlab"`.
 *
 * This file opens the module (machines: lmachine.c; decoders: ldecoder.c; GC
 * heaps: lgc.c) and holds the helpers every part shares: argument checks
 * whose errors name the argument, options tables whose unknown keys are
 * errors (a typo must not silently configure nothing), and a small JSON
 * reader for the machine's statistics document. Nothing here is global: the
 * module keeps its state in Lua values (metatables, user values).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lua/lvmlab.h"

uint64_t lvm_checku64(lua_State *L, int arg, const char *what)
{
    int isnum;
    lua_Integer v = lua_tointegerx(L, arg, &isnum);
    if (isnum) return (uint64_t)v;
    if (lua_type(L, arg) == LUA_TNUMBER) {
        lua_Number n = lua_tonumber(L, arg);
        if (n >= 0 && n < 18446744073709551616.0 && n == floor(n)) return (uint64_t)n;
    }
    if (lua_type(L, arg) == LUA_TSTRING) { /* "0x1000" typed at the REPL */
        const char *s = lua_tostring(L, arg);
        char *end;
        errno = 0;
        unsigned long long u = strtoull(s, &end, 0);
        if (*s && !*end && !errno && *s != '-') return u;
    }
    luaL_error(L, "bad argument #%d (%s): expected an integer, got %s", arg, what,
               lua_type(L, arg) == LUA_TNONE ? "no value" : luaL_typename(L, arg));
    return 0;
}

const char *lvm_optstring(lua_State *L, int t, const char *fn, const char *k, const char *def)
{
    if (lua_isnoneornil(L, t)) return def;
    lua_getfield(L, t, k);
    const char *s = def;
    if (lua_type(L, -1) == LUA_TSTRING) s = lua_tostring(L, -1); /* anchored in the table */
    else if (!lua_isnil(L, -1))
        luaL_error(L, "%s: option '%s' must be a string, got %s", fn, k, luaL_typename(L, -1));
    lua_pop(L, 1);
    return s;
}

lua_Integer lvm_optint(lua_State *L, int t, const char *fn, const char *k, lua_Integer def)
{
    if (lua_isnoneornil(L, t)) return def;
    lua_getfield(L, t, k);
    lua_Integer v = def;
    int ok = 1;
    if (!lua_isnil(L, -1)) v = lua_tointegerx(L, -1, &ok);
    if (!ok) luaL_error(L, "%s: option '%s' must be an integer, got %s", fn, k,
                        lua_type(L, -1) == LUA_TNUMBER ? "a fraction" : luaL_typename(L, -1));
    lua_pop(L, 1);
    return v;
}

int lvm_optbool(lua_State *L, int t, const char *fn, const char *k, int def)
{
    if (lua_isnoneornil(L, t)) return def;
    lua_getfield(L, t, k);
    int v = def;
    if (lua_isboolean(L, -1)) v = lua_toboolean(L, -1);
    else if (!lua_isnil(L, -1))
        luaL_error(L, "%s: option '%s' must be a boolean, got %s", fn, k, luaL_typename(L, -1));
    lua_pop(L, 1);
    return v;
}

static int in_list(const char *k, const char *const list[])
{
    for (int i = 0; list && list[i]; i++)
        if (!strcmp(k, list[i])) return 1;
    return 0;
}

void lvm_checkkeys(lua_State *L, int t, const char *fn, const char *const known[],
                   const char *const later[], const char *why)
{
    if (lua_isnoneornil(L, t)) return;
    luaL_checktype(L, t, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: options must have string keys, got a %s key", fn,
                       luaL_typename(L, -1));
        const char *k = lua_tostring(L, -1);
        if (in_list(k, later)) luaL_error(L, "%s: option '%s' is not available yet (%s)", fn, k, why);
        if (!in_list(k, known)) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (int i = 0; known[i]; i++) {
                if (i) luaL_addstring(&b, ", ");
                luaL_addstring(&b, known[i]);
            }
            luaL_pushresult(&b);
            luaL_error(L, "%s: unknown option '%s' (known: %s)", fn, k, lua_tostring(L, -1));
        }
    }
}

/* {====================================================================
 * JSON reader: enough for vm_machine_stats_json's document (objects,
 * arrays, strings with escapes, numbers, true/false/null), recursive with a
 * depth limit.
 * ===================================================================== */

typedef struct { const char *p, *end; } jp;

static void jskip(jp *j)
{
    while (j->p < j->end && isspace((unsigned char)*j->p)) j->p++;
}

static int jvalue(lua_State *L, jp *j, int depth);

static int jstring(lua_State *L, jp *j)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    j->p++; /* opening quote */
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c == '\\' && j->p < j->end) {
            c = *j->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                if (j->end - j->p < 4) return -1;
                char hex[5] = {j->p[0], j->p[1], j->p[2], j->p[3], 0};
                unsigned long u = strtoul(hex, NULL, 16);
                j->p += 4;
                if (u < 0x80) c = (char)u;
                else { /* BMP code point as UTF-8 */
                    char u8[4];
                    int n = 0;
                    if (u < 0x800) u8[n++] = (char)(0xc0 | u >> 6);
                    else { u8[n++] = (char)(0xe0 | u >> 12); u8[n++] = (char)(0x80 | (u >> 6 & 0x3f)); }
                    u8[n++] = (char)(0x80 | (u & 0x3f));
                    luaL_addlstring(&b, u8, (size_t)n);
                    continue;
                }
                break;
            }
            default: break; /* \" \\ \/ */
            }
        }
        luaL_addchar(&b, c);
    }
    if (j->p >= j->end) return -1;
    j->p++;
    luaL_pushresult(&b);
    return 0;
}

static int jvalue(lua_State *L, jp *j, int depth)
{
    jskip(j);
    if (j->p >= j->end || depth > 32) return -1;
    luaL_checkstack(L, 4, "JSON nesting");
    char c = *j->p;
    if (c == '{' || c == '[') {
        int obj = c == '{';
        lua_newtable(L);
        j->p++;
        jskip(j);
        lua_Integer i = 1;
        if (j->p < j->end && *j->p == (obj ? '}' : ']')) { j->p++; return 0; }
        for (;;) {
            jskip(j);
            if (obj) {
                if (j->p >= j->end || *j->p != '"' || jstring(L, j)) return -1;
                jskip(j);
                if (j->p >= j->end || *j->p++ != ':') return -1;
                if (jvalue(L, j, depth + 1)) return -1;
                lua_rawset(L, -3);
            } else {
                if (jvalue(L, j, depth + 1)) return -1;
                lua_rawseti(L, -2, i++);
            }
            jskip(j);
            if (j->p >= j->end) return -1;
            if (*j->p == ',') { j->p++; continue; }
            if (*j->p++ != (obj ? '}' : ']')) return -1;
            return 0;
        }
    }
    if (c == '"') return jstring(L, j);
    if (!strncmp(j->p, "true", 4)) { j->p += 4; lua_pushboolean(L, 1); return 0; }
    if (!strncmp(j->p, "false", 5)) { j->p += 5; lua_pushboolean(L, 0); return 0; }
    if (!strncmp(j->p, "null", 4)) { j->p += 4; lua_pushnil(L); return 0; }
    char num[64];
    size_t n = 0;
    while (j->p < j->end && n < sizeof num - 1 && strchr("+-0123456789.eE", *j->p)) num[n++] = *j->p++;
    num[n] = 0;
    if (!n || !lua_stringtonumber(L, num)) return -1;
    return 0;
}

int lvm_pushjson(lua_State *L, const char *s, size_t n)
{
    jp j = {s, s + n};
    int top = lua_gettop(L);
    if (jvalue(L, &j, 0) || (jskip(&j), j.p != j.end)) {
        lua_settop(L, top);
        lua_pushfstring(L, "malformed JSON near byte %d", (int)(j.p - s));
        return -1;
    }
    return 0;
}

/* }==================================================================== */

static int vm_tohex(lua_State *L)
{
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)lvm_checku64(L, 1, "value"));
    lua_pushstring(L, buf);
    return 1;
}

int luaopen_vmlab(lua_State *L);
int luaopen_vmlab(lua_State *L)
{
    static const luaL_Reg funcs[] = {{"hex", vm_tohex}, {NULL, NULL}};
    luaL_newlib(L, funcs);
    lua_pushstring(L, PACKAGE_VERSION);
    lua_setfield(L, -2, "version");
    /* defaults for vm.machine{} (vmsh's -L, --engine, --strict set them) */
    lua_newtable(L);
    lua_setfield(L, -2, "defaults");
    lvm_open_machine(L);
    lvm_open_decoder(L);
    lvm_open_gc(L);
    return 1;
}
