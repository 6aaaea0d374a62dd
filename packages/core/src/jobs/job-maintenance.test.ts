import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import {
  cancelJob,
  claimJobs,
  completeJob,
  enqueueJob,
  enqueueJobs,
  getJob,
  jobQueueStats,
  listJobs,
  purgeFinishedJobs,
  releaseJob,
} from "./index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a value, found undefined");
  return value;
}
beforeEach(async () => {
  await t.db.execute(sql`truncate groundcrew.jobs, groundcrew.paused_job_names`);
});

describe("releaseJob()", () => {
  test("hands a held job back without counting the attempt; others cannot release it", async () => {
    const clock = manualClock();
    const { id } = await enqueueJob(t.db, { name: "r" }, { clock });
    await claimJobs(t.db, { workerId: "w1", limit: 1, leaseMs: 1000, clock });
    expect(await releaseJob(t.db, { id, workerId: "w2", clock })).toBe(false);
    const released = await releaseJob(t.db, {
      id,
      workerId: "w1",
      delayMs: 5_000,
      reason: "shutdown",
      clock,
    });
    expect(released).toBe(true);
    expect(await getJob(t.db, id)).toMatchObject({
      status: "pending",
      attempts: 0,
      lockedBy: null,
      runAt: new Date(clock.now() + 5_000),
      lastError: "Released: shutdown",
    });
  });
});

describe("jobQueueStats()", () => {
  test("reports pending, due, running and the oldest due age per class", async () => {
    const clock = manualClock();
    const now = clock.now();
    await enqueueJobs(
      t.db,
      [
        { name: "a", class: "low", runAt: now - 5_000 },
        { name: "a", class: "low", runAt: now + 5_000 },
        { name: "b", class: "critical", runAt: now - 1_000 },
      ],
      { clock },
    );
    await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 1000, clock, names: ["b"] });
    expect(await jobQueueStats(t.db, { clock })).toEqual({
      critical: { pending: 0, ready: 0, running: 1, oldestPendingAgeMs: 0 },
      default: { pending: 0, ready: 0, running: 0, oldestPendingAgeMs: 0 },
      low: { pending: 2, ready: 1, running: 0, oldestPendingAgeMs: 5_000 },
    });
  });
});

describe("purgeFinishedJobs()", () => {
  test("deletes only finished jobs past the cutoff, reporting per status; dry run deletes nothing", async () => {
    const clock = manualClock();
    const ids = (
      await enqueueJobs(t.db, [{ name: "a" }, { name: "b" }, { name: "c" }], { clock })
    ).map((r) => r.id);
    await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 1000, clock, names: ["a"] });
    await completeJob(t.db, { id: defined(ids[0]), workerId: "w", clock });
    await cancelJob(t.db, { id: defined(ids[1]), clock });
    await clock.advance(60_000);
    const options = { olderThanMs: 30_000, clock };
    expect(await purgeFinishedJobs(t.db, { ...options, dryRun: true })).toEqual({
      dryRun: true,
      byStatus: { done: 1, cancelled: 1 },
      total: 2,
      remaining: 0,
    });
    expect((await purgeFinishedJobs(t.db, { ...options, limit: 1 })).remaining).toBe(1);
    expect((await purgeFinishedJobs(t.db, options)).total).toBe(1);
    expect(await getJob(t.db, defined(ids[2]))).not.toBeNull();
    expect((await listJobs(t.db)).jobs).toHaveLength(1);
  });
});
