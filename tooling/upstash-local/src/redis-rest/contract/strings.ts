// Contract: strings, counters, keys and expiry, through the official client.
import { describe, expect, test } from "vitest";
import type { ContractContext } from "./harness.ts";

/**
 * Registers the string/key contract tests.
 *
 * @example
 * ```ts
 * describeStrings(useContractFront("redis"));
 * ```
 */
export function describeStrings(ctx: () => ContractContext): void {
  describe("strings and keys", () => {
    test("set/get round-trips text, numbers and JSON objects", async () => {
      const { redis, key } = ctx();
      await redis.set(key("s"), "hello");
      await redis.set(key("n"), 42);
      await redis.set(key("j"), { a: [1, "two"] });
      expect(await redis.get(key("s"))).toBe("hello");
      expect(await redis.get(key("n"))).toBe(42);
      expect(await redis.get(key("j"))).toEqual({ a: [1, "two"] });
      expect(await redis.get(key("missing"))).toBeNull();
    });

    test("set NX only sets a missing key and XX only an existing one", async () => {
      const { redis, key } = ctx();
      expect(await redis.set(key("nx"), "a", { nx: true })).toBe("OK");
      expect(await redis.set(key("nx"), "b", { nx: true })).toBeNull();
      expect(await redis.set(key("xx"), "a", { xx: true })).toBeNull();
      expect(await redis.set(key("nx"), "c", { xx: true })).toBe("OK");
      expect(await redis.get(key("nx"))).toBe("c");
      expect(await redis.exists(key("xx"))).toBe(0);
    });

    test("set PX/EX set a TTL and GET returns the previous value", async () => {
      const { redis, key } = ctx();
      await redis.set(key("px"), "v", { px: 60_000 });
      await redis.set(key("ex"), "v", { ex: 60 });
      const pttl = await redis.pttl(key("px"));
      expect(pttl).toBeGreaterThan(50_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(await redis.ttl(key("ex"))).toBeGreaterThan(50);
      expect(await redis.set(key("px"), "w", { get: true })).toBe("v");
      expect(await redis.get(key("px"))).toBe("w");
      expect(await redis.pttl(key("px"))).toBe(-1);
    });

    test("set NX with PX in one call is an atomic acquire", async () => {
      const { redis, key } = ctx();
      const tries = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          redis.set(key("lock"), `owner-${i}`, { nx: true, px: 5000 }),
        ),
      );
      expect(tries.filter((r) => r === "OK")).toHaveLength(1);
    });

    test("incr/incrby/decr count and incr on a non-integer fails with Redis's text", async () => {
      const { redis, key } = ctx();
      expect(await redis.incr(key("c"))).toBe(1);
      expect(await redis.incrby(key("c"), 41)).toBe(42);
      expect(await redis.decr(key("c"))).toBe(41);
      await redis.set(key("word"), "abc");
      await expect(redis.incr(key("word"))).rejects.toThrow(/ERR value is not an integer/);
    });

    test("del and exists count keys", async () => {
      const { redis, key } = ctx();
      await redis.set(key("a"), "1");
      await redis.set(key("b"), "2");
      expect(await redis.exists(key("a"), key("b"), key("c"))).toBe(2);
      expect(await redis.del(key("a"), key("b"), key("c"))).toBe(2);
      expect(await redis.exists(key("a"))).toBe(0);
    });

    test("expire/pexpire/pttl report the TTL; missing keys give -2, no TTL -1", async () => {
      const { redis, key } = ctx();
      await redis.set(key("k"), "v");
      expect(await redis.pttl(key("k"))).toBe(-1);
      expect(await redis.expire(key("k"), 100)).toBe(1);
      expect(await redis.ttl(key("k"))).toBeGreaterThan(90);
      expect(await redis.pexpire(key("k"), 5000)).toBe(1);
      const pttl = await redis.pttl(key("k"));
      expect(pttl).toBeGreaterThan(4000);
      expect(pttl).toBeLessThanOrEqual(5000);
      expect(await redis.pttl(key("none"))).toBe(-2);
      expect(await redis.expire(key("none"), 10)).toBe(0);
    });

    test("mget returns values in order with null for missing keys", async () => {
      const { redis, key } = ctx();
      await redis.mset({ [key("a")]: "x", [key("b")]: 2 });
      expect(await redis.mget(key("a"), key("missing"), key("b"))).toEqual(["x", null, 2]);
    });
  });
}
