/*
 * vmsh's Lua side (lua/vmsh_lua.c, lua/repl.c): vmsh.c calls this first
 * thing in main, and it takes over when the command line asks for Lua.
 */
#ifndef VMLAB_LUA_VMSH_LUA_H
#define VMLAB_LUA_VMSH_LUA_H

/* If argv asks for Lua — no program and stdin a terminal (the REPL), -e,
 * -i, '-' (Lua from stdin), or a first non-option argument that is a Lua
 * script (a .lua name, a "#!...vmsh" or "#!...lua" first line, or a
 * precompiled chunk) — run it, store the exit status in *status and return 1.
 * Otherwise return 0 and leave everything to vmsh's ELF path. */
int vmsh_lua_dispatch(int argc, char **argv, int *status);

#endif
