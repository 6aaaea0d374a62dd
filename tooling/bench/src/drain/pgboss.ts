// pg-boss's side: insert, then one worker fetching batches of 10 with LISTEN/NOTIFY wake-up.
import { PgBoss } from "pg-boss";
import { analyze, timeDrain, timeEnqueue, timePickups } from "./phases.ts";
import { createTally, type DrainSystem } from "./types.ts";

/**
 * pg-boss configured for throughput and latency as its docs suggest: LISTEN/NOTIFY on
 * (`useListenNotify`, queue `notify`), one worker fetching `concurrency` jobs per fetch and
 * running them at once, fetching again at once while batches come back full
 * (`burstWhenBatchFull`). With its defaults (batchSize 1, a 2 s poll after each job) a drain of
 * 20,000 jobs would take hours, which says nothing useful.
 *
 * @example
 * ```ts
 * const sample = await pgBossDrain.run({ url, jobs: 20_000, concurrency: 10, pickups: 5 });
 * ```
 */
export const pgBossDrain: DrainSystem = {
  name: "pg-boss",
  async run(workload) {
    const boss = new PgBoss({
      connectionString: workload.url,
      max: workload.concurrency,
      useListenNotify: true,
      schedule: false,
    });
    boss.on("error", (err) => console.error("pg-boss error:", err.message));
    const tally = createTally();
    try {
      await boss.start();
      await boss.createQueue("noop", { notify: true });
      const enqueuePerS = await timeEnqueue(workload.jobs, (n) =>
        boss.insert(
          "noop",
          Array.from({ length: n }, () => ({ data: {} })),
        ),
      );
      await analyze(workload.url);
      const options = { batchSize: workload.concurrency, burstWhenBatchFull: true } as const;
      const drainPerS = await timeDrain(tally, workload.jobs, () =>
        boss.work("noop", options, async (jobs) => {
          await Promise.all(jobs.map(async () => tally.hit()));
        }),
      );
      const pickupMs = await timePickups(tally, workload.pickups, () => boss.send("noop", {}));
      return { enqueuePerS, drainPerS, pickupMs };
    } finally {
      await boss.stop({ graceful: true, timeout: 5_000 });
    }
  },
};
