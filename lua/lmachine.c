/*
 * vm.machine: a vmlab machine as a Lua object, with its cpu and mem views,
 * breakpoints, watchpoints, event handlers, symbols and statistics.
 *
 * Design. The Lua object (lvm_machine, inside the userdata) owns one
 * vm_machine. vm_machine_load works once per machine, so m:load() builds a
 * fresh vm_machine and moves the breakpoints and hooks over; the Lua object,
 * and every m.cpu / m.mem view of it, stays the same. Views keep the machine
 * userdata in a user value, so it outlives them.
 *
 * Runs are budgeted: m:run() calls vm_machine_run for at most LVM_CHUNK
 * instructions at a time and, between chunks, looks whether a Lua hook was
 * installed since the run began. That is what lua.c's and vmsh's SIGINT
 * handlers do (lua_sethook from the signal handler), so Ctrl-C stops a guest
 * in stock lua5.4 and in vmsh alike, with no global flag in the module. A
 * chunk costs one more vm_machine_run call per 2^22 instructions.
 *
 * Watchpoints are the machine's (vm_machine_watch_add): a run stops right
 * after a write to watched bytes (a store, an atomic or a system call), and
 * m:run() compares the bytes with their old value: unchanged, it goes on.
 * Only stores to the watched pages leave the engines' fast paths
 * (doc/lua-api.md, "Costs").
 *
 * Event handlers (m:on) are Lua functions called from the C hooks during a
 * run; they run under lua_pcall, and an error in one stops the run and is
 * raised again once the machine is back in a consistent state.
 */
#include <elf.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/elf_symbols.h"
#include "lua/lvmlab.h"
#include "mem/mem.h"
#include "mem/tlb_policy.h"
#include "vmlab/engine.h"
#include "vmlab/machine.h"
#include "vmlab/riscv.h"
#include "vmlab/trace.h"

extern char **environ;

#define LVM_CHUNK (1u << 22)
#define LVM_MMU "vmlab.mmu"

enum { UV_HANDLERS = 1, UV_CPU, UV_MEM, UV_HOOKERR, UV_MMU, UV_PHYS, UV_N = UV_PHYS };

typedef struct lvm_watch {
    uint64_t addr;
    unsigned len; /* 1..8 */
    uint64_t old;
    uint64_t now;  /* the new value, while `changed` */
    int changed;   /* changed by the write that stopped the run */
} lvm_watch;

typedef struct lvm_machine {
    vm_machine *m;         /* NULL once closed */
    char engine[64];
    char sysroot[PATH_MAX];
    int strict;
    int loaded;
    char program[PATH_MAX];
    uint64_t at_entry;     /* AT_ENTRY of the loaded program: its load bias */
    vm_elfsyms syms;
    int syms_state;        /* 0 not read, 1 read, -1 unreadable */
    uint64_t *bp;
    int nbp;
    lvm_watch *w;
    int nw;
    int ran;               /* last run result is valid */
    vm_run_result last;
    lua_State *L;          /* the thread in m:run, for event handlers; NULL otherwise */
    int self;              /* stack index of the machine userdata in L during a run */
    int hook_failed;
    int has_handlers;
    int in_policy;         /* a Lua TLB policy function is running */
    vm_tracer *tracer;     /* for m:on(<tracer event>): created on first use */
    int sub[VM_TEV_COUNT]; /* subscription id + 1 per tracer event; 0: none */
    /* memory system options (doc/mmu.md), kept for the vm_machine of each load */
    char mmu[16], tlb[1024], tlb_mode[16], pages[16], ad[16];
    uint64_t mem_size; /* mem= (0: the default) */
    char shadow[16][256];
    int nshadow;
    /* TLB levels whose replacement policy is a Lua function */
    struct lvm_tlbctx { struct lvm_machine *lm; int level; int on; char orig[16]; } tlbp[4];
} lvm_machine;

typedef struct lvm_view {
    lvm_machine *lm;
    int kind; /* regs: 'x', 'f', 'd' (doubles), 'c' (CSRs); mem: 0 virtual, 'p' physical */
} lvm_view;

static lvm_machine *checkmachine(lua_State *L, int idx)
{
    lvm_machine *lm = luaL_checkudata(L, idx, LVM_MACHINE);
    if (!lm->m) luaL_error(L, "this machine is closed");
    return lm;
}

static lvm_machine *checkloaded(lua_State *L, int idx, const char *fn)
{
    lvm_machine *lm = checkmachine(L, idx);
    if (!lm->loaded) luaL_error(L, "%s: no program loaded (use m:load(path))", fn);
    return lm;
}

/* Event handlers and TLB policies run inside m:run; they may inspect and
 * change registers and memory, but not run, reload, close or re-engine the
 * machine under the run loop's feet. */
static void checkidle(lua_State *L, lvm_machine *lm, const char *fn)
{
    if (lm->L) luaL_error(L, "%s: not allowed while the machine runs (from an event handler or TLB policy)", fn);
}

struct vm_machine *lvm_tomachine(lua_State *L, int idx)
{
    lvm_machine *lm = luaL_testudata(L, idx, LVM_MACHINE);
    return lm ? lm->m : NULL;
}

/* {==== registers by name ============================================= */

/* x register number of `name` ("a0", "x10", "fp"), or -1 */
static int xreg_num(const char *name)
{
    if (!strcmp(name, "fp")) return 8;
    for (int i = 0; i < 32; i++)
        if (!strcmp(name, vm_rv_xreg_name(i))) return i;
    if (name[0] == 'x' && name[1]) {
        char *end;
        long v = strtol(name + 1, &end, 10);
        if (!*end && v >= 0 && v < 32 && name[1] != '+' && name[1] != '-') return (int)v;
    }
    return -1;
}

static int freg_num(const char *name)
{
    for (int i = 0; i < 32; i++)
        if (!strcmp(name, vm_rv_freg_name(i))) return i;
    if (name[0] == 'f' && name[1] >= '0' && name[1] <= '9') {
        char *end;
        long v = strtol(name + 1, &end, 10);
        if (!*end && v >= 0 && v < 32) return (int)v;
    }
    return -1;
}

static const struct { const char *name; unsigned num; } csrs[] = {
    {"fflags", 0x001}, {"frm", 0x002}, {"fcsr", 0x003},
    {"cycle", 0xc00},  {"instret", 0xc02},
};

static int csr_num(const char *name)
{
    for (size_t i = 0; i < sizeof csrs / sizeof *csrs; i++)
        if (!strcmp(name, csrs[i].name)) return (int)csrs[i].num;
    return -1;
}

/* }==== */

/* {==== breakpoints, watchpoints, symbols ============================== */

static int bp_index(const lvm_machine *lm, uint64_t pc)
{
    for (int i = 0; i < lm->nbp; i++)
        if (lm->bp[i] == pc) return i;
    return -1;
}

/* The watched bytes, read through a translation probe: not an access the
 * TLB model sees (a watchpoint must not change the statistics). */
static int read_watch(lvm_machine *lm, const lvm_watch *w, uint64_t *v)
{
    unsigned char b[8] = {0};
    int rc = 0;
    for (unsigned i = 0; i < w->len; i++) {
        vm_translation t;
        if (vm_machine_translate(lm->m, w->addr + i, VM_ACCESS_READ, &t, NULL) ||
            vm_machine_read_phys(lm->m, t.pa, &b[i], 1, NULL))
            rc = -1;
    }
    *v = 0;
    memcpy(v, b, w->len); /* little-endian host and guest */
    return rc;
}

/* Load the program's symbols once; 0 when they are there. */
static int need_syms(lvm_machine *lm)
{
    if (!lm->syms_state)
        lm->syms_state = vm_elfsyms_read(lm->program, &lm->syms, NULL) ? -1 : 1;
    return lm->syms_state == 1 ? 0 : -1;
}

static uint64_t bias(lvm_machine *lm)
{
    if (need_syms(lm) || !lm->syms.pie || !lm->at_entry) return 0;
    return lm->at_entry - lm->syms.entry;
}

const char *lvm_symname(lua_State *L, int idx, uint64_t addr, char *buf, size_t size)
{
    lvm_machine *lm = luaL_testudata(L, idx, LVM_MACHINE);
    if (!lm || !lm->m || !lm->loaded || need_syms(lm)) return NULL;
    uint64_t off;
    const vm_elfsym *s = vm_elfsyms_at(&lm->syms, addr - bias(lm), &off);
    if (!s || (s->size && off >= s->size) || off > 0x100000) return NULL;
    if (off) snprintf(buf, size, "%s+%" PRIu64, s->name, off);
    else snprintf(buf, size, "%s", s->name);
    return buf;
}

/* An address argument: an integer, or a symbol name of the loaded program. */
static uint64_t checkaddr(lua_State *L, lvm_machine *lm, int arg, const char *fn)
{
    if (lua_type(L, arg) == LUA_TSTRING && !lua_isnumber(L, arg)) {
        const char *name = lua_tostring(L, arg);
        if (strncmp(name, "0x", 2)) {
            if (!lm->loaded) luaL_error(L, "%s: no program loaded to look up '%s' in", fn, name);
            const vm_elfsym *s = need_syms(lm) ? NULL : vm_elfsyms_find(&lm->syms, name);
            if (!s) luaL_error(L, "%s: no symbol '%s' in %s", fn, name, lm->program);
            return s->value + bias(lm);
        }
    }
    return lvm_checku64(L, arg, "address");
}

/* }==== */

/* {==== event handlers =================================================== */

static const char *const events[] = {"syscall", "syscall_return", "exit", "fault", NULL};

/* Push the handler for `ev` and return 1, or return 0 (nothing pushed). */
static int get_handler(lvm_machine *lm, const char *ev)
{
    lua_State *L = lm->L;
    if (!L || lm->hook_failed) return 0;
    lua_getiuservalue(L, lm->self, UV_HANDLERS);
    lua_getfield(L, -1, ev);
    lua_remove(L, -2);
    if (lua_isfunction(L, -1)) return 1;
    lua_pop(L, 1);
    return 0;
}

/* Call the handler with the event table on the stack; 1 if it asks to stop. */
static int call_handler(lvm_machine *lm)
{
    lua_State *L = lm->L;
    lua_pushvalue(L, lm->self);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        lm->hook_failed = 1;
        lua_setiuservalue(L, lm->self, UV_HOOKERR);
        return 1;
    }
    int stop = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return stop;
}

