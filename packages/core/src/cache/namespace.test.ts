import { createTestRedis, type TestRedis } from "@groundcrew/testing";
import type { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test, vi } from "vitest";
import { manualClock } from "../clock.ts";
import { type CacheRedis, namespace } from "./namespace.ts";

let t: TestRedis;
beforeAll(async () => {
  t = await createTestRedis();
});
afterAll(() => t.close());

describe("namespace()", () => {
  test("the official client satisfies CacheRedis", () => {
    expectTypeOf<Redis>().toExtend<CacheRedis>();
  });

  test("keys carry the version, and bump() moves every key to the next version", async () => {
    const ns = namespace(t.redis, `${t.prefix}feature`);
    expect(await ns.key("user", 42)).toBe(`${t.prefix}feature:v0:user:42`);
    expect(await ns.bump()).toBe(1);
    expect(await ns.key("user", 42)).toBe(`${t.prefix}feature:v1:user:42`);
  });

  test("bump() makes every earlier key unreachable without deleting it", async () => {
    const ns = namespace(t.redis, `${t.prefix}profiles`);
    const before = await ns.readThrough(["p", 1], async () => "old", { ttlMs: 60_000 });
    const oldKey = await ns.key("p", 1);
    await ns.bump();
    const after = await ns.readThrough(["p", 1], async () => "new", { ttlMs: 60_000 });
    expect([before, after]).toEqual(["old", "new"]);
    expect(await t.redis.get(oldKey)).toEqual({ v: "old" });
    expect(await t.redis.pttl(oldKey)).toBeGreaterThan(50_000);
  });

  test("another process sees a bump once its cached version is older than versionCacheMs", async () => {
    const clock = manualClock();
    const name = `${t.prefix}shared`;
    const reader = namespace(t.redis, name, { versionCacheMs: 1_000, clock });
    const writer = namespace(t.redis, name, { versionCacheMs: 0 });
    expect(await reader.version()).toBe(0);
    await writer.bump();
    expect(await reader.version()).toBe(0);
    await clock.advance(1_000);
    expect(await reader.version()).toBe(1);
  });

  test("single-flight: 100 concurrent readers of a missing key call the loader once", async () => {
    const ns = namespace(t.redis, `${t.prefix}flight`);
    const loader = vi.fn(async () => ({ total: 7 }));
    const values = await Promise.all(
      Array.from({ length: 100 }, () => ns.readThrough("report", loader, { ttlMs: 60_000 })),
    );
    expect(loader).toHaveBeenCalledTimes(1);
    expect(new Set(values.map((v) => JSON.stringify(v)))).toEqual(new Set(['{"total":7}']));
    expect(await ns.getOrSet("report", 60_000, loader)).toEqual({ total: 7 });
    expect(loader).toHaveBeenCalledTimes(1);
  });

  test("values round-trip exactly: numeric-looking strings stay strings, null stays null", async () => {
    const ns = namespace(t.redis, `${t.prefix}exact`);
    await ns.readThrough("s", async () => "007", { ttlMs: 60_000 });
    await ns.readThrough("n", async () => null, { ttlMs: 60_000 });
    expect(await ns.readThrough("s", async () => "changed", { ttlMs: 60_000 })).toBe("007");
    expect(await ns.readThrough("n", async () => "changed", { ttlMs: 60_000 })).toBeNull();
  });

  test("a failing loader is not cached and the next call loads again", async () => {
    const ns = namespace(t.redis, `${t.prefix}failing`);
    await expect(
      ns.readThrough("k", async () => Promise.reject(new Error("db down")), { ttlMs: 60_000 }),
    ).rejects.toThrow("db down");
    expect(await ns.readThrough("k", async () => 5, { ttlMs: 60_000 })).toBe(5);
  });

  test("rejects an empty name and a missing ttl", async () => {
    expect(() => namespace(t.redis, "")).toThrow(/name: expected a non-empty string/);
    const ns = namespace(t.redis, `${t.prefix}bad`);
    await expect(ns.readThrough("k", async () => 1, { ttlMs: 0 })).rejects.toThrow(/ttlMs/);
  });
});
