// SCRIPT LOAD/EXISTS/FLUSH, EVAL and EVALSHA for the memory backend. ioredis-mock has no SCRIPT
// command, so the front keeps its own sha1 → script map and runs everything through `eval`.
import { createHash } from "node:crypto";
import { RedisReplyError } from "./types.ts";

type Eval = (script: string, args: string[]) => Promise<unknown>;

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
      return evalScript(source, args.slice(1));
    }
    if (name === "evalsha" || name === "evalsha_ro") {
      const source = scripts.get((args[0] ?? "").toLowerCase());
      if (source === undefined) {
        return Promise.reject(new RedisReplyError("NOSCRIPT No matching script. Please use EVAL."));
      }
      return evalScript(source, args.slice(1));
    }
    return undefined;
  };
}