static void set_int(lua_State *L, const char *k, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static int h_syscall_enter(void *ud, vm_machine *m, uint64_t nr, const uint64_t args[6])
{
    lvm_machine *lm = ud;
    if (!get_handler(lm, "syscall")) return 0;
    lua_State *L = lm->L;
    lua_createtable(L, 0, 5);
    set_str(L, "event", "syscall");
    set_int(L, "nr", nr);
    const char *name = vm_syscall_name(nr);
    set_str(L, "name", name ? name : "?");
    set_int(L, "pc", vm_machine_pc(m) - 4);
    lua_createtable(L, 6, 0);
    for (int i = 0; i < 6; i++) {
        lua_pushinteger(L, (lua_Integer)args[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "args");
    return call_handler(lm);
}

static int h_syscall_exit(void *ud, vm_machine *m, uint64_t nr, int64_t ret)
{
    lvm_machine *lm = ud;
    (void)m;
    if (!get_handler(lm, "syscall_return")) return 0;
    lua_State *L = lm->L;
    lua_createtable(L, 0, 4);
    set_str(L, "event", "syscall_return");
    set_int(L, "nr", nr);
    const char *name = vm_syscall_name(nr);
    set_str(L, "name", name ? name : "?");
    set_int(L, "ret", (uint64_t)ret);
    return call_handler(lm);
}

static void h_exit(void *ud, vm_machine *m, const vm_run_result *r)
{
    lvm_machine *lm = ud;
    (void)m;
    if (!get_handler(lm, "exit")) return;
    lua_State *L = lm->L;
    lua_createtable(L, 0, 4);
    set_str(L, "event", "exit");
    if (r->kind == VM_RUN_SIGNALED) set_int(L, "signal", (uint64_t)r->status);
    else set_int(L, "status", (uint64_t)r->status);
    set_str(L, "msg", r->msg);
    call_handler(lm);
}

static int h_fault(void *ud, vm_machine *m, int sig, uint64_t addr, uint64_t pc)
{
    lvm_machine *lm = ud;
    (void)m;
    if (!get_handler(lm, "fault")) return 0;
    lua_State *L = lm->L;
    lua_createtable(L, 0, 5);
    set_str(L, "event", "fault");
    set_int(L, "signal", (uint64_t)sig);
    set_str(L, "signame", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    set_int(L, "addr", addr);
    set_int(L, "pc", pc);
    return call_handler(lm);
}

static void install_hooks(lvm_machine *lm)
{
    if (!lm->m) return;
    if (!lm->has_handlers) {
        vm_machine_set_hooks(lm->m, NULL);
        return;
    }
    vm_hooks h = {h_syscall_enter, h_syscall_exit, h_exit, h_fault, lm};
    vm_machine_set_hooks(lm->m, &h);
}

/* Tracer events (vmlab/trace_events.def) other than the four above go
 * through a tracer attached to the machine, with one C subscription per
 * event; the handler gets {event=, <the event's fields>...}. They cannot
 * stop the run (their return value is ignored), and the fine-grained ones
 * (insn, mem_read...) call Lua for every instruction or access. */
static void h_trace(void *ud, int ev, const vm_trace_val *v)
{
    lvm_machine *lm = ud;
    const vm_trace_info *ti = vm_trace_info_of(ev);
    lua_State *L = lm->L;
    if (!L || lm->hook_failed || lm->in_policy) return;
    lua_getiuservalue(L, lm->self, UV_HANDLERS);
    lua_pushfstring(L, "trace:%s", ti->name);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_createtable(L, 0, ti->nfields + 1);
    set_str(L, "event", ti->name);
    for (int i = 0; i < ti->nfields; i++) {
        if (ti->fields[i].type == VM_TRT_STR) lua_pushstring(L, v[i].s ? v[i].s : "");
        else if (ti->fields[i].type == VM_TRT_I64) lua_pushinteger(L, (lua_Integer)v[i].i);
        else lua_pushinteger(L, (lua_Integer)v[i].u);
        lua_setfield(L, -2, ti->fields[i].name);
    }
    call_handler(lm);
}

static void attach_tracer(lvm_machine *lm)
{
    int any = 0;
    for (int i = 0; i < VM_TEV_COUNT; i++) any |= lm->sub[i] != 0;
    if (lm->m) vm_machine_set_tracer(lm->m, any ? lm->tracer : NULL);
}

static int on_trace_event(lua_State *L, lvm_machine *lm, const char *name)
{
    int ev = vm_trace_find(name);
    if (ev < 0 || !strcmp(name, "gc_start") || !strcmp(name, "gc_end") || !strcmp(name, "gc_phase")) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int i = 0; i < VM_TEV_COUNT; i++) {
            const char *n = vm_trace_info_of(i)->name;
            if (!strncmp(n, "gc_", 3) || !strcmp(n, "exit")) continue; /* heaps'; ours */
            luaL_addstring(&b, ", ");
            luaL_addstring(&b, n);
        }
        luaL_pushresult(&b);
        return luaL_error(L, "m:on: unknown event '%s' (events: syscall, syscall_return, exit, fault%s)",
                          name, lua_tostring(L, -1));
    }
    vm_error err;
    if (!lm->tracer && !(lm->tracer = vm_tracer_new(&err))) return luaL_error(L, "m:on: %s", err.msg);
    if (lm->sub[ev]) vm_tracer_unsubscribe(lm->tracer, lm->sub[ev] - 1);
    lm->sub[ev] = 0;
    if (!lua_isnil(L, 3)) {
        int id = vm_tracer_subscribe(lm->tracer, name, h_trace, lm, &err);
        if (id < 0) return luaL_error(L, "m:on: %s", err.msg);
        lm->sub[ev] = id + 1;
    }
    attach_tracer(lm);
    lua_getiuservalue(L, 1, UV_HANDLERS);
    lua_pushfstring(L, "trace:%s", name);
    lua_pushvalue(L, -1);
    lua_rawget(L, 4);
    lua_insert(L, -2);
    lua_pushvalue(L, 3);
    lua_rawset(L, 4);
    return 1;
}

/* m:on(event, fn|nil) -> previous handler */
static int m_on(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    const char *name = luaL_checkstring(L, 2);
    if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_settop(L, 3);
    checkidle(L, lm, "m:on");
    int ev;
    for (ev = 0; events[ev] && strcmp(events[ev], name); ev++) {}
    if (!events[ev]) return on_trace_event(L, lm, name);
    lua_getiuservalue(L, 1, UV_HANDLERS);
    lua_getfield(L, 4, events[ev]);
    lua_pushvalue(L, 3);
    lua_setfield(L, 4, events[ev]);
    lm->has_handlers = 0;
    for (int i = 0; events[i]; i++) {
        lua_getfield(L, 4, events[i]);
        if (!lua_isnil(L, -1)) lm->has_handlers = 1;
        lua_pop(L, 1);
    }
    install_hooks(lm);
    return 1;
}

/* }==== */

static const char *const tlb_levels[] = {"l1i", "l1d", "l2", "pwc", NULL};

/* {==== TLB replacement policies in Lua ================================= */

/* The TLB model asks a policy for a victim way when a full set needs room
 * and tells it about hits and fills. A Lua policy is a table {victim = fn,
 * hit = fn, fill = fn} (or just the victim function) kept in the handlers
 * table under "tlb:LEVEL". It is consulted only during m:run / m:step (the
 * thread running them is the one it runs on); other translations (the
 * loader's, m.mem's) take a random victim. Ways and sets count from 0. An
 * error stops the run at the end of the chunk and m:run raises it. */

static int tlb_push_fn(struct lvm_tlbctx *tc, const char *fn)
{
    lvm_machine *lm = tc->lm;
    lua_State *L = lm->L;
    if (!L || lm->hook_failed || lm->in_policy) return 0; /* m.mem inside a policy: no recursion */
    lua_getiuservalue(L, lm->self, UV_HANDLERS);
    lua_pushfstring(L, "tlb:%s", tlb_levels[tc->level]);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (lua_isfunction(L, -1) && !strcmp(fn, "victim")) return 1;
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, fn);
        lua_remove(L, -2);
        if (lua_isfunction(L, -1)) return 1;
    }
    lua_pop(L, 1);
    return 0;
}

static int tlb_call(struct lvm_tlbctx *tc, int nargs, int nres)
{
    lvm_machine *lm = tc->lm;
    lm->in_policy = 1;
    int st = lua_pcall(lm->L, nargs, nres, 0);
    lm->in_policy = 0;
    if (st != LUA_OK) {
        lm->hook_failed = 1;
        lua_pushfstring(lm->L, "TLB policy (%s): %s", tlb_levels[tc->level], lua_tostring(lm->L, -1));
        lua_setiuservalue(lm->L, lm->self, UV_HOOKERR);
        lua_pop(lm->L, 1);
        return -1;
    }
    return 0;
}

static size_t lp_state_bytes(int ways)
{
    (void)ways;
    return 8;
}

static void lp_init(void *st, int ways)
{
    (void)st;
    (void)ways;
}

static void lp_event(const char *fn, int ways, int way, vm_tlb_pctx *ctx)
{
    struct lvm_tlbctx *tc = ctx->ud;
    if (!tlb_push_fn(tc, fn)) return;
    lua_State *L = tc->lm->L;
    lua_pushinteger(L, ctx->set);
    lua_pushinteger(L, way);
    lua_pushinteger(L, ways);
    lua_pushinteger(L, (lua_Integer)ctx->clock);
    tlb_call(tc, 4, 0);
}

static void lp_hit(void *st, int ways, int way, vm_tlb_pctx *ctx)
{
    (void)st;
    lp_event("hit", ways, way, ctx);
}

static void lp_fill(void *st, int ways, int way, vm_tlb_pctx *ctx)
{
    (void)st;
    lp_event("fill", ways, way, ctx);
}

