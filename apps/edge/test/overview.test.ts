import { manualClock } from "@groundcrew/core";
import { enqueueJob } from "@groundcrew/core/jobs";
import { acquire } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createOverviewSource } from "../src/services/overview.ts";

let t: TestDatabase;
let r: TestRedis;
beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
});
afterAll(async () => {
  await Promise.all([t.drop(), r.close()]);
});

describe("console overview source over real Postgres and Redis", () => {
  test("reports queue depth and lag by class, running jobs with ETA, held locks, tasks", async () => {
    const now = Date.now();
    const clock = manualClock(now);
    await enqueueJob(t.db, { name: "reindex", payload: {}, class: "low", runAt: now - 30_000 });
    await t.db.execute(sql`insert into groundcrew.checkpoints
      (job_key, job_name, processed, estimated_total, batch_size, status, rate, started_at, updated_at)
      values ('reindex:1', 'reindex', 50, 100, 10, 'running', 10, now(), now())`);
    await t.db.execute(sql`insert into groundcrew.run_once_tasks (name, status, checksum, actor, started_at, finished_at)
      values ('backfill-emails', 'done', 'abc', 'alice', now(), now())`);
    const index = `${r.prefix}lock-index`;
    const got = await acquire(r.redis, `${r.prefix}lock:reindex`, {
      ttlMs: 30_000,
      heartbeat: false,
      index,
    });
    expect(got.acquired).toBe(true);
    const overview = createOverviewSource({ db: t.db, redis: r.redis, lockIndex: index, clock });

    const queues = await overview.queues();
    expect(queues.find((q) => q.jobClass === "low")).toMatchObject({ depth: 1 });
    expect(queues.find((q) => q.jobClass === "low")?.oldestAgeMs).toBeGreaterThanOrEqual(29_000);
    expect(queues.find((q) => q.jobClass === "critical")).toMatchObject({
      depth: 0,
      oldestAgeMs: null,
    });
    expect(await overview.runningJobs()).toEqual([
      { id: "reindex:1", name: "reindex", processed: 50, total: 100, etaMs: 5000 },
    ]);
    const locks = await overview.locks();
    expect(locks.map((l) => l.name)).toEqual([`${r.prefix}lock:reindex`]);
    expect(locks[0]?.expiresInMs).toBeGreaterThan(0);
    expect(await overview.tasks()).toMatchObject([{ name: "backfill-emails", status: "done" }]);
    if (got.acquired) await got.lease.release();
  });
});
