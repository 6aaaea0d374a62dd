// ioredis-mock and the Lua VM it ships (fengari), loaded once with fengari configured like the
// Lua 5.1 of Redis: integral floats print without ".0" (`tostring(10/2)` is "5", not "5.0").
// fengari reads FENGARICONF when it first loads, so this module sets it before loading either;
// every module of the front gets ioredis-mock from here, never by a static import.
import { createRequire } from "node:module";
import type RedisMockType from "ioredis-mock";

const fengariConf = (() => {
  try {
    return JSON.parse(process.env.FENGARICONF ?? "{}") as Record<string, unknown>;
  } catch {
    return {};
  }
})();
process.env.FENGARICONF = JSON.stringify({ ...fengariConf, LUA_COMPAT_FLOATSTRING: true });

const require = createRequire(import.meta.url);

/**
 * The ioredis-mock class.
 *
 * @example
 * ```ts
 * const mock = new RedisMock({ host: "groundcrew-memory-1" });
 * ```
 */
export const RedisMock = require("ioredis-mock") as typeof RedisMockType;

/** An ioredis-mock instance. */
export type Mock = InstanceType<typeof RedisMockType>;

/** A fengari Lua state. */
export type LuaState = { readonly __luaState: unique symbol };

/** The part of fengari's C-like API the script runner uses (fengari ships no types). */
export interface Fengari {
  lua: {
    LUA_OK: number;
    LUA_YIELD: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    lua_newthread(L: LuaState): LuaState;
    lua_resume(L: LuaState, from: LuaState, nargs: number): number;
    lua_yieldk(
      L: LuaState,
      nresults: number,
      ctx: number,
      k: (L: LuaState, status: number, ctx: number) => number,
    ): number;
    lua_error(L: LuaState): number;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, idx: number): void;
    lua_pop(L: LuaState, n: number): void;
    lua_type(L: LuaState, idx: number): number;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_tolstring(L: LuaState, idx: number): Uint8Array | null;
    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, b: boolean | number): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: Uint8Array): void;
    lua_pushjsfunction(L: LuaState, fn: (L: LuaState) => number): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_getfield(L: LuaState, idx: number, key: Uint8Array): number;
    lua_rawget(L: LuaState, idx: number): number;
    lua_setfield(L: LuaState, idx: number, key: Uint8Array): void;
    lua_setglobal(L: LuaState, name: Uint8Array): void;
    lua_close(L: LuaState): void;
  };
  lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadbufferx(
      L: LuaState,
      buff: Uint8Array,
      size: number | null,
      name: Uint8Array,
      mode: Uint8Array | null,
    ): number;
  };
  lualib: { luaL_openlibs(L: LuaState): void };
  to_luastring(s: string): Uint8Array;
}

/**
 * fengari as ioredis-mock resolves it (the same instance, so the same configuration).
 *
 * @example
 * ```ts
 * const L = fengari.lauxlib.luaL_newstate();
 * ```
 */
export const fengari = createRequire(require.resolve("ioredis-mock"))("fengari") as Fengari;
