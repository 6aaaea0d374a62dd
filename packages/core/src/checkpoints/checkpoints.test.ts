import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { defineBatchJob } from "../batches/define-batch-job.ts";
import { runBatchJob } from "../batches/run-batch-job.ts";
import { manualClock } from "../clock.ts";
import { loadCheckpoint, saveCheckpoint, startCheckpoint } from "./checkpoint-store.ts";
import { getProgress, progressOf } from "./progress.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("checkpoints", () => {
  test("startCheckpoint() creates a running row once; later calls return it unchanged", async () => {
    const clock = manualClock();
    const first = await startCheckpoint(
      t.db,
      { jobKey: "a", jobName: "job", batchSize: 50 },
      { clock },
    );
    expect(first).toMatchObject({ status: "running", processed: 0, cursor: null, batchSize: 50 });
    await saveCheckpoint(t.db, "a", { cursor: ["7"], processed: 7 }, { clock });
    const again = await startCheckpoint(
      t.db,
      { jobKey: "a", jobName: "job", batchSize: 99 },
      { clock },
    );
    expect(again).toMatchObject({ processed: 7, cursor: ["7"], batchSize: 50 });
  });

  test("saveCheckpoint() inside the caller's transaction rolls back with it", async () => {
    await startCheckpoint(t.db, { jobKey: "b", jobName: "job", batchSize: 10 });
    const error = await t.db
      .transaction(async (tx) => {
        await saveCheckpoint(tx, "b", { cursor: { page: 3 }, processed: 30 });
        throw new Error("the batch failed");
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("the batch failed");
    expect(await loadCheckpoint(t.db, "b")).toMatchObject({ processed: 0, cursor: null });
    await expect(saveCheckpoint(t.db, "missing", { cursor: 1, processed: 1 })).rejects.toThrow(
      /expected a row in groundcrew.checkpoints, found none/,
    );
  });

  test("a running job's ETA runs down from its last checkpoint; unknown rate gives null", async () => {
    const clock = manualClock();
    await startCheckpoint(
      t.db,
      { jobKey: "c", jobName: "job", batchSize: 10, estimatedTotal: 1_000 },
      { clock },
    );
    expect((await getProgress(t.db, "c", { clock }))?.etaMs).toBeNull();
    await saveCheckpoint(t.db, "c", { cursor: [400], processed: 400, rate: 100 }, { clock });
    await clock.advance(2_500);
    const progress = await getProgress(t.db, "c", { clock });
    expect(progress).toMatchObject({
      processed: 400,
      estimatedTotal: 1_000,
      ratePerSec: 100,
      etaMs: 3_500,
    });
    const checkpoint = await loadCheckpoint(t.db, "c");
    if (!checkpoint) throw new Error("expected the checkpoint");
    // An estimate below what is already done is raised to it.
    expect(progressOf({ ...checkpoint, estimatedTotal: 100 }, clock.now())).toMatchObject({
      estimatedTotal: 400,
      etaMs: 0,
    });
  });

  test("a run that throws records failed with the error; the next run resumes after the last batch", async () => {
    const seen: number[][] = [];
    let failOn = 2;
    const job = defineBatchJob({
      name: "flaky",
      mode: "at-least-once",
      batchSize: 2,
      source: async function* ({ after }) {
        for (let from = (after as number | null) ?? 0; from < 6; from += 2) {
          yield { rows: [from + 1, from + 2], cursor: from + 2 };
        }
      },
      processBatch(rows, { batchIndex }) {
        if (batchIndex === failOn) throw new TypeError("boom");
        seen.push(rows);
      },
    });
    await expect(runBatchJob(t.db, job)).rejects.toThrow("boom");
    expect(await loadCheckpoint(t.db, "flaky")).toMatchObject({
      status: "failed",
      processed: 4,
      cursor: 4,
      lastError: "TypeError: boom",
    });
    failOn = -1;
    expect(await runBatchJob(t.db, job)).toEqual({ status: "done", processed: 6, batches: 1 });
    expect(seen).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(await loadCheckpoint(t.db, "flaky")).toMatchObject({ status: "done", lastError: null });
  });
});
