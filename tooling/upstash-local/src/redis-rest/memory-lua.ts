// Runs one Lua script for the memory backend in its own fengari state, with Redis's conversions
// (memory-lua-values.ts). The script runs as a coroutine: each redis.call/pcall yields its
// command to JS, which runs it on the engine (awaited) and resumes the script with the reply.
// Errors follow Redis 7: a raised error becomes "<msg> script: <sha>, on @user_script:<line>.".
import { createHash } from "node:crypto";
import { fengari, type LuaState } from "./memory-engine.ts";
import {
  formatNumberArgument,
  luaString,
  oneLine,
  pushReply,
  readReply,
} from "./memory-lua-values.ts";
import { type RedisReply, RedisReplyError } from "./types.ts";

const { lua, lauxlib, lualib, to_luastring } = fengari;

/** Runs one command from inside a script; error replies are returned, not thrown. */
export type ScriptCommand = (argv: string[]) => Promise<RedisReply>;

// Receives the compiled script, redis.call, redis.pcall and sha1hex (JS functions, so a script's
// frame stays on the stack for the error handler, as with Redis's C functions); defines the redis
// table and runs the script under Redis's error handler (the script's innermost frame gives the
// line).
const driver = `
local user, call, pcall_command, sha1hex = ...
local function error_reply(s)
  if type(s) ~= 'string' then return {err = 'ERR wrong number or type of arguments'} end
  if string.sub(s, 1, 1) ~= '-' then s = '-' .. s end
  local space = string.find(s, ' ', 1, true)
  local code, msg = 'ERR', string.sub(s, 2)
  if space then code, msg = string.sub(s, 2, space - 1), string.sub(s, space + 1) end
  return {err = code .. ' ' .. string.gsub(msg, '[\\r\\n]+$', '')}
end
redis = {
  call = call,
  pcall = pcall_command,
  status_reply = function(s)
    if type(s) ~= 'string' then return {err = 'ERR wrong number or type of arguments'} end
    return {ok = s}
  end,
  error_reply = error_reply,
  sha1hex = function(s) return sha1hex(tostring(s)) end,
  log = function() end,
  set_repl = function() end,
  replicate_commands = function() return true end,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
}
unpack = table.unpack
-- Redis's pcall hands a caught {err=...} table over as its err string.
local lua_pcall = pcall
pcall = function(...)
  local r = table.pack(lua_pcall(...))
  if not r[1] and type(r[2]) == 'table' and type(r[2].err) == 'string' then r[2] = r[2].err end
  return table.unpack(r, 1, r.n)
end
local function handler(e)
  if type(e) ~= 'table' then e = {err = 'ERR ' .. tostring(e)} end
  for level = 2, 200 do
    local info = debug.getinfo(level, 'Sl')
    if not info then break end
    if info.source == '@user_script' then e.line = info.currentline break end
  end
  return e
end
local ok, result = xpcall(user, handler)
return ok, result
`;

// Commands whose successful string reply is a status reply (`{ok=…}` in Lua), not a bulk.
const statusCommands = new Set(
  "set setex psetex mset hmset rename ltrim lset flushdb flushall type ping swapdb restore".split(
    " ",
  ),
);

function isStatusReply(argv: string[], reply: RedisReply): boolean {
  const [name = "", ...args] = argv;
  if (typeof reply !== "string" || !statusCommands.has(name)) return false;
  if (name === "ping") return args.length === 0;
  if (name === "set") return !args.slice(2).some((arg) => arg.toLowerCase() === "get");
  return true;
}

const coroutineCall =
  "ERR redis.call/pcall inside a Lua coroutine is not supported by the memory backend";
const invalidArgument = "ERR Lua redis lib command arguments must be strings or integers";

/** The command's argv from the bridge's Lua arguments, or the error Redis raises for them. */
function commandArguments(L: LuaState): string[] | string {
  const count = lua.lua_gettop(L);
  if (count === 0) return "ERR Please specify at least one argument for this redis lib call";
  const argv: string[] = [];
  for (let i = 1; i <= count; i++) {
    const type = lua.lua_type(L, i);
    if (type === lua.LUA_TSTRING) argv.push(luaString(L, i));
    else if (type === lua.LUA_TNUMBER) argv.push(formatNumberArgument(lua.lua_tonumber(L, i)));
    else return invalidArgument;
  }
  argv[0] = (argv[0] as string).toLowerCase();
  return argv;
}

