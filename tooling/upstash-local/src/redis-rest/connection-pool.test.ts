import { Redis } from "ioredis";
import { afterAll, expect, test } from "vitest";
import { createConnectionPool } from "./connection-pool.ts";
import { testRedisUrl } from "./contract/harness.ts";

const base = new Redis(testRedisUrl, { lazyConnect: true });
afterAll(() => base.disconnect());

test("use() never hands out more than maxConnections and serves every waiter", async () => {
  const pool = createConnectionPool({ connect: () => base.duplicate(), maxConnections: 2 });
  const inUse = new Set<Redis>();
  let peak = 0;
  const work = async (connection: Redis) => {
    expect(inUse.has(connection)).toBe(false);
    inUse.add(connection);
    peak = Math.max(peak, inUse.size);
    const pong = await connection.ping();
    inUse.delete(connection);
    return pong;
  };
  const replies = await Promise.all(Array.from({ length: 10 }, () => pool.use(work)));
  expect(replies).toEqual(Array.from({ length: 10 }, () => "PONG"));
  expect(peak).toBe(2);
  pool.close();
});

test("a connection whose work threw is discarded and a waiter still gets one", async () => {
  const pool = createConnectionPool({ connect: () => base.duplicate(), maxConnections: 1 });
  let failed: Redis | undefined;
  const failing = pool.use(async (connection) => {
    failed = connection;
    throw new Error("boom");
  });
  const waiting = pool.use(async (connection) => ({
    same: connection === failed,
    pong: await connection.ping(),
  }));
  await expect(failing).rejects.toThrow("boom");
  expect(await waiting).toEqual({ same: false, pong: "PONG" });
  pool.close();
});
