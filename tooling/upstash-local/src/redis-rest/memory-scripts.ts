// SCRIPT LOAD/EXISTS/FLUSH, EVAL and EVALSHA for the memory backend. ioredis-mock has no SCRIPT
// command, so the front keeps its own sha1 → script map and runs everything through `eval`.
import { createHash } from "node:crypto";
import { RedisReplyError } from "./types.ts";

type Eval = (script: string, args: string[]) => Promise<unknown>;

// Runs before every script, on the script's first line so error line numbers stay right.
// ioredis-mock's redis.call only knows upper-case option keywords (`NX`, `PX`) and has no
// status_reply/error_reply; this wraps call/pcall and adds the two helpers.
const prelude = [
  "local __gc_kw = {nx=1,xx=1,gt=1,lt=1,ch=1,incr=1,ex=1,px=1,exat=1,pxat=1,keepttl=1,get=1,persist=1,withscores=1,byscore=1,bylex=1,rev=1,limit=1}",
  "local __gc_from = {set=4,getex=3,expire=4,pexpire=4,expireat=4,pexpireat=4,zrange=5,zrangebyscore=5,zrevrangebyscore=5,zrevrange=5}",
  "local function __gc_norm(...) local a = table.pack(...) local name = string.lower(tostring(a[1])) local from = __gc_from[name]",
  "if from then for i = from, a.n do if type(a[i]) == 'string' and __gc_kw[string.lower(a[i])] then a[i] = string.upper(a[i]) end end end",
  "if name == 'zadd' then local i = 3 while i <= a.n and type(a[i]) == 'string' and __gc_kw[string.lower(a[i])] do a[i] = string.upper(a[i]) i = i + 1 end end",
  "return table.unpack(a, 1, a.n) end",
  "local __gc_call, __gc_pcall = redis.call, redis.pcall",
  "redis.call = function(...) return __gc_call(__gc_norm(...)) end",
  "redis.pcall = function(...) return __gc_pcall(__gc_norm(...)) end",
  "redis.status_reply = function(s) return s end",
  "redis.error_reply = function(e) error(e, 0) end ",
].join(" ");

function sha1(script: string): string {
  return createHash("sha1").update(script).digest("hex");
}

/**
 * Returns a runner for the scripting commands, or `undefined` from it for any other command.
 * EVAL caches its script (as Redis does), so a later EVALSHA finds it; SCRIPT FLUSH forgets all,
 * so EVALSHA then answers NOSCRIPT and `createScript` falls back to EVAL.
 *
 * @example
 * ```ts
 * const scripts = createScriptRunner((script, args) => mock.eval(script, ...args));
 * await scripts("script", ["load", "return 1"]); // "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
 * ```
 */
export function createScriptRunner(
  evalScript: Eval,
): (name: string, args: string[]) => Promise<unknown> | undefined {
  const scripts = new Map<string, string>();
  const script = (args: string[]): unknown => {
    const sub = (args[0] ?? "").toLowerCase();
    if (sub === "load" && args[1] !== undefined) {
      scripts.set(sha1(args[1]), args[1]);
      return sha1(args[1]);
    }
    if (sub === "exists") {
      return args.slice(1).map((sha) => (scripts.has(sha.toLowerCase()) ? 1 : 0));
    }
    if (sub === "flush") {
      scripts.clear();
      return "OK";
    }
    throw new RedisReplyError(
      `ERR unknown or unsupported SCRIPT subcommand '${sub}' (memory backend: LOAD, EXISTS, FLUSH)`,
    );
  };
  return (name, args) => {
    if (name === "script") return Promise.resolve().then(() => script(args));
    if (name === "eval" || name === "eval_ro") {
      const source = args[0] ?? "";
      scripts.set(sha1(source), source);
      return evalScript(prelude + source, args.slice(1));
    }
    if (name === "evalsha" || name === "evalsha_ro") {
      const source = scripts.get((args[0] ?? "").toLowerCase());
      if (source === undefined) {
        return Promise.reject(new RedisReplyError("NOSCRIPT No matching script. Please use EVAL."));
      }
      return evalScript(prelude + source, args.slice(1));
    }
    return undefined;
  };
}
