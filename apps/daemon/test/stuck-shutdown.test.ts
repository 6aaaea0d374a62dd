import { enqueueJob, getJob } from "@groundcrew/core/jobs";
import { inspectLock } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort, KEYS } from "./helpers.ts";
import { spawnDaemon } from "./spawn-daemon.ts";

const SHUTDOWN_TIMEOUT_MS = 800;
let database: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
});

afterAll(async () => {
  await redis?.close();
  await database?.drop();
});

describe("shutdown with a handler that ignores ctx.signal", () => {
  test("after the timeout the lock is released, the job is back to pending and the process exits 0", async () => {
    const { id: jobId } = await enqueueJob(database.db, { name: "ignore-stop" });
    const port = await freePort();
    const daemon = spawnDaemon("ignore-stop.config.ts", {
      DATABASE_URL: database.url,
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: redis.token,
      GROUNDCREW_LOCK_PREFIX: redis.prefix,
      QSTASH_CURRENT_SIGNING_KEY: KEYS.current,
      QSTASH_NEXT_SIGNING_KEY: KEYS.next,
      GROUNDCREW_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      GROUNDCREW_POLL_MS: "100",
      GROUNDCREW_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
    await daemon.waitFor((l) => l.msg === "handler running, ignoring ctx.signal");
    expect(await inspectLock(redis.redis, `${redis.prefix}ignore-stop`)).not.toBeNull();

    const signalledAt = Date.now();
    daemon.child.kill("SIGTERM");
    const exit = await daemon.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS);
    expect(daemon.lines).toContainEqual(
      expect.objectContaining({ msg: "jobs abandoned at shutdown, released", jobIds: [jobId] }),
    );
    const job = await getJob(database.db, jobId);
    expect(job).toMatchObject({ status: "pending", attempts: 0, lockedBy: null });
    expect(job?.lastError).toMatch(/^Released: daemon shut down/);
    expect(await inspectLock(redis.redis, `${redis.prefix}ignore-stop`)).toBeNull();
  }, 60_000);
});
