// Groundcrew's side: enqueueJobs, then the daemon's worker pool (claimJobs … completeJob).
import { createDatabase } from "@groundcrew/core/db";
import { enqueueJob, enqueueJobs } from "@groundcrew/core/jobs";
import { loadEnv, startDaemon } from "@groundcrew/daemon";
import { analyze, timeDrain, timeEnqueue, timePickups } from "./phases.ts";
import { createTally, type DrainSystem } from "./types.ts";

/**
 * The daemon as shipped (`startDaemon`, default poll interval 1 000 ms, concurrency 10), fed by
 * `enqueueJobs` from a separate pool, as an application would.
 *
 * @example
 * ```ts
 * const sample = await groundcrewDrain.run({ url, jobs: 20_000, concurrency: 10, pickups: 5 });
 * ```
 */
export const groundcrewDrain: DrainSystem = {
  name: "Groundcrew",
  async run(workload) {
    const app = createDatabase({ url: workload.url, max: 2, applicationName: "bench-app" });
    const tally = createTally();
    let daemon: Awaited<ReturnType<typeof startDaemon>> | undefined;
    try {
      const enqueuePerS = await timeEnqueue(workload.jobs, (n) =>
        enqueueJobs(
          app.db,
          Array.from({ length: n }, () => ({ name: "noop" })),
        ),
      );
      await analyze(workload.url);
      const drainPerS = await timeDrain(tally, workload.jobs, async () => {
        daemon = await startDaemon({
          env: daemonEnv(workload.url, workload.concurrency),
          config: { jobs: { noop: { class: "default", run: async () => tally.hit() } } },
          syncSchedules: false,
        });
      });
      const pickupMs = await timePickups(tally, workload.pickups, () =>
        enqueueJob(app.db, { name: "noop" }),
      );
      const pickupWakeMs = await timePickups(tally, workload.pickups, async () => {
        await enqueueJob(app.db, { name: "noop" });
        daemon?.pool.wake();
      });
      return { enqueuePerS, drainPerS, pickupMs, pickupWakeMs };
    } finally {
      await daemon?.stop(5_000);
      await app.close();
    }
  },
};

/** The daemon's environment for a bench run: no QStash traffic, silent logs, a free port. */
export function daemonEnv(url: string, concurrency: number) {
  return loadEnv({
    DATABASE_URL: url,
    QSTASH_CURRENT_SIGNING_KEY: "sig_benchCurrent",
    QSTASH_NEXT_SIGNING_KEY: "sig_benchNext",
    GROUNDCREW_PUBLIC_URL: "http://127.0.0.1:1",
    GROUNDCREW_CONCURRENCY: String(concurrency),
    PORT: "0",
    LOG_LEVEL: "silent",
  });
}
