// ioredis-mock only recognises upper-case option keywords (`NX`, `PX`, `WITHSCORES`); the client
// sends them lower-case. Upper-case option keywords where they can only be options.

const keywords = new Set(
  "nx xx gt lt ch incr ex px exat pxat keepttl get persist withscores byscore bylex rev limit".split(
    " ",
  ),
);

/** Command → index of its first option argument; every later keyword is an option. */
const optionsFrom: Record<string, number> = {
  set: 2,
  getex: 1,
  expire: 2,
  pexpire: 2,
  expireat: 2,
  pexpireat: 2,
  zrange: 3,
  zrangebyscore: 3,
  zrevrangebyscore: 3,
  zrevrange: 3,
};

/**
 * Returns `argv` with option keywords upper-cased for ioredis-mock. ZADD flags are upper-cased
 * only before the first score, so a member named "nx" stays as it is.
 *
 * @example
 * ```ts
 * normalizeOptions(["set", "k", "v", "nx", "px", "5000"]); // ["set","k","v","NX","PX","5000"]
 * ```
 */
export function normalizeOptions(argv: string[]): string[] {
  const [name = ""] = argv;
  const upper = (arg: string) => (keywords.has(arg.toLowerCase()) ? arg.toUpperCase() : arg);
  if (name === "zadd") {
    const out = [...argv];
    for (let i = 2; i < out.length && keywords.has((out[i] as string).toLowerCase()); i++) {
      out[i] = (out[i] as string).toUpperCase();
    }
    return out;
  }
  const start = optionsFrom[name];
  if (start === undefined) return argv;
  return argv.map((arg, i) => (i > start ? upper(arg) : arg));
}