static int lp_victim(void *st, int ways, vm_tlb_pctx *ctx)
{
    (void)st;
    struct lvm_tlbctx *tc = ctx->ud;
    int fallback = (int)(vm_tlb_rand(ctx) % (uint64_t)ways);
    if (!tlb_push_fn(tc, "victim")) return fallback;
    lua_State *L = tc->lm->L;
    lua_pushinteger(L, ctx->set);
    lua_pushinteger(L, ways);
    lua_pushinteger(L, (lua_Integer)ctx->clock);
    if (tlb_call(tc, 3, 1)) return fallback;
    int ok;
    lua_Integer w = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok || w < 0 || w >= ways) {
        lvm_machine *lm = tc->lm;
        lm->hook_failed = 1;
        lua_pushfstring(L, "TLB policy (%s): victim must return a way in 0..%d", tlb_levels[tc->level],
                        ways - 1);
        lua_setiuservalue(L, lm->self, UV_HOOKERR);
        return fallback;
    }
    return (int)w;
}

static const vm_tlb_policy lua_tlb_policy = {
    "lua", lp_state_bytes, lp_init, lp_hit, lp_fill, lp_victim,
};

/* }==== */

/* {==== creation, loading =============================================== */

static const char *const machine_keys[] = {"engine",      "sysroot",  "strict", "mmu",
                                           "tlb",         "tlb_mode", "pages",  "ad",
                                           "shadow_tlbs", "mem",      NULL};

static vm_machine *new_vm(lua_State *L, lvm_machine *lm, vm_error *err)
{
    vm_machine_config cfg = {
        .engine = lm->engine,
        .sysroot = lm->sysroot[0] ? lm->sysroot : NULL,
        .strict = lm->strict,
        .name = "vmsh",
        .mmu = lm->mmu[0] ? lm->mmu : NULL,
        .tlb = lm->tlb[0] ? lm->tlb : NULL,
        .tlb_mode = lm->tlb_mode[0] ? lm->tlb_mode : NULL,
        .pages = lm->pages[0] ? lm->pages : NULL,
        .ad = lm->ad[0] ? lm->ad : NULL,
        .nshadow_tlbs = lm->nshadow,
        .mem_size = lm->mem_size,
    };
    for (int i = 0; i < lm->nshadow; i++) cfg.shadow_tlbs[i] = lm->shadow[i];
    (void)L;
    vm_machine *m = vm_machine_new(&cfg, err);
    for (int i = 0; m && i < 4; i++)
        if (lm->tlbp[i].on && vm_machine_set_tlb_policy(m, tlb_levels[i], &lua_tlb_policy,
                                                        &lm->tlbp[i], err)) {
            vm_machine_free(m);
            return NULL;
        }
    return m;
}

/* Copy a string option into dst; 0, or an error message pushed. */
static int copy_opt(lua_State *L, char *dst, size_t size, const char *k, const char *v)
{
    if (!v) return 0;
    if (strlen(v) >= size) {
        lua_pushfstring(L, "vm.machine: option '%s': too long", k);
        return -1;
    }
    snprintf(dst, size, "%s", v);
    return 0;
}

/* mem=: bytes, or a string "512M", "4G", "64KiB", "1048576" (K, M, G, T:
 * powers of 1024). 0, or an error message pushed. */
static int mem_size_option(lua_State *L, int t, lvm_machine *lm)
{
    lua_getfield(L, t, "mem");
    int ty = lua_type(L, -1);
    uint64_t v = 0;
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    } else if (ty == LUA_TNUMBER) {
        int ok;
        lua_Integer i = lua_tointegerx(L, -1, &ok);
        if (!ok || i <= 0) {
            lua_pushfstring(L, "vm.machine: option 'mem': %s is not a positive number of bytes",
                            lua_tostring(L, -1));
            return -1;
        }
        v = (uint64_t)i;
    } else if (ty == LUA_TSTRING) {
        const char *str = lua_tostring(L, -1), *e;
        char *end;
        unsigned long long n = strtoull(str, &end, 10);
        static const char units[] = "KMGT";
        int shift = 0;
        e = end;
        if (*e && strchr(units, *e)) {
            shift = 10 * (int)(strchr(units, *e) - units + 1);
            e++;
            if (!strcmp(e, "iB") || !strcmp(e, "B")) e += strlen(e);
        }
        if (end == str || *e || !n || (shift && n > (UINT64_MAX >> shift)) || str[0] == '-' ||
            str[0] == '+') {
            lua_pushfstring(L,
                            "vm.machine: option 'mem': '%s' is not a size (bytes, or a number with "
                            "K, M, G or T)",
                            str);
            return -1;
        }
        v = (uint64_t)n << shift;
    } else {
        lua_pushfstring(L,
                        "vm.machine: option 'mem' must be a number of bytes or a string such as "
                        "\"512M\", got %s",
                        luaL_typename(L, -1));
        return -1;
    }
    if ((v & VM_PAGE_MASK) || v < VM_MEM_MIN || v > VM_MEM_MAX) {
        lua_pushfstring(
            L,
            "vm.machine: option 'mem': %I bytes: must be a multiple of 4 KiB from 4 MiB to 1 TiB",
            (lua_Integer)v);
        return -1;
    }
    lm->mem_size = v;
    lua_pop(L, 1);
    return 0;
}

/* mmu=, tlb= (a spec string, or a table {l1d = "64x4:plru", ...}),
 * tlb_mode=, pages=, ad=, shadow_tlbs= {spec, ...}, mem= */
