import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestRedis, type TestRedis } from "./redis.ts";

describe("createTestRedis", () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await createTestRedis();
  });
  afterAll(() => t.close());

  test("the official client reads its writes through the front over real Redis", async () => {
    const key = `${t.prefix}k`;
    await Promise.all([t.redis.set(key, { a: 1 }), t.redis.incr(`${t.prefix}n`)]);
    expect(await t.redis.get(key)).toEqual({ a: 1 });
    expect(await t.redis.get(`${t.prefix}n`)).toBe(1);
  });

  test("createScript falls back from EVALSHA to EVAL for a script Redis has not seen", async () => {
    // A unique script text: never cached, so the first EVALSHA gets NOSCRIPT without a global
    // SCRIPT FLUSH that would disturb other test files sharing this Redis.
    const lua = `-- ${crypto.randomUUID()}\nreturn ARGV[1] .. redis.call('incr', KEYS[1])`;
    const script = t.redis.createScript<string>(lua);
    expect(await t.redis.scriptExists(script.sha1)).toEqual([0]);
    expect(await script.exec([`${t.prefix}s`], ["n="])).toBe("n=1");
    expect(await script.evalsha([`${t.prefix}s`], ["n="])).toBe("n=2");
  });

  test("a wrong token is refused with 401 Unauthorized", async () => {
    const stranger = new Redis({ url: t.url, token: "wrong", retry: false });
    await expect(stranger.get(`${t.prefix}k`)).rejects.toThrow(/Unauthorized/);
  });

  test("an unreachable Redis fails at once, naming how to start it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(createTestRedis({ redisUrl: `redis://:pw@127.0.0.1:${port}` })).rejects.toThrow(
      `Redis is not reachable at redis://:***@127.0.0.1:${port}`,
    );
    await expect(createTestRedis({ redisUrl: `redis://127.0.0.1:${port}` })).rejects.toThrow(
      /start it with: redis-server/,
    );
  });

  test("close() deletes every key under the prefix", async () => {
    const other = await createTestRedis();
    const keys = [`${other.prefix}a`, `${other.prefix}b`];
    await other.redis.mset({ [keys[0] as string]: "1", [keys[1] as string]: "2" });
    await other.close();
    expect(await t.redis.exists(...keys)).toBe(0);
  });
});
