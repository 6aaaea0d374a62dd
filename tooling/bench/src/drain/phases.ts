// The phases every system goes through, timed the same way.
import postgres from "postgres";
import { chunks, median, pause, perSecond, timed, withTimeout } from "../stats.ts";
import type { Tally } from "./types.ts";

/** Jobs per enqueue statement, for every system. */
export const ENQUEUE_CHUNK = 1_000;

/**
 * Enqueues `jobs` jobs in chunks of {@link ENQUEUE_CHUNK}, one statement (or call) at a time,
 * and returns jobs/s.
 *
 * @example
 * ```ts
 * const enqueuePerS = await timeEnqueue(20_000, (n) => boss.insert("noop", rows(n)));
 * ```
 */
export async function timeEnqueue(
  jobs: number,
  enqueueChunk: (count: number) => Promise<unknown>,
): Promise<number> {
  const sizes = chunks(
    Array.from({ length: jobs }, () => 0),
    ENQUEUE_CHUNK,
  ).map((c) => c.length);
  const { ms } = await timed(async () => {
    for (const size of sizes) await enqueueChunk(size);
  });
  return perSecond(jobs, ms);
}

/**
 * Refreshes planner statistics of every table, as autovacuum would on a queue in steady state
 * (a table analyzed right after a bulk insert is the normal case, not an empty-table plan).
 *
 * @example
 * ```ts
 * await analyze(workload.url);
 * ```
 */
export async function analyze(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`analyze`;
  } finally {
    await sql.end();
  }
}

/**
 * Starts the workers and returns jobs/s from the start until the handler ran for the last job.
 *
 * @example
 * ```ts
 * const drainPerS = await timeDrain(tally, 20_000, () => startWorkers());
 * ```
 */
export async function timeDrain(tally: Tally, jobs: number, start: () => Promise<unknown>) {
  const started = performance.now();
  const last = tally.until(tally.count + jobs);
  await start();
  const endedAt = await withTimeout(last, 300_000, `drain of ${jobs} jobs`);
  return perSecond(jobs, endedAt - started);
}

/**
 * Times `samples` single-job pickups on the idle queue (enqueue call → handler start), each
 * after a random idle gap of 0.1–1.1 s, so the enqueue lands at a random phase of a 1 s poll
 * interval (pollers re-arm their timer after each job); returns the median in ms.
 *
 * @example
 * ```ts
 * const pickupMs = await timePickups(tally, 5, () => enqueueJob(db, { name: "noop" }));
 * ```
 */
export async function timePickups(
  tally: Tally,
  samples: number,
  enqueueOne: () => Promise<unknown>,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    await pause(100 + Math.random() * 1_000);
    const ran = tally.until(tally.count + 1);
    const started = performance.now();
    await enqueueOne();
    times.push((await withTimeout(ran, 30_000, "single-job pickup")) - started);
  }
  return median(times);
}