static int mem_options(lua_State *L, int t, lvm_machine *lm)
{
    if (lua_isnoneornil(L, t)) return 0;
    if (mem_size_option(L, t, lm)) return -1;
    if (copy_opt(L, lm->mmu, sizeof lm->mmu, "mmu", lvm_optstring(L, t, "vm.machine", "mmu", NULL)) ||
        copy_opt(L, lm->tlb_mode, sizeof lm->tlb_mode, "tlb_mode",
                 lvm_optstring(L, t, "vm.machine", "tlb_mode", NULL)) ||
        copy_opt(L, lm->pages, sizeof lm->pages, "pages", lvm_optstring(L, t, "vm.machine", "pages", NULL)) ||
        copy_opt(L, lm->ad, sizeof lm->ad, "ad", lvm_optstring(L, t, "vm.machine", "ad", NULL)))
        return -1;
    lua_getfield(L, t, "tlb");
    if (lua_type(L, -1) == LUA_TSTRING) {
        if (copy_opt(L, lm->tlb, sizeof lm->tlb, "tlb", lua_tostring(L, -1))) return -1;
    } else if (lua_istable(L, -1)) {
        /* {l1d = "64x4:plru", seed = 7, "cost=1/8/30/2"}: NAME=VALUE items in key order */
        int tt = lua_gettop(L);
        luaL_Buffer b;
        lua_newtable(L); /* sorted key list */
        int keys = lua_gettop(L), nk = 0;
        lua_pushnil(L);
        while (lua_next(L, tt)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            lua_rawseti(L, keys, ++nk);
        }
        lua_getglobal(L, "table");
        lua_getfield(L, -1, "sort");
        lua_remove(L, -2);
        lua_createtable(L, nk, 0); /* strings only: numbers first, as strings */
        for (int i = 1; i <= nk; i++) {
            lua_rawgeti(L, keys, i);
            if (lua_type(L, -1) == LUA_TNUMBER) lua_pushfstring(L, "#%011d", (int)lua_tointeger(L, -1));
            else lua_pushvalue(L, -1);
            lua_remove(L, -2);
            lua_rawseti(L, -2, i);
        }
        lua_replace(L, keys);
        lua_pushvalue(L, keys);
        if (lua_pcall(L, 1, 0, 0)) return -1;
        luaL_buffinit(L, &b);
        for (int i = 1; i <= nk; i++) {
            lua_rawgeti(L, keys, i);
            const char *k = lua_tostring(L, -1);
            if (i > 1) luaL_addchar(&b, ',');
            if (k[0] == '#') {
                lua_rawgeti(L, tt, strtol(k + 1, NULL, 10));
                if (!lua_isstring(L, -1)) {
                    lua_pushstring(L, "vm.machine: option 'tlb': items must be strings");
                    return -1;
                }
                luaL_addvalue(&b);
            } else {
                lua_getfield(L, tt, k);
                if (!lua_isstring(L, -1)) {
                    lua_pushfstring(L, "vm.machine: option 'tlb': level '%s' must be a string", k);
                    return -1;
                }
                const char *v = lua_tostring(L, -1);
                luaL_addstring(&b, k);
                luaL_addchar(&b, '=');
                luaL_addstring(&b, v);
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        luaL_pushresult(&b);
        if (copy_opt(L, lm->tlb, sizeof lm->tlb, "tlb", lua_tostring(L, -1))) return -1;
        lua_settop(L, tt);
    } else if (!lua_isnil(L, -1)) {
        lua_pushfstring(L, "vm.machine: option 'tlb' must be a string or a table, got %s", luaL_typename(L, -1));
        return -1;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "shadow_tlbs");
    if (lua_istable(L, -1)) {
        int n = (int)lua_rawlen(L, -1);
        if (n > 16) {
            lua_pushstring(L, "vm.machine: option 'shadow_tlbs': at most 16");
            return -1;
        }
        for (int i = 0; i < n; i++) {
            lua_rawgeti(L, -1, i + 1);
            if (lua_type(L, -1) != LUA_TSTRING ||
                copy_opt(L, lm->shadow[i], sizeof lm->shadow[i], "shadow_tlbs", lua_tostring(L, -1))) {
                if (lua_type(L, -1) != LUA_TSTRING) lua_pushstring(L, "vm.machine: option 'shadow_tlbs': items must be TLB spec strings");
                return -1;
            }
            lua_pop(L, 1);
        }
        lm->nshadow = n;
    } else if (!lua_isnil(L, -1)) {
        lua_pushstring(L, "vm.machine: option 'shadow_tlbs' must be a table of TLB spec strings");
        return -1;
    }
    lua_pop(L, 1);
    return 0;
}

/* vm.machine{engine=, sysroot=, strict=, mmu=, tlb=, tlb_mode=, pages=, ad=, shadow_tlbs=, mem=} */
static int vm_machine_ctor(lua_State *L)
{
    if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TTABLE);
    lvm_checkkeys(L, 1, "vm.machine", machine_keys, NULL, NULL);
    /* defaults: vm.defaults (vmsh -L, --engine, --strict) */
    lua_getfield(L, lua_upvalueindex(1), "defaults");
    int defs = lua_gettop(L);
    if (!lua_istable(L, defs)) {
        lua_pop(L, 1);
        lua_newtable(L);
    }
    const char *engine = lvm_optstring(L, 1, "vm.machine", "engine",
                                       lvm_optstring(L, defs, "vm.defaults", "engine", "interp"));
    const char *sysroot = lvm_optstring(L, 1, "vm.machine", "sysroot",
                                        lvm_optstring(L, defs, "vm.defaults", "sysroot", NULL));
    if (!sysroot) sysroot = getenv("VMSH_SYSROOT");
    if (!sysroot) sysroot = getenv("QEMU_LD_PREFIX");
    int strict = lvm_optbool(L, 1, "vm.machine", "strict",
                             lvm_optbool(L, defs, "vm.defaults", "strict", 0));
    if (strlen(engine) >= sizeof((lvm_machine *)0)->engine)
        return luaL_error(L, "vm.machine: option 'engine': name too long");
    if (sysroot && strlen(sysroot) >= PATH_MAX)
        return luaL_error(L, "vm.machine: option 'sysroot': path too long");
    lvm_machine *lm = lua_newuserdatauv(L, sizeof *lm, UV_N);
    memset(lm, 0, sizeof *lm);
    snprintf(lm->engine, sizeof lm->engine, "%s", engine);
    snprintf(lm->sysroot, sizeof lm->sysroot, "%s", sysroot ? sysroot : "");
    lm->strict = strict;
    luaL_setmetatable(L, LVM_MACHINE);
    lua_newtable(L);
    lua_setiuservalue(L, -2, UV_HANDLERS);
    for (int i = 0; i < 4; i++) {
        lm->tlbp[i].lm = lm;
        lm->tlbp[i].level = i;
    }
    if (mem_options(L, defs, lm) || mem_options(L, 1, lm)) return lua_error(L);
    vm_error err;
    if (!(lm->m = new_vm(L, lm, &err))) return luaL_error(L, "vm.machine: %s", err.msg);
    return 1;
}

/* Find AT_ENTRY in the initial stack's auxiliary vector (sp -> argc, argv,
 * envp, auxv), so that symbols of a PIE get its load bias. */
static uint64_t find_at_entry(vm_machine *m)
{
    uint64_t sp = vm_machine_x(m, 2), v = 0;
    if (vm_machine_read(m, sp, &v, 8, NULL)) return 0;
    sp += 8 * (v + 2); /* argc, argv[], NULL */
    for (int i = 0; i < 4096; i++, sp += 8) {
        if (vm_machine_read(m, sp, &v, 8, NULL)) return 0;
        if (!v) break;
    }
    sp += 8;
    for (int i = 0; i < 64; i++, sp += 16) {
        uint64_t kv[2];
        if (vm_machine_read(m, sp, kv, 16, NULL) || kv[0] == AT_NULL) return 0;
        if (kv[0] == AT_ENTRY) return kv[1];
    }
    return 0;
}

/* m:load(path [, {args}] [, {env=, sysroot=}]) -> m | nil, message */
static int m_load(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    checkidle(L, lm, "m:load");
    const char *path = luaL_checkstring(L, 2);
    if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"env", "sysroot", "argv0", NULL};
    lvm_checkkeys(L, 4, "m:load", keys, NULL, NULL);
    lua_settop(L, 4);
    const char *sysroot = lvm_optstring(L, 4, "m:load", "sysroot", NULL);
    const char *argv0 = lvm_optstring(L, 4, "m:load", "argv0", path);
    if (sysroot && strlen(sysroot) >= PATH_MAX)
        return luaL_error(L, "m:load: option 'sysroot': path too long");
    /* argv: strings anchored in the argument tables */
    lua_Integer nargs = lua_isnil(L, 3) ? 0 : (lua_Integer)lua_rawlen(L, 3);
    if (nargs > 100000) return luaL_error(L, "m:load: bad argument #2 (args): too many");
    const char **argv = lua_newuserdatauv(L, sizeof *argv * (size_t)(nargs + 2), 0); /* 5 */
    argv[0] = argv0;
    for (lua_Integer i = 1; i <= nargs; i++) {
        lua_rawgeti(L, 3, i);
        if (!lua_isstring(L, -1))
            return luaL_error(L, "m:load: bad argument #2 (args): element %d is a %s, not a string",
                              (int)i, luaL_typename(L, -1));
        lua_pushvalue(L, -1);
        lua_rawseti(L, 3, i); /* keep the converted string anchored */
        argv[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    argv[nargs + 1] = NULL;
    /* envp: the host's environment, or opts.env ({"K=V", ...} and/or {K = V}) */
    char *const *envp = environ;
    if (lua_isnil(L, 4)) lua_pushnil(L); /* 6: opts.env */
    else lua_getfield(L, 4, "env");
    if (!lua_isnil(L, 6)) {
        if (!lua_istable(L, 6)) return luaL_error(L, "m:load: option 'env' must be a table");
        lua_newtable(L); /* 7: anchors */
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, 6)) {
            if (lua_type(L, -2) == LUA_TNUMBER) {
                if (!lua_isstring(L, -1)) return luaL_error(L, "m:load: option 'env': entries must be strings");
                lua_pushvalue(L, -1);
            } else {
                if (lua_type(L, -2) != LUA_TSTRING || !lua_isstring(L, -1))
                    return luaL_error(L, "m:load: option 'env': NAME = value pairs must be strings");
                lua_pushfstring(L, "%s=%s", lua_tostring(L, -2), lua_tostring(L, -1));
            }
            lua_rawseti(L, 7, (lua_Integer)++n);
            lua_pop(L, 1);
        }
        char **e = lua_newuserdatauv(L, sizeof *e * (n + 1), 0); /* 8 */
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, 7, (lua_Integer)i + 1);
            e[i] = (char *)lua_tostring(L, -1);
            lua_pop(L, 1);
        }
        e[n] = NULL;
        envp = e;
    }
    /* a fresh vm_machine: a machine loads one program */
    char saved[PATH_MAX];
    snprintf(saved, sizeof saved, "%s", lm->sysroot);
    if (sysroot) snprintf(lm->sysroot, sizeof lm->sysroot, "%s", sysroot);
    vm_error err;
    vm_machine *nm = new_vm(L, lm, &err);
    if (sysroot) snprintf(lm->sysroot, sizeof lm->sysroot, "%s", saved);
    if (!nm || vm_machine_load(nm, path, (int)nargs + 1, (char *const *)argv, envp, &err)) {
        vm_machine_free(nm);
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    for (int i = 0; i < lm->nbp; i++) vm_machine_break_add(nm, lm->bp[i], NULL);
    for (int i = 0; i < lm->nw; i++) vm_machine_watch_add(nm, lm->w[i].addr, lm->w[i].len, NULL);
    if (lm->tracer) vm_machine_set_tracer(lm->m, NULL);
    vm_machine_free(lm->m);
    lm->m = nm;
    install_hooks(lm);
    if (lm->tracer) attach_tracer(lm);
    lm->loaded = 1;
    lm->ran = 0;
    snprintf(lm->program, sizeof lm->program, "%s", path);
    if (lm->syms_state == 1) vm_elfsyms_free(&lm->syms);
    lm->syms_state = 0;
    lm->at_entry = find_at_entry(nm);
    for (int i = 0; i < lm->nw; i++) read_watch(lm, &lm->w[i], &lm->w[i].old);
    lua_settop(L, 1);
    return 1;
}

/* }==== */

/* {==== running ========================================================== */

