// Contract: hashes and SCAN with MATCH, through the official client.
import { describe, expect, test } from "vitest";
import type { ContractContext } from "./harness.ts";

/**
 * Registers the hash and SCAN contract tests.
 *
 * @example
 * ```ts
 * describeHashesAndScan(useContractFront("redis"));
 * ```
 */
export function describeHashesAndScan(ctx: () => ContractContext): void {
  describe("hashes", () => {
    test("hset/hget/hgetall/hmget/hlen/hexists/hdel", async () => {
      const { redis, key } = ctx();
      expect(await redis.hset(key("h"), { name: "crew", size: 3, meta: { a: 1 } })).toBe(3);
      expect(await redis.hget(key("h"), "name")).toBe("crew");
      expect(await redis.hgetall(key("h"))).toEqual({ name: "crew", size: 3, meta: { a: 1 } });
      expect(await redis.hmget(key("h"), "name", "nope")).toEqual({ name: "crew", nope: null });
      expect(await redis.hlen(key("h"))).toBe(3);
      expect(await redis.hexists(key("h"), "size")).toBe(1);
      expect(await redis.hdel(key("h"), "size", "nope")).toBe(1);
      expect(await redis.hgetall(key("missing"))).toBeNull();
    });

    test("hincrby counts per field and hsetnx keeps an existing field", async () => {
      const { redis, key } = ctx();
      expect(await redis.hincrby(key("h"), "n", 5)).toBe(5);
      expect(await redis.hincrby(key("h"), "n", -2)).toBe(3);
      expect(await redis.hsetnx(key("h"), "n", 100)).toBe(0);
      expect(await redis.hsetnx(key("h"), "m", 1)).toBe(1);
      expect(await redis.hkeys(key("h"))).toEqual(expect.arrayContaining(["n", "m"]));
    });
  });

  describe("scan", () => {
    test("scan with MATCH visits every matching key exactly once across cursors", async () => {
      const { redis, key, prefix } = ctx();
      const wanted = Array.from({ length: 60 }, (_, i) => key(`scan:${i}`));
      await redis.mset(Object.fromEntries(wanted.map((k) => [k, "1"])));
      await redis.set(key("other"), "1");
      const seen: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, { match: `${prefix}scan:*`, count: 25 });
        seen.push(...keys);
        cursor = String(next);
      } while (cursor !== "0");
      expect(new Set(seen)).toEqual(new Set(wanted));
    });

    test("keys with a pattern lists the matching keys", async () => {
      const { redis, key, prefix } = ctx();
      await redis.mset({ [key("k:1")]: 1, [key("k:2")]: 2, [key("other")]: 3 });
      expect((await redis.keys(`${prefix}k:*`)).sort()).toEqual([key("k:1"), key("k:2")]);
    });

    test("hscan with MATCH returns field/value pairs", async () => {
      const { redis, key } = ctx();
      await redis.hset(key("h"), { a1: "x", a2: "y", b1: "z" });
      const fields: (string | number)[] = [];
      let cursor = "0";
      do {
        const [next, items] = await redis.hscan(key("h"), cursor, { match: "a*" });
        fields.push(...items);
        cursor = String(next);
      } while (cursor !== "0");
      expect(fields).toHaveLength(4);
      expect(fields).toEqual(expect.arrayContaining(["a1", "x", "a2", "y"]));
    });
  });
}
