import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { describeRedisRestContract } from "./contract.ts";
import { type RedisRest, startRedisRest } from "./server.ts";

describe("Redis REST front over the in-memory engine", () => {
  describeRedisRestContract("memory");
});

// SCRIPT FLUSH is safe only here: the memory engine belongs to this one front. The shared
// contract never flushes (on the redis backend it would empty the shared Redis's script cache).
describe("SCRIPT FLUSH on the memory backend", () => {
  let front: RedisRest;
  let redis: Redis;
  beforeAll(async () => {
    front = await startRedisRest({ token: `t-${randomUUID()}`, backend: "memory" });
    redis = new Redis({ url: front.url, token: front.token });
  });
  afterAll(() => front.close());

  test("empties the script cache; createScript falls back to EVAL and caches the script again", async () => {
    const release = redis.createScript<number>(
      'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0',
    );
    await redis.set("lock", "owner-a");
    expect(await release.exec(["lock"], ["owner-b"])).toBe(0);
    expect(await redis.scriptExists(release.sha1)).toEqual([1]);
    expect(await redis.scriptFlush()).toBe("OK");
    expect(await redis.scriptExists(release.sha1)).toEqual([0]);
    expect(await release.exec(["lock"], ["owner-a"])).toBe(1);
    expect(await redis.scriptExists(release.sha1)).toEqual([1]);
    expect(await redis.exists("lock")).toBe(0);
  });
});