static int is_fault_signal(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

static void push_disasm(lua_State *L, vm_machine *m, uint64_t pc)
{
    uint32_t raw = 0;
    if (vm_machine_read(m, pc, &raw, 2, NULL)) {
        lua_pushnil(L);
        return;
    }
    if ((raw & 3) == 3) {
        uint16_t hi = 0;
        if (vm_machine_read(m, pc + 2, &hi, 2, NULL)) {
            lua_pushnil(L);
            return;
        }
        raw |= (uint32_t)hi << 16;
    }
    vm_rv_insn d;
    char text[96];
    vm_rv_decode(raw, &d);
    vm_rv_disasm(&d, pc, 1, text, sizeof text);
    lua_pushstring(L, text);
}

/* Run (step != 0: m:step) at most max instructions (0: no limit), stopping
 * at until_pc too if has_until. Leaves the result table on the stack. */
static int do_run(lua_State *L, lvm_machine *lm, uint64_t max, int has_until, uint64_t until,
                  int step)
{
    vm_machine *m = lm->m;
    uint64_t start = vm_machine_insns(m);
    lua_Hook hook0 = lua_gethook(L);
    int mask0 = lua_gethookmask(L);
    int temp = has_until && bp_index(lm, until) < 0;
    if (temp && vm_machine_break_add(m, until, NULL)) return luaL_error(L, "m:run: out of memory");
    const char *reason = NULL;
    int watch_hit = -1;
    vm_run_result r;
    memset(&r, 0, sizeof r);
    lm->L = L;
    lm->self = 1;
    lm->hook_failed = 0;
    /* a watch reports changes made during this run (not the debugger's) */
    for (int i = 0; i < lm->nw; i++) read_watch(lm, &lm->w[i], &lm->w[i].old);
    fflush(NULL); /* the guest writes to the same descriptors as Lua's print */
    for (;;) {
        uint64_t done = vm_machine_insns(m) - start;
        if (max && done >= max) {
            reason = step ? "step" : "limit";
            break;
        }
        uint64_t budget = max ? max - done : LVM_CHUNK;
        vm_machine_run(m, budget > LVM_CHUNK ? LVM_CHUNK : budget, &r);
        if (lm->hook_failed) break;
        if (r.kind == VM_RUN_WATCH) { /* a write to watched bytes: did one change? */
            for (int i = 0; i < lm->nw; i++) { /* all of them: one write may change several */
                lvm_watch *w = &lm->w[i];
                read_watch(lm, w, &w->now);
                w->changed = w->now != w->old;
                if (w->changed && watch_hit < 0) watch_hit = i;
            }
            if (watch_hit >= 0) {
                reason = "watchpoint";
                break;
            }
        } else if (r.kind != VM_RUN_LIMIT) {
            break;
        }
        uint64_t pc = vm_machine_pc(m);
        if (has_until && pc == until) { reason = "until"; break; }
        if (bp_index(lm, pc) >= 0 && vm_machine_insns(m) != start) { reason = "breakpoint"; break; }
        if (lua_gethook(L) != hook0 || lua_gethookmask(L) != mask0) { reason = "interrupted"; break; }
    }
    lm->L = NULL;
    if (temp) vm_machine_break_del(m, until);
    if (lm->hook_failed) {
        lua_getiuservalue(L, 1, UV_HOOKERR);
        lua_pushnil(L);
        lua_setiuservalue(L, 1, UV_HOOKERR);
        return luaL_error(L, "event handler failed: %s", luaL_optstring(L, -1, "?"));
    }
    lm->ran = 1;
    lm->last = r;
    if (!reason) {
        switch (r.kind) {
        case VM_RUN_EXITED: reason = "exit"; break;
        case VM_RUN_SIGNALED: reason = is_fault_signal(r.status) ? "fault" : "signal"; break;
        case VM_RUN_LIMIT: reason = step ? "step" : "limit"; break;
        case VM_RUN_BREAK: reason = has_until && r.pc == until ? "until" : "breakpoint"; break;
        case VM_RUN_HOOK: reason = "hook"; break;
        default: reason = "error"; break;
        }
    }
    uint64_t pc = vm_machine_pc(m);
    lua_createtable(L, 0, 8);
    set_str(L, "reason", reason);
    set_int(L, "pc", pc);
    set_int(L, "insns", vm_machine_insns(m) - start);
    if (r.kind == VM_RUN_EXITED) set_int(L, "status", (uint64_t)r.status);
    if (r.kind == VM_RUN_SIGNALED) {
        set_int(L, "signal", (uint64_t)r.status);
        set_str(L, "signame", sigabbrev_np(r.status) ? sigabbrev_np(r.status) : "?");
        if (r.has_addr) set_int(L, "addr", r.addr);
        push_disasm(L, m, pc);
        lua_setfield(L, -2, "disasm");
    }
    if (watch_hit >= 0) {
        lvm_watch *w = &lm->w[watch_hit];
        set_int(L, "addr", w->addr);
        set_int(L, "old", w->old);
        set_int(L, "new", w->now);
        set_int(L, "write_pc", r.write_pc);
        lua_newtable(L); /* every watch the write changed, the first included */
        for (int i = 0, k = 0; i < lm->nw; i++) {
            w = &lm->w[i];
            if (!w->changed) continue;
            lua_createtable(L, 0, 3);
            set_int(L, "addr", w->addr);
            set_int(L, "old", w->old);
            set_int(L, "new", w->now);
            lua_rawseti(L, -2, ++k);
            w->old = w->now;
            w->changed = 0;
        }
        lua_setfield(L, -2, "changed");
    }
    if (!strcmp(reason, "interrupted")) set_str(L, "msg", "interrupted");
    else if (!strcmp(reason, "watchpoint")) {
        char buf[160];
        snprintf(buf, sizeof buf,
                 "watchpoint 0x%" PRIx64 " changed by the instruction at 0x%" PRIx64,
                 lm->w[watch_hit].addr, r.write_pc);
        set_str(L, "msg", buf);
    } else if (!strcmp(reason, "until")) {
        char buf[64];
        snprintf(buf, sizeof buf, "reached 0x%" PRIx64, pc);
        set_str(L, "msg", buf);
    } else if (!strcmp(reason, "breakpoint") && r.kind == VM_RUN_LIMIT) {
        char buf[64];
        snprintf(buf, sizeof buf, "breakpoint at pc 0x%" PRIx64, pc);
        set_str(L, "msg", buf);
    } else if (!strcmp(reason, "step") || (r.kind == VM_RUN_LIMIT && strcmp(reason, "limit"))) {
        char buf[64];
        snprintf(buf, sizeof buf, "stepped to pc 0x%" PRIx64, pc);
        set_str(L, "msg", buf);
    } else if (!strcmp(reason, "limit")) {
        char buf[96];
        snprintf(buf, sizeof buf, "instruction limit reached after %" PRIu64 " instructions",
                 vm_machine_insns(m) - start);
        set_str(L, "msg", buf);
    } else set_str(L, "msg", r.msg);
    return 1;
}

static const char *const run_keys[] = {"max_insns", "until_pc", NULL};

/* m:run{max_insns=, until_pc=} -> result */
static int m_run(lua_State *L)
{
    lvm_machine *lm = checkloaded(L, 1, "m:run");
    checkidle(L, lm, "m:run");
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
    lvm_checkkeys(L, 2, "m:run", run_keys, NULL, NULL);
    lua_settop(L, 2);
    lua_Integer max = lvm_optint(L, 2, "m:run", "max_insns", 0);
    if (max < 0) return luaL_error(L, "m:run: option 'max_insns' must not be negative");
    int has_until = 0;
    uint64_t until = 0;
    if (!lua_isnil(L, 2)) {
        lua_getfield(L, 2, "until_pc");
        if (!lua_isnil(L, -1)) {
            has_until = 1;
            until = checkaddr(L, lm, lua_gettop(L), "m:run: option 'until_pc'");
        }
        lua_pop(L, 1);
    }
    return do_run(L, lm, (uint64_t)max, has_until, until, 0);
}

/* m:step([n]) -> result */
static int m_step(lua_State *L)
{
    lvm_machine *lm = checkloaded(L, 1, "m:step");
    checkidle(L, lm, "m:step");
    lua_Integer n = luaL_optinteger(L, 2, 1);
    if (n < 1) return luaL_argerror(L, 2, "n: must be at least 1");
    lua_settop(L, 1);
    return do_run(L, lm, (uint64_t)n, 0, 0, 1);
}

/* }==== */

/* {==== breakpoints and watchpoints ===================================== */

/* m:breakpoint(addr|symbol) -> addr */
static int m_breakpoint(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    checkidle(L, lm, "m:breakpoint");
    uint64_t pc = checkaddr(L, lm, 2, "m:breakpoint");
    if (bp_index(lm, pc) < 0) {
        uint64_t *nb = realloc(lm->bp, sizeof *nb * (size_t)(lm->nbp + 1));
        if (!nb) return luaL_error(L, "m:breakpoint: out of memory");
        lm->bp = nb;
        vm_error err;
        if (vm_machine_break_add(lm->m, pc, &err)) return luaL_error(L, "m:breakpoint: %s", err.msg);
        lm->bp[lm->nbp++] = pc;
    }
    lua_pushinteger(L, (lua_Integer)pc);
    return 1;
}

/* m:remove_breakpoint(addr|symbol) -> true | false (there was none) */
static int m_remove_breakpoint(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    checkidle(L, lm, "m:remove_breakpoint");
    uint64_t pc = checkaddr(L, lm, 2, "m:remove_breakpoint");
    int i = bp_index(lm, pc);
    if (i >= 0) {
        lm->bp[i] = lm->bp[--lm->nbp];
        vm_machine_break_del(lm->m, pc);
    }
    lua_pushboolean(L, i >= 0);
    return 1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* m:breakpoints() -> {addr, ...} sorted */
static int m_breakpoints(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    qsort(lm->bp, (size_t)lm->nbp, sizeof *lm->bp, cmp_u64);
    lua_createtable(L, lm->nbp, 0);
    for (int i = 0; i < lm->nbp; i++) {
        lua_pushinteger(L, (lua_Integer)lm->bp[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* m:watch(addr|symbol [, len=8]) -> addr: stop when those bytes change */
static int m_watch(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    uint64_t addr = checkaddr(L, lm, 2, "m:watch");
    lua_Integer len = luaL_optinteger(L, 3, 8);
    if (len < 1 || len > 8) return luaL_argerror(L, 3, "len: must be 1..8 bytes");
    int i;
    for (i = 0; i < lm->nw; i++)
        if (lm->w[i].addr == addr) break;
    if (i == lm->nw) {
        lvm_watch *nw = realloc(lm->w, sizeof *nw * (size_t)(lm->nw + 1));
        if (!nw) return luaL_error(L, "m:watch: out of memory");
        lm->w = nw;
    } else {
        vm_machine_watch_del(lm->m, addr, lm->w[i].len);
    }
    vm_error err;
    if (vm_machine_watch_add(lm->m, addr, (uint64_t)len, &err)) {
        if (i < lm->nw) lm->w[i] = lm->w[--lm->nw];
        return luaL_error(L, "m:watch: %s", err.msg);
    }
    if (i == lm->nw) lm->nw++;
    lm->w[i].addr = addr;
    lm->w[i].len = (unsigned)len;
    read_watch(lm, &lm->w[i], &lm->w[i].old);
    lua_pushinteger(L, (lua_Integer)addr);
    return 1;
}

static int m_remove_watch(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    uint64_t addr = checkaddr(L, lm, 2, "m:remove_watch");
    int found = 0;
    for (int i = 0; i < lm->nw; i++)
        if (lm->w[i].addr == addr) {
            vm_machine_watch_del(lm->m, addr, lm->w[i].len);
            lm->w[i] = lm->w[--lm->nw];
            found = 1;
            break;
        }
    lua_pushboolean(L, found);
    return 1;
}

/* m:watches() -> {{addr=, len=, value=}, ...} */
static int m_watches(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    lua_createtable(L, lm->nw, 0);
    for (int i = 0; i < lm->nw; i++) {
        lua_createtable(L, 0, 3);
        set_int(L, "addr", lm->w[i].addr);
        set_int(L, "len", lm->w[i].len);
        set_int(L, "value", lm->w[i].old);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* }==== */

/* {==== symbols, statistics, misc ======================================== */

static const char *symtype(int t)
{
    return t == VM_ELFSYM_FUNC ? "func" : t == VM_ELFSYM_OBJECT ? "object"
         : t == VM_ELFSYM_NOTYPE ? "notype" : "other";
}

/* m:symbols() -> {{name=, addr=, size=, type=, global=}, ...} sorted by addr */
static int m_symbols(lua_State *L)
{
    lvm_machine *lm = checkloaded(L, 1, "m:symbols");
    if (need_syms(lm)) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: cannot read its symbol table", lm->program);
        return 2;
    }
    uint64_t b = bias(lm);
    lua_createtable(L, (int)lm->syms.n, 0);
    for (size_t i = 0; i < lm->syms.n; i++) {
        const vm_elfsym *s = &lm->syms.v[i];
        lua_createtable(L, 0, 5);
        set_str(L, "name", s->name);
        set_int(L, "addr", s->value + b);
        set_int(L, "size", s->size);
        set_str(L, "type", symtype(s->type));
        lua_pushboolean(L, s->global);
        lua_setfield(L, -2, "global");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* m:addr(name) -> address | nil, message */
static int m_addr(lua_State *L)
{
    lvm_machine *lm = checkloaded(L, 1, "m:addr");
    const char *name = luaL_checkstring(L, 2);
    const vm_elfsym *s = need_syms(lm) ? NULL : vm_elfsyms_find(&lm->syms, name);
    if (!s) {
        lua_pushnil(L);
        lua_pushfstring(L, "no symbol '%s' in %s", name, lm->program);
        return 2;
    }
    lua_pushinteger(L, (lua_Integer)(s->value + bias(lm)));
    return 1;
}

/* m:symbol(addr) -> "name+off" | nil */
static int m_symbol(lua_State *L)
{
    checkloaded(L, 1, "m:symbol");
    uint64_t a = lvm_checku64(L, 2, "address");
    char buf[256];
    const char *s = lvm_symname(L, 1, a, buf, sizeof buf);
    if (s) lua_pushstring(L, s);
    else lua_pushnil(L);
    return 1;
}

/* Push the --stats document of lm as a table. */
static void push_stats(lua_State *L, lvm_machine *lm)
{
    char buf[16384];
    int n = vm_machine_stats_json(lm->m, buf + 1, sizeof buf - 2);
    if (n < 0 || (size_t)n >= sizeof buf - 2) luaL_error(L, "m:stats: document too long");
    buf[0] = '{';
    buf[n + 1] = '}';
    if (lvm_pushjson(L, buf, (size_t)n + 2)) luaL_error(L, "m:stats: %s", lua_tostring(L, -1));
    if (lm->loaded) set_str(L, "program", lm->program);
    if (lm->ran) {
        static const char *const stops[] = {"exit",       "signal", "limit",     "error",
                                            "breakpoint", "hook",   "watchpoint"};
        const vm_run_result *r = &lm->last;
        set_str(L, "stop", r->kind >= 0 && r->kind <= VM_RUN_WATCH ? stops[r->kind] : "?");
        if (r->kind == VM_RUN_EXITED) set_int(L, "exit_code", (uint64_t)r->status);
        if (r->kind == VM_RUN_SIGNALED) {
            set_int(L, "exit_code", 128 + (uint64_t)r->status);
            set_int(L, "signal", (uint64_t)r->status);
        }
    }
}

/* m:stats() -> the --stats document as a table */
static int m_stats(lua_State *L)
{
    push_stats(L, checkmachine(L, 1));
    return 1;
}

/* m:engine_option(key, value) -> true | nil, message: an option of the
 * current engine (the JIT's "dump" file); set it again after switching. */
static int m_engine_option(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    const char *k = luaL_checkstring(L, 2), *v = luaL_checkstring(L, 3);
    vm_error err;
    if (vm_machine_engine_option(lm->m, k, v, &err)) {
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int m_close(lua_State *L)
{
    lvm_machine *lm = luaL_checkudata(L, 1, LVM_MACHINE);
    checkidle(L, lm, "m:close");
    if (lm->m && lm->tracer) vm_machine_set_tracer(lm->m, NULL);
    vm_machine_free(lm->m);
    lm->m = NULL;
    vm_tracer_free(lm->tracer);
    lm->tracer = NULL;
    memset(lm->sub, 0, sizeof lm->sub);
    if (lm->syms_state == 1) vm_elfsyms_free(&lm->syms);
    lm->syms_state = 0;
    free(lm->bp);
    lm->bp = NULL;
    lm->nbp = 0;
    free(lm->w);
    lm->w = NULL;
    lm->nw = 0;
    return 0;
}

static int m_tostring(lua_State *L)
{
    lvm_machine *lm = luaL_checkudata(L, 1, LVM_MACHINE);
    if (!lm->m) lua_pushstring(L, "vmlab.machine (closed)");
    else if (!lm->loaded)
        lua_pushfstring(L, "vmlab.machine (%s, no program)", vm_machine_engine_name(lm->m));
    else {
        char buf[PATH_MAX + 128];
        snprintf(buf, sizeof buf, "vmlab.machine (%s, %s, pc=0x%" PRIx64 ", %" PRIu64 " insns)",
                 vm_machine_engine_name(lm->m), lm->program, vm_machine_pc(lm->m),
                 vm_machine_insns(lm->m));
        lua_pushstring(L, buf);
    }
    return 1;
}

static int push_view(lua_State *L, int uv, const char *mt, int kind);

static int m_index(lua_State *L)
{
    lvm_machine *lm = luaL_checkudata(L, 1, LVM_MACHINE);
    const char *k = luaL_checkstring(L, 2);
    /* methods */
    luaL_getmetatable(L, LVM_MACHINE);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, k);
    if (!lua_isnil(L, -1)) return 1;
    lua_settop(L, 2);
    if (!lm->m) return luaL_error(L, "this machine is closed");
    if (!strcmp(k, "cpu")) return push_view(L, UV_CPU, LVM_CPU, 0);
    if (!strcmp(k, "mem")) return push_view(L, UV_MEM, LVM_MEM, 0);
    if (!strcmp(k, "engine")) lua_pushstring(L, vm_machine_engine_name(lm->m));
    else if (!strcmp(k, "insns")) lua_pushinteger(L, (lua_Integer)vm_machine_insns(lm->m));
    else if (!strcmp(k, "pc")) lua_pushinteger(L, (lua_Integer)vm_machine_pc(lm->m));
    else if (!strcmp(k, "loaded")) lua_pushboolean(L, lm->loaded);
    else if (!strcmp(k, "program")) lm->loaded ? (void)lua_pushstring(L, lm->program) : lua_pushnil(L);
    else if (!strcmp(k, "mmu")) return push_view(L, UV_MMU, LVM_MMU, 0);
    else if (!strcmp(k, "tlb")) return luaL_error(L, "vmlab.machine has no field 'tlb': the TLB levels are in m.mmu");
    else return luaL_error(L, "vmlab.machine has no field or method '%s'", k);
    return 1;
}

static int m_newindex(lua_State *L)
{
    lvm_machine *lm = checkmachine(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "engine")) {
        checkidle(L, lm, "m.engine");
        const char *name = luaL_checkstring(L, 3);
        vm_error err;
        if (vm_machine_set_engine(lm->m, name, &err)) return luaL_error(L, "m.engine: %s", err.msg);
        snprintf(lm->engine, sizeof lm->engine, "%s", name);
        return 0;
    }
    return luaL_error(L, "vmlab.machine: field '%s' cannot be set (only 'engine' can)", k);
}

/* }==== */

/* {==== m.cpu and register views ========================================= */

static int push_view(lua_State *L, int uv, const char *mt, int kind)
{
    /* machine at 1; views are cached in the machine's user values */
    if (uv) {
        if (lua_getiuservalue(L, 1, uv) == LUA_TUSERDATA) return 1;
        lua_pop(L, 1);
    }
    lvm_view *v = lua_newuserdatauv(L, sizeof *v, 1);
    v->lm = lua_touserdata(L, 1);
    v->kind = kind;
    luaL_setmetatable(L, mt);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1); /* the view keeps the machine alive */
    if (uv) {
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, 1, uv);
    }
    return 1;
}

static lvm_view *checkview(lua_State *L, int idx, const char *mt)
{
    lvm_view *v = luaL_checkudata(L, idx, mt);
    if (!v->lm->m) luaL_error(L, "this machine is closed");
    return v;
}

static int reg_get(lua_State *L, vm_machine *m, int kind, int r)
{
    if (kind == 'x') lua_pushinteger(L, (lua_Integer)vm_machine_x(m, r));
    else if (kind == 'f') lua_pushinteger(L, (lua_Integer)vm_machine_f(m, r));
    else {
        uint64_t bits = vm_machine_f(m, r);
        double d;
        memcpy(&d, &bits, 8);
        lua_pushnumber(L, d);
    }
    return 1;
}

static void reg_set(lua_State *L, vm_machine *m, int kind, int r, int val)
{
    if (kind == 'x') vm_machine_set_x(m, r, lvm_checku64(L, val, "value"));
    else if (kind == 'f') vm_machine_set_f(m, r, lvm_checku64(L, val, "value"));
    else {
        double d = luaL_checknumber(L, val);
        uint64_t bits;
        memcpy(&bits, &d, 8);
        vm_machine_set_f(m, r, bits);
    }
}

/* register number of key `k` in a view of `kind`, or -1 */
static int view_reg(lua_State *L, int kind, int k)
{
    if (lua_type(L, k) == LUA_TNUMBER) {
        int ok;
        lua_Integer i = lua_tointegerx(L, k, &ok);
        if (kind == 'c') return ok && i >= 0 && i < 4096 ? (int)i : -1;
        return ok && i >= 0 && i < 32 ? (int)i : -1;
    }
    if (lua_type(L, k) != LUA_TSTRING) return -1;
    const char *s = lua_tostring(L, k);
    return kind == 'x' ? xreg_num(s) : kind == 'c' ? csr_num(s) : freg_num(s);
}

static const char *view_name(int kind)
{
    return kind == 'x' ? "m.cpu.x" : kind == 'f' ? "m.cpu.f" : kind == 'd' ? "m.cpu.fd" : "m.cpu.csr";
}

static int regs_index(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_REGS);
    int r = view_reg(L, v->kind, 2);
    if (r < 0) return luaL_error(L, "%s: no register %s", view_name(v->kind), luaL_tolstring(L, 2, NULL));
    if (v->kind == 'c') {
        uint64_t val;
        if (vm_machine_csr(v->lm->m, (unsigned)r, &val)) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)val);
        return 1;
    }
    return reg_get(L, v->lm->m, v->kind, r);
}

static int regs_newindex(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_REGS);
    int r = view_reg(L, v->kind, 2);
    if (r < 0) return luaL_error(L, "%s: no register %s", view_name(v->kind), luaL_tolstring(L, 2, NULL));
    if (v->kind == 'c') {
        if (vm_machine_set_csr(v->lm->m, (unsigned)r, lvm_checku64(L, 3, "value")))
            return luaL_error(L, "m.cpu.csr: CSR 0x%x cannot be written", r);
        return 0;
    }
    reg_set(L, v->lm->m, v->kind, r, 3);
    return 0;
}

static int regs_len(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_REGS);
    lua_pushinteger(L, v->kind == 'c' ? 4096 : 32);
    return 1;
}

static int regs_tostring(lua_State *L)
{
    lvm_view *v = luaL_checkudata(L, 1, LVM_REGS);
    lua_pushfstring(L, "vmlab.regs (%s)", view_name(v->kind));
    return 1;
}

static int cpu_index(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_CPU);
    vm_machine *m = v->lm->m;
    const char *k = luaL_checkstring(L, 2);
    int r;
    if (!strcmp(k, "pc")) lua_pushinteger(L, (lua_Integer)vm_machine_pc(m));
    else if ((r = xreg_num(k)) >= 0) return reg_get(L, m, 'x', r);
    else if ((r = freg_num(k)) >= 0) return reg_get(L, m, 'f', r);
    else if ((r = csr_num(k)) >= 0) {
        uint64_t val = 0;
        vm_machine_csr(m, (unsigned)r, &val);
        lua_pushinteger(L, (lua_Integer)val);
    } else if (!strcmp(k, "x") || !strcmp(k, "f") || !strcmp(k, "fd") || !strcmp(k, "csr")) {
        lua_getiuservalue(L, 1, 1); /* the machine */
        lua_replace(L, 1);
        return push_view(L, 0, LVM_REGS, k[0] == 'x' ? 'x' : k[0] == 'c' ? 'c' : k[1] ? 'd' : 'f');
    } else if (!strcmp(k, "regs")) {
        lua_getmetatable(L, 1);
        lua_getfield(L, -1, "regs");
    } else return luaL_error(L, "m.cpu has no register or field '%s'", k);
    return 1;
}

