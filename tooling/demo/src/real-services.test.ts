// "Real services": with DATABASE_URL and UPSTASH_REDIS_REST_URL/_TOKEN set, `npm start` uses
// them instead of the embedded parts (each independently; QStash stays the emulator here).
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DemoProcess, startDemoProcess, until } from "./demo-process.ts";
import { freePort } from "./ports.ts";

const TOKEN = "tester-token-0123456789abcdef";
let database: TestDatabase;
let redis: TestRedis;
let dataDir: string;
let demo: DemoProcess | undefined;

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  dataDir = await mkdtemp(join(tmpdir(), "groundcrew-demo-real-"));
});

afterAll(async () => {
  if (demo?.child.exitCode === null && demo.child.pid) process.kill(-demo.child.pid, "SIGKILL");
  // The demo's cache keys are not under the test prefix: remove them from the shared Redis.
  const keys = await redis.redis.keys("*demo:catalog*");
  if (keys.length > 0) await redis.redis.del(...keys);
  await redis?.close();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start with real PostgreSQL and Redis", () => {
  test("uses DATABASE_URL and the Upstash REST URL instead of PGlite and the memory front", async () => {
    const edgePort = await freePort("127.0.0.1");
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    demo = startDemoProcess({
      PORT: String(edgePort),
      GROUNDCREW_DAEMON_PORT: String(await freePort("127.0.0.1")),
      GROUNDCREW_DATA_DIR: dataDir,
      GROUNDCREW_DEMO_ROWS: "1000",
      GROUNDCREW_ADMIN_TOKENS: `tester:${TOKEN}`,
      DATABASE_URL: database.url,
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: redis.token,
      // The daemon's job mutexes under this file's key prefix on the shared Redis.
      GROUNDCREW_LOCK_PREFIX: `${redis.prefix}lock:`,
    });
    const running = demo;
    await until(running, 150_000, async () =>
      (await fetch(`${edgeUrl}/health/ready`)).ok ? true : undefined,
    );
    expect(running.output()).toContain(
      "postgres: DATABASE_URL; redis: UPSTASH_REDIS_REST_URL; qstash: emulator",
    );
    // The data is in the real database: seeded, and the walk-through's jobs run there.
    const [seed] = await database.sql`select rows from demo.seed_info`;
    expect(seed?.rows).toBe(1000);
    await until(running, 120_000, async () => {
      const [job] = await database.sql`
        select status from groundcrew.jobs where name = 'groundcrew.run-once' and status = 'done'`;
      return job ? true : undefined;
    });
    // The cache namespace step wrote its version through the real Redis.
    await until(running, 60_000, async () =>
      (await redis.redis.keys("*demo:catalog*")).length > 0 ? true : undefined,
    );
    // Nothing was embedded: no PGlite directory in the data dir.
    expect(running.output()).not.toContain("PGlite (embedded)");
    expect(existsSync(join(dataDir, "pglite"))).toBe(false);
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain("stopped cleanly");
    // The real database was left running and keeps the state.
    const [after] = await database.sql`select count(*)::int as n from groundcrew.jobs`;
    expect(after?.n).toBeGreaterThan(0);
  });
});