function defineStrings(L: LuaState, name: string, values: string[]): void {
  lua.lua_createtable(L, values.length, 0);
  values.forEach((value, i) => {
    lua.lua_pushstring(L, to_luastring(value));
    lua.lua_rawseti(L, -2, i + 1);
  });
  lua.lua_setglobal(L, to_luastring(name));
}

function pushString(L: LuaState, text: string): void {
  lua.lua_pushstring(L, to_luastring(text));
}

/** The script's outcome from the driver's `ok, result` on top of `co`'s stack. */
function outcome(co: LuaState, sha: string): RedisReply {
  if (lua.lua_toboolean(co, 1)) return readReply(co, 2);
  if (lua.lua_type(co, 2) !== lua.LUA_TTABLE) return new RedisReplyError("ERR execution failure");
  lua.lua_getfield(co, 2, to_luastring("err"));
  lua.lua_getfield(co, 2, to_luastring("line"));
  const message =
    lua.lua_type(co, -2) === lua.LUA_TSTRING ? luaString(co, -2) : "ERR unknown error";
  const line = lua.lua_type(co, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(co, -1) : undefined;
  const where = line === undefined ? "" : ` script: ${sha}, on @user_script:${line}.`;
  return new RedisReplyError(oneLine(message.replace(/^-/, "")) + where);
}

/**
 * Runs `source` with `keys`/`argv` as KEYS/ARGV; `execute` runs each redis.call/pcall. Returns the
 * reply Redis would send (a `RedisReplyError` for an error reply, never thrown).
 *
 * @example
 * ```ts
 * await runLuaScript("return redis.call('incr', KEYS[1])", ["n"], [], run); // 1
 * ```
 */
export async function runLuaScript(
  source: string,
  keys: string[],
  argv: string[],
  execute: ScriptCommand,
): Promise<RedisReply> {
  const sha = createHash("sha1").update(source).digest("hex");
  const L = lauxlib.luaL_newstate();
  try {
    lualib.luaL_openlibs(L);
    defineStrings(L, "KEYS", keys);
    defineStrings(L, "ARGV", argv);
    const co = lua.lua_newthread(L);
    const name = to_luastring("=driver");
    if (lauxlib.luaL_loadbufferx(co, to_luastring(driver), null, name, null) !== lua.LUA_OK) {
      throw new Error(`memory backend: Lua driver failed to compile: ${luaString(co, -1)}`);
    }
    const code = to_luastring(source);
    const text = to_luastring("t");
    if (lauxlib.luaL_loadbufferx(co, code, null, to_luastring("@user_script"), text) !== 0) {
      const message = luaString(co, -1);
      return new RedisReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    let pending: string[] | undefined;
    // After the command: [ok, reply] on top; an error reply is raised (call) or returned (pcall).
    const finish = (raise: boolean) => (T: LuaState) =>
      raise && !lua.lua_toboolean(T, -2) ? lua.lua_error(T) : 1;
    const command = (raise: boolean) => (T: LuaState) => {
      // Only the script's own thread yields to this loop; a coroutine the script made cannot.
      const args = T === co ? commandArguments(T) : coroutineCall;
      if (typeof args === "string") {
        lua.lua_pushboolean(T, false);
        pushReply(T, new RedisReplyError(args), false);
        return finish(raise)(T);
      }
      pending = args;
      return lua.lua_yieldk(T, 0, 0, finish(raise));
    };
    lua.lua_pushjsfunction(co, command(true));
    lua.lua_pushjsfunction(co, command(false));
    lua.lua_pushjsfunction(co, (T) => {
      pushString(
        T,
        createHash("sha1")
          .update(lua.lua_tolstring(T, 1) ?? "")
          .digest("hex"),
      );
      return 1;
    });
    let nargs = 4;
    for (;;) {
      const status = lua.lua_resume(co, L, nargs);
      if (status === lua.LUA_OK) return outcome(co, sha);
      if (status !== lua.LUA_YIELD) return new RedisReplyError(`ERR ${luaString(co, -1)}`);
      const command = pending;
      pending = undefined;
      lua.lua_settop(co, 0);
      if (command === undefined)
        return new RedisReplyError("ERR script yielded outside redis.call");
      const reply = await execute(command);
      lua.lua_pushboolean(co, !(reply instanceof RedisReplyError));
      pushReply(co, reply, isStatusReply(command, reply));
      nargs = 2;
    }
  } finally {
    lua.lua_close(L);
  }
}