static int cpu_newindex(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_CPU);
    vm_machine *m = v->lm->m;
    const char *k = luaL_checkstring(L, 2);
    int r;
    if (!strcmp(k, "pc")) vm_machine_set_pc(m, lvm_checku64(L, 3, "value"));
    else if ((r = xreg_num(k)) >= 0) reg_set(L, m, 'x', r, 3);
    else if ((r = freg_num(k)) >= 0) reg_set(L, m, 'f', r, 3);
    else if ((r = csr_num(k)) >= 0) {
        if (vm_machine_set_csr(m, (unsigned)r, lvm_checku64(L, 3, "value")))
            return luaL_error(L, "m.cpu.%s is read-only", k);
    } else return luaL_error(L, "m.cpu has no register '%s'", k);
    return 0;
}

/* cpu:regs() -> {pc=, zero=, ra=, ...} */
static int cpu_regs(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_CPU);
    lua_createtable(L, 0, 33);
    set_int(L, "pc", vm_machine_pc(v->lm->m));
    for (int i = 0; i < 32; i++) set_int(L, vm_rv_xreg_name(i), vm_machine_x(v->lm->m, i));
    return 1;
}

static int cpu_tostring(lua_State *L)
{
    lvm_view *v = luaL_checkudata(L, 1, LVM_CPU);
    if (!v->lm->m) lua_pushstring(L, "vmlab.cpu (closed)");
    else {
        char buf[64];
        snprintf(buf, sizeof buf, "vmlab.cpu (pc=0x%" PRIx64 ")", vm_machine_pc(v->lm->m));
        lua_pushstring(L, buf);
    }
    return 1;
}

