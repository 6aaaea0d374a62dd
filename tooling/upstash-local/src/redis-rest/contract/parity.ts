// Two fronts side by side, memory and real Redis, each behind the official @upstash/redis client
// with automatic deserialization off (so "5" stays a string and 5 a number), to run the same
// calls on both and compare what the client sees.
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll } from "vitest";
import { type RedisRest, startRedisRest } from "../server.ts";
import { testRedisUrl } from "./harness.ts";

/** What a call gave the client: its value, or the error message it threw. */
export type Outcome = { value: unknown } | { error: string };

/**
 * Both backends and a key prefix (the same on both, so error texts that quote the command match).
 *
 * @example
 * ```ts
 * const pair = useParity();
 * test("…", async () => { const { memory, redis } = await pair().both((r) => r.get(pair().key("k"))); });
 * ```
 */
export interface Parity {
  memory: Redis;
  redis: Redis;
  /** Clients with the default options (JSON-parsing replies), as applications use them. */
  plain: { memory: Redis; redis: Redis };
  /** A key under this file's prefix. */
  key(name: string): string;
  /** Runs `call` against each backend (memory first) and returns both outcomes. */
  both(call: (redis: Redis) => Promise<unknown>): Promise<{ memory: Outcome; redis: Outcome }>;
}

/**
 * The outcome of a client call, errors included.
 *
 * @example
 * ```ts
 * await outcome(redis.eval("return {err='boom'}", [], [])); // { error: "boom, command was: …" }
 * ```
 */
export async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await call };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, { match: `${prefix}*`, count: 1000 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== "0");
}

/**
 * Registers hooks that start a memory and a redis front; returns a getter for the pair.
 *
 * @example
 * ```ts
 * const pair = useParity();
 * ```
 */
export function useParity(): () => Parity {
  const prefix = `gc:parity:${randomUUID().slice(0, 13)}:`;
  const fronts: RedisRest[] = [];
  let parity: Parity | undefined;
  beforeAll(async () => {
    const token = `t-${randomUUID()}`;
    const start = (backend: "memory" | "redis") =>
      startRedisRest({ token, backend, redisUrl: testRedisUrl });
    fronts.push(await start("memory"), await start("redis"));
    const [memoryFront, redisFront] = fronts as [RedisRest, RedisRest];
    const client = (front: RedisRest, automaticDeserialization = false) =>
      new Redis({ url: front.url, token: front.token, automaticDeserialization });
    const memory = client(memoryFront);
    const redis = client(redisFront);
    parity = {
      memory,
      redis,
      plain: { memory: client(memoryFront, true), redis: client(redisFront, true) },
      key: (name) => `${prefix}${name}`,
      both: async (call) => ({
        memory: await outcome(call(memory)),
        redis: await outcome(call(redis)),
      }),
    };
  });
  afterAll(async () => {
    if (parity) await deleteUnder(parity.redis, prefix);
    await Promise.all(fronts.map((front) => front.close()));
  });
  return () => {
    if (!parity) throw new Error("parity fronts did not start");
    return parity;
  };
}
