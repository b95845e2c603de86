/*
 * The vmsh REPL: GNU readline in callback mode (so that Ctrl-C at the prompt
 * is ours: select() returns EINTR, we clear the line), history in
 * ~/.vmsh_history, completion of Lua names and of file names inside
 * strings, multi-line chunks continued while Lua says "<eof>" (as lua.c
 * does), and debugger commands and pretty printing written in Lua
 * (lua/repl.lua, compiled in as lua/repl_lua.h).
 *
 * Global state. readline is one global per process and its callbacks (the
 * line handler, the completion function) carry no user pointer, so the
 * little they need — the Lua state and the line just read — is in the one
 * static struct `rls` below; it is set while vmsh_repl runs and nowhere
 * else. Without readline (or when stdin is not a terminal) lines come from
 * fgets and there is no completion.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "config.h"
#include "lua/repl.h"
#ifdef HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

static const char repl_lua[] =
#include "lua/repl_lua.h"
    ;

#define PROMPT1 "vmsh> "
#define PROMPT2 ">> "

#ifdef HAVE_READLINE
static struct {
    lua_State *L; /* for completion */
    int ref;      /* registry reference of the R table */
    char *line;
    int ready;
} rls;

static void on_line(char *line)
{
    rls.line = line;
    rls.ready = 1;
    rl_callback_handler_remove();
}

/* Call R.complete(text, at_start) -> list; build readline's match array:
 * [0] the longest common prefix, then the candidates, then NULL. */
static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 0;
    if (rl_completion_quote_character) return NULL; /* inside a string: file names */
    const char *lb = rl_line_buffer;
    while (*lb == ' ' || *lb == '\t') lb++;
    if (!strncmp(lb, "load ", 5) && start > (int)(lb - rl_line_buffer) + 4) return NULL;
    rl_attempted_completion_over = 1;
    rl_completion_suppress_append = 1;
    lua_State *L = rls.L;
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rls.ref);
    lua_getfield(L, -1, "complete");
    lua_pushstring(L, text);
    lua_pushboolean(L, rl_line_buffer + start == lb);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
        lua_settop(L, top);
        return NULL;
    }
    size_t n = lua_rawlen(L, -1);
    char **m = n ? calloc(n + 2, sizeof *m) : NULL;
    if (!m) {
        lua_settop(L, top);
        return NULL;
    }
    size_t lcp = 0;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        const char *s = lua_tostring(L, -1);
        m[i + 1] = strdup(s ? s : "");
        lua_pop(L, 1);
        if (i == 0) lcp = strlen(m[1]);
        else {
            size_t k = 0;
            while (k < lcp && m[1][k] == m[i + 1][k]) k++;
            lcp = k;
        }
    }
    m[0] = strndup(m[1], lcp);
    if (n == 1) { /* a unique match: just the substitution */
        free(m[1]);
        m[1] = NULL;
    }
    lua_settop(L, top);
    return m;
}
#endif

/* One line without its newline (malloc'd), or NULL at end of input; *intr
 * set when Ctrl-C interrupted the prompt. */
static char *read_line(const char *prompt, int tty, int *intr)
{
    *intr = 0;
#ifdef HAVE_READLINE
    if (tty) {
        /* SIGINT stays blocked except inside pselect, so that a Ctrl-C that
         * arrives while a character is being handled is seen at once */
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigprocmask(SIG_BLOCK, &block, &old);
        rls.ready = 0;
        rls.line = NULL;
        rl_callback_handler_install(prompt, on_line);
        while (!rls.ready) {
            if (vmsh_sig_take()) {
                rl_replace_line("", 0);
                rl_callback_sigcleanup();
                rl_callback_handler_remove();
                fputs("^C\n", stdout);
                *intr = 1;
                break;
            }
            fflush(stdout);
            fd_set fds;
            int fd = fileno(rl_instream ? rl_instream : stdin);
            FD_ZERO(&fds);
            FD_SET(fd, &fds);
            if (pselect(fd + 1, &fds, NULL, NULL, NULL, &old) < 0) {
                if (errno == EINTR) continue;
                rl_callback_handler_remove();
                break;
            }
            rl_callback_read_char();
        }
        sigprocmask(SIG_SETMASK, &old, NULL);
        return rls.ready ? rls.line : NULL;
    }
#endif
    if (tty) {
        fputs(prompt, stdout);
        fflush(stdout);
    }
    size_t cap = 256, n = 0;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    for (;;) {
        int c = getchar();
        if (c == EOF) {
            if (ferror(stdin) && errno == EINTR && vmsh_sig_take()) {
                clearerr(stdin);
                *intr = 1;
                free(buf);
                return NULL;
            }
            if (n == 0) {
                free(buf);
                return NULL;
            }
            break;
        }
        if (c == '\n') break;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        buf[n++] = (char)c;
    }
    buf[n] = 0;
    return buf;
}

/* Compile the chunk: first as an expression ("return " .. it), then as
 * statements. Returns 1 when Lua needs more lines (the chunk is incomplete),
 * else 0 with either a function or an error message pushed (status in *st). */
static int incomplete(lua_State *L, int st)
{
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    if (st == LUA_ERRSYNTAX && msg && len >= 5 && !strcmp(msg + len - 5, "<eof>")) {
        lua_pop(L, 1);
        return 1;
    }
    return 0;
}

