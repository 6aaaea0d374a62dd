import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { GroundcrewConfig } from "../src/config/define-config.ts";
import { openDatabase } from "../src/daemon-startup.ts";
import { loadEnv } from "../src/env.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/**
 * Opens the daemon's pool, runs `queries` statements at once while an advisory lock holds them
 * all, and returns how many distinct connections (backend pids) the pool used.
 */
async function connectionsUsed(config: GroundcrewConfig, concurrency: number, queries: number) {
  const lockKey = 7_000 + queries;
  const pool = openDatabase(loadEnv({ DATABASE_URL: database.url }), config, concurrency);
  const holder = await database.sql.reserve();
  try {
    await holder`select pg_advisory_lock(${lockKey})`;
    // postgres.js sends a query once it is awaited: start them all now.
    const running = Array.from({ length: queries }, async () => {
      const [row] = await pool.sql<{ pid: number }[]>`
        select pg_advisory_xact_lock_shared(${lockKey})::text as locked, pg_backend_pid() as pid`;
      return row?.pid;
    });
    // Every connection the pool may open is blocked on the lock before it is released.
    const max = pool.sql.options.max;
    await expect
      .poll(
        async () => {
          const [row] = await database.sql<{ n: number }[]>`
            select count(*)::int as n from pg_locks
            where locktype = 'advisory' and objid = ${lockKey} and not granted`;
          return row?.n;
        },
        { timeout: 10_000 },
      )
      .toBe(Math.min(max, queries));
    await holder`select pg_advisory_unlock(${lockKey})`;
    const pids = new Set(await Promise.all(running));
    return { max, connections: pids.size };
  } finally {
    holder.release();
    await pool.close(1_000);
  }
}

describe("the daemon's database pool", () => {
  test("config database.max caps the pool's connections", async () => {
    expect(await connectionsUsed({ database: { max: 2 } }, 8, 6)).toEqual({
      max: 2,
      connections: 2,
    });
  });

  test("without database.max the pool holds concurrency + 4 connections", async () => {
    expect(await connectionsUsed({}, 3, 10)).toEqual({ max: 7, connections: 7 });
  });
});