/* }==== */

/* {==== m.mmu ============================================================ */

static lvm_machine *mmu_machine(lua_State *L, int idx)
{
    lvm_view *v = checkview(L, idx, LVM_MMU);
    return v->lm;
}

/* field `k` of the stats document's "tlb" member (or the member) */
static void push_tlb_field(lua_State *L, lvm_machine *lm, const char *k)
{
    push_stats(L, lm);
    lua_getfield(L, -1, "tlb");
    lua_remove(L, -2);
    if (k && lua_istable(L, -1)) {
        lua_getfield(L, -1, k);
        lua_remove(L, -2);
    }
}

static int mmu_index(lua_State *L)
{
    lvm_machine *lm = mmu_machine(L, 1);
    const char *k = luaL_checkstring(L, 2);
    luaL_getmetatable(L, LVM_MMU);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, k);
    if (!lua_isnil(L, -1)) return 1;
    lua_settop(L, 2);
    if (!strcmp(k, "mode") || !strcmp(k, "pages") || !strcmp(k, "tlb_mode")) {
        push_stats(L, lm);
        lua_getfield(L, -1, !strcmp(k, "mode") ? "mmu" : k);
        if (lua_isnil(L, -1) && !strcmp(k, "mode")) lua_pushstring(L, "bare");
        return 1;
    }
    if (!strcmp(k, "config")) {
        push_tlb_field(L, lm, "config");
        return 1;
    }
    if (!strcmp(k, "levels")) {
        lua_newtable(L);
        push_tlb_field(L, lm, NULL);
        int n = 0;
        for (int i = 0; tlb_levels[i]; i++) {
            if (!lua_istable(L, -1)) break;
            lua_getfield(L, -1, tlb_levels[i]);
            int has = lua_istable(L, -1);
            lua_pop(L, 1);
            if (has) {
                lua_pushstring(L, tlb_levels[i]);
                lua_rawseti(L, -3, ++n);
            }
        }
        lua_pop(L, 1);
        return 1;
    }
    for (int i = 0; tlb_levels[i]; i++)
        if (!strcmp(k, tlb_levels[i])) {
            push_tlb_field(L, lm, k);
            return 1;
        }
    return luaL_error(L, "vmlab.mmu has no field or method '%s'", k);
}

/* mmu:stats() -> {tlb=, walks=, page_tables=, shadow=, mmu=, pages=, tlb_mode=} */
static int mmu_stats(lua_State *L)
{
    lvm_machine *lm = mmu_machine(L, 1);
    static const char *const keys[] = {"tlb", "walks", "page_tables", "shadow", "mmu", "pages", "tlb_mode", NULL};
    push_stats(L, lm);
    lua_newtable(L);
    for (int i = 0; keys[i]; i++) {
        lua_getfield(L, -2, keys[i]);
        lua_setfield(L, -2, keys[i]);
    }
    return 1;
}

static int mmu_flush(lua_State *L)
{
    lvm_machine *lm = mmu_machine(L, 1);
    if (lm->in_policy) return luaL_error(L, "m.mmu:flush: not allowed inside a TLB policy");
    vm_machine_tlb_flush(lm->m);
    return 0;
}

static int mmu_print(lua_State *L)
{
    lvm_machine *lm = mmu_machine(L, 1);
    fflush(stdout);
    vm_machine_print_tlb(lm->m, stdout);
    fflush(stdout);
    return 0;
}

/* mmu:set_policy(level, fn | {victim=, hit=, fill=} | nil) */
static int mmu_set_policy(lua_State *L)
{
    lvm_machine *lm = mmu_machine(L, 1);
    checkidle(L, lm, "m.mmu:set_policy");
    int lv = luaL_checkoption(L, 2, NULL, tlb_levels);
    if (!lua_isnoneornil(L, 3) && !lua_isfunction(L, 3) && !lua_istable(L, 3))
        return luaL_argerror(L, 3, "policy: a victim function, a table {victim=, hit=, fill=} or nil");
    if (lua_istable(L, 3)) {
        lua_getfield(L, 3, "victim");
        if (!lua_isfunction(L, -1)) return luaL_argerror(L, 3, "policy: the table needs a victim function");
        lua_pop(L, 1);
    }
    lua_settop(L, 3);
    struct lvm_tlbctx *tc = &lm->tlbp[lv];
    if (!tc->on) { /* remember the configured policy, to restore it */
        push_tlb_field(L, lm, tlb_levels[lv]);
        if (!lua_istable(L, -1)) return luaL_error(L, "m.mmu:set_policy: this machine has no TLB level %s", tlb_levels[lv]);
        lua_getfield(L, -1, "policy");
        snprintf(tc->orig, sizeof tc->orig, "%s", luaL_optstring(L, -1, "lru"));
        lua_pop(L, 2);
    }
    vm_error err;
    if (lua_isnil(L, 3)) {
        if (tc->on) {
            const vm_tlb_policy *p = vm_tlb_policy_find(tc->orig);
            if (!p || vm_machine_set_tlb_policy(lm->m, tlb_levels[lv], p, NULL, &err))
                return luaL_error(L, "m.mmu:set_policy: cannot restore policy '%s'", tc->orig);
        }
        tc->on = 0;
    } else {
        if (vm_machine_set_tlb_policy(lm->m, tlb_levels[lv], &lua_tlb_policy, tc, &err))
            return luaL_error(L, "m.mmu:set_policy: %s", err.msg);
        tc->on = 1;
    }
    lua_getiuservalue(L, 1, 1); /* the machine */
    lua_getiuservalue(L, -1, UV_HANDLERS);
    lua_pushfstring(L, "tlb:%s", tlb_levels[lv]);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
    return 0;
}

static int fault(lua_State *L, const vm_error *err);

static void push_translation(lua_State *L, const vm_translation *t)
{
    lua_createtable(L, 0, 14);
    set_int(L, "va", t->va);
    set_int(L, "pa", t->pa);
    set_int(L, "page_size", t->page_size);
    set_int(L, "level", (uint64_t)t->level);
    char perms[4] = {t->r ? 'r' : '-', t->w ? 'w' : '-', t->x ? 'x' : '-', 0};
    set_str(L, "perms", perms);
    lua_pushboolean(L, t->accessed);
    lua_setfield(L, -2, "accessed");
    lua_pushboolean(L, t->dirty);
    lua_setfield(L, -2, "dirty");
    set_int(L, "pte", t->pte);
    lua_createtable(L, 0, 3);
    lua_pushboolean(L, t->in_l1i);
    lua_setfield(L, -2, "l1i");
    lua_pushboolean(L, t->in_l1d);
    lua_setfield(L, -2, "l1d");
    lua_pushboolean(L, t->in_l2);
    lua_setfield(L, -2, "l2");
    lua_setfield(L, -2, "tlb");
}

/* mmu:lookup(va) -> {va=, pa=, page_size=, level=, perms=, accessed=, dirty=, pte=,
 * tlb={l1i=, l1d=, l2=}} | nil, message: a probe, not an access */
static int mmu_lookup(lua_State *L)
{
    lvm_machine *lm = mmu_machine(L, 1);
    uint64_t va = checkaddr(L, lm, 2, "m.mmu:lookup");
    vm_translation t;
    vm_error err;
    if (vm_machine_translate(lm->m, va, VM_ACCESS_ANY, &t, &err)) return fault(L, &err);
    push_translation(L, &t);
    return 1;
}

