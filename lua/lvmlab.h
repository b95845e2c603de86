/*
 * Private header of the Lua module `vmlab` (the lua directory): the metatable names,
 * the pieces each file registers in the module table, and small helpers that
 * check arguments and raise errors naming the argument.
 *
 * Lifetimes. Every object is a full userdata. An object that lives inside
 * another (a machine's cpu, mem and register views; a heap's objects) keeps
 * its owner in a user value, so the owner is not collected while the part is
 * referenced, and a finalizer never sees its owner already freed.
 */
#ifndef VMLAB_LUA_LVMLAB_H
#define VMLAB_LUA_LVMLAB_H

#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>

#define LVM_MACHINE "vmlab.machine"
#define LVM_CPU "vmlab.cpu"
#define LVM_REGS "vmlab.regs"
#define LVM_MEM "vmlab.mem"
#define LVM_DECODER "vmlab.decoder"
#define LVM_INSN "vmlab.insn"
#define LVM_HEAP "vmlab.gc.heap"
#define LVM_OBJ "vmlab.gc.object"

/* Each file fills its part of the module table (on the top of the stack). */
void lvm_open_machine(lua_State *L);
void lvm_open_decoder(lua_State *L);
void lvm_open_gc(lua_State *L);

/* An unsigned 64-bit guest value as a Lua integer (wraps, as Lua's integers
 * do: 0xffffffffffffffff is -1), and back from an integer or an integral
 * float; raises "bad argument #arg (NAME: ...)" otherwise. */
uint64_t lvm_checku64(lua_State *L, int arg, const char *what);

/* Options tables: read field `k` of the table at `t` with a type check that
 * names the key, e.g. "vm.machine: option 'engine' must be a string". */
const char *lvm_optstring(lua_State *L, int t, const char *fn, const char *k, const char *def);
lua_Integer lvm_optint(lua_State *L, int t, const char *fn, const char *k, lua_Integer def);
int lvm_optbool(lua_State *L, int t, const char *fn, const char *k, int def);
/* Raise an error naming the first key of table `t` not in the NULL-ended
 * `known` list; `why` (may be NULL) explains keys in `later` (NULL-ended). */
void lvm_checkkeys(lua_State *L, int t, const char *fn, const char *const known[],
                   const char *const later[], const char *why);

/* Parse the JSON text s[0..n) and push it as a Lua value (objects become
 * tables; null becomes nil). Returns 0, or -1 with an error message pushed. */
int lvm_pushjson(lua_State *L, const char *s, size_t n);

/* The machine object at `idx` (for the decoder reading guest memory): its
 * vm_machine, or NULL if `idx` is not a machine. */
struct vm_machine *lvm_tomachine(lua_State *L, int idx);
/* Symbolic name of address `addr` in machine `idx` ("main+12"), or NULL. */
const char *lvm_symname(lua_State *L, int idx, uint64_t addr, char *buf, size_t size);

#endif
