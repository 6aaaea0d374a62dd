import { getProgress } from "@groundcrew/core/checkpoints";
import { enqueueJob, getJob } from "@groundcrew/core/jobs";
import { inspectLock } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { itemsSql } from "./fixtures/items.ts";
import { freePort, KEYS } from "./helpers.ts";
import { type LogLine, spawnDaemon } from "./spawn-daemon.ts";

const ROWS = 200;
const SHUTDOWN_TIMEOUT_MS = 5_000;
let database: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  await database.sql.unsafe(itemsSql(ROWS));
});

afterAll(async () => {
  await redis?.close();
  await database?.drop();
});

async function daemonEnv(): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    DATABASE_URL: database.url,
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
    GROUNDCREW_LOCK_PREFIX: redis.prefix,
    QSTASH_CURRENT_SIGNING_KEY: KEYS.current,
    QSTASH_NEXT_SIGNING_KEY: KEYS.next,
    GROUNDCREW_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    GROUNDCREW_POLL_MS: "100",
    GROUNDCREW_LEASE_MS: "4000",
    GROUNDCREW_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    LOG_LEVEL: "debug",
  };
}

const progressed = (min: number) => (line: LogLine) =>
  line.msg === "job progress" && Number((line.progress as { done?: number })?.done) >= min;

describe("graceful shutdown of a spawned daemon", () => {
  test("SIGTERM mid-batch exits 0 in time with the checkpoint saved; a second signal exits at once; restarts finish exactly once", async () => {
    const { id } = await enqueueJob(database.db, { name: "double-items" });
    const first = spawnDaemon("shutdown.config.ts", await daemonEnv());
    await first.waitFor(progressed(30));
    const signalledAt = Date.now();
    first.child.kill("SIGTERM");
    const exit = await first.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    const warnings = JSON.stringify(first.lines.filter((l) => l.level === "warn"));
    expect(
      first.lines.filter((l) => l.msg === "job finished" || l.level === "error"),
      warnings,
    ).toEqual([expect.objectContaining({ jobId: id, outcome: "interrupted" })]);

    const saved = await getProgress(database.db, "double-items");
    expect(saved?.status).toBe("running");
    expect(saved?.processed).toBeGreaterThanOrEqual(30);
    expect(saved?.processed).toBeLessThan(ROWS);
    // The batches before the checkpoint are applied, none after it, none twice.
    const [applied] = await database.sql`
      select count(*) filter (where doubled = value * 2)::int as once,
             count(*) filter (where doubled is null)::int as untouched from items`;
    expect(applied).toEqual({ once: saved?.processed, untouched: ROWS - (saved?.processed ?? 0) });
    expect(await getJob(database.db, id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await inspectLock(redis.redis, `${redis.prefix}double-items`)).toBeNull();

    // A second daemon resumes; two signals in a row make it exit at once (130) mid-batch.
    const second = spawnDaemon("shutdown.config.ts", await daemonEnv());
    await second.waitFor(progressed((saved?.processed ?? 0) + 30));
    second.child.kill("SIGTERM");
    await second.waitFor((l) => l.msg === "groundcrew daemon stopping");
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(130);
    const killed = await getProgress(database.db, "double-items");
    expect(killed?.status).toBe("running");
    const [consistent] = await database.sql`
      select count(*) filter (where doubled = value * 2)::int as once,
             count(*) filter (where doubled is null)::int as untouched from items`;
    expect(consistent).toEqual({
      once: killed?.processed,
      untouched: ROWS - (killed?.processed ?? 0),
    });

    // A third one reaps the dead worker's lease (its lock TTL expires too) and finishes.
    const third = spawnDaemon("shutdown.config.ts", await daemonEnv());
    const finished = await third.waitFor(
      (l) => l.msg === "job finished" && l.jobId === id && l.outcome === "done",
    );
    expect(finished.outcome).toBe("done");
    third.child.kill("SIGTERM");
    expect((await third.exited).code).toBe(0);
    const [result] = await database.sql`
      select count(*) filter (where doubled = value * 2)::int as once from items`;
    expect(result?.once).toBe(ROWS);
    expect(await getProgress(database.db, "double-items")).toMatchObject({
      status: "done",
      processed: ROWS,
    });
    expect(await getJob(database.db, id)).toMatchObject({ status: "done" });
  }, 90_000);
});
