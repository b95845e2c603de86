/*
 * vmsh's Lua mode: decide from the command line whether vmsh runs an ELF
 * program (core/vmsh.c does that) or Lua — a script with its arguments,
 * `-e CODE`, Lua read from stdin, or the REPL (lua/repl.c) — and run it in a
 * Lua state with the vmlab module preloaded (`require "vmlab"`, and the
 * global `vm`).
 *
 * Signals. The one piece of global mutable state is here, because a signal
 * handler needs it: the Lua state that is evaluating (NULL when none) and a
 * "SIGINT arrived" flag for the REPL's prompt. The handler does what lua.c's
 * does: it sets a count hook on that state, which raises "interrupted!" at
 * the next Lua instruction, and m:run() notices the new hook between two
 * budgeted chunks of guest instructions (lmachine.c), so Ctrl-C also stops a
 * guest. lua_sethook is documented as safe to call from a signal handler.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "config.h"
#include "lua/repl.h"
#include "lua/vmsh_lua.h"

int luaopen_vmlab(lua_State *L);

static lua_State *volatile sig_L;          /* the state evaluating, or NULL */
static volatile sig_atomic_t sig_pending;  /* a SIGINT since vmsh_sig_take() */

static void lstop(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

static void on_sigint(int sig)
{
    (void)sig;
    sig_pending = 1;
    lua_State *L = sig_L;
    if (L) lua_sethook(L, lstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void vmsh_sig_arm(lua_State *L)
{
    sig_L = L;
}

void vmsh_sig_disarm(lua_State *L)
{
    sig_L = NULL;
    sig_pending = 0; /* a Ctrl-C during the evaluation was for it */
    if (lua_gethook(L) == lstop) lua_sethook(L, NULL, 0, 0); /* a late Ctrl-C */
}

int vmsh_sig_take(void)
{
    int p = sig_pending;
    sig_pending = 0;
    return p;
}

static void install_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: the REPL's select() must see EINTR */
    sigaction(SIGINT, &sa, NULL);
}

static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int vmsh_docall(lua_State *L, int narg, int nres)
{
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    vmsh_sig_arm(L);
    int status = lua_pcall(L, narg, nres, base);
    vmsh_sig_disarm(L);
    lua_remove(L, base);
    return status;
}

static int report(lua_State *L, int status)
{
    if (status != LUA_OK) {
        fflush(stdout);
        fprintf(stderr, "vmsh: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    return status;
}

/* Is `path` a Lua script rather than a program? */
static int is_lua_file(const char *path)
{
    size_t n = strlen(path);
    if (n > 4 && !strcmp(path + n - 4, ".lua")) return 1;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char head[256] = "";
    size_t k = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[k] = 0;
    if (k >= 4 && !memcmp(head, "\x1bLua", 4)) return 1;
    if (k >= 2 && head[0] == '#' && head[1] == '!') {
        char *nl = strchr(head, '\n');
        if (nl) *nl = 0;
        return strstr(head, "vmsh") || strstr(head, "lua");
    }
    return 0;
}

static lua_State *new_state(void)
{
    lua_State *L = luaL_newstate();
    if (!L) return NULL;
    luaL_openlibs(L);
    luaL_requiref(L, "vmlab", luaopen_vmlab, 0);
    lua_setglobal(L, "vm");
    return L;
}

static void usage_lua(FILE *f)
{
    fprintf(f, "usage: vmsh [OPTIONS] [SCRIPT.lua [ARGS...]]\n"
               "  (no script)       interactive shell (when stdin is a terminal)\n"
               "  -e CODE           run the Lua CODE\n"
               "  -i                stay interactive after the script or -e\n"
               "  -                 read the Lua script from stdin\n"
               "  -L DIR, --engine=NAME, --strict, --mmu=, --tlb=, --tlb-mode=, --pages=, --ad=\n"
               "                    defaults for vm.machine{} (vm.defaults)\n"
               "See doc/vmsh.md. For programs: vmsh [OPTIONS] PROG [ARGS...] (vmsh --help).\n");
}

int vmsh_lua_dispatch(int argc, char **argv, int *status)
{
    int script = 0, want_lua = 0, i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            script = i + 1 < argc ? i + 1 : 0;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-V") || !strcmp(a, "--version"))
            return 0;
        if (!strcmp(a, "-e")) { want_lua = 1; i++; continue; }
        if (!strcmp(a, "--lua-help")) { want_lua = 1; continue; }
        if (!strcmp(a, "-i") || !strcmp(a, "-")) { want_lua = 1; if (a[1]) continue; script = i; break; }
        if (!strcmp(a, "-L")) { i++; continue; }
        if (a[0] == '-') continue;
        script = i;
        break;
    }
    if (script && !want_lua && !is_lua_file(argv[script])) return 0; /* a program */
    if (!script && !want_lua && !isatty(0)) return 0; /* vmsh.c: "no program given" */

    /* Lua mode: our own options, up to the script */
    int interactive = !script && !want_lua;
    const char *engine = NULL, *sysroot = NULL;
    int strict = 0;
    int end = script ? script : argc;
    if (script && !strcmp(argv[script - 1], "--")) end = script - 1;
    for (i = 1; i < end; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-e")) {
            if (i + 1 >= end) {
                fprintf(stderr, "vmsh: -e needs an argument\n");
                *status = 125;
                return 1;
            }
            i++;
        } else if (!strcmp(a, "-i")) interactive = 1;
        else if (!strcmp(a, "-L") && i + 1 < end) sysroot = argv[++i];
        else if (!strncmp(a, "--engine=", 9)) engine = a + 9;
        else if (!strcmp(a, "--engine") && i + 1 < end) engine = argv[++i];
        else if (!strcmp(a, "--strict")) strict = 1;
        else if (!strncmp(a, "--mmu=", 6) || !strncmp(a, "--tlb=", 6) || !strncmp(a, "--tlb-mode=", 11) ||
                 !strncmp(a, "--pages=", 8) || !strncmp(a, "--ad=", 5))
            continue; /* vm.defaults, below */
        else if (!strcmp(a, "--lua-help")) { usage_lua(stdout); *status = 0; return 1; }
        else {
            fprintf(stderr, "vmsh: option '%s' is not supported with Lua (see vmsh --lua-help)\n", a);
            *status = 125;
            return 1;
        }
    }
    lua_State *L = new_state();
    if (!L) {
        fprintf(stderr, "vmsh: cannot create a Lua state: out of memory\n");
        *status = 125;
        return 1;
    }
    install_sigint();
    /* vm.defaults */
    lua_getglobal(L, "vm");
    lua_getfield(L, -1, "defaults");
    if (engine) { lua_pushstring(L, engine); lua_setfield(L, -2, "engine"); }
    if (sysroot) { lua_pushstring(L, sysroot); lua_setfield(L, -2, "sysroot"); }
    if (strict) { lua_pushboolean(L, 1); lua_setfield(L, -2, "strict"); }
    for (i = 1; i < end; i++) { /* --mmu=, --tlb=, --tlb-mode=, --pages=, --ad= */
        static const char *const mo[][2] = {{"--mmu=", "mmu"}, {"--tlb=", "tlb"}, {"--tlb-mode=", "tlb_mode"},
                                            {"--pages=", "pages"}, {"--ad=", "ad"}};
        for (size_t k = 0; k < sizeof mo / sizeof *mo; k++)
            if (!strncmp(argv[i], mo[k][0], strlen(mo[k][0]))) {
                lua_pushstring(L, argv[i] + strlen(mo[k][0]));
                lua_setfield(L, -2, mo[k][1]);
            }
        if (!strcmp(argv[i], "-e") || !strcmp(argv[i], "-L") || !strcmp(argv[i], "--engine")) i++;
    }
    lua_pop(L, 2);
    /* arg: arg[0] the script, arg[1..] its arguments, negatives vmsh and options */
    lua_createtable(L, argc, script + 1);
    for (i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script); /* no script: like lua.c, everything from 0 */
    }
    lua_setglobal(L, "arg");
    int rc = 0;
    /* -e chunks, in order */
    for (i = 1; i < end && !rc; i++) {
        if (!strcmp(argv[i], "-e")) {
            const char *code = argv[++i];
            rc = report(L, luaL_loadbuffer(L, code, strlen(code), "=(command line)") ||
                               vmsh_docall(L, 0, 0));
        } else if (!strcmp(argv[i], "-L") || !strcmp(argv[i], "--engine")) i++;
    }
    if (!rc && script) {
        const char *fname = strcmp(argv[script], "-") ? argv[script] : NULL;
        int n = argc - script - 1;
        rc = luaL_loadfile(L, fname);
        if (rc == LUA_OK) {
            luaL_checkstack(L, n + 3, "too many arguments to the script");
            for (i = script + 1; i < argc; i++) lua_pushstring(L, argv[i]);
            rc = vmsh_docall(L, n, 0);
        }
        report(L, rc);
    }
    if (rc) *status = 1;
    else if (interactive) *status = vmsh_repl(L);
    else *status = 0;
    fflush(NULL);
    lua_close(L);
    return 1;
}
