// The console overview's data over real Postgres and Redis, with exact values: queue depth and
// age by class, running jobs with progress and ETA, run-once tasks. The held locks (built from
// the environment, as the daemon takes them) are in test/overview-locks.test.ts.
import { manualClock } from "@groundcrew/core";
import { saveCheckpoint, startCheckpoint } from "@groundcrew/core/checkpoints";
import { claimJobs, enqueueJob } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createOverviewSource } from "../src/services/overview.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const start = Date.UTC(2026, 2, 1, 12, 0, 0);

describe("console overview source over real Postgres", () => {
  test("queues: depth counts every pending job, the age is of the oldest one due", async () => {
    const clock = manualClock(start);
    const db = t.db;
    await enqueueJob(db, { name: "reindex", payload: {}, class: "low", runAt: start - 30_000 });
    await enqueueJob(db, { name: "reindex", payload: {}, class: "low", runAt: start - 5_000 });
    // Scheduled for later: in the depth, but nothing in that class is waiting yet.
    await enqueueJob(db, { name: "digest", payload: {}, class: "default", runAt: start + 60_000 });
    // Claimed (running): neither depth nor age.
    await enqueueJob(db, { name: "page", payload: {}, class: "critical", runAt: start - 90_000 });
    const claimed = await claimJobs(db, {
      workerId: "w1",
      limit: 1,
      leaseMs: 600_000,
      names: ["page"],
      clock,
    });
    expect(claimed.map((j) => j.name)).toEqual(["page"]);
    const overview = createOverviewSource({ db, clock });

    expect(await overview.queues()).toEqual([
      { jobClass: "critical", depth: 0, oldestAgeMs: null },
      { jobClass: "default", depth: 1, oldestAgeMs: null },
      { jobClass: "low", depth: 2, oldestAgeMs: 30_000 },
    ]);
    await clock.advance(61_000);
    expect(await overview.queues()).toEqual([
      { jobClass: "critical", depth: 0, oldestAgeMs: null },
      { jobClass: "default", depth: 1, oldestAgeMs: 1_000 },
      { jobClass: "low", depth: 2, oldestAgeMs: 91_000 },
    ]);
  });

  test("running jobs: progress of the estimate, ETA from the last checkpoint (as `groundcrew progress`)", async () => {
    const clock = manualClock(start);
    const db = t.db;
    const at = (ms: number) => ({ clock: manualClock(ms) });
    // Started first: 50 of 100 at 10 rows/s, last checkpoint 2 s ago → 5 s left − 2 s spent.
    await startCheckpoint(
      db,
      { jobKey: "reindex:users", jobName: "reindex", batchSize: 10, estimatedTotal: 100 },
      at(start - 60_000),
    );
    await saveCheckpoint(
      db,
      "reindex:users",
      { cursor: [50], processed: 50, estimatedTotal: 100, rate: 10 },
      at(start - 2_000),
    );
    // The planner under-estimated: the total shown is never below what is done.
    await startCheckpoint(
      db,
      { jobKey: "backfill:orders", jobName: "backfill", batchSize: 100, estimatedTotal: 200 },
      at(start - 30_000),
    );
    await saveCheckpoint(
      db,
      "backfill:orders",
      { cursor: [300], processed: 300, rate: 50 },
      at(start),
    );
    // No estimate yet: no total, no ETA.
    await startCheckpoint(
      db,
      { jobKey: "rehash:blobs", jobName: "rehash", batchSize: 5 },
      at(start - 10_000),
    );
    // Finished: not listed.
    await startCheckpoint(db, { jobKey: "done:1", jobName: "done", batchSize: 1 }, at(start));
    await db.execute(
      sql`update groundcrew.checkpoints set status = 'done' where job_key = 'done:1'`,
    );
    const overview = createOverviewSource({ db, clock });

    expect(await overview.runningJobs()).toEqual([
      { id: "reindex:users", name: "reindex", processed: 50, total: 100, etaMs: 3_000 },
      { id: "backfill:orders", name: "backfill", processed: 300, total: 300, etaMs: 0 },
      { id: "rehash:blobs", name: "rehash", processed: 0, total: null, etaMs: null },
    ]);
    await clock.advance(1_000);
    expect((await overview.runningJobs())[0]).toMatchObject({ id: "reindex:users", etaMs: 2_000 });
  });

  test("run-once tasks, newest first, with when they finished", async () => {
    await t.db.execute(sql`insert into groundcrew.run_once_tasks
      (name, status, checksum, actor, started_at, finished_at) values
      ('backfill-emails', 'done', 'abc', 'alice', '2026-03-01T10:00:00Z', '2026-03-01T10:05:00Z'),
      ('split-names', 'running', 'def', 'bob', '2026-03-01T11:00:00Z', null)`);
    const overview = createOverviewSource({ db: t.db, clock: manualClock(start) });
    expect(await overview.tasks()).toEqual([
      { name: "split-names", status: "running", finishedAt: null },
      { name: "backfill-emails", status: "done", finishedAt: "2026-03-01T10:05:00.000Z" },
    ]);
  });

  test("without Redis there are no locks to show", async () => {
    const overview = createOverviewSource({ db: t.db, clock: manualClock(start) });
    expect(await overview.locks()).toEqual([]);
  });
});
