// Conversions between Redis replies and Lua values, as Redis 7 does them (RESP2):
// https://redis.io/docs/latest/develop/interact/programmability/lua-api/#data-type-conversion
import { fengari, type LuaState } from "./memory-engine.ts";
import { type RedisReply, RedisReplyError } from "./types.ts";

const { lua, to_luastring } = fengari;
const decoder = new TextDecoder();
const fengariMaxInteger = 2 ** 31 - 1; // fengari's Lua integers are 32 bits; larger ones are floats

/**
 * A Lua number as Redis passes it to a command: `%.17g` (Redis 7.0), so 5.0 is "5", 0.5 is
 * "0.5", 1/0 is "inf".
 *
 * @example
 * ```ts
 * formatNumberArgument(10 / 2); // "5"
 * formatNumberArgument(0.1); // "0.10000000000000001"
 * ```
 */
export function formatNumberArgument(n: number): string {
  if (Number.isNaN(n)) return "-nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [mantissa = "", exponentText = "0"] = n.toExponential(16).split("e");
  const exponent = Number(exponentText);
  const trim = (digits: string) => (digits.includes(".") ? digits.replace(/\.?0+$/, "") : digits);
  if (exponent < -4 || exponent >= 17) {
    const sign = exponent < 0 ? "-" : "+";
    return `${trim(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return trim(n.toFixed(16 - exponent));
}

/**
 * Redis maps CR and LF in status and error replies to spaces.
 *
 * @example
 * ```ts
 * oneLine("a\r\nb"); // "a  b"
 * ```
 */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, " ");
}

/**
 * The Lua string (or number) at `idx` as text (invalid UTF-8 becomes U+FFFD); "" for other types.
 *
 * @example
 * ```ts
 * const source = luaString(L, 1);
 * ```
 */
export function luaString(L: LuaState, idx: number): string {
  const bytes = lua.lua_tolstring(L, idx);
  return bytes ? decoder.decode(bytes) : "";
}

function pushTableField(L: LuaState, field: "ok" | "err", text: string): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, to_luastring(text));
  lua.lua_setfield(L, -2, to_luastring(field));
}

/**
 * Pushes a command's reply as Redis gives it to Lua: integer → number, bulk → string, nil →
 * false, array → table (nil elements false), status → `{ok=…}`, error → `{err=…}`.
 *
 * @example
 * ```ts
 * pushReply(L, ["a", null, 3], false); // {"a", false, 3}
 * ```
 */
export function pushReply(L: LuaState, reply: RedisReply, status: boolean): void {
  if (reply === null) lua.lua_pushboolean(L, false);
  else if (typeof reply === "number") {
    if (Number.isInteger(reply) && Math.abs(reply) <= fengariMaxInteger) {
      lua.lua_pushinteger(L, reply);
    } else lua.lua_pushnumber(L, reply);
  } else if (typeof reply === "string") {
    if (status) pushTableField(L, "ok", reply);
    else lua.lua_pushstring(L, to_luastring(reply));
  } else if (reply instanceof Uint8Array) lua.lua_pushstring(L, reply);
  else if (reply instanceof RedisReplyError) pushTableField(L, "err", reply.message);
  else {
    lua.lua_createtable(L, reply.length, 0);
    reply.forEach((item, i) => {
      pushReply(L, item, false);
      lua.lua_rawseti(L, -2, i + 1);
    });
  }
}

/** Lua number → integer reply: truncated like C's (long long) cast, out of range → LLONG_MIN. */
function toInteger(n: number): number {
  if (Number.isNaN(n) || n >= 2 ** 63 || n < -(2 ** 63)) return -(2 ** 63);
  return Math.trunc(n) || 0;
}

const maxDepth = 1000;

/**
 * Reads the Lua value at `idx` as Redis turns a script's result into a reply: number → integer
 * (truncated), string → bulk, true → 1, false/nil → nil, `{err=…}` → error, `{ok=…}` → status,
 * `{double=…}` → bulk text, other tables → arrays up to the first nil; other types → nil.
 *
 * @example
 * ```ts
 * readReply(L, lua.lua_gettop(L)); // e.g. [1, "a", null]
 * ```
 */
export function readReply(L: LuaState, idx: number, depth = 0): RedisReply {
  const type = lua.lua_type(L, idx);
  if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, idx) ? 1 : null;
  if (type === lua.LUA_TNUMBER) return toInteger(lua.lua_tonumber(L, idx));
  if (type === lua.LUA_TSTRING) return luaString(L, idx);
  if (type !== lua.LUA_TTABLE) return null;
  if (depth > maxDepth) return new RedisReplyError("ERR reached lua stack limit");
  const field = (name: string, wanted: number) => {
    lua.lua_pushstring(L, to_luastring(name));
    const found = lua.lua_rawget(L, idx) === wanted;
    const value = found ? lua.lua_tonumber(L, -1) : 0;
    const text = found && wanted === lua.LUA_TSTRING ? luaString(L, -1) : "";
    lua.lua_pop(L, 1);
    return found ? { value, text } : undefined;
  };
  const err = field("err", lua.LUA_TSTRING);
  if (err) return new RedisReplyError(oneLine(err.text));
  const ok = field("ok", lua.LUA_TSTRING);
  if (ok) return oneLine(ok.text);
  const double = field("double", lua.LUA_TNUMBER);
  if (double) return formatNumberArgument(double.value);
  const items: RedisReply[] = [];
  for (let i = 1; lua.lua_rawgeti(L, idx, i) !== lua.LUA_TNIL; i++) {
    items.push(readReply(L, lua.lua_gettop(L), depth + 1));
    lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1);
  return items;
}
