import { loadCheckpoint } from "@groundcrew/core/checkpoints";
import { enqueueJob, getJob } from "@groundcrew/core/jobs";
import { assertFence } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { GroundcrewConfig } from "../src/config/define-config.ts";
import type { Daemon } from "../src/daemon.ts";
import type { JobContext, JobLease } from "../src/worker/job-context.ts";
import { createRunWatcher, startTestDaemon } from "./helpers.ts";

const STEPS = 6;
let database: TestDatabase;
let redis: TestRedis;
const daemons: Daemon[] = [];
const watcher = createRunWatcher();
const runs: { attempt: number; from: number }[] = [];

/** A promise with its resolve, for handlers and the test to meet. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
const atStepThree = gate();
const staleSaved = gate<JobLease>();
const takenOver = gate();
const staleErrors: string[] = [];

const aborted = (signal: AbortSignal) =>
  new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

const config: GroundcrewConfig = {
  jobs: {
    // Six steps, each one insert committed with its checkpoint; the first run stops at step 3.
    steps: {
      lock: "steps",
      run: async (ctx: JobContext<unknown, { next: number }>) => {
        const from = (await ctx.checkpoint.load())?.next ?? 1;
        runs.push({ attempt: ctx.job.attempt, from });
        for (let step = from; step <= STEPS; step++) {
          ctx.signal.throwIfAborted();
          await ctx.db.transaction(async (tx) => {
            await tx.execute(sql`insert into steps_done values (${ctx.job.id}, ${step})`);
            await ctx.checkpoint.save({ next: step + 1 }, { tx, processed: step });
          });
          if (step === 3 && runs.length === 1) {
            atStepThree.open();
            await aborted(ctx.signal);
          }
        }
        return { steps: STEPS };
      },
    },
    // The first attempt saves and fails; the retry resumes from the saved state.
    flaky: {
      checkpointKey: (payload) => `flaky:${(payload as { batch: string }).batch}`,
      run: async (ctx: JobContext<unknown, { n: number }>) => {
        const saved = await ctx.checkpoint.load();
        if (!saved) {
          await ctx.checkpoint.save({ n: 1 }, { processed: 1 });
          throw new Error("the first attempt fails after saving");
        }
        await ctx.checkpoint.save({ n: saved.n + 1 }, { processed: 2 });
        return { resumedFrom: saved };
      },
    },
    // Saves once, then (after a newer holder wrote with a higher fence) tries again.
    stale: {
      lock: "stale",
      run: async (ctx: JobContext<unknown, { step: number }>) => {
        await ctx.checkpoint.save({ step: 1 });
        if (!ctx.lease) throw new Error("expected a lease");
        staleSaved.open(ctx.lease);
        await takenOver.opened;
        const refused = async (save: () => Promise<unknown>) => {
          const error = await save().then(
            () => null,
            (e: Error) => e,
          );
          staleErrors.push(error?.name ?? "saved");
          if (error) return error;
          throw new Error("the stale save went through");
        };
        await refused(() =>
          ctx.db.transaction(async (tx) => {
            await tx.execute(sql`insert into steps_done values (${ctx.job.id}, 2)`);
            await ctx.checkpoint.save({ step: 2 }, { tx });
          }),
        );
        throw await refused(() => ctx.checkpoint.save({ step: 3 }));
      },
    },
  },
};

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  await database.sql`create table steps_done (job_id bigint, step int, primary key (job_id, step))`;
  daemons.push(await startTestDaemon({ database, redis, config, onJobDone: watcher.onJobDone }));
});

afterAll(async () => {
  for (const daemon of daemons) await daemon.stop(1_000);
  await redis?.close();
  await database?.drop();
});

describe("ctx.checkpoint of a plain job", () => {
  test("a run interrupted by shutdown is resumed from its saved checkpoint by the next daemon", async () => {
    const { id } = await enqueueJob(database.db, { name: "steps" });
    daemons[0]?.pool.wake();
    await atStepThree.opened;
    expect(await daemons.shift()?.stop(5_000)).toEqual({ stillRunning: 0 });
    const key = `job:steps:${id}`;
    expect(await getJob(database.db, id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await loadCheckpoint(database.db, key)).toMatchObject({
      status: "running",
      cursor: { next: 4 },
      processed: 3,
      jobName: "steps",
    });

    const done = watcher.next("steps");
    daemons.push(await startTestDaemon({ database, redis, config, onJobDone: watcher.onJobDone }));
    expect(await done).toEqual({ id, outcome: "done" });
    expect(runs).toEqual([
      { attempt: 1, from: 1 },
      { attempt: 1, from: 4 },
    ]);
    const rows = await database.sql`select step from steps_done where job_id = ${id} order by step`;
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const saved = await loadCheckpoint(database.db, key);
    expect(saved).toMatchObject({ status: "done", cursor: { next: 7 }, processed: 6 });
    expect(saved?.fence).toBeGreaterThan(0); // written under the job's lock
    expect(await getJob(database.db, id)).toMatchObject({ output: { steps: STEPS } });
  });

  test("a save under a stale lease is refused and writes nothing, with or without the caller's tx", async () => {
    const { id } = await enqueueJob(database.db, { name: "stale", maxAttempts: 1 });
    const finished = watcher.next("stale");
    daemons[0]?.pool.wake();
    const lease = await staleSaved.opened;
    // A newer holder of the same lock writes with a higher fence.
    await assertFence(database.db, lease.key, lease.fence + 1, "newer-holder");
    takenOver.open();
    expect(await finished).toEqual({ id, outcome: "dead" });
    expect(staleErrors).toEqual(["StaleFenceError", "StaleFenceError"]);
    expect(await loadCheckpoint(database.db, `job:stale:${id}`)).toMatchObject({
      status: "running", // left to the new holder: not marked failed by the stale one
      cursor: { step: 1 },
    });
    expect(await database.sql`select step from steps_done where job_id = ${id}`).toEqual([]);
    expect((await getJob(database.db, id))?.lastError).toMatch(/StaleFenceError|STALE_FENCE/);
  });

  test("a failed attempt marks the checkpoint failed; the retry resumes it under the job's own key", async () => {
    const { id } = await enqueueJob(database.db, { name: "flaky", payload: { batch: "b7" } });
    const first = watcher.next("flaky");
    daemons[0]?.pool.wake();
    expect(await first).toEqual({ id, outcome: "retry" });
    expect(await loadCheckpoint(database.db, "flaky:b7")).toMatchObject({
      status: "failed",
      cursor: { n: 1 },
      lastError: "Error: the first attempt fails after saving",
    });
    await database.sql`update groundcrew.jobs set run_at = now() where id = ${id}`;
    const second = watcher.next("flaky");
    daemons[0]?.pool.wake();
    expect(await second).toEqual({ id, outcome: "done" });
    expect(await getJob(database.db, id)).toMatchObject({ output: { resumedFrom: { n: 1 } } });
    expect(await loadCheckpoint(database.db, "flaky:b7")).toMatchObject({
      status: "done",
      cursor: { n: 2 },
      processed: 2,
      lastError: null,
    });
  });
});
