/*
 * vm.gc.heap: the managed heap of gc/ (include/vmlab/gc.h) from Lua.
 *
 * Roots. Collectors move objects, so a Lua object handle never holds a raw
 * vm_gc_ref: each handle owns a root handle (vm_gc_root_new), which the
 * collector updates when the object moves. Holding a handle in Lua keeps the
 * object alive; when Lua collects the handle (or obj:release()), the root
 * goes. Handles keep their heap userdata in a user value, so the heap is
 * freed after every handle's finalizer (Lua finalizes in reverse creation
 * order, and a handle is always created after its heap).
 *
 * Policy. h:set_policy(fn) replaces the adaptive collector's policy with a
 * Lua function. It runs at safe points inside h:alloc / h:collect /
 * h:switch (the only times the heap runs), under lua_pcall; an error keeps
 * the collector's decision unchanged and is raised when the call returns.
 */
#include <string.h>

#include "lua/lvmlab.h"
#include "vmlab/gc.h"

typedef struct lvm_heap {
    vm_gc_heap *h; /* NULL once freed */
    lua_State *L;  /* during a safe-point call: for the Lua policy */
    int policy_failed;
    lua_Integer handles;
} lvm_heap;

typedef struct lvm_obj {
    lvm_heap *hp;
    vm_gc_root *root; /* NULL once released */
} lvm_obj;

enum { HUV_POLICY = 1, HUV_ERR, HUV_EVENT };

static lvm_heap *checkheap(lua_State *L, int idx)
{
    lvm_heap *hp = luaL_checkudata(L, idx, LVM_HEAP);
    if (!hp->h) luaL_error(L, "this heap is freed");
    return hp;
}

static lvm_obj *checkobj(lua_State *L, int idx)
{
    lvm_obj *o = luaL_checkudata(L, idx, LVM_OBJ);
    if (!o->root || !o->hp->h) luaL_error(L, "this object handle is released");
    return o;
}

static vm_gc_ref ref_of(lvm_obj *o) { return vm_gc_root_get(o->root); }

/* Push a handle (rooting r) for the heap at index `heap`; nil for NULL. */
static void push_obj(lua_State *L, int heap, lvm_heap *hp, vm_gc_ref r)
{
    if (!r) {
        lua_pushnil(L);
        return;
    }
    vm_error err;
    vm_gc_root *root = vm_gc_root_new(hp->h, r, &err);
    if (!root) luaL_error(L, "%s", err.msg);
    lvm_obj *o = lua_newuserdatauv(L, sizeof *o, 1);
    o->hp = hp;
    o->root = root;
    hp->handles++;
    luaL_setmetatable(L, LVM_OBJ);
    lua_pushvalue(L, heap);
    lua_setiuservalue(L, -2, 1);
}

/* {==== Lua policy ==== */

static void lua_policy(void *ud, const vm_gc_policy_input *in, vm_gc_policy_decision *out)
{
    lvm_heap *hp = ud;
    lua_State *L = hp->L;
    if (!L || hp->policy_failed) return;
    /* the heap is at index 1 of every safe-point method */
    lua_getiuservalue(L, 1, HUV_POLICY);
    lua_createtable(L, 0, 24);
    lua_pushstring(L, vm_gc_kind_name(in->collector));
    lua_setfield(L, -2, "collector");
#define F(k, v) (lua_pushnumber(L, (lua_Number)(v)), lua_setfield(L, -2, k))
    F("collections", in->collections);
    F("since_switch", in->since_switch);
    F("survival", in->survival);
    F("survival_avg", in->survival_avg);
    F("survival_min", in->survival_min);
    F("survival_max", in->survival_max);
    F("last_pause_ns", in->last_pause_ns);
    F("max_pause_ns", in->max_pause_ns);
    F("gc_share", in->gc_share);
    F("alloc_rate", in->alloc_rate);
    F("live", in->live);
    F("heap", in->heap);
    F("max_heap", in->max_heap);
    F("pause_target_ns", in->pause_target_ns);
    F("alloc_since_switch", in->alloc_since_switch);
    F("throughput", in->throughput);
#undef F
    /* a boolean, not 0/1: 0 is true in Lua */
    lua_pushboolean(L, in->out_of_memory != 0);
    lua_setfield(L, -2, "out_of_memory");
    /* throughput_of[name], tenures_of[name], out_of_memory_of[name] */
    lua_createtable(L, 0, VM_GC_NKINDS);
    lua_createtable(L, 0, VM_GC_NKINDS);
    lua_createtable(L, 0, VM_GC_NKINDS);
    for (int k = 0; k < VM_GC_NKINDS; k++) {
        lua_pushnumber(L, in->throughput_of[k]);
        lua_setfield(L, -4, vm_gc_kind_name(k));
        lua_pushinteger(L, in->tenures_of[k]);
        lua_setfield(L, -3, vm_gc_kind_name(k));
        lua_pushinteger(L, in->out_of_memory_of[k]);
        lua_setfield(L, -2, vm_gc_kind_name(k));
    }
    lua_setfield(L, -4, "out_of_memory_of");
    lua_setfield(L, -3, "tenures_of");
    lua_setfield(L, -2, "throughput_of");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        hp->policy_failed = 1;
        lua_setiuservalue(L, 1, HUV_ERR);
        return;
    }
    /* nil: no change; a string: the collector; a table: {collector=, nursery=, step_ns=} */
    if (lua_type(L, -1) == LUA_TSTRING || lua_istable(L, -1)) {
        if (lua_istable(L, -1)) lua_getfield(L, -1, "collector");
        else lua_pushvalue(L, -1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            int k = vm_gc_kind_parse(lua_tostring(L, -1));
            if (k >= 0 && k != VM_GC_ADAPTIVE) out->collector = k;
            else {
                hp->policy_failed = 1;
                lua_pushfstring(L, "policy: bad collector '%s'", lua_tostring(L, -1));
                lua_setiuservalue(L, 1, HUV_ERR);
            }
        }
        lua_pop(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "nursery");
            if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) out->nursery = (size_t)lua_tointeger(L, -1);
            lua_pop(L, 1);
            lua_getfield(L, -1, "step_ns");
            if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) out->step_ns = (uint64_t)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

