// Contract: EVAL, EVALSHA, SCRIPT LOAD/EXISTS and createScript's NOSCRIPT fallback. The fallback
// is exercised with a script text no Redis has seen (a random comment), never with SCRIPT FLUSH:
// on the redis backend a flush would empty the script cache of the shared Redis under every
// other test running at the same time.
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { ContractContext } from "./harness.ts";

const compareAndDelete = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0`;

const sha1 = (source: string) => createHash("sha1").update(source).digest("hex");

/** `source` with a random trailing comment: a script text (and sha1) no Redis has cached. */
const neverSeen = (source: string) => `${source}\n-- ${randomUUID()}`;

/**
 * Registers the Lua scripting contract tests.
 *
 * @example
 * ```ts
 * describeScripts(useContractFront("redis"));
 * ```
 */
export function describeScripts(ctx: () => ContractContext): void {
  describe("scripts", () => {
    test("eval runs Lua with keys and args and returns nested arrays", async () => {
      const { redis, key } = ctx();
      const reply = await redis.eval(
        "redis.call('set', KEYS[1], ARGV[1]); return {redis.call('get', KEYS[1]), 7, {'x'}}",
        [key("k")],
        ["owner-a"],
      );
      expect(reply).toEqual(["owner-a", 7, ["x"]]);
    });

    test("Lua true becomes 1 and false becomes nil", async () => {
      const { redis } = ctx();
      expect(await redis.eval("return true", [], [])).toBe(1);
      expect(await redis.eval("return false", [], [])).toBeNull();
    });

    test("redis.call inside Lua honours lower-case options like nx and px", async () => {
      const { redis, key } = ctx();
      const acquire = "return redis.call('set', KEYS[1], ARGV[1], 'nx', 'px', 60000)";
      expect(await redis.eval(acquire, [key("lock")], ["owner-a"])).toBe("OK");
      expect(await redis.eval(acquire, [key("lock")], ["owner-b"])).toBeNull();
      expect(await redis.get(key("lock"))).toBe("owner-a");
      expect(await redis.pttl(key("lock"))).toBeGreaterThan(50_000);
    });

    test("redis.status_reply and redis.error_reply reach the client", async () => {
      const { redis } = ctx();
      expect(await redis.eval("return redis.status_reply('PONG')", [], [])).toBe("PONG");
      await expect(
        redis.eval("return redis.error_reply('LOCKLOST lease expired')", [], []),
      ).rejects.toThrow(/LOCKLOST lease expired/);
    });

    test("script load returns the sha1 that evalsha and script exists accept", async () => {
      const { redis, key } = ctx();
      const source = "return redis.call('incr', KEYS[1])";
      const sha = await redis.scriptLoad(source);
      expect(sha).toBe(sha1(source));
      expect(await redis.scriptExists(sha, "0".repeat(40))).toEqual([1, 0]);
      expect(await redis.evalsha(sha, [key("n")], [])).toBe(1);
      expect(await redis.evalsha(sha, [key("n")], [])).toBe(2);
    });

    test("evalsha of an unknown script fails with NOSCRIPT", async () => {
      const { redis } = ctx();
      await expect(redis.evalsha("f".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    });

    test("createScript runs a never-seen script through the NOSCRIPT -> EVAL fallback, then EVALSHA", async () => {
      const { redis, key } = ctx();
      const source = neverSeen(compareAndDelete);
      const sha = sha1(source);
      const release = redis.createScript<number>(source);
      await redis.set(key("lock"), "owner-a");
      expect(await redis.scriptExists(sha)).toEqual([0]);
      await expect(redis.evalsha(sha, [key("lock")], ["owner-b"])).rejects.toThrow(/NOSCRIPT/);
      expect(await release.exec([key("lock")], ["owner-b"])).toBe(0);
      expect(await redis.scriptExists(sha)).toEqual([1]);
      expect(await release.exec([key("lock")], ["owner-a"])).toBe(1);
      expect(await redis.exists(key("lock"))).toBe(0);
    });

    test("concurrent createScript calls of a never-seen script all succeed", async () => {
      const { redis, key } = ctx();
      const source = neverSeen("return redis.call('incr', KEYS[1])");
      expect(await redis.scriptExists(sha1(source))).toEqual([0]);
      const incr = redis.createScript<number>(source);
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => incr.exec([key("n")], [])),
      );
      expect([...replies].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(await redis.scriptExists(sha1(source))).toEqual([1]);
    });
  });
}
