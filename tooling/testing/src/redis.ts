// One Upstash REST front per test file over the real Redis, spoken to by the official client.
import { type RedisRest, startRedisRest } from "@groundcrew/upstash-local/redis-rest";
import { Redis } from "@upstash/redis";
import { deleteKeysWithPrefix, testKeyPrefix } from "./redis-prefix.ts";
import { redact, redisUrl, startHints } from "./services.ts";

/**
 * What `createTestRedis` hands a test file.
 *
 * @example
 * ```ts
 * const { redis, prefix, close }: TestRedis = await createTestRedis();
 * ```
 */
export interface TestRedis {
  /** The official `@upstash/redis` client with default options (auto-pipelining on). */
  redis: Redis;
  /** Base URL of the in-process REST front (`UPSTASH_REDIS_REST_URL`). */
  url: string;
  /** The front's random Bearer token (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
  /** This file's key prefix (`testKeyPrefix()`); put every key under it. */
  prefix: string;
  /** The front itself, e.g. for `front.injectFault("blackhole")` in failure tests. */
  front: RedisRest;
  /** Deletes every key under `prefix`, then stops the front. */
  close(): Promise<void>;
}

/**
 * Starts an in-process Upstash Redis REST front on a free port over the real Redis at `REDIS_URL`
 * (default `redis://127.0.0.1:6379`; `options.redisUrl` overrides it) with a random token, and
 * returns the official client for it. Throws, naming how to start Redis, if it does not answer.
 *
 * @example
 * ```ts
 * let t: TestRedis;
 * beforeAll(async () => { t = await createTestRedis(); });
 * afterAll(() => t.close());
 * test("set/get", async () => {
 *   await t.redis.set(`${t.prefix}k`, "v");
 *   expect(await t.redis.get(`${t.prefix}k`)).toBe("v");
 * });
 * ```
 */
export async function createTestRedis(options: { redisUrl?: string } = {}): Promise<TestRedis> {
  const url = options.redisUrl ?? redisUrl;
  const token = `test-${crypto.randomUUID()}`;
  const front = await startRedisRest({ token, backend: "redis", redisUrl: url });
  // The service check of vitest's global setup, repeated here for `deno test` and `bun test`
  // (which have none): an unreachable Redis fails the file at once, saying how to start it.
  try {
    await front.backend.command(["ping"]);
  } catch (err) {
    await front.close();
    throw new Error(
      `Redis is not reachable at ${redact(url)} (${String(err)}); ${startHints.redis}`,
    );
  }
  const redis = new Redis({ url: front.url, token });
  const prefix = testKeyPrefix();
  return {
    redis,
    url: front.url,
    token,
    prefix,
    front,
    async close() {
      try {
        await deleteKeysWithPrefix(redis, prefix);
      } finally {
        await front.close();
      }
    },
  };
}