static void enter(lua_State *L, lvm_heap *hp)
{
    if (hp->L) luaL_error(L, "the heap is collecting: no allocation or collection from its policy function");
    hp->L = L;
    hp->policy_failed = 0;
}

static void leave(lua_State *L, lvm_heap *hp)
{
    hp->L = NULL;
    if (hp->policy_failed) {
        lua_getiuservalue(L, 1, HUV_ERR);
        luaL_error(L, "gc policy or event handler failed: %s", luaL_optstring(L, -1, "?"));
    }
}

/* Collection events (vm_gc_set_trace): the handler gets {kind = "start" |
 * "end" | "phase", what = "minor" | "major" | ... or the phase, t_ns, heap}.
 * Collections run inside h:alloc / h:collect / h:switch, on their thread. */
static void lua_gc_event(void *ud, const vm_gc_event *ev)
{
    lvm_heap *hp = ud;
    lua_State *L = hp->L;
    if (!L || hp->policy_failed) return;
    static const char *const kinds[] = {"start", "end", "phase"};
    lua_getiuservalue(L, 1, HUV_EVENT);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, ev->kind >= 0 && ev->kind <= 2 ? kinds[ev->kind] : "?");
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, ev->what ? ev->what : "");
    lua_setfield(L, -2, "what");
    lua_pushinteger(L, (lua_Integer)ev->t_ns);
    lua_setfield(L, -2, "t_ns");
    lua_pushinteger(L, (lua_Integer)ev->heap);
    lua_setfield(L, -2, "heap");
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        hp->policy_failed = 1;
        lua_setiuservalue(L, 1, HUV_ERR);
    }
}

/* h:on("gc", fn|nil) -> previous handler */
static int h_on(lua_State *L)
{
    static const char *const evs[] = {"gc", NULL};
    lvm_heap *hp = checkheap(L, 1);
    luaL_checkoption(L, 2, NULL, evs);
    if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_settop(L, 3);
    lua_getiuservalue(L, 1, HUV_EVENT);
    lua_pushvalue(L, 3);
    lua_setiuservalue(L, 1, HUV_EVENT);
    vm_gc_set_trace(hp->h, lua_isnil(L, 3) ? NULL : lua_gc_event, hp);
    return 1;
}

/* h:set_policy(fn|nil) */
static int h_set_policy(lua_State *L)
{
    lvm_heap *hp = checkheap(L, 1);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, 1, HUV_POLICY);
    if (lua_isnil(L, 2)) vm_gc_set_policy(hp->h, NULL, NULL);
    else vm_gc_set_policy(hp->h, lua_policy, hp);
    return 0;
}

/* }==== */

/* vm.gc.heap{collector=, max_heap=, growth=, nursery=, promote_age=, marking=,
 * pause_target_ns=, verify=, stress=} */
