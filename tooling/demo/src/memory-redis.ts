// The in-memory Redis of the embedded mode, with one fix for Groundcrew's mutex scripts.
// ioredis-mock's Lua passes numbers to redis.call unchanged (real Redis turns them into strings),
// so `HSET key fence <number>` stores a number and a later `HMGET … == ARGV[n]` compares a number
// with a string and fails: every mutex renewal and release would fail. This wrapper prepends a
// line to each script that stringifies numeric arguments, as Redis does (its INCR results are
// floats there too: 1 must become "1", not "1.0").
import { createHash } from "node:crypto";
import { createMemoryBackend, type RedisRestBackend } from "@groundcrew/upstash-local/redis-rest";

// One line, so error line numbers in scripts stay right.
const STRINGIFY_NUMBERS = [
  "local __demo_call, __demo_pcall = redis.call, redis.pcall",
  "local function __demo_str(...) local a = table.pack(...)",
  "for i = 1, a.n do if type(a[i]) == 'number' then local n = math.tointeger(a[i])",
  "a[i] = n and tostring(n) or string.format('%.17g', a[i]) end end",
  "return table.unpack(a, 1, a.n) end",
  "redis.call = function(...) return __demo_call(__demo_str(...)) end",
  "redis.pcall = function(...) return __demo_pcall(__demo_str(...)) end ",
].join(" ");

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/**
 * A memory backend for `startRedisRest({ backend })` whose scripts see Redis's number handling.
 * EVALSHA of a script seen before (EVAL or SCRIPT LOAD) runs as EVAL of the fixed text; an
 * unknown sha still answers NOSCRIPT, so clients fall back to EVAL as usual.
 *
 * @example
 * ```ts
 * const front = await startRedisRest({ token, backend: createDemoMemoryBackend() });
 * ```
 */
export function createDemoMemoryBackend(): RedisRestBackend {
  const inner = createMemoryBackend();
  const scripts = new Map<string, string>();
  const rewrite = (argv: string[]): string[] => {
    const [name = "", first = "", ...rest] = argv;
    const lower = name.toLowerCase();
    if (lower === "eval" || lower === "eval_ro") {
      scripts.set(sha1(first), first);
      return [name, STRINGIFY_NUMBERS + first, ...rest];
    }
    if (lower === "evalsha" || lower === "evalsha_ro") {
      const source = scripts.get(first.toLowerCase());
      return source === undefined ? argv : ["eval", STRINGIFY_NUMBERS + source, ...rest];
    }
    if (lower === "script" && first.toLowerCase() === "load" && rest[0] !== undefined) {
      scripts.set(sha1(rest[0]), rest[0]);
    }
    return argv;
  };
  return {
    kind: inner.kind,
    command: (argv) => inner.command(rewrite(argv)),
    pipeline: (commands) => inner.pipeline(commands.map(rewrite)),
    transaction: (commands) => inner.transaction(commands.map(rewrite)),
    close: () => inner.close(),
  };
}