static int compile(lua_State *L, const char *chunk, int *st)
{
    int is_eq = chunk[0] == '=';
    lua_pushfstring(L, is_eq ? "return %s" : "return %s;", is_eq ? chunk + 1 : chunk);
    *st = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin");
    lua_remove(L, -2);
    if (*st == LUA_OK) return 0;
    if (is_eq) return incomplete(L, *st); /* "=expr" must be an expression */
    lua_pop(L, 1);
    *st = luaL_loadbuffer(L, chunk, strlen(chunk), "=stdin");
    if (*st == LUA_OK) return 0;
    return incomplete(L, *st);
}

static void print_error(lua_State *L, int ref)
{
    const char *msg = lua_tostring(L, -1);
    fflush(stdout);
    if (msg && strstr(msg, "interrupted!")) {
        fprintf(stderr, "interrupted\n");
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        lua_getfield(L, -1, "where");
        lua_pcall(L, 0, 0, 0) == LUA_OK ? (void)0 : lua_pop(L, 1);
        lua_pop(L, 1);
    } else {
        fprintf(stderr, "%s\n", msg ? msg : "(error object is not a string)");
    }
    lua_pop(L, 1);
    fflush(stderr);
}

/* Call R[name](arg) under vmsh_docall; print an error. */
static void call_r(lua_State *L, int ref, const char *name, const char *arg)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
    lua_pushstring(L, arg);
    if (vmsh_docall(L, 1, 0) != LUA_OK) print_error(L, ref);
}

int vmsh_repl(lua_State *L)
{
    int tty = isatty(0);
    if (luaL_loadbuffer(L, repl_lua, sizeof repl_lua - 1, "=repl.lua") || lua_pcall(L, 0, 1, 0)) {
        fprintf(stderr, "vmsh: REPL: %s\n", lua_tostring(L, -1));
        return 1;
    }
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    char hist[4096] = "";
#ifdef HAVE_READLINE
    rls.L = L;
    rls.ref = ref;
    if (tty) {
        const char *h = getenv("VMSH_HISTORY"), *home = getenv("HOME");
        if (h && *h) snprintf(hist, sizeof hist, "%s", h);
        else if (home) snprintf(hist, sizeof hist, "%s/.vmsh_history", home);
        rl_readline_name = "vmsh";
        rl_catch_signals = 0;
        rl_catch_sigwinch = 0;
        rl_attempted_completion_function = complete;
        rl_completer_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^~#[]";
        rl_completer_quote_characters = "\"'";
        using_history();
        stifle_history(1000);
        if (hist[0] && read_history(hist)) write_history(hist); /* create it */
    }
#endif
    if (tty)
        printf("vmsh (vmlab %s, %s): 'help' for commands, Ctrl-D to quit\n", PACKAGE_VERSION,
               LUA_RELEASE);
    char *chunk = NULL;
    size_t clen = 0;
    for (;;) {
        int intr;
        char *line = read_line(chunk ? PROMPT2 : PROMPT1, tty, &intr);
        if (intr) {
            free(chunk);
            chunk = NULL;
            clen = 0;
            continue;
        }
        if (!line) break;
        if (!chunk) {
            const char *p = line + strspn(line, " \t");
            if (!*p) {
                free(line);
                continue;
            }
            lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
            lua_getfield(L, -1, "is_command");
            lua_pushstring(L, line);
            int is_cmd = lua_pcall(L, 1, 1, 0) == LUA_OK && lua_toboolean(L, -1);
            lua_pop(L, 2);
            if (is_cmd) {
#ifdef HAVE_READLINE
                if (tty) {
                    add_history(line);
                    if (hist[0]) append_history(1, hist);
                }
#endif
                call_r(L, ref, "command", line);
                free(line);
                continue;
            }
        }
        size_t ll = strlen(line);
        char *nc = realloc(chunk, clen + ll + 2);
        if (!nc) {
            free(line);
            break;
        }
        chunk = nc;
        if (clen) chunk[clen++] = '\n';
        memcpy(chunk + clen, line, ll + 1);
        clen += ll;
        free(line);
        int st;
        if (compile(L, chunk, &st)) continue; /* incomplete: read more */
#ifdef HAVE_READLINE
        if (tty) {
            add_history(chunk);
            if (hist[0]) append_history(1, hist);
        }
#endif
        free(chunk);
        chunk = NULL;
        clen = 0;
        if (st != LUA_OK) {
            print_error(L, ref);
            continue;
        }
        int base = lua_gettop(L);
        if (vmsh_docall(L, 0, LUA_MULTRET) != LUA_OK) {
            print_error(L, ref);
            continue;
        }
        int nres = lua_gettop(L) - base + 1;
        if (nres > 0) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
            lua_getfield(L, -1, "show");
            lua_remove(L, -2);
            lua_insert(L, base);
            if (vmsh_docall(L, nres, 0) != LUA_OK) print_error(L, ref);
        }
        lua_settop(L, base - 1);
    }
    free(chunk);
    if (tty) putchar('\n');
#ifdef HAVE_READLINE
    if (tty && hist[0]) history_truncate_file(hist, 1000);
    rls.L = NULL;
#endif
    luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return 0;
}