static int vm_heap(lua_State *L)
{
    static const char *const keys[] = {"collector", "max_heap", "growth", "nursery", "promote_age",
                                       "marking", "pause_target_ns", "verify", "stress", NULL};
    if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TTABLE);
    lvm_checkkeys(L, 1, "vm.gc.heap", keys, NULL, NULL);
    vm_gc_config c;
    vm_gc_config_init(&c);
    const char *coll = lvm_optstring(L, 1, "vm.gc.heap", "collector", NULL);
    if (coll && (c.collector = vm_gc_kind_parse(coll)) < 0)
        return luaL_error(L, "vm.gc.heap: option 'collector': unknown collector '%s' "
                             "(marksweep, semispace, generational, incremental, adaptive)", coll);
    const char *marking = lvm_optstring(L, 1, "vm.gc.heap", "marking", NULL);
    if (marking && (c.marking = vm_gc_marking_parse(marking)) < 0)
        return luaL_error(L, "vm.gc.heap: option 'marking': unknown barrier '%s' (satb, iu)", marking);
    lua_Integer v;
    if ((v = lvm_optint(L, 1, "vm.gc.heap", "max_heap", -1)) >= 0) c.max_heap = (size_t)v;
    if ((v = lvm_optint(L, 1, "vm.gc.heap", "nursery", -1)) >= 0) c.nursery = (size_t)v;
    if ((v = lvm_optint(L, 1, "vm.gc.heap", "promote_age", -1)) >= 0) c.promote_age = (unsigned)v;
    if ((v = lvm_optint(L, 1, "vm.gc.heap", "pause_target_ns", -1)) >= 0) c.pause_target_ns = (uint64_t)v;
    if (!lua_isnoneornil(L, 1)) {
        lua_getfield(L, 1, "growth");
        if (!lua_isnil(L, -1)) {
            if (!lua_isnumber(L, -1)) return luaL_error(L, "vm.gc.heap: option 'growth' must be a number");
            c.growth = lua_tonumber(L, -1);
        }
        lua_pop(L, 1);
    }
    if (lvm_optbool(L, 1, "vm.gc.heap", "verify", 0)) c.flags |= VM_GC_VERIFY;
    if (lvm_optbool(L, 1, "vm.gc.heap", "stress", 0)) c.flags |= VM_GC_STRESS;
    if (!c.shadow_stack || c.shadow_stack > 4096) c.shadow_stack = 4096; /* Lua roots by handles */
    lvm_heap *hp = lua_newuserdatauv(L, sizeof *hp, 3);
    memset(hp, 0, sizeof *hp);
    luaL_setmetatable(L, LVM_HEAP);
    vm_error err;
    if (!(hp->h = vm_gc_heap_new(&c, &err))) return luaL_error(L, "vm.gc.heap: %s", err.msg);
    return 1;
}