/* mmu:translate(va [, access="r"]) -> pa | nil, message */
static int mmu_translate(lua_State *L)
{
    lvm_machine *lm = mmu_machine(L, 1);
    uint64_t va = checkaddr(L, lm, 2, "m.mmu:translate");
    static const char *const acc[] = {"r", "w", "x", NULL};
    int a = luaL_checkoption(L, 3, "r", acc);
    vm_translation t;
    vm_error err;
    if (vm_machine_translate(lm->m, va, "rwx"[a], &t, &err)) return fault(L, &err);
    lua_pushinteger(L, (lua_Integer)t.pa);
    return 1;
}

static int mmu_tostring(lua_State *L)
{
    lvm_view *v = luaL_checkudata(L, 1, LVM_MMU);
    if (!v->lm->m) {
        lua_pushstring(L, "vmlab.mmu (closed)");
        return 1;
    }
    push_stats(L, v->lm);
    lua_getfield(L, -1, "mmu");
    lua_getfield(L, -2, "tlb");
    if (lua_istable(L, -1)) lua_getfield(L, -1, "config");
    else lua_pushnil(L);
    lua_pushfstring(L, "vmlab.mmu (%s, tlb %s)", luaL_optstring(L, -3, "bare"), luaL_optstring(L, -1, "none"));
    return 1;
}

/* }==== */

/* {==== m.mem ============================================================= */

static const struct { const char *name; unsigned size; int sign; } ints[] = {
    {"u8", 1, 0}, {"u16", 2, 0}, {"u32", 4, 0}, {"u64", 8, 0},
    {"i8", 1, 1}, {"i16", 2, 1}, {"i32", 4, 1}, {"i64", 8, 1},
};

static int fault(lua_State *L, const vm_error *err)
{
    lua_pushnil(L);
    lua_pushstring(L, err->msg);
    return 2;
}

/* m.mem takes virtual addresses (or symbols), m.mem.phys physical ones. */
static uint64_t view_addr(lua_State *L, lvm_view *v, int arg, const char *fn)
{
    return v->kind == 'p' ? lvm_checku64(L, arg, "physical address") : checkaddr(L, v->lm, arg, fn);
}

static int view_read(lvm_view *v, uint64_t a, void *buf, size_t n, vm_error *err)
{
    return v->kind == 'p' ? vm_machine_read_phys(v->lm->m, a, buf, n, err)
                          : vm_machine_read(v->lm->m, a, buf, n, err);
}

static int view_write(lvm_view *v, uint64_t a, const void *buf, size_t n, int force, vm_error *err)
{
    return v->kind == 'p' ? vm_machine_write_phys(v->lm->m, a, buf, n, err)
                          : vm_machine_write(v->lm->m, a, buf, n, force, err);
}

/* mem:read(addr, n) -> string | nil, message */
static int mem_read(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    uint64_t a = view_addr(L, v, 2, "mem:read");
    lua_Integer n = luaL_checkinteger(L, 3);
    if (n < 0 || n > (1 << 26)) return luaL_argerror(L, 3, "n: must be 0..64 MiB");
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, (size_t)n);
    vm_error err;
    if (n && view_read(v, a, p, (size_t)n, &err)) return fault(L, &err);
    luaL_pushresultsize(&b, (size_t)n);
    return 1;
}

/* mem:write(addr, s [, force]) -> true | nil, message */
static int mem_write(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    uint64_t a = view_addr(L, v, 2, "mem:write");
    size_t n;
    const char *s = luaL_checklstring(L, 3, &n);
    vm_error err;
    if (n && view_write(v, a, s, n, lua_toboolean(L, 4), &err)) return fault(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* mem:read_string(addr [, max=4096]) -> the NUL-terminated string */
static int mem_read_string(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    uint64_t a = view_addr(L, v, 2, "mem:read_string");
    lua_Integer max = luaL_optinteger(L, 3, 4096);
    if (max < 0) return luaL_argerror(L, 3, "max: must not be negative");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (lua_Integer i = 0; i < max; i++) {
        char c;
        vm_error err;
        if (view_read(v, a + (uint64_t)i, &c, 1, &err)) return fault(L, &err);
        if (!c) break;
        luaL_addchar(&b, c);
    }
    luaL_pushresult(&b);
    return 1;
}

static int mem_write_string(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    uint64_t a = view_addr(L, v, 2, "mem:write_string");
    size_t n;
    const char *s = luaL_checklstring(L, 3, &n);
    vm_error err;
    if (view_write(v, a, s, n + 1, lua_toboolean(L, 4), &err)) return fault(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static int mem_read_int(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    int t = (int)lua_tointeger(L, lua_upvalueindex(1));
    uint64_t a = view_addr(L, v, 2, "mem:read_int");
    uint64_t val = 0;
    vm_error err;
    if (view_read(v, a, &val, ints[t].size, &err)) return fault(L, &err);
    if (ints[t].sign && ints[t].size < 8) {
        unsigned sh = 64 - 8 * ints[t].size;
        val = (uint64_t)((int64_t)(val << sh) >> sh);
    }
    lua_pushinteger(L, (lua_Integer)val);
    return 1;
}

static int mem_write_int(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    int t = (int)lua_tointeger(L, lua_upvalueindex(1));
    uint64_t a = view_addr(L, v, 2, "mem:write_int");
    uint64_t val = lvm_checku64(L, 3, "value");
    vm_error err;
    if (view_write(v, a, &val, ints[t].size, lua_toboolean(L, 4), &err)) return fault(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static int mem_read_f64(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    uint64_t a = view_addr(L, v, 2, "mem:read_f64");
    double d;
    vm_error err;
    if (view_read(v, a, &d, 8, &err)) return fault(L, &err);
    lua_pushnumber(L, d);
    return 1;
}

/* methods, then m.mem.phys (the physical view) and m.mem.phys.size */
static int mem_index(lua_State *L)
{
    lvm_view *v = checkview(L, 1, LVM_MEM);
    const char *k = luaL_checkstring(L, 2);
    lua_getfield(L, lua_upvalueindex(1), k);
    if (!lua_isnil(L, -1)) return 1;
    if (!strcmp(k, "phys") && v->kind != 'p') {
        lua_getiuservalue(L, 1, 1); /* the machine */
        lua_replace(L, 1);
        lua_settop(L, 1);
        return push_view(L, UV_PHYS, LVM_MEM, 'p');
    }
    if (!strcmp(k, "size") && v->kind == 'p') {
        uint64_t n = vm_machine_mem_size(v->lm->m);
        if (n)
            lua_pushinteger(L, (lua_Integer)n);
        else
            lua_pushnil(L);
        return 1;
    }
    return luaL_error(L, "vmlab.mem has no field or method '%s'", k);
}

static int mem_tostring(lua_State *L)
{
    lvm_view *v = luaL_checkudata(L, 1, LVM_MEM);
    if (v->kind == 'p' && v->lm->m && vm_machine_mem_size(v->lm->m))
        lua_pushfstring(L, "vmlab.mem (guest physical memory, %I MiB)",
                        (lua_Integer)(vm_machine_mem_size(v->lm->m) >> 20));
    else
        lua_pushstring(L, v->kind == 'p' ? "vmlab.mem (guest physical memory)"
                                         : "vmlab.mem (guest virtual memory)");
    return 1;
}

/* }==== */

/* vm.engines() -> {"interp", "threaded", ...}: the engines built in */
static int vm_engines_list(lua_State *L)
{
    lua_newtable(L);
    for (int i = 0; vm_engine_name(i); i++) {
        lua_pushstring(L, vm_engine_name(i));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int m_gc(lua_State *L)
{
    return m_close(L);
}

void lvm_open_machine(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"load", m_load}, {"run", m_run}, {"step", m_step}, {"on", m_on},
        {"breakpoint", m_breakpoint}, {"remove_breakpoint", m_remove_breakpoint},
        {"breakpoints", m_breakpoints}, {"watch", m_watch}, {"remove_watch", m_remove_watch},
        {"watches", m_watches}, {"symbols", m_symbols}, {"addr", m_addr}, {"symbol", m_symbol},
        {"stats", m_stats}, {"engine_option", m_engine_option}, {"close", m_close}, {NULL, NULL},
    };
    luaL_newmetatable(L, LVM_MACHINE);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, m_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, m_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, m_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, m_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, m_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);

    luaL_newmetatable(L, LVM_CPU);
    lua_pushcfunction(L, cpu_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, cpu_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, cpu_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, cpu_regs);
    lua_setfield(L, -2, "regs");
    lua_pop(L, 1);

    luaL_newmetatable(L, LVM_REGS);
    lua_pushcfunction(L, regs_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, regs_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, regs_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, regs_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    static const luaL_Reg mem_methods[] = {
        {"read", mem_read}, {"write", mem_write}, {"read_string", mem_read_string},
        {"write_string", mem_write_string}, {"read_f64", mem_read_f64}, {NULL, NULL},
    };
    luaL_newmetatable(L, LVM_MEM);
    luaL_newlib(L, mem_methods);
    for (int i = 0; i < (int)(sizeof ints / sizeof *ints); i++) {
        char name[16];
        lua_pushinteger(L, i);
        lua_pushcclosure(L, mem_read_int, 1);
        snprintf(name, sizeof name, "read_%s", ints[i].name);
        lua_setfield(L, -2, name);
        lua_pushinteger(L, i);
        lua_pushcclosure(L, mem_write_int, 1);
        snprintf(name, sizeof name, "write_%s", ints[i].name);
        lua_setfield(L, -2, name);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "methods"); /* for the REPL's completion */
    lua_pushcclosure(L, mem_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, mem_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    luaL_newmetatable(L, LVM_MMU);
    static const luaL_Reg mmu_methods[] = {
        {"stats", mmu_stats},   {"flush", mmu_flush},
        {"print", mmu_print},   {"set_policy", mmu_set_policy},
        {"lookup", mmu_lookup}, {"translate", mmu_translate},
        {NULL, NULL},
    };
    luaL_newlib(L, mmu_methods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, mmu_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, mmu_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    lua_pushcfunction(L, vm_engines_list);
    lua_setfield(L, -2, "engines");
    /* vm.machine closes over the module table (for vm.defaults) */
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, vm_machine_ctor, 1);
    lua_setfield(L, -2, "machine");
}
