// SCRIPT LOAD/EXISTS/FLUSH, EVAL and EVALSHA for the memory backend. ioredis-mock has no SCRIPT
// command, so the front keeps its own sha1 → script map; scripts run in memory-lua.ts.
import { createHash } from "node:crypto";
import { runLuaScript, type ScriptCommand } from "./memory-lua.ts";
import { type RedisReply, RedisReplyError } from "./types.ts";

/** EVAL's `numkeys args...` split into KEYS and ARGV, with Redis's errors for a bad numkeys. */
function splitKeys(args: string[]): { keys: string[]; argv: string[] } {
  const [numkeys = "", ...rest] = args;
  if (!/^-?\d+$/.test(numkeys))
    throw new RedisReplyError("ERR value is not an integer or out of range");
  const count = Number(numkeys);
  if (count < 0) throw new RedisReplyError("ERR Number of keys can't be negative");
  if (count > rest.length) {
    throw new RedisReplyError("ERR Number of keys can't be greater than number of args");
  }
  return { keys: rest.slice(0, count), argv: rest.slice(count) };
}

async function run(source: string, args: string[], execute: ScriptCommand): Promise<RedisReply> {
  const { keys, argv } = splitKeys(args);
  const reply = await runLuaScript(source, keys, argv, execute);
  if (reply instanceof RedisReplyError) throw reply;
  return reply;
}

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
 * const scripts = createScriptRunner((argv) => runOnEngine(argv));
 * await scripts("script", ["load", "return 1"]); // "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
 * ```
 */
export function createScriptRunner(
  execute: ScriptCommand,
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
      return run(source, args.slice(1), execute);
    }
    if (name === "evalsha" || name === "evalsha_ro") {
      const source = scripts.get((args[0] ?? "").toLowerCase());
      if (source === undefined) {
        return Promise.reject(new RedisReplyError("NOSCRIPT No matching script. Please use EVAL."));
      }
      return run(source, args.slice(1), execute);
    }
    return undefined;
  };
}
