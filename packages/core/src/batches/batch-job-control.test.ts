import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { inArray, sql } from "drizzle-orm";
import { integer, pgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadCheckpoint } from "../checkpoints/checkpoint-store.ts";
import { cancel, requestPause, resume } from "../checkpoints/control.ts";
import { getProgress, type Progress } from "../checkpoints/progress.ts";
import { type Clock, type ManualClock, manualClock } from "../clock.ts";
import { defineBatchJob } from "./define-batch-job.ts";
import { runBatchJob } from "./run-batch-job.ts";

const rows = pgTable("rows", { id: integer().primaryKey(), seen: integer().notNull() });
const source = { table: rows, columns: { id: rows.id }, key: rows.id };

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table rows (id int primary key, seen int not null default 0)`;
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.sql`truncate rows`;
  await t.sql`insert into rows (id) select generate_series(1, 100)`;
  await t.sql`analyze rows`;
  await t.sql`delete from groundcrew.checkpoints`;
});

async function markSeen(ids: number[], tx: { update: typeof t.db.update }): Promise<void> {
  await tx
    .update(rows)
    .set({ seen: sql`${rows.seen} + 1` })
    .where(inArray(rows.id, ids));
}

// A manual clock that records each sleep; `sleepCount(n)` resolves once n sleeps have begun,
// so a test advances time exactly when the runner waits.
function observedClock(clock: ManualClock) {
  const sleeps: number[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const settle = () => {
    for (const w of waiters.filter((w) => sleeps.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const observed: Clock = {
    now: () => clock.now(),
    sleep: (ms, signal) => {
      sleeps.push(ms);
      const promise = clock.sleep(ms, signal);
      settle();
      return promise;
    },
  };
  const sleepCount = (n: number) =>
    new Promise<void>((resolve) => {
      waiters.push({ n, resolve });
      settle();
    });
  return { clock: observed, sleeps, sleepCount };
}

describe("batch job control", () => {
  test("pause stops before the next batch; a paused job stays paused until resumed, then finishes", async () => {
    let throttles = 0;
    const job = defineBatchJob({
      name: "pausable",
      source,
      batchSize: 10,
      processBatch: (batch, { tx }) =>
        markSeen(
          batch.map((r) => r.id),
          tx,
        ),
      throttle: async () => {
        throttles += 1;
        if (throttles === 3)
          expect(await requestPause(t.db, "pausable")).toEqual({ changed: true, status: "paused" });
        return 0;
      },
    });
    expect(await runBatchJob(t.db, job)).toEqual({ status: "paused", processed: 30, batches: 3 });
    expect(await runBatchJob(t.db, job)).toEqual({ status: "paused", processed: 30, batches: 0 });
    expect((await getProgress(t.db, "pausable"))?.status).toBe("paused");

    expect(await resume(t.db, "pausable")).toEqual({ changed: true, status: "running" });
    expect(await runBatchJob(t.db, job)).toEqual({ status: "done", processed: 100, batches: 7 });
    const [counts] = await t.sql`select min(seen) as lo, max(seen) as hi from rows`;
    expect(counts).toEqual({ lo: 1, hi: 1 });
  });

  test("cancel stops the job for good; control requests on an unknown key change nothing", async () => {
    const job = defineBatchJob({
      name: "cancellable",
      source,
      batchSize: 25,
      processBatch: (batch, { tx }) =>
        markSeen(
          batch.map((r) => r.id),
          tx,
        ),
      throttle: async () => {
        await cancel(t.db, "cancellable");
        return 0;
      },
    });
    expect(await runBatchJob(t.db, job)).toEqual({
      status: "cancelled",
      processed: 25,
      batches: 1,
    });
    expect(await runBatchJob(t.db, job)).toEqual({
      status: "cancelled",
      processed: 25,
      batches: 0,
    });
    expect(await resume(t.db, "cancellable")).toEqual({ changed: false, status: "cancelled" });
    expect(await requestPause(t.db, "nope")).toEqual({ changed: false, status: null });
    expect(await getProgress(t.db, "nope")).toBeNull();
  });

  test("progress reports processed, the planner's estimate, rate and ETA on the injected clock", async () => {
    const clock = manualClock();
    const seen: Progress[] = [];
    const job = defineBatchJob({
      name: "measured",
      source,
      batchSize: 20,
      processBatch: async (batch, { tx }) => {
        await markSeen(
          batch.map((r) => r.id),
          tx,
        );
        await clock.advance(2_000); // each batch of 20 takes 2 s: 10 rows/s
      },
      throttle: async () => {
        if (seen.length === 2) await requestPause(t.db, "measured");
        return 0;
      },
    });
    const result = await runBatchJob(t.db, job, { clock, onProgress: (p) => seen.push(p) });
    expect(result.status).toBe("paused");
    expect(seen.map((p) => [p.processed, p.estimatedTotal, p.ratePerSec, p.etaMs])).toEqual([
      [20, 100, 10, 8_000],
      [40, 100, 10, 6_000],
    ]);
    await clock.advance(5_000);
    expect(await getProgress(t.db, "measured", { clock })).toMatchObject({
      status: "paused",
      processed: 40,
      etaMs: 6_000, // a paused job's ETA does not run down
    });
    await resume(t.db, "measured", { clock });
    await runBatchJob(t.db, job, { clock, onProgress: (p) => seen.push(p) });
    expect(await getProgress(t.db, "measured", { clock })).toMatchObject({
      status: "done",
      processed: 100,
      etaMs: 0,
    });
  });
});

describe("throttle and abort", () => {
  test("a fixed throttle sleeps between batches on the injected clock, never after the last", async () => {
    const base = manualClock();
    const driven = observedClock(base);
    const job = defineBatchJob({
      name: "throttled",
      source,
      batchSize: 40,
      throttle: 500,
      processBatch: (batch, { tx }) =>
        markSeen(
          batch.map((r) => r.id),
          tx,
        ),
    });
    const running = runBatchJob(t.db, job, { clock: driven.clock });
    for (let i = 1; i <= 2; i += 1) {
      await driven.sleepCount(i);
      await base.advance(500);
    }
    expect(await running).toEqual({ status: "done", processed: 100, batches: 3 });
    expect(driven.sleeps).toEqual([500, 500]);
    // Rows per clock time since the previous checkpoint, throttle pauses included, smoothed:
    // batch 2 ran 40 rows in 500 ms (80/s), batch 3 ran 20 rows in 500 ms (40/s): 0.7·80 + 0.3·40.
    expect((await getProgress(t.db, "throttled", { clock: base }))?.ratePerSec).toBe(68);
  });

  test("a throttle callback (e.g. replication lag) decides each pause; an abort during it stops the run resumably", async () => {
    const base = manualClock();
    const driven = observedClock(base);
    const lags = [0, 250];
    const controller = new AbortController();
    const job = defineBatchJob({
      name: "lagging",
      source,
      batchSize: 30,
      throttle: () => lags.shift() ?? 1_000,
      processBatch: (batch, { tx }) =>
        markSeen(
          batch.map((r) => r.id),
          tx,
        ),
    });
    const running = runBatchJob(t.db, job, { clock: driven.clock, signal: controller.signal });
    await driven.sleepCount(1);
    await base.advance(250);
    await driven.sleepCount(2);
    controller.abort(new Error("shutting down"));
    expect(await running).toEqual({
      status: "aborted",
      processed: 90,
      batches: 3,
      reason: new Error("shutting down"),
    });
    expect(driven.sleeps).toEqual([250, 1_000]);
    expect(await loadCheckpoint(t.db, "lagging")).toMatchObject({
      status: "running",
      processed: 90,
    });

    const rest = await runBatchJob(t.db, job, { clock: driven.clock });
    expect(rest).toEqual({ status: "done", processed: 100, batches: 1 });
  });

  test("an abort cancels the statement in flight; the batch rolls back and the run resumes later", async () => {
    const controller = new AbortController();
    let slow = true;
    const job = defineBatchJob({
      name: "in-flight",
      source,
      batchSize: 50,
      async processBatch(batch, { tx }) {
        await markSeen(
          batch.map((r) => r.id),
          tx,
        );
        if (slow) await tx.execute(sql`select pg_sleep(30)`);
      },
    });
    // A mutex lease: its fence guards every write, its signal stops the run when it is lost.
    const lease = { key: "in-flight-lock", fence: 1, signal: controller.signal };
    const running = runBatchJob(t.db, job, { lease });
    // Wait (on the database, not on a timer) until the sleep is running, then abort.
    for (;;) {
      const [row] = await t.sql`select count(*)::int as n from pg_stat_activity
        where state = 'active' and query like '%pg_sleep(30)%' and pid <> pg_backend_pid()`;
      if (row?.n === 1) break;
    }
    const lost = new Error("lease lost (stand-in for LockLostError)");
    controller.abort(lost);
    expect(await running).toEqual({ status: "aborted", processed: 0, batches: 0, reason: lost });
    const [counts] = await t.sql`select max(seen) as hi from rows`;
    expect(counts?.hi).toBe(0);
    slow = false;
    const fresh = { key: "in-flight-lock", fence: 2, signal: new AbortController().signal };
    expect(await runBatchJob(t.db, job, { lease: fresh })).toEqual({
      status: "done",
      processed: 100,
      batches: 2,
    });
    expect(await loadCheckpoint(t.db, "in-flight")).toMatchObject({ fence: 2 });
  });
});

describe("adaptive batch size", () => {
  test("moves toward targetBatchMs within its bounds and is saved in the checkpoint", async () => {
    const clock = manualClock();
    const sizes: number[] = [];
    const job = defineBatchJob({
      name: "adaptive",
      source,
      batchSize: 40,
      minBatchSize: 8,
      maxBatchSize: 64,
      targetBatchMs: 100,
      async processBatch(batch, { tx }) {
        sizes.push(batch.length);
        await markSeen(
          batch.map((r) => r.id),
          tx,
        );
        await clock.advance(batch.length * 10); // 10 ms per row: the target is 10 rows
      },
    });
    const result = await runBatchJob(t.db, job, { clock });
    expect(result).toMatchObject({ status: "done", processed: 100 });
    expect(sizes.slice(0, 4)).toEqual([40, 20, 10, 10]);
    expect((await loadCheckpoint(t.db, "adaptive"))?.batchSize).toBe(10);
  });
});