/* h:alloc(nrefs [, nbytes [, shape]]) -> object | nil, message */
static int h_alloc(lua_State *L)
{
    lvm_heap *hp = checkheap(L, 1);
    lua_Integer nrefs = luaL_checkinteger(L, 2), nbytes = luaL_optinteger(L, 3, 0),
                shape = luaL_optinteger(L, 4, 0);
    if (nrefs < 0 || nrefs > VM_GC_MAX_REFS) return luaL_argerror(L, 2, "nrefs: out of range");
    if (nbytes < 0 || nbytes > VM_GC_MAX_BYTES) return luaL_argerror(L, 3, "nbytes: out of range");
    if (shape < 0 || shape > VM_GC_MAX_SHAPE) return luaL_argerror(L, 4, "shape: out of range");
    vm_error err;
    enter(L, hp);
    vm_gc_ref r = vm_gc_alloc(hp->h, (unsigned)shape, (unsigned)nrefs, (unsigned)nbytes, &err);
    leave(L, hp);
    if (!r) {
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    push_obj(L, 1, hp, r);
    return 1;
}

/* h:collect([full]) -> true | nil, message (verify mode) */
static int h_collect(lua_State *L)
{
    lvm_heap *hp = checkheap(L, 1);
    vm_error err;
    enter(L, hp);
    int rc = vm_gc_collect(hp->h, lua_toboolean(L, 2), &err);
    leave(L, hp);
    if (rc) {
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* h:switch(collector) */
static int h_switch(lua_State *L)
{
    lvm_heap *hp = checkheap(L, 1);
    const char *name = luaL_checkstring(L, 2);
    int k = vm_gc_kind_parse(name);
    if (k < 0) return luaL_error(L, "h:switch: bad argument #1 (collector): unknown collector '%s'", name);
    vm_error err;
    enter(L, hp);
    int rc = vm_gc_switch(hp->h, k, &err);
    leave(L, hp);
    if (rc) return luaL_error(L, "h:switch: %s", err.msg);
    return 0;
}

static int h_verify(lua_State *L)
{
    lvm_heap *hp = checkheap(L, 1);
    vm_error err;
    if (vm_gc_verify(hp->h, &err)) {
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* h:stats() -> table of vm_gc_stats */
static int h_stats(lua_State *L)
{
    lvm_heap *hp = checkheap(L, 1);
    vm_gc_stats s;
    vm_gc_stats_get(hp->h, &s);
    lua_createtable(L, 0, 40);
    lua_pushstring(L, s.collector);
    lua_setfield(L, -2, "collector");
#define I(k) (lua_pushinteger(L, (lua_Integer)s.k), lua_setfield(L, -2, #k))
#define N(k) (lua_pushnumber(L, (lua_Number)s.k), lua_setfield(L, -2, #k))
    I(run_ns); I(gc_ns); N(gc_share); I(collections); I(minor); I(major); I(steps); I(pauses);
    I(pause_p50); I(pause_p95); I(pause_p99); I(pause_max); I(pause_cpu_p99); I(pause_cpu_max);
    N(mmu_1ms); N(mmu_10ms); N(mmu_100ms); I(heap_peak); I(heap_avg); I(live_peak); I(live_last);
    I(alloc_bytes); I(alloc_objects); N(alloc_rate); I(copied_bytes); I(promoted_bytes);
    N(survival_avg); N(survival_min); N(survival_max); I(barrier_writes); I(barrier_slow);
    I(remembered); I(switches);
#undef I
#undef N
    lua_pushinteger(L, hp->handles);
    lua_setfield(L, -2, "lua_handles");
    return 1;
}

static int h_index(lua_State *L)
{
    lvm_heap *hp = checkheap(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "collector")) {
        lua_pushstring(L, vm_gc_kind_name(vm_gc_collector(hp->h)));
        return 1;
    }
    if (!strcmp(k, "roots")) { /* live Lua handles: each is a root */
        lua_pushinteger(L, hp->handles);
        return 1;
    }
    luaL_getmetatable(L, LVM_HEAP);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, k);
    if (lua_isnil(L, -1)) return luaL_error(L, "vmlab.gc.heap has no field or method '%s'", k);
    return 1;
}

static int h_gc(lua_State *L)
{
    lvm_heap *hp = luaL_checkudata(L, 1, LVM_HEAP);
    vm_gc_heap_free(hp->h);
    hp->h = NULL;
    return 0;
}

static int h_tostring(lua_State *L)
{
    lvm_heap *hp = luaL_checkudata(L, 1, LVM_HEAP);
    if (!hp->h) lua_pushstring(L, "vmlab.gc.heap (freed)");
    else lua_pushfstring(L, "vmlab.gc.heap (%s, %d handles)", vm_gc_kind_name(vm_gc_collector(hp->h)),
                         (int)hp->handles);
    return 1;
}

/* {==== objects ==== */

static unsigned checkslot(lua_State *L, lvm_obj *o, int arg)
{
    lua_Integer i = luaL_checkinteger(L, arg);
    unsigned n = vm_gc_nrefs(ref_of(o));
    if (i < 1 || (lua_Unsigned)i > n)
        luaL_error(L, "bad argument #%d (slot): %d is not in 1..%d", arg - 1, (int)i, (int)n);
    return (unsigned)(i - 1);
}

/* obj:get(i) -> object | nil */
static int o_get(lua_State *L)
{
    lvm_obj *o = checkobj(L, 1);
    unsigned s = checkslot(L, o, 2);
    lua_getiuservalue(L, 1, 1);
    push_obj(L, lua_gettop(L), o->hp, vm_gc_read(o->hp->h, ref_of(o), s));
    return 1;
}

/* obj:set(i, object|nil) */
static int o_set(lua_State *L)
{
    lvm_obj *o = checkobj(L, 1);
    unsigned s = checkslot(L, o, 2);
    vm_gc_ref v = NULL;
    if (!lua_isnoneornil(L, 3)) {
        lvm_obj *x = checkobj(L, 3);
        if (x->hp != o->hp) return luaL_error(L, "obj:set: the value belongs to another heap");
        v = ref_of(x);
    }
    vm_gc_write(o->hp->h, ref_of(o), s, v);
    return 0;
}

/* obj:read([offset=0 [, n]]) -> raw bytes */
static int o_read(lua_State *L)
{
    lvm_obj *o = checkobj(L, 1);
    vm_gc_ref r = ref_of(o);
    lua_Integer nb = vm_gc_nbytes(r), off = luaL_optinteger(L, 2, 0), n = luaL_optinteger(L, 3, nb - off);
    if (off < 0 || n < 0 || off > nb || n > nb - off) return luaL_error(L, "obj:read: bytes %d..%d are outside 0..%d",
                                                                         (int)off, (int)(off + n), (int)nb);
    lua_pushlstring(L, (const char *)vm_gc_bytes(r) + off, (size_t)n);
    return 1;
}

/* obj:write(offset, s) */
static int o_write(lua_State *L)
{
    lvm_obj *o = checkobj(L, 1);
    vm_gc_ref r = ref_of(o);
    lua_Integer off = luaL_checkinteger(L, 2), nb = vm_gc_nbytes(r);
    size_t n;
    const char *s = luaL_checklstring(L, 3, &n);
    if (off < 0 || off > nb || (lua_Integer)n > nb - off)
        return luaL_error(L, "obj:write: %d bytes at %d do not fit in %d", (int)n, (int)off, (int)nb);
    memcpy((char *)vm_gc_bytes(r) + off, s, n);
    return 0;
}

static int o_release(lua_State *L)
{
    lvm_obj *o = luaL_checkudata(L, 1, LVM_OBJ);
    if (o->root && o->hp->h) {
        vm_gc_root_free(o->hp->h, o->root);
        o->hp->handles--;
    }
    o->root = NULL;
    return 0;
}

static int o_index(lua_State *L)
{
    lvm_obj *o = luaL_checkudata(L, 1, LVM_OBJ);
    const char *k = luaL_checkstring(L, 2);
    luaL_getmetatable(L, LVM_OBJ);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, k);
    if (!lua_isnil(L, -1)) return 1;
    if (!o->root || !o->hp->h) return luaL_error(L, "this object handle is released");
    vm_gc_ref r = ref_of(o);
    if (!strcmp(k, "nrefs")) lua_pushinteger(L, vm_gc_nrefs(r));
    else if (!strcmp(k, "nbytes")) lua_pushinteger(L, vm_gc_nbytes(r));
    else if (!strcmp(k, "shape")) lua_pushinteger(L, vm_gc_shape(r));
    else if (!strcmp(k, "size")) lua_pushinteger(L, (lua_Integer)vm_gc_size(r));
    else if (!strcmp(k, "address")) lua_pushinteger(L, (lua_Integer)(uintptr_t)r);
    else return luaL_error(L, "vmlab.gc.object has no field or method '%s'", k);
    return 1;
}

static int o_eq(lua_State *L)
{
    lvm_obj *a = luaL_checkudata(L, 1, LVM_OBJ), *b = luaL_checkudata(L, 2, LVM_OBJ);
    lua_pushboolean(L, a->root && b->root && a->hp == b->hp && ref_of(a) == ref_of(b));
    return 1;
}

static int o_tostring(lua_State *L)
{
    lvm_obj *o = luaL_checkudata(L, 1, LVM_OBJ);
    if (!o->root || !o->hp->h) lua_pushstring(L, "vmlab.gc.object (released)");
    else {
        vm_gc_ref r = ref_of(o);
        lua_pushfstring(L, "vmlab.gc.object (shape %d, %d refs, %d bytes)", (int)vm_gc_shape(r),
                        (int)vm_gc_nrefs(r), (int)vm_gc_nbytes(r));
    }
    return 1;
}

/* }==== */

void lvm_open_gc(lua_State *L)
{
    static const luaL_Reg hmethods[] = {
        {"alloc", h_alloc}, {"collect", h_collect}, {"switch", h_switch}, {"verify", h_verify},
        {"stats", h_stats}, {"set_policy", h_set_policy}, {"on", h_on}, {NULL, NULL},
    };
    luaL_newmetatable(L, LVM_HEAP);
    luaL_newlib(L, hmethods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, h_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, h_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, h_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    static const luaL_Reg omethods[] = {
        {"get", o_get}, {"set", o_set}, {"read", o_read}, {"write", o_write},
        {"release", o_release}, {NULL, NULL},
    };
    luaL_newmetatable(L, LVM_OBJ);
    luaL_newlib(L, omethods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, o_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, o_release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, o_eq);
    lua_setfield(L, -2, "__eq");
    lua_pushcfunction(L, o_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, vm_heap);
    lua_setfield(L, -2, "heap");
    lua_setfield(L, -2, "gc");
}
