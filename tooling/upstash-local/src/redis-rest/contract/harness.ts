// Shared setup of the contract suite: one front per backend kind, the official client with its
// defaults, and a key prefix per test under a prefix per file (deleted in afterAll).
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type RedisRest, startRedisRest } from "../server.ts";

/**
 * What each contract test sees.
 *
 * @example
 * ```ts
 * const { redis, key } = ctx();
 * await redis.set(key("a"), 1);
 * ```
 */
export interface ContractContext {
  redis: Redis;
  front: RedisRest;
  /** A key under this test's own prefix. */
  key(name: string): string;
  /** This test's prefix. */
  prefix: string;
}

/**
 * The Redis behind the `redis` backend in tests: `REDIS_URL`, default local.
 *
 * @example
 * ```ts
 * await startRedisRest({ token, backend: "redis", redisUrl: testRedisUrl });
 * ```
 */
export const testRedisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, { match: `${prefix}*`, count: 1000 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== "0");
}

/**
 * Registers hooks that start a front for `kind` and returns a getter for the current test's
 * context.
 *
 * @example
 * ```ts
 * const ctx = useContractFront("memory");
 * test("...", async () => { const { redis, key } = ctx(); await redis.set(key("a"), 1); });
 * ```
 */
export function useContractFront(kind: "redis" | "memory"): () => ContractContext {
  const filePrefix = `gc:contract:${randomUUID().slice(0, 13)}:`;
  let front: RedisRest | undefined;
  let redis: Redis | undefined;
  let current: ContractContext | undefined;
  let testIndex = 0;
  beforeAll(async () => {
    front = await startRedisRest({
      token: `t-${randomUUID()}`,
      backend: kind,
      redisUrl: testRedisUrl,
    });
    redis = new Redis({ url: front.url, token: front.token });
  });
  beforeEach(() => {
    if (!front || !redis) throw new Error("contract front did not start");
    const prefix = `${filePrefix}${testIndex++}:`;
    current = { redis, front, prefix, key: (name) => `${prefix}${name}` };
  });
  afterAll(async () => {
    if (redis) await deleteUnder(redis, filePrefix);
    await front?.close();
  });
  return () => {
    if (!current) throw new Error("contract context used outside a test");
    return current;
  };
}
