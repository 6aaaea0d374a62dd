import { getEventListeners } from "node:events";
import { type Clock, systemClock } from "@groundcrew/core/clock";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createLogger } from "../src/observability/logger.ts";
import { createMetrics } from "../src/observability/metrics.ts";
import { createJobRegistry } from "../src/worker/job-registry.ts";
import { createWorkerPool } from "../src/worker/worker-pool.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/** The real clock, recording every signal an idle wait listens to. */
function recordingClock() {
  const signals = new Set<AbortSignal>();
  let sleeps = 0;
  let onSleep = () => {};
  const clock: Clock = {
    now: () => systemClock.now(),
    sleep(ms, signal) {
      if (signal) signals.add(signal);
      sleeps += 1;
      onSleep();
      return systemClock.sleep(ms, signal);
    },
  };
  return {
    clock,
    sleeps: () => sleeps,
    /** Resolves at the next sleep. */
    nextSleep: () => new Promise<void>((resolve) => (onSleep = resolve)),
    /** The most abort listeners any recorded signal has now. */
    maxListeners: () =>
      Math.max(0, ...[...signals].map((s) => getEventListeners(s, "abort").length)),
  };
}

describe("the worker pool's idle waits", () => {
  test("hundreds of poll cycles leave no listener behind and emit no MaxListenersExceededWarning", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const recorder = recordingClock();
    const pool = createWorkerPool({
      db: database.db,
      registry: createJobRegistry({}),
      workerId: "pool-test",
      clock: recorder.clock,
      logger: createLogger({ level: "silent" }),
      metrics: createMetrics(),
      concurrency: 1,
      // Long enough that no wait ends by itself: every cycle below is a wake() mid-wait.
      pollMs: 600_000,
    });
    try {
      let asleep = recorder.nextSleep();
      pool.start();
      await asleep;
      let most = 0;
      for (let cycle = 0; cycle < 200; cycle++) {
        asleep = recorder.nextSleep();
        pool.wake();
        await asleep; // the loop claimed (nothing due) and waits again
        most = Math.max(most, recorder.maxListeners());
      }
      expect(recorder.sleeps()).toBe(201);
      expect(most).toBeLessThanOrEqual(2);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a tick
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await pool.stop(1_000);
    }
  });
});
