/*
 * Internal interface between vmsh_lua.c (state, scripts, signals) and
 * repl.c (the interactive loop).
 */
#ifndef VMLAB_LUA_REPL_H
#define VMLAB_LUA_REPL_H

#include <lua.h>

/* Run the interactive loop on L until end of input; returns the exit status. */
int vmsh_repl(lua_State *L);

/* Evaluation runs with Ctrl-C armed: a SIGINT makes the running Lua code
 * (and so a guest run, see lmachine.c) stop with "interrupted!". */
void vmsh_sig_arm(lua_State *L);
void vmsh_sig_disarm(lua_State *L);
/* 1 (and clears it) if a SIGINT arrived since the last call. */
int vmsh_sig_take(void);

/* lua_pcall with a traceback handler; on error the message is on the stack. */
int vmsh_docall(lua_State *L, int narg, int nres);

#endif
