import { acquire } from "@groundcrew/core/mutex";
import { startRedisRest } from "@groundcrew/upstash-local/redis-rest";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

let front: Awaited<ReturnType<typeof startRedisRest>>;
let redis: Redis;

beforeAll(async () => {
  front = await startRedisRest({
    port: 0,
    token: "demo-test-token-0123456789",
    backend: "memory",
  });
  redis = new Redis({ url: front.url, token: front.token });
});

afterAll(async () => {
  await front.close();
});

// The demo's embedded Redis (see services.ts): core's mutex scripts must behave there as on Redis.
describe("the demo's memory Redis", () => {
  test("script arguments that are Lua numbers reach commands as Redis's strings", async () => {
    const reply = await redis.eval(
      "local n = redis.call('INCR', KEYS[1]) redis.call('HSET', KEYS[2], 'f', n) return redis.call('HGET', KEYS[2], 'f') == ARGV[1]",
      ["counter", "hash"],
      ["1"],
    );
    expect(reply).toBe(1);
  });

  test("a core mutex lease renews and releases (both compare the stored fence with a string)", async () => {
    const first = await acquire(redis, "demo-test:lock", { ttlMs: 3_000 });
    if (!first.acquired) throw new Error("expected the free lock to be acquired");
    expect(await first.lease.extend()).toBe(true);
    expect(await first.lease.release()).toBe(true);
    expect(await redis.exists("demo-test:lock")).toBe(0);
    const second = await acquire(redis, "demo-test:lock", { ttlMs: 3_000 });
    expect(second.acquired && second.lease.fence).toBe(first.lease.fence + 1);
    if (second.acquired) await second.lease.release();
  });

  test("EVALSHA of an unknown script still answers NOSCRIPT", async () => {
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
  });
});
